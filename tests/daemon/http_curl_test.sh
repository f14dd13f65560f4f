#!/usr/bin/env bash
# Process tests of parkd's HTTP service with a real client (curl): every
# endpoint, every kind of bad input, keep-alive and pipelining, limits.
# Usage: http_curl_test.sh PARKD
set -uo pipefail
PARKD=$1
tmp=$(mktemp -d)
pid=""
cleanup() {
  [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
source "$(dirname "${BASH_SOURCE[0]}")/check_lib.sh"

# A free loopback port, chosen by the kernel.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
sock="$tmp/parkd.sock"
cat >"$tmp/parkd.toml" <<TOML
[runtime]
workers = 2
[listen]
tcp = ["127.0.0.1:$port"]
unix = ["$sock"]
[http]
max_connections = 8
max_header_bytes = 1024
request_timeout_ms = 400
idle_timeout_ms = 800
work_max_cpu_us = 1000
work_max_sleep_ms = 500
TOML
"$PARKD" --config "$tmp/parkd.toml" 2>"$tmp/log" &
pid=$!
for _ in $(seq 200); do grep -q started "$tmp/log" && break; sleep 0.05; done
base="http://127.0.0.1:$port"

# code URL [curl args...] -> prints the status code
code() { curl -s -o "$tmp/body" -w '%{http_code}' --max-time 5 "$@"; }

check "healthz 200" [ "$(code "$base/healthz")" = 200 ]
check "healthz body" grep -qx ok "$tmp/body"
check "healthz over the unix socket" [ "$(code --unix-socket "$sock" http://parkd/healthz)" = 200 ]
check "stats 200" [ "$(code "$base/stats")" = 200 ]
check "stats is JSON with the counters" python3 -c "
import json,sys; d=json.load(open('$tmp/body'))
assert len(d['workers'])==2 and 'parks_driver' in d['total'] and 'parked_now' in d['total']"
check "metrics 200" [ "$(code "$base/metrics")" = 200 ]
check "metrics has HELP/TYPE and _total counters" bash -c "
grep -q '^# TYPE parkd_parks_driver_total counter' '$tmp/body' &&
grep -q '^# HELP parkd_parked_workers ' '$tmp/body' &&
grep -q '^# TYPE parkd_parked_workers gauge' '$tmp/body' &&
grep -Eq '^parkd_tasks_run_total\{worker=\"1\"\} [0-9]+$' '$tmp/body'"
check "work 200" [ "$(code "$base/work?cpu_us=200&sleep_ms=20")" = 200 ]
check "work body" grep -qx 'cpu_us=200 sleep_ms=20' "$tmp/body"
check "work defaults" [ "$(code "$base/work")" = 200 ]

# Bad input: what was wrong and what is allowed.
check "cpu_us over the limit 400" [ "$(code "$base/work?cpu_us=5000")" = 400 ]
check "400 says the range" grep -q 'cpu_us must be a whole number from 0 to 1000, got "5000"' "$tmp/body"
check "malformed number 400" [ "$(code "$base/work?sleep_ms=-1")" = 400 ]
check "unknown parameter 400" [ "$(code "$base/work?cpus=1")" = 400 ]
check "unknown path 404" [ "$(code "$base/nope")" = 404 ]
check "wrong method 405" [ "$(code -X POST "$base/healthz")" = 405 ]
check "405 carries Allow" bash -c "curl -s -i -X DELETE --max-time 5 '$base/stats' | grep -qi '^Allow: GET'"
check "header too large 431" [ "$(code -H "X-Big: $(head -c 2000 /dev/zero | tr '\0' a)" "$base/healthz")" = 431 ]

# Raw sockets for what curl will not send.
raw() {  # raw PAYLOAD -> first response line (and waits for the close)
  python3 - "$port" "$1" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(sys.argv[2].encode().decode("unicode_escape").encode("latin-1"))
data = b""
while True:
    try:
        d = s.recv(65536)
    except socket.timeout:
        print("TIMEOUT"); sys.exit()
    if not d: break
    data += d
print(data.split(b"\r\n")[0].decode())
PY
}
check "malformed request 400 and close" [ "$(raw 'BLAH\r\n\r\n')" = "HTTP/1.1 400 Bad Request" ]
check "slowloris gets 408 and close" [ "$(raw 'GET /healthz HTTP/1.1\r\nHost: x\r\n')" = "HTTP/1.1 408 Request Timeout" ]
check "HTTP/1.0 closes after the answer" [ "$(raw 'GET /healthz HTTP/1.0\r\n\r\n')" = "HTTP/1.1 200 OK" ]

# Keep-alive and pipelining: three requests in one write, answered in
# order although the first one sleeps.
pipelined=$(python3 - "$port" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(b"GET /work?sleep_ms=100 HTTP/1.1\r\nHost: x\r\n\r\n"
          b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
          b"GET /work?cpu_us=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
data = b""
while True:
    d = s.recv(65536)
    if not d: break
    data += d
bodies = [part.split(b"\r\n\r\n", 1)[1].split(b"\n")[0] for part in data.split(b"HTTP/1.1 ")[1:]]
print(b"|".join(bodies).decode())
PY
)
check "pipelined answers in order" [ "$pipelined" = "cpu_us=0 sleep_ms=100|ok|cpu_us=1 sleep_ms=0" ]
check "curl reuses one connection for two requests" bash -c "
curl -s -v --max-time 5 '$base/healthz' '$base/healthz' 2>&1 | grep -q 'Re-using existing connection'"

# Connection limit: hold 8 idle connections, the 9th gets 503.
limit=$(python3 - "$port" <<'PY'
import socket, sys, time
held = [socket.create_connection(("127.0.0.1", int(sys.argv[1]))) for _ in range(8)]
time.sleep(0.2)
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
print(s.recv(200).split(b"\r\n")[0].decode())
PY
)
check "over max_connections gets 503" [ "$limit" = "HTTP/1.1 503 Service Unavailable" ]
check "idle keep-alive connections are closed" [ "$(raw '')" = "" ]

kill -TERM "$pid"
wait "$pid"
check "SIGTERM exits 0" [ $? -eq 0 ]
pid=""

# Out of file descriptors: with a 32-fd limit and 40 clients, accept4 fails
# with EMFILE; parkd pauses accepting (no busy loop), logs it, and serves
# again once clients leave.
cat >"$tmp/emfile.toml" <<TOML
[runtime]
workers = 2
[listen]
tcp = ["127.0.0.1:$port"]
[http]
max_connections = 1000
TOML
prlimit --nofile=32 "$PARKD" --config "$tmp/emfile.toml" 2>"$tmp/emfile.log" &
pid=$!
for _ in $(seq 200); do grep -q started "$tmp/emfile.log" && break; sleep 0.05; done
cpu() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) * 1000 / hz}' "/proc/$pid/stat"; }
emfile=$(python3 - "$port" "$pid" <<'PY'
import socket, sys, time
port = int(sys.argv[1])
held = []
for _ in range(40):
    held.append(socket.create_connection(("127.0.0.1", port)))
time.sleep(1.0)  # accepts fail with EMFILE meanwhile; parkd must not spin
def cpu_ms():
    f = open(f"/proc/{sys.argv[2]}/stat").read().split(")")[1].split()
    import os
    return (int(f[11]) + int(f[12])) * 1000 / os.sysconf("SC_CLK_TCK")
c0 = cpu_ms(); time.sleep(1.0); c1 = cpu_ms()
for s in held: s.close()
time.sleep(0.3)
s = socket.create_connection(("127.0.0.1", port), timeout=5)
s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
status = s.recv(100).split(b"\r\n")[0].decode()
print("%.0f %s" % (c1 - c0, status))
PY
)
check "EMFILE does not spin (CPU ms in 1 s: ${emfile%% *})" [ "${emfile%% *}" -lt 200 ]
check "serves again after EMFILE" [ "${emfile#* }" = "HTTP/1.1 200 OK" ]
check "EMFILE logged" grep -q "Too many open files .*pausing accepts for 100 ms" "$tmp/emfile.log"
kill -TERM "$pid"
wait "$pid"
pid=""
check_summary
