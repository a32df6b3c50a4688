#!/bin/bash
# Alternating A/B read benchmark of two built checkouts (each with `nest build` done) against one database
# already loaded by `npm run bench` (dateline_bench_10000), read cache off, three rounds of A, B and D with
# ../shared/bench/bench.mjs. The newer build starts first, so its migrations run and its re-render of older
# documents finishes before anything is measured.
#   BEFORE_DIR=/path/to/old/checkout AFTER_DIR=/path/to/new/checkout bash bench/ab-reads.sh
set -u
SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)
BEFORE_DIR=${BEFORE_DIR:?checkout of the older build} AFTER_DIR=${AFTER_DIR:?checkout of the newer build}
export BENCH_ROOT=/tmp/dateline-bench/10000
start() { # dir port
  cd $1
  env NODE_ENV=production LOG_LEVEL=warn JWT_SECRET=bench-only-secret-0123456789abcdefghijklmnopqrstuv HOST=127.0.0.1 \
    RATE_LIMIT_ANON_PER_MINUTE=100000000 CONTENT_API_PUBLIC=true REDIS_URL= CONTENT_READ_CACHE=false \
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dateline_bench_10000 DATA_DIR=/tmp/ab-data-$2 PORT=$2 \
    node --max-old-space-size=192 dist/main.js > /tmp/ab-$2.log 2>&1 &
  echo $! > /tmp/ab-$2.pid
  for i in $(seq 1 120); do curl -sf http://127.0.0.1:$2/health/live >/dev/null 2>&1 && return 0; sleep 1; done
  echo "server $1 did not start"; cat /tmp/ab-$2.log; return 1
}
start "$AFTER_DIR" 3921 || exit 1
# The newer build re-renders live documents of an older schema after start-up (PUBLIC_DOCUMENT_SCHEMA of
# the newer build): wait until that is done.
schema=$(grep -oP 'export const PUBLIC_DOCUMENT_SCHEMA = \K[0-9]+' "$AFTER_DIR/src/publishing/publication.renderer.ts")
[ -n "$schema" ] || { echo "PUBLIC_DOCUMENT_SCHEMA not found in $AFTER_DIR"; exit 1; }
for i in $(seq 1 600); do
  n=$(psql -h 127.0.0.1 -U postgres -d dateline_bench_10000 -Atc "SELECT count(*) FROM publication WHERE status = 'live' AND document_schema < $schema")
  [ "$n" = "0" ] && break; sleep 2
done
echo "outdated documents left: $n"
start "$BEFORE_DIR" 3920 || { kill $(cat /tmp/ab-3921.pid); exit 1; }
for round in 1 2 3; do
  for port in 3920 3921; do
    label=$([ $port = 3920 ] && echo before || echo after)
    echo "round $round $label $(cat /proc/loadavg)"
    node "${BENCH_SHARED:-$SCRIPT_DIR/../../shared/bench}/bench.mjs" --base http://127.0.0.1:$port --pid $(cat /tmp/ab-$port.pid) --label $label \
      --connections 32 --warmup 5 --duration 10 --A '/api/v1/content/articles/{slug}' \
      --B '/api/v1/content/articles?tag={tag}&limit=20' --D '/api/v1/content/articles?q={word}&limit=20'
  done
done
kill $(cat /tmp/ab-3920.pid) $(cat /tmp/ab-3921.pid)
