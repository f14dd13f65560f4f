#!/usr/bin/env bash
# Load tests of parkd's HTTP service with real clients on loopback, bounded
# in time: wrk must see zero socket errors and zero non-2xx answers for
# valid requests; then SIGTERM under load must answer every request that
# was sent before the signal (tests/daemon/sigterm_load_client.py).
# Usage: http_load_test.sh PARKD SOURCE_DIR
set -uo pipefail
PARKD=$1
HERE=$2
tmp=$(mktemp -d)
pid=""
cleanup() {
  [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
source "$(dirname "${BASH_SOURCE[0]}")/check_lib.sh"
start() {
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  printf '[runtime]\nworkers = 2\n[listen]\ntcp = ["127.0.0.1:%s"]\n[http]\nmax_connections = 256\n' \
    "$port" >"$tmp/parkd.toml"
  "$PARKD" --config "$tmp/parkd.toml" 2>"$tmp/log" &
  pid=$!
  for _ in $(seq 200); do grep -q started "$tmp/log" && break; sleep 0.05; done
}

start
for path in "/healthz" "/work?cpu_us=50"; do
  timeout 30 wrk -t2 -c32 -d3s --latency "http://127.0.0.1:$port$path" >"$tmp/wrk" 2>&1
  cat "$tmp/wrk"
  check "wrk $path ran" grep -q "Requests/sec" "$tmp/wrk"
  check "wrk $path: no socket errors" bash -c "! grep -q 'Socket errors' '$tmp/wrk'"
  check "wrk $path: no non-2xx" bash -c "! grep -q 'Non-2xx' '$tmp/wrk'"
done
kill -TERM "$pid"
wait "$pid"
check "exit 0 after load" [ $? -eq 0 ]
pid=""

start
timeout 60 python3 "$HERE/sigterm_load_client.py" "$port" "$pid"
check "every request sent before SIGTERM was answered" [ $? -eq 0 ]
wait "$pid"
check "drain under load exits 0" [ $? -eq 0 ]
pid=""
check "no work abandoned" grep -q "PARKD_ABANDONED_TASKS=0 PARKD_ABANDONED_TIMERS=0 PARKD_ABANDONED_CONNECTIONS=0" "$tmp/log"

check_summary
