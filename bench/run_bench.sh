#!/usr/bin/env bash
# The whole benchmark, bounded (about 10 minutes), loopback only:
#   bench/run_bench.sh [OUT_DIR]          (default /tmp/madang-bench)
# 1. seed 1,000,000 statuses (bench/seed.py) unless OUT_DIR/bench.db exists (~1.5 min),
# 2. wrk on the home timeline and on posting, one then two processes, with idle memory,
#    the bare-uvicorn ceiling and py-spy profiles (bench/run_bench.py),
# 3. fan-out delay to the last of 100,000 and of 50 followers (bench/fanout.py),
# 4. per-request anatomy: statements and phases (bench/probe_queries.py, bench/micro_queries.py).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-/tmp/madang-bench}
PY=.venv/bin/python
mkdir -p "$OUT"
command -v wrk >/dev/null || { echo "wrk missing: apt-get update && apt-get install -y wrk" >&2; exit 1; }
[ -x .venv/bin/py-spy ] || .venv/bin/pip install -q py-spy

{ date -u; nproc; free -h; grep -m1 'model name' /proc/cpuinfo; uptime; } | tee "$OUT/machine.txt"
if [ ! -f "$OUT/bench.db" ]; then
  $PY bench/seed.py --db "$OUT/bench.db" --tokens-out "$OUT/tokens.tsv" \
    --accounts 10000 --follows 40 --statuses 1000000 --feed-cap 800
fi
$PY bench/run_bench.py --db "$OUT/bench.db" --tokens "$OUT/tokens.tsv" --workers 1 2 --duration 20 \
  --bare --mixed --profile "$OUT/profiles" --log-dir "$OUT" --json-out "$OUT/run_bench.json" | tee "$OUT/run_bench.txt"
$PY bench/fanout.py --db "$OUT/fanout.db" --json-out "$OUT/fanout.json" | tee "$OUT/fanout.txt"
$PY bench/fanout.py --db "$OUT/fanout.db" --under-load --json-out "$OUT/fanout-under-load.json" \
  | tee "$OUT/fanout-under-load.txt"
$PY bench/probe_queries.py --db "$OUT/bench.db" --tokens "$OUT/tokens.tsv" --requests 500 --phases \
  | tee "$OUT/probe-home.txt"
$PY bench/micro_queries.py --db "$OUT/bench.db" --tokens "$OUT/tokens.tsv" | tee "$OUT/micro.txt"
