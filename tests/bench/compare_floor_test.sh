#!/usr/bin/env bash
# The floor columns of `./dev.sh compare`: the floor program in both of its
# modes (short runs: it must print its rows, not fast ones), its refusal of
# a bad mode and of a time slice out of range, and table.awk's table with
# the floor columns on fixed input (cells, the ratios left as they were, `-`
# where a column has no value, no ratios on the late-periods row).
# Usage: compare_floor_test.sh FLOOR TABLE_AWK
set -uo pipefail
FLOOR=$1
TABLE_AWK=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "${BASH_SOURCE[0]}")/../daemon/check_lib.sh"

out=$(WAKE_TRIALS=20 WAKE_SLEEP_US=200 "$FLOOR" wake_latency)
rc=$?
check "wake_latency exits 0" [ "$rc" -eq 0 ]
check "wake_latency prints its median and minimum" \
  grep -Eq '^wake_latency [0-9.]+ [0-9.]+$' <<<"$out"
check "wake_latency prints its p99 and minimum" \
  grep -Eq '^wake_latency_p99 [0-9.]+ [0-9.]+$' <<<"$out"

out=$(PERIOD_US=1000 BURST=2 DURATION_S=1 WARMUP_MS=50 IDLE_S=1 "$FLOOR" light)
rc=$?
check "light exits 0" [ "$rc" -eq 0 ]
for row in overhead_us_per_task switches_per_task late_periods_pct \
  start_p50_us start_p99_us idle_cpu_us_per_s; do
  check "light prints $row" grep -Eq "^$row -?[0-9.]+\$" <<<"$out"
done
# Every task ran (RunLightLoad exits 1 otherwise): 2 per period for 1 s.
check "light measured every task of the second" \
  grep -q ': 2000 tasks measured' <<<"$out"

# floor100's setting: the thread asks for parkd's slice; a kernel without
# per-thread slices keeps the default and says so, as parkd's workers do.
out=$(SLICE_US=100 WAKE_TRIALS=20 WAKE_SLEEP_US=200 "$FLOOR" wake_latency)
rc=$?
check "wake_latency with SLICE_US=100 exits 0" [ "$rc" -eq 0 ]
check "wake_latency with SLICE_US=100 names the slice" \
  grep -q '^# floor: .*SLICE_US=100$' <<<"$out"
check "wake_latency with SLICE_US=100 prints its median" \
  grep -Eq '^wake_latency [0-9.]+ [0-9.]+$' <<<"$out"

err=$("$FLOOR" spawn_many_local 2>&1 >/dev/null)
rc=$?
check "an unknown mode exits 2" [ "$rc" -eq 2 ]
check "an unknown mode is named, with the modes allowed" \
  grep -q 'light or wake_latency; got spawn_many_local' <<<"$err"
"$FLOOR" >/dev/null 2>&1
check "no mode exits 2" [ $? -eq 2 ]
err=$(SLICE_US=50 "$FLOOR" light 2>&1 >/dev/null)
rc=$?
check "a time slice out of range exits 2" [ "$rc" -eq 2 ]
check "a time slice out of range says what is allowed" \
  grep -q 'SLICE_US must be 0 (the kernel.s default) or from 100 to 100000, got 50' <<<"$err"

# table.awk on a fixed index: one runtime row, one light row, a floor cell
# in each, parkd's ratios over asio and tokio unchanged by the new column.
for col in tokio asio parkd floor floor100; do
  case $col in
    tokio) w=20 l=30 ;;
    asio) w=10 l=6 ;;
    parkd) w=8 l=4.5 ;;
    floor) w=6 l=3.9 ;;
    floor100) w=5 l=4.4 ;;
  esac
  printf '# a comment\nwake_latency %s 1\n' "$w" >"$tmp/w2.$col"
  printf 'overhead_us_per_task %s\nlate_periods_pct %s\n' "$l" "$l" >"$tmp/light.$col"
  printf 'w2\t%s\t1\t%s\n1kHz\t%s\t1\t%s\n' "$col" "$tmp/w2.$col" "$col" "$tmp/light.$col" \
    >>"$tmp/index.tsv"
done
printf 'w2\tparkd\t1\t%s\n' "$tmp/spawn.parkd" >>"$tmp/index.tsv"
printf 'spawn_many_local 100 90\n' >"$tmp/spawn.parkd"
table=$(awk -F'\t' -f "$(dirname "$TABLE_AWK")/median.awk" -f "$TABLE_AWK" "$tmp/index.tsv")
check "the header has the floor columns before parkd" \
  grep -Eq '^row +tokio +asio +nginx +floor +floor100 +parkd +parkd/tokio +parkd/asio +parkd/nginx$' <<<"$table"
check "the runtime row has the floors' cells and parkd's ratios" \
  grep -Eq '^\[w2\] wake_latency +20\.0 +10\.0 +- +6\.00 +5\.00 +8\.00 +0\.40 +0\.80 +-$' <<<"$table"
check "the light row has the floors' cells" \
  grep -Eq '^\[1kHz\] overhead_us_per_task +30\.0 +6\.00 +- +3\.90 +4\.40 +4\.50 +0\.15 +0\.75 +-$' <<<"$table"
check "the late-periods row has cells and no ratios (context, not a cost)" \
  grep -Eq '^\[1kHz\] late_periods_pct +30\.0 +6\.00 +- +3\.90 +4\.40 +4\.50 +- +- +-$' <<<"$table"
check "a row the floors do not run shows - in their columns" \
  grep -Eq '^\[w2\] spawn_many_local +- +- +- +- +- +100\.0 +- +- +-$' <<<"$table"

check_summary
