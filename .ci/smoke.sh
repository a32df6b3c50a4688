#!/usr/bin/env bash
# Starts the service the way the README does, with DATABASE_URL unset (embedded PostgreSQL), waits for
# /health/ready, signs in as the bootstrap admin, then stops it with SIGTERM and checks it exits cleanly.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${SMOKE_PORT:-3917}
data=$(mktemp -d /tmp/dateline-smoke-XXXXXX)
log="$data/server.log"
chmod 777 "$data"
env -u DATABASE_URL PORT=$port DATA_DIR="$data" ADMIN_EMAIL=smoke@dateline.test ADMIN_PASSWORD=smoke-password-1 \
  LOG_LEVEL=info node dist/main.js >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$data"' EXIT
start=$(date +%s.%N)
for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; then break; fi
  if ! kill -0 $pid 2>/dev/null; then echo "server exited early:"; cat "$log"; exit 1; fi
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null || { echo "not ready after 60 s"; tail -50 "$log"; exit 1; }
echo "ready after $(echo "$(date +%s.%N) - $start" | bc) s"
token=$(curl -fsS -X POST "http://127.0.0.1:$port/api/v1/auth/login" -H 'content-type: application/json' \
  -d '{"email":"smoke@dateline.test","password":"smoke-password-1"}' | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).accessToken))')
curl -fsS "http://127.0.0.1:$port/api/v1/auth/me" -H "authorization: Bearer $token" | grep -q smoke@dateline.test
echo "signed in as the bootstrap admin"
# The desk (built by npm run build) is served at /desk/ and / leads there.
curl -fsS -D "$data/desk.headers" "http://127.0.0.1:$port/desk/stories" | grep -q '<div id="root">'
grep -qi '^cache-control: no-cache' "$data/desk.headers"
[ "$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "http://127.0.0.1:$port/")" = "302 http://127.0.0.1:$port/desk/" ]
echo "desk served at /desk/"
kill -TERM $pid
for _ in $(seq 1 40); do kill -0 $pid 2>/dev/null || break; sleep 0.25; done
if kill -0 $pid 2>/dev/null; then echo "did not stop within 10 s of SIGTERM"; exit 1; fi
wait $pid && code=0 || code=$?
[ "$code" = 0 ] || { echo "exit code $code after SIGTERM"; tail -20 "$log"; exit 1; }
echo "stopped cleanly"
trap - EXIT
rm -rf "$data"
echo "smoke: 1 passed, 0 failed"
