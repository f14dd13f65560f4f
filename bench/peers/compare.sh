#!/usr/bin/env bash
# parkd beside its peers, on one machine, in one table: Tokio 1.24 and Asio
# 1.22 on the runtime workloads (at each of WORKER_COUNTS workers) and under
# light load, and nginx 1.22 on GET /healthz under wrk. Two floor columns
# (bench/peers/floor/floor.cc: one thread on a futex, no runtime) give what
# the kernel charges for a sleep and a wake in the rows where that is most
# of the cost, the light load and wake_latency: `floor` with the kernel's
# default time slice (how Tokio's and Asio's threads run), `floor100` with
# the 100 us slice parkd's workers ask for. Every program runs RUNS times,
# interleaved (tokio, asio, parkd, floor, floor100, then the next run, with
# the order rotated each run); the runtime workloads, which take seconds
# rather than minutes, run WORKLOAD_ROUNDS times in each run, the light
# load LIGHT_ROUNDS times, and wrk on /healthz HTTP_ROUNDS times against
# each server. A cell is the
# median of its values over all runs (and rounds), and the ratio columns
# are parkd's median over the peer's. Under the table, the paired rounds
# (bench/peers/paired.awk): for each row and peer, in how many rounds (a
# round runs every program once, seconds apart) parkd's number was the
# better of the two, and the median of the rounds' ratios.
# bench/peers/README.md says what each row measures.
#
# Usage: ./dev.sh compare       (installs what is missing, then runs this)
#        bench/peers/compare.sh (when the packages are there)
#
# Environment (all optional):
#   RUNS (3)                runs of every program, interleaved
#   WORKLOAD_ROUNDS (5)     rounds of the runtime workloads in each run: on a
#                           VM one process of a runtime can run 2x slower
#                           than the next (bench/peers/README.md), and
#                           RUNS x WORKLOAD_ROUNDS processes per [wN] cell
#                           keep such a process from moving its median
#   WORKER_COUNTS ("2 8")   the runtime workloads at each of these
#   REPS (10), WARMUP (3), WAKE_TRIALS (1000), WAKE_SLEEP_US (1000)
#                           passed to the workload programs
#   LIGHT_DURATION_S (5), IDLE_S (2), WORK_US (5)
#                           light load: measured seconds per program, idle
#                           seconds after it, work per task
#   LIGHT_ROUNDS (3)        rounds of the light load in each run: the VM's
#                           slow phases span several consecutive processes
#                           and double a process's CPU per task, so
#                           RUNS x LIGHT_ROUNDS processes per light-load cell
#   HTTP_DURATION_S (5), HTTP_WORKERS (2)
#                           wrk seconds per server; parkd workers and nginx
#                           worker processes
#   HTTP_ROUNDS (3)         wrk runs of each server in each run, alternating:
#                           one run's rate moves by a third from run to run
#                           (65k-92k requests/s for either server in one
#                           comparison), so RUNS x HTTP_ROUNDS wrk runs per
#                           /healthz cell
#   HTTP_SERVER_CPUS, HTTP_WRK_CPUS (unset)
#                           CPU lists (taskset -c) for the servers and for
#                           wrk in the [http] rows, e.g. 0 and 1; unset, the
#                           kernel places them
#   HTTP_SPLIT_CPUS (the first two CPUs this may use, e.g. 0:1)
#                           the [http_split] rows: the same wrk runs again,
#                           interleaved with the [http] ones, with the
#                           servers on the CPUs before the colon and wrk on
#                           those after it, so that a server's rate is its
#                           own work per request and not where the kernel
#                           puts its threads beside wrk's; empty skips them
#                           (so does a machine of one CPU, unless set)
#   QUICK=1                 a smoke run (about 2 minutes): RUNS=1
#                           WORKLOAD_ROUNDS=1 REPS=3 WAKE_TRIALS=200
#                           LIGHT_DURATION_S=1 IDLE_S=1 HTTP_DURATION_S=2
#                           LIGHT_ROUNDS=1 HTTP_ROUNDS=1,
#                           unless set otherwise
#   FORMAT=md               the table as Markdown
#   BUILD (build-release)   parkd's release tree (LTO, as ./dev.sh bench)
#   OUT                     raw outputs (default build-peers/out/DATE-TIME)
# With the defaults a comparison takes about 33 minutes on 2 CPUs (RUNS=5:
# about 55), plus the builds the first time (a few minutes).
#
# Everything this starts (benchmark programs, nginx, parkd, wrk) is
# bounded by a timeout and stopped on exit, Ctrl-C included; nginx runs
# from a generated config in a temporary prefix on a loopback port, never
# as the system's nginx service.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"

