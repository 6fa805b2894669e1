#!/usr/bin/env bash
# Scale benchmark (issue 5): a province-sized synthetic map, then load, matrix and a 2,000-park
# week on it, each with wall time and peak memory (GNU time); prints a markdown table.
#
#   benches/scale.sh OUTDIR [SCALE=10] [PARKS=2000] [SECONDS_PER_DAY=30]
#
# Needs: cargo build --release --bins --examples; /usr/bin/time (GNU time).
set -euo pipefail
[ $# -ge 1 ] || { sed -n 2,7p "$0"; exit 2; }
here=$(cd "$(dirname "$0")/.." && pwd)
out=$1; scale=${2:-10}; parks=${3:-2000}; secs=${4:-30}
bin=${WASTEROUTE_BIN:-$here/target/release/wasteroute}
ex=$here/target/release/examples/province_scenario
mkdir -p "$out"
map=$out/province-$scale.osm.pbf
rows=()
# Runs a step under GNU time; keeps its output in $out/<name>.log.
step() {
  local name=$1; shift
  local f=$out/$(echo "$name" | tr -c 'a-zA-Z0-9,.\n-' '_')
  /usr/bin/time -v "$@" > "$f.log" 2> "$f.time" || { cat "$f.time" >&2; exit 1; }
  local wall rss
  wall=$(grep "Elapsed (wall clock)" "$f.time" | awk '{print $NF}')
  rss=$(grep "Maximum resident" "$f.time" | awk '{print $NF}')
  rows+=("| $name | $wall | $((rss / 1024)) |")
  echo "$(date +%T) $name: $wall, $((rss / 1024)) MiB" >&2
}
step "demo-map --scale $scale" "$bin" demo-map --scale "$scale" --out "$map"
step "inspect (load + graph)" "$bin" inspect "$map"
step "matrix, 1,000 random sites" "$bin" matrix "$map" --random 1000 --seed 1 --out "$out/matrix.csv"
step "scenario ($parks parks)" "$ex" "$map" "$out/scenario" "$parks" 1
step "plan the week ($parks parks, $secs s/day)" "$bin" plan "$out/scenario/scenario.toml" --out "$out/plan" --seconds "$secs" --no-maps
echo "| step | wall (m:ss) | peak memory (MiB) |"
echo "| --- | ---: | ---: |"
printf '%s\n' "${rows[@]}"
echo
cat "$out"/inspect*.log; echo; grep -A12 "^day " "$out"/plan_the_week*.log || true
