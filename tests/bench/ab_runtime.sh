#!/usr/bin/env bash
# A/B of runtime_workloads under two or more settings (a benchmark, not a
# test): runs the program RUNS times per setting, interleaved (A B A B ...)
# so that the machine's slow phases hit every setting alike, and prints per
# setting the median over runs of each workload's number, and the worst run.
# On a shared VM one run against one run says nothing; this is how the
# defaults of spin_before_park_us and worker_slice_us were chosen.
#
# Usage: tests/bench/ab_runtime.sh SETTING SETTING... [-- WORKLOAD...]
#   SETTING: environment assignments for one side, e.g. 'SLICE_US=0' or
#            'SPIN_US=0 SLICE_US=0' ('-' for the defaults)
# Environment: RUNS (12), BENCH (build-release/tests/bench/runtime_workloads)
# Example: RUNS=30 tests/bench/ab_runtime.sh SLICE_US=0 - -- wake_latency
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BENCH=${BENCH:-$ROOT/build-release/tests/bench/runtime_workloads}
RUNS=${RUNS:-12}
settings=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do settings+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
workloads=("$@")
if [ ${#settings[@]} -lt 2 ]; then
  echo "ab_runtime.sh: give at least two settings (see the header)" >&2
  exit 2
fi
[ -x "$BENCH" ] || { echo "ab_runtime.sh: no benchmark at $BENCH (./dev.sh bench builds it)" >&2; exit 2; }
case "$RUNS" in ''|*[!0-9]*|0) echo "ab_runtime.sh: RUNS=$RUNS must be a whole number above 0" >&2; exit 2;; esac

out=$(mktemp)
trap 'rm -f "$out"' EXIT
for ((r = 1; r <= RUNS; r++)); do
  for i in "${!settings[@]}"; do
    s=${settings[$i]}
    [ "$s" = "-" ] && s=""
    # shellcheck disable=SC2086  # the setting is a list of assignments
    env $s "$BENCH" "${workloads[@]}" | awk -v i="$i" '!/^#/ {print i, $1, $2}' >>"$out"
  done
done
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, RUNS=$RUNS interleaved; medians over runs of each run's number (us), worst run in brackets"
awk -v n="${#settings[@]}" -v names="$(printf '%s\n' "${settings[@]}")" '
  BEGIN { split(names, lab, "\n") }
  { k = $1 SUBSEP $2; c[k]++; v[k, c[k]] = $3; if (!($2 in seen)) { seen[$2] = 1; order[++m] = $2 } }
  function med(k,   i, j, t, a, cnt) {
    cnt = c[k]; for (i = 1; i <= cnt; i++) a[i] = v[k, i] + 0
    for (i = 2; i <= cnt; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    worst = a[cnt]
    return cnt % 2 ? a[(cnt + 1) / 2] : (a[cnt / 2] + a[cnt / 2 + 1]) / 2
  }
  END {
    printf "%-26s", "workload"; for (s = 0; s < n; s++) printf " %22s", (lab[s + 1] == "-" ? "defaults" : lab[s + 1]); printf "\n"
    for (r = 1; r <= m; r++) {
      printf "%-26s", order[r]
      for (s = 0; s < n; s++) { x = med(s SUBSEP order[r]); printf " %12.2f [%7.1f]", x, worst }
      printf "\n"
    }
  }' "$out"