if [[ "${QUICK:-0}" == 1 ]]; then
  : "${RUNS:=1}" "${WORKLOAD_ROUNDS:=1}" "${REPS:=3}" "${WAKE_TRIALS:=200}" "${LIGHT_DURATION_S:=1}"
  : "${IDLE_S:=1}" "${HTTP_DURATION_S:=2}" "${LIGHT_ROUNDS:=1}" "${HTTP_ROUNDS:=1}"
fi
RUNS=${RUNS:-3}
WORKLOAD_ROUNDS=${WORKLOAD_ROUNDS:-5}
WORKER_COUNTS=${WORKER_COUNTS:-2 8}
REPS=${REPS:-10}
WARMUP=${WARMUP:-3}
WAKE_TRIALS=${WAKE_TRIALS:-1000}
WAKE_SLEEP_US=${WAKE_SLEEP_US:-1000}
LIGHT_DURATION_S=${LIGHT_DURATION_S:-5}
IDLE_S=${IDLE_S:-2}
WORK_US=${WORK_US:-5}
LIGHT_ROUNDS=${LIGHT_ROUNDS:-3}
HTTP_DURATION_S=${HTTP_DURATION_S:-5}
HTTP_WORKERS=${HTTP_WORKERS:-2}
HTTP_ROUNDS=${HTTP_ROUNDS:-3}
FORMAT=${FORMAT:-text}
BUILD=${BUILD:-build-release}
PEERS_BUILD=$ROOT/build-peers
OUT=${OUT:-$PEERS_BUILD/out/$(date +%Y%m%d-%H%M%S)}

for v in RUNS WORKLOAD_ROUNDS REPS WARMUP WAKE_TRIALS WAKE_SLEEP_US LIGHT_DURATION_S IDLE_S \
  WORK_US LIGHT_ROUNDS HTTP_DURATION_S HTTP_WORKERS HTTP_ROUNDS; do
  [[ ${!v} =~ ^[0-9]+$ ]] || { echo "compare.sh: $v must be a whole number, got '${!v}'" >&2; exit 2; }
done
for v in RUNS WORKLOAD_ROUNDS LIGHT_ROUNDS HTTP_ROUNDS; do
  ((${!v} >= 1)) || { echo "compare.sh: $v must be at least 1" >&2; exit 2; }
done
for w in $WORKER_COUNTS; do
  [[ $w =~ ^[1-9][0-9]*$ ]] || { echo "compare.sh: WORKER_COUNTS must list whole numbers from 1, got '$w'" >&2; exit 2; }
done
[[ $FORMAT == text || $FORMAT == md ]] || { echo "compare.sh: FORMAT must be text or md, got '$FORMAT'" >&2; exit 2; }
# The CPUs of the servers and of wrk in each /healthz section (empty:
# wherever the kernel puts them). The loop turns them into server_pin and
# wrk_pin, the prefixes start_nginx, start_parkd and wrk_healthz use.
cpu_list_ok() {
  taskset -c "$2" true 2>/dev/null ||
    { echo "compare.sh: $1 must be a list of this machine's CPUs as taskset -c takes it (e.g. 0, or 0-1,3; CPUs here: $(taskset -cp $$ | sed 's/.*: //')), got '$2'" >&2; exit 2; }
}
for v in HTTP_SERVER_CPUS HTTP_WRK_CPUS; do
  [[ -z ${!v:-} ]] || cpu_list_ok "$v" "${!v}"
