#!/usr/bin/env bash
# Waste-collection days, wasteroute and PyVRP 0.14 side by side on the plain variant of the day
# instances (docs/day-instance.md: the rules both model), at equal time, one thread each,
# interleaved per instance so that machine load hits both alike; prints a markdown table.
#
#   benches/days_side_by_side.sh SECONDS OUTDIR [FILES...]
#   SEEDS=3 benches/days_side_by_side.sh 1 /tmp/days1
#
# FILES: day instances (default benches/days/*.json*). Each instance runs SEEDS seeds (default
# 1) in both solvers; wasteroute searches the whole time (`--full-time`), as PyVRP does.
# Costs are in the instance's currency, PyVRP's recomputed from the file by
# benches/days_pyvrp.py (which also checks every rule). Needs: cargo build --release;
# ../shared/peers/setup.sh vrp.
set -uo pipefail
[ $# -ge 2 ] || { sed -n 2,13p "$0"; exit 2; }
here=$(cd "$(dirname "$0")/.." && pwd)
secs=$1; out=$2; shift 2
files=("$@")
[ ${#files[@]} -gt 0 ] || files=("$here"/benches/days/*.json*)
seeds=${SEEDS:-1}
py=${PEERS_WORK:-$HOME/.cache/wasteroute-peers}/vrp/.venv/bin/python
bin=${WASTEROUTE_BIN:-$here/target/release/wasteroute}
mkdir -p "$out"
: > "$out/ours.csv"; : > "$out/pyvrp.jsonl"; : > "$out/load.log"
for f in "${files[@]}"; do
  for k in $(seq 1 "$seeds"); do
    echo "$(date +%T) $(basename "$f") seed $k $(uptime | sed 's/.*load/load/')" >> "$out/load.log"
    "$bin" bench days "$f" --variant plain --full-time --seconds "$secs" --threads 1 \
      --seed "$k" --csv "$out/one.csv" > /dev/null 2>> "$out/ours.log"
    tail -n +2 "$out/one.csv" >> "$out/ours.csv"
    "$py" "$here/benches/days_pyvrp.py" "$f" --seconds "$secs" --seed "$k" \
      >> "$out/pyvrp.jsonl" 2>> "$out/pyvrp.log"
  done
  echo "$(date +%T) $(basename "$f") done" >&2
done
rm -f "$out/one.csv"
python3 - "$out" "$secs" <<'PY'
import csv, json, statistics, sys
out, secs = sys.argv[1], sys.argv[2]
ours, peer = {}, {}
for r in csv.reader(open(f"{out}/ours.csv")):
    ours.setdefault(r[0], []).append((float(r[3]), int(r[4])))
for line in open(f"{out}/pyvrp.jsonl"):
    j = json.loads(line)
    peer.setdefault(j["instance"], []).append((j["cost"], j["trucks"]))
print(f"| instance ({secs} s, plain variant) | wasteroute median cost | trucks | PyVRP median cost | trucks | wasteroute vs PyVRP % |")
print("| --- | ---: | ---: | ---: | ---: | ---: |")
deltas, wins = [], 0
for name in ours:
    o = statistics.median_low([c for c, _ in ours[name]])
    ot = sorted({t for _, t in ours[name]})
    p_runs = [c for c, _ in peer.get(name, []) if c is not None]
    p = statistics.median_low(p_runs) if p_runs else None
    pt = sorted({t for c, t in peer.get(name, []) if c is not None})
    d = None if p is None else 100 * (o - p) / p
    if d is not None:
        deltas.append(d)
        # Within 0.01 %: a tie (wasteroute reports durations from a departure on its whole-
        # second grid, a few seconds a route over the exact minimum the script computes).
        wins += d <= 0.01
    show = lambda ts: "-".join(map(str, (ts[0], ts[-1]))) if len(ts) > 1 else (str(ts[0]) if ts else "-")
    print(f"| {name} | {o:.2f} | {show(ot)} | {'-' if p is None else f'{p:.2f}'} | {show(pt)} | {'-' if d is None else f'{d:+.3f}'} |")
if deltas:
    print(f"\nwasteroute at or below PyVRP (ties within 0.01 %) on {wins} of {len(deltas)} days; mean difference {statistics.mean(deltas):+.2f} %")
PY
