#!/usr/bin/env bash
# Time-window benchmarks, wasteroute and PyVRP 0.14 on the same files, interleaved per
# instance so that machine load hits both alike; prints one markdown table per set.
#
#   benches/time_side_by_side.sh SECONDS THREADS OUTDIR
#   SETS="solomon gh mtvrp kim" PEERS=pyvrp SEED=1 KIM_SECONDS=60 benches/time_side_by_side.sh 30 2 /tmp/tw30
#
# Sets (under ../shared/benchmarks): solomon (vrptw_solomon/*.txt), gh (vrptw_gh1000/*.vrp),
# mtvrp (mtvrptwr_yang/*.vrp), kim (wcvrptw_kim/*_stop.txt; wasteroute only: no peer models
# Kim's disposal trips with the lunch break, the reference is the paper's table; every Kim plan
# is checked by benches/kim_check.py, which shares no code with wasteroute).
# PyVRP runs one thread (benches/vrptw_pyvrp.py); PEERS="" runs wasteroute alone. Kim's
# instances have no time target in the issue: KIM_SECONDS sets theirs (default SECONDS).
# Needs: cargo build --release; ../shared/peers/setup.sh vrp for PyVRP.
set -uo pipefail
[ $# -ge 3 ] || { sed -n 2,14p "$0"; exit 2; }
here=$(cd "$(dirname "$0")/.." && pwd)
secs=$1; threads=$2; out=$3
sets=${SETS:-"solomon gh mtvrp kim"}
peers=${PEERS-pyvrp}
seed=${SEED:-1}
shared=${WASTEROUTE_SHARED:-$here/../shared}
py=${PEERS_WORK:-$HOME/.cache/wasteroute-peers}/vrp/.venv/bin/python
bin=${WASTEROUTE_BIN:-$here/target/release/wasteroute}
b=$shared/benchmarks
mkdir -p "$out/sol"
: > "$out/load.log"
for set in $sets; do
  case $set in
    solomon) cmd=vrptw; files=("$b"/vrptw_solomon/*.txt) ;;
    gh) cmd=vrptw; files=("$b"/vrptw_gh1000/*.vrp) ;;
    mtvrp) cmd=mtvrp; files=("$b"/mtvrptwr_yang/*.vrp) ;;
    kim) cmd=kim; files=("$b"/wcvrptw_kim/*_stop.txt) ;;
    *) echo "unknown set $set" >&2; exit 2 ;;
  esac
  : > "$out/$set.ours.md"; : > "$out/$set.peers.jsonl"
  [ "$set" = kim ] && : > "$out/kim.check.txt"
  for f in "${files[@]}"; do
    name=$(basename "${f%.*}")
    echo "$(date +%T) $set $name $(uptime | sed 's/.*load/load/')" >> "$out/load.log"
    s=$secs; [ "$set" = kim ] && s=${KIM_SECONDS:-$secs}
    "$bin" bench "$cmd" "$f" --seconds "$s" --threads "$threads" --seed "$seed" \
      --bks "$b/bks.csv" --sol-dir "$out/sol" 2>> "$out/ours.log" \
      | grep "^| $name " >> "$out/$set.ours.md"
    if [ "$set" = kim ]; then
      # The plan checked by a program that shares no code with wasteroute (it prints one
      # line per plan, then one per broken rule).
      if [ -f "$out/sol/$name.json" ]; then
        python3 "$here/benches/kim_check.py" "$f" "$out/sol/$name.json" >> "$out/kim.check.txt" 2>&1
      else
        echo "$name: no plan written" >> "$out/kim.check.txt"
      fi
    else
      for p in $peers; do
        "$py" "$here/benches/vrptw_pyvrp.py" "$f" --seconds "$secs" --seed "$seed" \
          >> "$out/$set.peers.jsonl" 2>> "$out/peers.log"
      done
    fi
    echo "$(date +%T) $set $name: $(tail -n1 "$out/$set.ours.md")" >&2
  done
done
python3 - "$out" "$sets" "$b/bks.csv" <<'PY'
import csv, json, sys, statistics
out, sets, bks_path = sys.argv[1], sys.argv[2].split(), sys.argv[3]
bks = {r["instance"]: float(r["bks_cost"]) for r in csv.DictReader(open(bks_path)) if r["bks_cost"]}
gap = lambda c, b: 100 * (c - b) / b
for s in sets:
    rows = [[x.strip() for x in l.strip().strip("|").split("|")] for l in open(f"{out}/{s}.ours.md") if l.strip()]
    print(f"\n### {s}\n")
    if s == "kim":
        print("| instance | stops | vehicles | distance (mi) | Kim ext. insertion | Kim clustering | volume bound | vehicles <= Kim | distance vs Kim % | target met | seconds |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | :---: | ---: | :---: | ---: |")
        for r in rows:
            print("| " + " | ".join(r) + " |")
        d = [float(r[8]) for r in rows if r[8] != "-"]
        if d:
            print(f"| **mean** | | | | | | | | **{statistics.mean(d):+.2f}** | {sum(r[9] == 'yes' for r in rows)} of {len(rows)} | |")
        try:
            checked = [l for l in open(f"{out}/kim.check.txt") if not l.startswith("  ")]
        except FileNotFoundError:
            checked = []
        ok = sum(" 0 broken rules" in l for l in checked)
        print(f"\nbenches/kim_check.py (no code shared with wasteroute): {ok} of {len(rows)} plans break no rule")
        for l in checked:
            if " 0 broken rules" not in l:
                print("  " + l.rstrip())
        continue
    peer = {}
    for l in open(f"{out}/{s}.peers.jsonl"):
        j = json.loads(l)
        if j.get("feasible") and j.get("cost") is not None:
            peer[j["instance"]] = (j["cost"], j["routes"])
    print("| instance | n | BKS | wasteroute cost | routes | gap % | PyVRP cost | routes | gap % |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    g1, g2 = [], []
    for r in rows:
        name, n, cost, routes = r[0], r[1], float(r[3]), r[4]
        b = bks.get(name)
        ga = gap(cost, b) if b else None
        p = peer.get(name)
        gb = gap(p[0], b) if (b and p) else None
        if ga is not None: g1.append(ga)
        if gb is not None: g2.append(gb)
        f = lambda x: "-" if x is None else f"{x:.2f}"
        print(f"| {name} | {n} | {b if b else '-'} | {cost:.1f} | {routes} | {f(ga)} | {p[0] if p else '-'} | {p[1] if p else '-'} | {f(gb)} |")
    m = lambda v: f"**{statistics.mean(v):.2f}**" if v else "-"
    print(f"| **mean** | | | | | {m(g1)} | | | {m(g2)} |")
PY