done
declare -A server_cpus=([http]=${HTTP_SERVER_CPUS:-}) wrk_cpus=([http]=${HTTP_WRK_CPUS:-})
if [[ -z ${HTTP_SPLIT_CPUS+set} ]]; then
  # The first two CPUs this may run on, as SERVER:WRK; none with one CPU.
  # taskset prints the affinity as a list of CPUs and ranges, e.g. 0-3,6.
  HTTP_SPLIT_CPUS=$(taskset -cp $$ | sed 's/.*: //' | tr ',' '\n' |
    awk -F- '{ for (c = $1; c <= ($2 == "" ? $1 : $2); c++) cpus[n++] = c }
             END { if (n > 1) print cpus[0] ":" cpus[1] }')
fi
http_sections=(http)
if [[ -n $HTTP_SPLIT_CPUS ]]; then
  [[ $HTTP_SPLIT_CPUS == ?*:?* && $HTTP_SPLIT_CPUS != *:*:* ]] ||
    { echo "compare.sh: HTTP_SPLIT_CPUS must be SERVER_CPUS:WRK_CPUS (e.g. 0:1), or empty to skip the [http_split] rows, got '$HTTP_SPLIT_CPUS'" >&2; exit 2; }
  cpu_list_ok "HTTP_SPLIT_CPUS (before the colon)" "${HTTP_SPLIT_CPUS%%:*}"
  cpu_list_ok "HTTP_SPLIT_CPUS (after the colon)" "${HTTP_SPLIT_CPUS#*:}"
  server_cpus[http_split]=${HTTP_SPLIT_CPUS%%:*} wrk_cpus[http_split]=${HTTP_SPLIT_CPUS#*:}
  http_sections+=(http_split)
fi
server_pin=() wrk_pin=()

# ---- what must be installed (./dev.sh compare installs it) ----
missing=()
command -v cargo >/dev/null || missing+=("cargo (Debian's cargo and rustc)")
ls -d /usr/share/cargo/registry/tokio-1.* >/dev/null 2>&1 || missing+=(librust-tokio-dev)
[[ -f /usr/include/asio.hpp ]] || missing+=(libasio-dev)
for tool in g++ meson ninja nginx wrk curl python3 timeout; do
  command -v "$tool" >/dev/null || [[ -x /usr/sbin/$tool ]] || missing+=("$tool")
done
if ((${#missing[@]})); then
  echo "compare.sh: missing: ${missing[*]}; ./dev.sh compare installs them" >&2
  exit 1
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

# ---- cleanup: whatever runs when the script ends is stopped ----
TMP=$(mktemp -d /tmp/parkd-compare.XXXXXX)
current="" # the benchmark program (its timeout) running now
server_pid="" # the nginx or parkd under wrk (one at a time)
stop_pid() { # PID: TERM, at most 5 s, then KILL
  local pid=$1
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  [[ -n $current ]] && stop_pid "$current"
  [[ -n $server_pid ]] && stop_pid "$server_pid"
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'echo "compare.sh: interrupted" >&2; exit 130' INT TERM

# bounded SECONDS OUTFILE CMD...: runs CMD with a time limit, output to
# OUTFILE (stderr to OUTFILE.err); in the background so that a signal to
# this script is handled at once.
bounded() {
  local secs=$1 out=$2 rc=0
  shift 2
  timeout -k 5 "$secs" "$@" >"$out" 2>"$out.err" &
  current=$!
  wait "$current" || rc=$?
  current=""
  return "$rc"
}

# ---- build ----
echo "# building parkd ($BUILD, release, LTO), Tokio's and Asio's programs..." >&2
if [[ -f $BUILD/build.ninja ]]; then
  meson configure "$BUILD" --buildtype=release -Db_lto=true -Db_ndebug=true >/dev/null
elif [[ -d $BUILD/meson-private ]]; then
  # A configure that was interrupted (Ctrl-C in an earlier run) left the
  # directory without its build.ninja: set it up again in place.
  meson setup --reconfigure "$BUILD" --buildtype=release -Db_lto=true -Db_ndebug=true >/dev/null
else
  meson setup "$BUILD" --buildtype=release -Db_lto=true -Db_ndebug=true >/dev/null
fi
ninja -C "$BUILD" daemon/parkd tests/bench/runtime_workloads tests/bench/light_load \
  tests/bench/floor tests/bench/cacheline_rtt >/dev/null
# Cargo.lock is not kept: resolved afresh against Debian's sources, and a
# lock written by a newer cargo would not load in Debian's cargo 0.66.
(cd bench/peers/tokio && rm -f Cargo.lock &&
  cargo build --release --offline --quiet --target-dir "$PEERS_BUILD/cargo")
for prog in workloads light_load; do
  bin=$PEERS_BUILD/asio_$prog
  src=bench/peers/asio/$prog.cc
  newest=$(ls -t "$src" bench/peers/asio/*.h tests/bench/bench_util.h tests/bench/light_load.h | head -1)
  if [[ ! -x $bin || $newest -nt $bin ]]; then
    g++ -O2 -std=c++20 -Wall -Wextra -pthread -DASIO_STANDALONE -DASIO_NO_DEPRECATED \
      -Itests/bench -o "$bin" "$src"
  fi
done

declare -A WORKLOADS=(
  [tokio]="$PEERS_BUILD/cargo/release/tokio_workloads"
  [asio]="$PEERS_BUILD/asio_workloads"
  [parkd]="$BUILD/tests/bench/runtime_workloads"
  [floor]="$BUILD/tests/bench/floor"
  [floor100]="$BUILD/tests/bench/floor"
)
declare -A LIGHT=(
  [tokio]="$PEERS_BUILD/cargo/release/tokio_light_load"
  [asio]="$PEERS_BUILD/asio_light_load"
  [parkd]="$BUILD/tests/bench/light_load"
  [floor]="$BUILD/tests/bench/floor"
  [floor100]="$BUILD/tests/bench/floor"
)
# The floor is one program with a mode: of the runtime workloads it runs
# wake_latency only (one thread has no scheduler to measure).
declare -A WORKLOAD_ARGS=([floor]=wake_latency [floor100]=wake_latency)
declare -A LIGHT_ARGS=([floor]=light [floor100]=light)
# floor100's thread gets the time slice of parkd's workers (the default of
# RuntimeOptions.worker_slice_us), so that it wakes as they do: preempting
# the submitting thread on its CPU. floor's is set too: a SLICE_US in the
# caller's environment (which parkd's programs read) must not reach it.
declare -A RUN_ENV=([floor]=SLICE_US=0 [floor100]=SLICE_US=100)
# The light-load configurations: label, then the environment.
LIGHT_CONFIGS=(
  "1kHz|WORKERS=2 PERIOD_US=1000 BURST=1"
  "10kHz|WORKERS=2 PERIOD_US=100 BURST=1"
  "1kHz_burst8|WORKERS=2 PERIOD_US=1000 BURST=8"
  "1kHz_w8|WORKERS=8 PERIOD_US=1000 BURST=1"
)

mkdir -p "$OUT"
INDEX=$OUT/index.tsv # section, column, run, file: what the table reads
: >"$INDEX"
record() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$INDEX"; }

# probe_rtt COLUMN FILE: the cache-line round trip between two CPUs
# (bench/peers/machine/cacheline_rtt.cc), taken just before the one of
# COLUMN's programs whose output goes to FILE. On a VM it changes within
# seconds; the table's header summarises it per column (how often the
# machine was in its dear phase), and rtt.tsv's lines (column, median ns,
# FILE) let a reader set a program's rows beside the probe before it.
RTT=$OUT/rtt.tsv
: >"$RTT"
probe_rtt() {
  local f=$TMP/rtt.out
  if bounded 30 "$f" "$BUILD/tests/bench/cacheline_rtt"; then
    awk -v col="$1" -v file="$2" '$1 == "cacheline_rtt_ns" { print col "\t" $2 "\t" file }' "$f" >>"$RTT"
  else
    echo "compare.sh: cacheline_rtt failed; see $f.err" >&2
  fi
}

# rotated R A B C...: the names, starting at position R-1 (mod count), so
# that no runtime always runs first.
rotated() {
  local r=$1
  shift
  local names=("$@") n=$# i
  for ((i = 0; i < n; i++)); do echo "${names[(r - 1 + i) % n]}"; done
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_http URL PID: until URL answers 200 (at most 10 s) while PID lives.
wait_http() {
  for _ in $(seq 100); do
    curl -sf -o /dev/null --max-time 1 "$1" && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

start_nginx() {
  local port=$1 dir=$TMP/nginx
  rm -rf "$dir" && mkdir -p "$dir/logs"
  # keepalive_requests is raised so that, like parkd, nginx keeps wrk's
  # connections for the whole run (its default closes one every 1000).
  cat >"$dir/nginx.conf" <<EOF
worker_processes $HTTP_WORKERS;
pid $dir/nginx.pid;
error_log $dir/logs/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  server {
    listen 127.0.0.1:$port;
    location = /healthz { default_type text/plain; return 200 "ok\n"; }
    location / { return 404; }
  }
}
EOF
  "${server_pin[@]}" "$NGINX" -p "$dir" -c "$dir/nginx.conf" -e "$dir/logs/error.log" -g 'daemon off;' \
    >"$dir/logs/stdout" 2>&1 &
  server_pid=$!
  wait_http "http://127.0.0.1:$port/healthz" "$server_pid" ||
    { echo "compare.sh: nginx did not start:" >&2; cat "$dir/logs/"* >&2; exit 1; }
}

start_parkd() {
  local port=$1
  cat >"$TMP/parkd.toml" <<EOF
[runtime]
workers = $HTTP_WORKERS
[listen]
tcp = ["127.0.0.1:$port"]
EOF
  "${server_pin[@]}" "$BUILD/daemon/parkd" --config "$TMP/parkd.toml" 2>"$TMP/parkd.log" &
  server_pid=$!
  wait_http "http://127.0.0.1:$port/healthz" "$server_pid" ||
    { echo "compare.sh: parkd did not start:" >&2; cat "$TMP/parkd.log" >&2; exit 1; }
}

# wrk_healthz PORT OUTFILE: wrk on /healthz; OUTFILE gets healthz_rps and
# healthz_p99_us lines.
#
# wrk ends a thread's run at its first response after the deadline, so a
# run far longer than asked means the whole machine stood still (a
# suspended or snapshotted VM: the kernel log says "virtual machine fork")
# or every connection of a wrk thread stalled, and its rate, counted over
# the longer time, says nothing about the server. Such a run is kept as
# OUTFILE.wrk.long, said on stderr, and measured once more.
wrk_healthz() {
  local raw=$2.wrk took attempt rc=0
  for attempt in 1 2; do
    bounded $((HTTP_DURATION_S + 30)) "$raw" "${wrk_pin[@]}" wrk -t2 -c64 -d"${HTTP_DURATION_S}s" \
      --timeout 2s --latency "http://127.0.0.1:$1/healthz" || { rc=$?; break; }
    took=$(awk '/ requests in / {
        v = $4; sub(/,$/, "", v)
        if (v ~ /ms$/) print v / 1000; else if (v ~ /m$/) print v * 60; else print v + 0
      }' "$raw")
    awk -v t="${took:-0}" -v d="$HTTP_DURATION_S" 'BEGIN { exit !(t <= 1.5 * d + 1) }' &&
      break
    cp "$raw" "$raw.long"
    echo "compare.sh: wrk took ${took}s for a ${HTTP_DURATION_S}s run (the machine paused, or a wrk thread's connections all stalled); kept as $raw.long$([[ $attempt == 1 ]] && echo ', measuring again')" >&2
  done
  awk '
    function us(v) {
      if (v ~ /us$/) return v + 0
      if (v ~ /ms$/) return v * 1000
      if (v ~ /s$/) return v * 1000000
      return v
    }
    /^Requests\/sec:/ { print "healthz_rps", $2 }
    $1 == "99%" { print "healthz_p99_us", us($2) }
    /Non-2xx|Socket errors/ { print "# " $0 }
  ' "$raw" >"$2"
  return "$rc"
}

echo "# $RUNS runs; raw output in $OUT" >&2
for ((r = 1; r <= RUNS; r++)); do
  for ((k = 1; k <= WORKLOAD_ROUNDS; k++)); do
    for w in $WORKER_COUNTS; do
      for rt in $(rotated "$(((r - 1) * WORKLOAD_ROUNDS + k))" tokio asio parkd floor floor100); do
        f=$OUT/w$w.$rt.$r.$k.txt
        echo "# run $r/$RUNS, round $k/$WORKLOAD_ROUNDS: runtime workloads, $w workers: $rt" >&2
        probe_rtt "$rt" "$f"
        # shellcheck disable=SC2086 # RUN_ENV holds assignments, as words
        bounded 600 "$f" env ${RUN_ENV[$rt]:-} WORKERS="$w" REPS="$REPS" WARMUP="$WARMUP" \
          WAKE_TRIALS="$WAKE_TRIALS" WAKE_SLEEP_US="$WAKE_SLEEP_US" "${WORKLOADS[$rt]}" \
          ${WORKLOAD_ARGS[$rt]:+"${WORKLOAD_ARGS[$rt]}"} ||
          echo "compare.sh: $rt workloads ($w workers) exited with status $?; see $f.err" >&2
        record "w$w" "$rt" "$r.$k" "$f"
      done
    done
  done
  for ((k = 1; k <= LIGHT_ROUNDS; k++)); do
    for config in "${LIGHT_CONFIGS[@]}"; do
      label=${config%%|*}
      for rt in $(rotated "$(((r - 1) * LIGHT_ROUNDS + k))" tokio asio parkd floor floor100); do
        f=$OUT/light_$label.$rt.$r.$k.txt
        echo "# run $r/$RUNS, round $k/$LIGHT_ROUNDS: light load $label: $rt" >&2
        probe_rtt "$rt" "$f"
        # shellcheck disable=SC2086 # the configuration is words on purpose
        bounded $((LIGHT_DURATION_S + IDLE_S + 60)) "$f" env ${RUN_ENV[$rt]:-} ${config#*|} WORK_US="$WORK_US" \
          DURATION_S="$LIGHT_DURATION_S" IDLE_S="$IDLE_S" "${LIGHT[$rt]}" \
          ${LIGHT_ARGS[$rt]:+"${LIGHT_ARGS[$rt]}"} ||
          echo "compare.sh: $rt light load $label exited with status $?; see $f.err" >&2
        record "$label" "$rt" "$r.$k" "$f"
      done
    done
  done
  for ((k = 1; k <= HTTP_ROUNDS; k++)); do
    for section in "${http_sections[@]}"; do
      server_pin=() wrk_pin=() where=""
      [[ -z ${server_cpus[$section]} ]] || server_pin=(taskset -c "${server_cpus[$section]}")
      [[ -z ${wrk_cpus[$section]} ]] || wrk_pin=(taskset -c "${wrk_cpus[$section]}")
      [[ -z ${server_cpus[$section]}${wrk_cpus[$section]} ]] ||
        where=" (servers on CPUs ${server_cpus[$section]:-any}, wrk on CPUs ${wrk_cpus[$section]:-any})"
      for server in $(rotated "$(((r - 1) * HTTP_ROUNDS + k))" nginx parkd); do
        f=$OUT/$section.$server.$r.$k.txt
        port=$(free_port)
        echo "# run $r/$RUNS, round $k/$HTTP_ROUNDS: /healthz under wrk$where: $server" >&2
        probe_rtt "$server" "$f"
        "start_$server" "$port"
        wrk_healthz "$port" "$f" || echo "compare.sh: wrk against $server failed; see $f.wrk.err" >&2
        stop_pid "$server_pid"
        server_pid=""
        record "$section" "$server" "$r.$k" "$f"
      done
    done
  done
done

# ---- the table ----
{
  echo "# $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) CPUs ($(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)), Linux $(uname -r)"
  echo "# RUNS=$RUNS interleaved, the runtime workloads WORKLOAD_ROUNDS=$WORKLOAD_ROUNDS times in each ($((RUNS * WORKLOAD_ROUNDS)) processes per [wN] cell); REPS=$REPS WAKE_TRIALS=$WAKE_TRIALS LIGHT_DURATION_S=$LIGHT_DURATION_S IDLE_S=$IDLE_S WORK_US=$WORK_US LIGHT_ROUNDS=$LIGHT_ROUNDS ($((RUNS * LIGHT_ROUNDS)) processes per light-load cell) HTTP_DURATION_S=$HTTP_DURATION_S HTTP_WORKERS=$HTTP_WORKERS HTTP_ROUNDS=$HTTP_ROUNDS ($((RUNS * HTTP_ROUNDS)) wrk runs per /healthz cell)${HTTP_SERVER_CPUS:+ HTTP_SERVER_CPUS=$HTTP_SERVER_CPUS}${HTTP_WRK_CPUS:+ HTTP_WRK_CPUS=$HTTP_WRK_CPUS} HTTP_SPLIT_CPUS=${HTTP_SPLIT_CPUS:-(none)}"
  echo "# cells: median over runs; [wN] rows in microseconds; ratios: parkd / peer; floor, floor100: one thread on a futex and no runtime, with the kernel's default time slice and with parkd's 100 us (what the kernel charges for a sleep and a wake)"
  awk -F'\t' -f bench/peers/median.awk -f bench/peers/rtt_summary.awk "$RTT"
} | tee "$OUT/table.txt"
awk -F'\t' -v fmt="$FORMAT" -f bench/peers/median.awk -f bench/peers/table.awk "$INDEX" | tee -a "$OUT/table.txt"
{
  echo
  echo "# paired rounds: B/N M = of the N rounds in which both parkd and the peer printed a number (a round runs each program once, seconds apart), parkd's was better in B (lower; higher for healthz_rps), and M is the median of the N ratios parkd / peer"
  awk -F'\t' -v fmt="$FORMAT" -f bench/peers/median.awk -f bench/peers/paired.awk "$INDEX"
} | tee -a "$OUT/table.txt"
