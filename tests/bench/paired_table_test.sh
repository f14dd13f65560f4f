#!/usr/bin/env bash
# bench/peers/paired.awk, the paired rounds under compare.sh's table, on a
# fixed index: rounds are paired by their R.K name and only where both
# programs printed a number above zero; lower is better except for
# healthz_rps; late_periods_pct and a program's word (`starved`) give `-`;
# the median of an even count is the mean of the middle two.
# Usage: paired_table_test.sh PAIRED_AWK
set -uo pipefail
PAIRED_AWK=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "${BASH_SOURCE[0]}")/../daemon/check_lib.sh"

# entry SECTION COLUMN RUN LINES...: one output file and its index line.
entry() {
  local f=$tmp/$1.$2.$3
  shift 3
  printf '%s\n' "# a comment" "$@" >"$f"
  local b
  b=$(basename "$f")
  IFS=. read -r s c r1 r2 <<<"$b"
  printf '%s\t%s\t%s\t%s\n' "$s" "$c" "$r1.$r2" "$f" >>"$tmp/index.tsv"
}
# [w2] wake_latency, three rounds against asio: ratios 0.5, 2.0, 0.8; tokio
# in round 1.1 only, and starved (a word) in 1.2.
entry w2 parkd 1.1 "wake_latency 4" "spawn_many_remote_busy2 10"
entry w2 asio 1.1 "wake_latency 8" "spawn_many_remote_busy2 20"
entry w2 tokio 1.1 "wake_latency 40" "spawn_many_remote_busy2 starved"
entry w2 parkd 1.2 "wake_latency 6" "spawn_many_remote_busy2 10"
entry w2 asio 1.2 "wake_latency 3" "spawn_many_remote_busy2 20"
entry w2 parkd 2.1 "wake_latency 4" "spawn_many_remote_busy2 10"
entry w2 asio 2.1 "wake_latency 5" "spawn_many_remote_busy2 20"
# A round parkd ran alone does not count.
entry w2 parkd 2.2 "wake_latency 1"
# Light load: late periods are context; an idle pool at 0 has no ratio.
entry 1kHz parkd 1.1 "late_periods_pct 1" "idle_cpu_us_per_s 0"
entry 1kHz asio 1.1 "late_periods_pct 2" "idle_cpu_us_per_s 0"
# /healthz: a rate, higher is better; two rounds, ratios 1.1 and 0.9.
entry http parkd 1.1 "healthz_rps 110"
entry http nginx 1.1 "healthz_rps 100"
entry http parkd 1.2 "healthz_rps 90"
entry http nginx 1.2 "healthz_rps 100"

out=$(awk -F'\t' -f "$(dirname "$PAIRED_AWK")/median.awk" -f "$PAIRED_AWK" "$tmp/index.tsv")
rc=$?
check "paired.awk exits 0" [ "$rc" -eq 0 ]
check "the header names the peers" \
  grep -Eq '^row +vs tokio +vs asio +vs nginx$' <<<"$out"
check "rounds pair by name, lower is better, the median of three" \
  grep -Eq '^\[w2\] wake_latency +1/1 0\.10 +2/3 0\.80 +-$' <<<"$out"
check "a word pairs with nothing" \
  grep -Eq '^\[w2\] spawn_many_remote_busy2 +- +3/3 0\.50 +-$' <<<"$out"
check "late periods have no pairs" \
  grep -Eq '^\[1kHz\] late_periods_pct +- +- +-$' <<<"$out"
check "zeros have no ratio" \
  grep -Eq '^\[1kHz\] idle_cpu_us_per_s +- +- +-$' <<<"$out"
check "a rate is better higher; the median of two is their mean" \
  grep -Eq '^\[http\] healthz_rps +- +- +1/2 1\.00$' <<<"$out"
md=$(awk -F'\t' -v fmt=md -f "$(dirname "$PAIRED_AWK")/median.awk" -f "$PAIRED_AWK" "$tmp/index.tsv")
check "fmt=md gives a Markdown table" \
  grep -Fxq '| [w2] wake_latency | 1/1 0.10 | 2/3 0.80 | - |' <<<"$md"

check_summary
