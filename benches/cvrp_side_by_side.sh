#!/usr/bin/env bash
# wasteroute and the peer solvers on the same CVRPLIB instances, interleaved per instance so
# that machine load hits all of them alike; prints one markdown table of gaps to the BKS.
#
#   benches/cvrp_side_by_side.sh SECONDS THREADS OUTDIR FILE.vrp...
#   PEERS="pyvrp vroom vrpcli" SEED=1 benches/cvrp_side_by_side.sh 30 2 /tmp/x30 ../shared/benchmarks/cvrp_x/*.vrp
#
# Needs: cargo build --release; the peers installed by ../shared/peers/setup.sh vrp (PEERS=""
# runs wasteroute alone). Writes OUTDIR/ours.md (our table rows), OUTDIR/peers.jsonl
# (run_peer.py lines), OUTDIR/load.log (uptime before each instance), OUTDIR/sol/*.sol.
set -uo pipefail
[ $# -ge 4 ] || { sed -n 2,10p "$0"; exit 2; }
here=$(cd "$(dirname "$0")/.." && pwd)
secs=$1; threads=$2; out=$3; shift 3
peers=${PEERS-"pyvrp vroom vrpcli"}
seed=${SEED:-1}
work=${PEERS_WORK:-$HOME/.cache/wasteroute-peers}
py=$work/vrp/.venv/bin/python
runp=${WASTEROUTE_SHARED:-$here/../shared}/peers/vrp/run_peer.py
bin=${WASTEROUTE_BIN:-$here/target/release/wasteroute}
mkdir -p "$out/sol"
: > "$out/ours.md"; : > "$out/peers.jsonl"; : > "$out/load.log"
for f in "$@"; do
  name=$(basename "$f" .vrp)
  echo "$(date +%T) $name $(uptime | sed 's/.*load/load/')" >> "$out/load.log"
  "$bin" bench cvrp "$f" --seconds "$secs" --threads "$threads" --seed "$seed" --sol-dir "$out/sol" \
    | grep "^| $name " >> "$out/ours.md"
  for p in $peers; do
    "$py" "$runp" "$p" "$f" --seconds "$secs" --seed "$seed" >> "$out/peers.jsonl" 2>> "$out/peers.log"
  done
  echo "$(date +%T) done $name: $(tail -n1 "$out/ours.md")" >&2
done
python3 - "$out" "$peers" "${WASTEROUTE_SHARED:-$here/../shared}/benchmarks/bks.csv" <<'PY'
import csv, json, sys, statistics
out, peers, bks_path = sys.argv[1], sys.argv[2].split(), sys.argv[3]
bks = {r["instance"]: float(r["bks_cost"]) for r in csv.DictReader(open(bks_path)) if r["bks_cost"]}
ours = {}
for line in open(f"{out}/ours.md"):
    c = [x.strip() for x in line.strip().strip("|").split("|")]
    ours[c[0]] = (int(c[1]), float(c[2]), int(c[3]))
res = {}
for line in open(f"{out}/peers.jsonl"):
    j = json.loads(line)
    if j.get("feasible") and j.get("cost") is not None:
        res[(j["solver"], j["instance"])] = j["cost"]
gap = lambda c, b: 100 * (c - b) / b
cols = ["wasteroute"] + peers
print("| instance | n | BKS | wasteroute cost | " + " | ".join(f"{c} gap %" for c in cols) + " |")
print("| --- | ---: | ---: | ---: | " + " | ".join("---:" for _ in cols) + " |")
gaps = {c: [] for c in cols}
for name, (n, cost, routes) in ours.items():
    b = bks[name]
    row = [gap(cost, b)] + [gap(res[(p, name)], b) if (p, name) in res else None for p in peers]
    for c, g in zip(cols, row):
        if g is not None:
            gaps[c].append(g)
    print(f"| {name} | {n} | {b:g} | {cost:g} | " + " | ".join("-" if g is None else f"{g:.2f}" for g in row) + " |")
print("| **mean** | | | | " + " | ".join(f"**{statistics.mean(v):.2f}**" if v else "-" for v in gaps.values()) + " |")
PY
