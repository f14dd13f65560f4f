#!/usr/bin/env bash
# parkd under HTTP load (a benchmark, not a test): wrk with 64 connections
# for DURATION seconds (10) against /healthz and /work?cpu_us=50, printing
# requests/s and latency p50/p99; then the daemon's idle RSS and the CPU
# time it uses over the IDLE seconds (10) after the load stops (it should be
# close to zero: idle workers park and nothing polls).
#
# Usage: tests/bench/http_load.sh [PARKD]   (default: build/daemon/parkd)
# Environment: WORKERS (2), SPIN_US (20: runtime.spin_before_park_us),
#              SLICE_US (100: runtime.worker_slice_us),
#              DURATION (10), IDLE (10), CONNECTIONS (64), THREADS (2: wrk's).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PARKD=${1:-$ROOT/build/daemon/parkd}
WORKERS=${WORKERS:-2}
SPIN_US=${SPIN_US:-20}
SLICE_US=${SLICE_US:-100}
DURATION=${DURATION:-10}
IDLE=${IDLE:-10}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
command -v wrk >/dev/null || { echo "http_load.sh: needs wrk (apt-get install wrk)" >&2; exit 1; }

tmp=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$tmp/parkd.toml" <<TOML
[runtime]
workers = $WORKERS
spin_before_park_us = $SPIN_US
worker_slice_us = $SLICE_US
[listen]
tcp = ["127.0.0.1:$port"]
[http]
max_connections = 4096
TOML
"$PARKD" --config "$tmp/parkd.toml" 2>"$tmp/log" &
pid=$!
for _ in $(seq 200); do grep -q started "$tmp/log" && break; sleep 0.05; done

# CPU time of a process in seconds (utime + stime from /proc/PID/stat).
cpu_seconds() {
  awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$1/stat"
}

echo "# parkd http load: WORKERS=$WORKERS SPIN_US=$SPIN_US SLICE_US=$SLICE_US, wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s, $(nproc) CPUs, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "# endpoint requests_per_s latency_p50 latency_p99 socket_errors non_2xx"
for path in /healthz "/work?cpu_us=50"; do
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency \
    "http://127.0.0.1:$port$path" >"$tmp/wrk"
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$tmp/wrk")
  p50=$(awk '$1 == "50%" {print $2}' "$tmp/wrk")
  p99=$(awk '$1 == "99%" {print $2}' "$tmp/wrk")
  errors=$(awk '/Socket errors/ {print $0}' "$tmp/wrk" | sed 's/.*errors: //')
  non2xx=$(awk '/Non-2xx/ {print $NF}' "$tmp/wrk")
  echo "$path $rps $p50 $p99 ${errors:-0} ${non2xx:-0}"
done

# Idle: let the last connections close, then measure.
sleep 1
cpu0=$(cpu_seconds "$pid")
sleep "$IDLE"
cpu1=$(cpu_seconds "$pid")
rss_kib=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
echo "idle_rss_kib $rss_kib"
echo "idle_cpu_seconds_over_${IDLE}s $(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN {printf "%.3f", b - a}')"
kill -TERM "$pid"
wait "$pid" || true
pid=""
