#!/usr/bin/env bash
# POLICY= in parkd's benchmark programs (wake_policy_env.h): unset, they
# measure RuntimeOptions' default wake policy (and say which in their header
# line); each policy is accepted; anything else is refused with status 2
# and the allowed names, so that a typo never measures the default unnoticed.
# Usage: bench_policy_test.sh RUNTIME_WORKLOADS LIGHT_LOAD
set -uo pipefail
WORKLOADS=$1
LIGHT=$2
source "$(dirname "${BASH_SOURCE[0]}")/../daemon/check_lib.sh"

unset POLICY
short_workloads() {
  WORKERS=2 REPS=1 WARMUP=0 "$WORKLOADS" chained_spawn
}
short_light() {
  WORKERS=2 PERIOD_US=1000 DURATION_S=1 WARMUP_MS=50 IDLE_S=1 "$LIGHT"
}

out=$(short_workloads)
rc=$?
check "runtime_workloads without POLICY exits 0" [ "$rc" -eq 0 ]
check "runtime_workloads without POLICY runs the default, same_cpu_first" \
  grep -q 'POLICY=same_cpu_first$' <<<"$out"
out=$(short_light)
rc=$?
check "light_load without POLICY exits 0" [ "$rc" -eq 0 ]
check "light_load without POLICY runs the default, same_cpu_first" \
  grep -q '^# parkd .*POLICY=same_cpu_first$' <<<"$out"

for p in condvar_first most_recent same_cpu_first; do
  out=$(POLICY=$p short_workloads)
  rc=$?
  check "runtime_workloads POLICY=$p exits 0" [ "$rc" -eq 0 ]
  check "runtime_workloads POLICY=$p says so and runs the workload" \
    eval 'grep -q "POLICY=$p\$" <<<"$out" && grep -Eq "^chained_spawn [0-9.]+ [0-9.]+\$" <<<"$out"'
done
out=$(POLICY=most_recent short_light)
rc=$?
check "light_load POLICY=most_recent exits 0" [ "$rc" -eq 0 ]
check "light_load POLICY=most_recent says so" \
  grep -q '^# parkd .*POLICY=most_recent$' <<<"$out"

for prog in "$WORKLOADS" "$LIGHT"; do
  name=$(basename "$prog")
  err=$(POLICY=condvar-first "$prog" 2>&1 >/dev/null)
  rc=$?
  check "$name refuses POLICY=condvar-first with status 2" [ "$rc" -eq 2 ]
  check "$name names the value and what is allowed" \
    grep -q '^POLICY=condvar-first is unknown; allowed: condvar_first, most_recent, same_cpu_first$' <<<"$err"
done
check_summary
