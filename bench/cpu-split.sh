#!/usr/bin/env bash
# Where one scenario's CPU goes, per request: the server process (user and system time) and the PostgreSQL
# backends of its database, from /proc/<pid>/stat before and after a load run of the yardstick's runner.
#
#   bash bench/cpu-split.sh                       Dateline, then the baseline, scenario A, 10k articles, 3 rounds
#   ARTICLES=1000000 ONLY=B ROUNDS=2 DURATION=10 bash bench/cpu-split.sh
#   SERVERS=dateline CACHE=true bash bench/cpu-split.sh
#   SERVERS="dateline /tmp/other/dist/main.js" bash bench/cpu-split.sh   two Dateline builds, A/B
#
# Needs the databases and dataset `npm run bench -- --articles N` left (dateline_bench_N, baseline_N,
# $BENCH_ROOT/N) and a build (`npm run build`). Servers alternate per round, on port 3950, each started for
# its run and stopped after it. Dateline runs as `npm run bench` runs it (NODE_ENV=production, LOG_LEVEL=warn,
# the heap cap, no Redis), with the read cache off unless CACHE=true. Prints one line per run.
set -euo pipefail
cd "$(dirname "$0")/.."
ARTICLES=${ARTICLES:-10000}
ONLY=${ONLY:-A}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-32}
SERVERS=${SERVERS:-dateline baseline}
CACHE=${CACHE:-false}
PORT=${PORT:-3950}
ROOT=${BENCH_ROOT:-/tmp/dateline-bench}
SHARED=${BENCH_SHARED:-../shared/bench}
PG=${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
PG_BASE=${PG%/*}
LARGE="--import=file://$PWD/bench/large-dataset.mjs"
PID=

stop() { if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; PID=; fi; }
trap stop EXIT INT TERM

start() {
  local server=$1
  if [ "$server" != baseline ]; then
    local main=dist/main.js
    [ "$server" != dateline ] && main=$server
    DATABASE_URL=$PG_BASE/dateline_bench_$ARTICLES NODE_ENV=production LOG_LEVEL=warn \
      JWT_SECRET=bench-only-secret-0123456789abcdefghijklmnopqrstuv DATA_DIR="$ROOT/dateline-data" \
      HOST=127.0.0.1 PORT=$PORT RATE_LIMIT_ANON_PER_MINUTE=100000000 CONTENT_API_PUBLIC=true REDIS_URL= \
      CONTENT_READ_CACHE=$CACHE node --max-old-space-size=192 "$main" >"$ROOT/cpu-split-server.log" 2>&1 &
  else
    BENCH_ROOT="$ROOT/$ARTICLES" BASELINE_DATABASE_URL=$PG_BASE/baseline_$ARTICLES PORT=$PORT HOST=127.0.0.1 \
      MODE=doc node "$LARGE" "$SHARED/baseline/server.mjs" >"$ROOT/cpu-split-server.log" 2>&1 &
  fi
  PID=$!
  for _ in $(seq 1 240); do
    curl -sf -o /dev/null "http://127.0.0.1:$PORT/api/v1/content/articles?limit=1" && return 0
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.5
  done
  echo "$server did not start (see $ROOT/cpu-split-server.log)" >&2
  exit 1
}

# Clock ticks (1/100 s) of a process: user, system.
ticks() { awk '{print $14, $15}' "/proc/$1/stat"; }
# Clock ticks of every backend connected to the database.
pg_ticks() {
  local t=0 p
  for p in $(psql "$PG" -Atc "SELECT pid FROM pg_stat_activity WHERE datname = '$1'"); do
    t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
  done
  echo $t
}

load() {
  local server=$1 warmup=$2 duration=$3
  local d='/api/v1/content/articles?q={word}&limit=20'
  [ "$server" = baseline ] && d='/api/v1/content/search?q={word}&limit=20'
  BENCH_ROOT="$ROOT/$ARTICLES" node "$LARGE" "$SHARED/bench.mjs" --base "http://127.0.0.1:$PORT" \
    --A '/api/v1/content/articles/{slug}' --B '/api/v1/content/articles?tag={tag}&limit=20' --D "$d" \
    --only "$ONLY" --connections "$CONNECTIONS" --warmup "$warmup" --duration "$duration" --pid "$PID" | tail -1
}

for round in $(seq 1 "$ROUNDS"); do
  for server in $SERVERS; do
    db=dateline_bench_$ARTICLES
    [ "$server" = baseline ] && db=baseline_$ARTICLES
    start "$server"
    load "$server" 3 3 >/dev/null # warm-up: pool connections open, statements prepared, pages cached
    read -r u0 s0 < <(ticks "$PID")
    p0=$(pg_ticks "$db")
    line=$(load "$server" 0 "$DURATION")
    read -r u1 s1 < <(ticks "$PID")
    p1=$(pg_ticks "$db")
    stop
    rps=$(echo "$line" | awk '{print $2}')
    n=$(awk -v r="$rps" -v d="$DURATION" 'BEGIN {print r * d}')
    per() { awk -v t="$1" -v n="$n" 'BEGIN {printf "%d", t * 10000 / n}'; }
    echo "round $round $server $ONLY ($ARTICLES): $rps req/s, p99 $(echo "$line" | awk '{print $4}') ms |" \
      "server $(per $((u1 - u0 + s1 - s0))) µs/req (user $(per $((u1 - u0))), system $(per $((s1 - s0))))" \
      "| PostgreSQL $(per $((p1 - p0))) µs/req"
  done
done
