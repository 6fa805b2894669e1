#!/usr/bin/env bash
# Same plans before and after a change that must not change what the solver does (a
# restructure, a rename, a faster data layout): every kind of problem at a fixed number of
# iterations, one thread, fixed seeds, so that the runs repeat exactly. Prints one line per
# run, without timings; run it with the two binaries and compare:
#
#   benches/same_results.sh > /tmp/after.txt
#   WASTEROUTE_BIN=/work/base/target/release/wasteroute benches/same_results.sh > /tmp/before.txt
#   diff /tmp/before.txt /tmp/after.txt && echo identical
#
# Covers CVRP (X), VRPTW (Solomon, Gehring-Homberger), multi-trip with time windows (Yang),
# waste collection with disposal trips and the lunch break (Kim, fewest trucks first), the
# waste-collection days of benches/days (full rules and the plain variant) and the demo week
# planned end to end. About 30 s on 2 cores. Needs ../shared/benchmarks.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${WASTEROUTE_BIN:-$here/target/release/wasteroute}
b=${WASTEROUTE_SHARED:-$here/../shared}/benchmarks
[ -x "$bin" ] || { echo "no binary at $bin: cargo build --release" >&2; exit 2; }
[ -d "$b" ] || { echo "no benchmarks at $b (../shared/benchmarks)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A bench table's rows, without the header and the last column (seconds).
rows() { grep '^| ' | grep -v -e '^| instance' -e '^| ---' | sed 's/| [^|]* |$/|/'; }

for seed in 1 2; do
  echo "# seed $seed"
  "$bin" bench cvrp "$b"/cvrp_x/X-n101-k25.vrp "$b"/cvrp_x/X-n242-k48.vrp \
    --iterations 200 --threads 1 --seed "$seed" 2>/dev/null | rows
  "$bin" bench vrptw "$b"/vrptw_solomon/{R107,RC204,C101}.txt "$b"/vrptw_gh1000/R2_10_1.vrp \
    --iterations 100 --threads 1 --seed "$seed" 2>/dev/null | rows
  "$bin" bench mtvrp "$b"/mtvrptwr_yang/{C201R0.5,R2_2_01R0.5}.vrp \
    --iterations 200 --threads 1 --seed "$seed" 2>/dev/null | rows
  "$bin" bench kim "$b"/wcvrptw_kim/{102,277}_stop.txt \
    --iterations 100 --threads 1 --seed "$seed" 2>/dev/null | rows
  for variant in full plain; do
    "$bin" bench days "$here"/benches/days/{cixi-Tue,cixi+parks-under-construction-Fri,malta-Fri}.json \
      "$here"/benches/days/milan-Tue.json.gz --variant "$variant" --full-time \
      --iterations 300 --threads 1 --seed "$seed" --csv "$tmp/days.csv" >/dev/null 2>&1
    # instance,variant,seed,cost,trucks,seconds,iterations,stopped: without the seconds.
    tail -n +2 "$tmp/days.csv" | cut -d, -f1-5,7-
  done
  "$bin" plan "$here"/maps/cixi/scenario.toml --iterations 300 --threads 1 --seed "$seed" \
    --out "$tmp/plan$seed" 2>/dev/null | grep -E '^(Mon|Tue|Wed|Thu|Fri|week) '
done
