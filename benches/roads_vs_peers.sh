#!/usr/bin/env bash
# Road stage vs the peer tools, side by side in one run; prints markdown tables for BENCHMARKS.md.
# Needs the peers: ../shared/peers/setup.sh roads (installs into ~/.cache/wasteroute-peers).
# Usage: benches/roads_vs_peers.sh [--quick] [--runs N]   (CASES=..., TOOLS=... to choose)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=${PEERS_WORK:-$HOME/.cache/wasteroute-peers}
py="$work/roads/.venv/bin/python"
if [ ! -x "$py" ]; then
  echo "peers not installed: run ../shared/peers/setup.sh roads first" >&2
  exit 1
fi
cargo build --release --quiet --manifest-path "$here/../Cargo.toml"
exec "$py" "$here/roads_vs_peers.py" "$@"
