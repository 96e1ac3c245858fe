#!/usr/bin/env bash
# Two builds of madang side by side, alternated, on the demo city: req/s and the server's CPU per
# request (from /proc, steadier than req/s on a shared machine) for /health, the local public
# timeline and the #안양 tag timeline, each with wrk -t1 -c16 for 6 s; the new build also with
# MADANG_ACCESS_LOG=false. OLD_VENV is a virtualenv with the older build installed editable
# (a git worktree at the older commit with its own `make install-test`).
# Then, per build, the home timeline (GET /api/v1/timelines/home, home.lua) and posting
# (POST /api/v1/statuses, post.lua, c16, 6 s; the posts pile up in that build's database, the same
# number for both builds per round at equal speed) with bearer tokens of the demo's local
# accounts, made by each build's own code. ROUNDS (default 2), SKIP_NOLOG=1 leaves out the
# access-log-off variant.
#   bench/ab_serve.sh OLD_VENV [NEW_VENV] [OUT_DIR]
set -u
OLD=$1; NEW=${2:-.venv}; OUT=${3:-/tmp/madang-ab}
mkdir -p "$OUT"
command -v wrk >/dev/null || { echo "wrk missing: apt-get install -y wrk" >&2; exit 1; }
{ date -u; nproc; free -h | head -2; uptime; } | tee "$OUT/machine.txt"
cpu() { awk '{print $14+$15}' /proc/$1/stat; }
run_one() { # name venv port [extra env]
  local name=$1 venv=$2 port=$3 base=${1%-nolog}
  export MADANG_DATABASE_URL=sqlite+aiosqlite:///$OUT/$base.sqlite3 MADANG_MEDIA_PATH=$OUT/$base-media \
    MADANG_RATE_LIMIT_PER_5MIN=10000000 MADANG_EMBEDDED_WORKER=false
  if [ ! -f "$OUT/$base.sqlite3" ]; then "$venv/bin/madang" migrate >/dev/null; "$venv/bin/madang" demo load >/dev/null; fi
  if [ ! -f "$OUT/$base-tokens.tsv" ]; then "$venv/bin/python" - "$OUT/$base-tokens.tsv" <<'PY'
import asyncio, os, sys
from sqlalchemy import select
from madang.auth.tokens import issue_token
from madang.db import Database
from madang.models import Account
async def main():
    db = Database(os.environ["MADANG_DATABASE_URL"])
    lines = ["account_id\tusername\ttoken"]
    async with db.write() as s:
        for a in list(await s.scalars(select(Account).where(Account.domain.is_(None)).order_by(Account.id).limit(200))):
            t = await issue_token(s, application=None, account=a, scopes=["read", "write"])
            lines.append(f"{a.id}\t{a.username}\t{t.token}")
    await db.dispose()
    open(sys.argv[1], "w").write("\n".join(lines) + "\n")
asyncio.run(main())
PY
  fi
  MADANG_PORT=$port "$venv/bin/madang" serve > "$OUT/$name-serve.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.2; done
  sleep 1
  local child; child=$(pgrep -P $pid | head -1); child=${child:-$pid}
  for path in /health "/api/v1/timelines/public?local=true" "/api/v1/timelines/tag/%EC%95%88%EC%96%91"; do
    local c0 c1 out n rps
    c0=$(cpu "$child"); out=$(wrk -t1 -c16 -d6s "http://127.0.0.1:$port$path" 2>&1); c1=$(cpu "$child")
    n=$(echo "$out" | awk '/requests in/{print $1}'); rps=$(echo "$out" | awk '/Requests\/sec/{print $2}')
    echo "$name $path req/s=$rps cpu_us/req=$(( (c1 - c0) * 10000000 / (n > 0 ? n : 1) / 1000 ))"
  done
  for script in home post; do
    local c0 c1 out n rps p99
    c0=$(cpu "$child")
    out=$(wrk -t1 -c16 -d6s --latency -s "$(dirname "$0")/wrk/$script.lua" "http://127.0.0.1:$port" -- "$OUT/$base-tokens.tsv" 200 2>&1)
    c1=$(cpu "$child")
    n=$(echo "$out" | awk '/requests in/{print $1}'); rps=$(echo "$out" | awk '/Requests\/sec/{print $2}')
    p99=$(echo "$out" | awk '$1=="99%"{print $2}'); local bad; bad=$(echo "$out" | awk '/Non-2xx/{print $NF}')
    echo "$name $script req/s=$rps p99=$p99 non2xx=${bad:-0} cpu_us/req=$(( (c1 - c0) * 10000000 / (n > 0 ? n : 1) / 1000 ))"
  done
  kill $pid; wait $pid 2>/dev/null
}
for _ in $(seq 1 "${ROUNDS:-2}"); do
  run_one old "$OLD" 8101
  run_one new "$NEW" 8102
  [ -n "${SKIP_NOLOG:-}" ] || MADANG_ACCESS_LOG=false run_one new-nolog "$NEW" 8103
done
