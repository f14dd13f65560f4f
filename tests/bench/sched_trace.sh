#!/usr/bin/env bash
# sched_trace.sh: what the kernel's scheduler did with one benchmark run, from
# its own tracepoints (tracefs: sched_waking, sched_wakeup, sched_switch).
# For questions the runtime's counters cannot answer: did a woken worker run
# on its waker's CPU, did it preempt the waker there, how many switches were
# voluntary. Needs root and tracefs; prints nothing the program did not cause
# (events are filtered to the program's own threads).
#
#   tests/bench/sched_trace.sh PROGRAM [ARGS...]      (environment passes through)
#   e.g. WORKERS=2 PERIOD_US=1000 BURST=8 DURATION_S=2 IDLE_S=0 \
#        tests/bench/sched_trace.sh build-release/tests/bench/light_load
#
# Per thread: wakeups it received, how many of those were on its waker's
# CPU, how many of those set need-resched at once (it preempts its waker),
# and its switches out, voluntary (it slept) and involuntary
# (preempted). The program's own output comes first.
set -euo pipefail

if [[ $# -lt 1 ]]; then
  echo "usage: $0 PROGRAM [ARGS...]" >&2
  exit 2
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "$0: needs root (tracefs)" >&2
  exit 2
fi
T=/sys/kernel/tracing
if [[ ! -e $T/trace ]]; then
  mount -t tracefs nodev "$T" 2>/dev/null || {
    echo "$0: no tracefs at $T and it cannot be mounted" >&2
    exit 2
  }
fi

out=$(mktemp)
restore() {
  echo 0 >"$T/tracing_on" || true
  echo >"$T/set_event" || true
  echo >"$T/set_event_pid" || true
  echo 0 >"$T/options/event-fork" || true
  rm -f "$out"
}
trap restore EXIT

echo 0 >"$T/tracing_on"
echo >"$T/trace"
echo 20000 >"$T/buffer_size_kb"
echo 'sched:sched_switch sched:sched_wakeup sched:sched_waking sched:sched_process_fork' \
  >"$T/set_event"
# Only this program and the threads it starts (event-fork adds them): other
# processes on the machine may run threads of the same names.
echo 1 >"$T/options/event-fork"
pidfile=$(mktemp)
bash -c 'echo $$ >"$1"; echo $$ >"$0/set_event_pid"; echo 1 >"$0/tracing_on"
         shift; exec "$@"' "$T" "$pidfile" "$@" ||
  { echo "$0: $1 failed" >&2; exit 1; }
main_pid=$(cat "$pidfile")
rm -f "$pidfile"
echo 0 >"$T/tracing_on"
cat "$T/trace" >"$out"

# The program's threads: its pid and every thread forked from it (the
# filter also lets through switches to and from other processes' threads).
comm=$(basename "$1" | cut -c1-15)
awk -v comm="$comm" -v main_pid="$main_pid" '
  BEGIN { ours[main_pid] = 1 }
  /sched_process_fork:/ {
    parent = $0; sub(/^.* pid=/, "", parent); sub(/ .*$/, "", parent)
    child = $0; sub(/^.*child_pid=/, "", child); sub(/ .*$/, "", child)
    if (parent in ours) ours[child] = 1
    next
  }
  # "  name-pid  [cpu] flags ts: event: key=val ..."
  {
    cpu = $0; sub(/^.*\[/, "", cpu); sub(/\].*$/, "", cpu); cpu += 0
    flags = $0; sub(/^[^\]]*\] /, "", flags); flags = substr(flags, 1, 5)
  }
  /sched_waking:/ {
    # The waker is the thread on whose CPU the event fired.
    wp = $0; sub(/^.*sched_waking: comm=.* pid=/, "", wp); sub(/ .*$/, "", wp)
    waker_cpu[wp] = cpu
    next
  }
  /sched_wakeup:/ {
    name = $0; sub(/^.*sched_wakeup: comm=/, "", name); sub(/ pid=.*$/, "", name)
    wp = $0; sub(/^.*sched_wakeup: comm=.* pid=/, "", wp); sub(/ .*$/, "", wp)
    if (!(wp in ours)) next
    tc = $0; sub(/^.*target_cpu=/, "", tc); tc += 0
    key = name "(" wp ")"
    woken[key]++
    if ((wp in waker_cpu) && waker_cpu[wp] == tc) same[key]++
    # need-resched set by a wakeup from a running thread on the same CPU:
    # the wakee preempts it (from the idle task it only ends the idle).
    if ($1 !~ /^<idle>/ && (wp in waker_cpu) && waker_cpu[wp] == tc &&
        substr(flags, 2, 1) == "N") preempting[key]++
    next
  }
  /sched_switch:/ {
    name = $0; sub(/^.*prev_comm=/, "", name); sub(/ prev_pid=.*$/, "", name)
    pp = $0; sub(/^.*prev_pid=/, "", pp); sub(/ .*$/, "", pp)
    if (!(pp in ours)) next
    st = $0; sub(/^.*prev_state=/, "", st); sub(/ .*$/, "", st)
    key = name "(" pp ")"
    if (st == "R" || st == "R+") invol[key]++; else vol[key]++
    on_cpu[key, cpu]++
    if (cpu > max_cpu) max_cpu = cpu
    keys[key] = 1
  }
  END {
    # A leading 0 (headers) or 1 (rows) keeps the headers first through
    # the sort below; the cut after it drops the digit again.
    printf "0 # sched_trace: %s (switches_by_cpu: cpu:count for each CPU the\n", comm
    printf "0 # thread was switched out on)\n"
    printf "0 %-28s %8s %8s %10s %8s %8s  %s\n", "thread", "woken", "same_cpu",
           "preempting", "sw_vol", "sw_invol", "switches_by_cpu"
    for (k in woken) keys[k] = 1
    for (k in keys) {
      by_cpu = ""
      for (c = 0; c <= max_cpu; c++) {
        if ((k, c) in on_cpu) by_cpu = by_cpu " " c ":" on_cpu[k, c]
      }
      printf "1 %-28s %8d %8d %10d %8d %8d %s\n", k, woken[k], same[k],
             preempting[k], vol[k], invol[k], by_cpu
    }
  }' "$out" | sort -k1,1n -k2,2 | cut -c3-
