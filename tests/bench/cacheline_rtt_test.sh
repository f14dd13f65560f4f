#!/usr/bin/env bash
# cacheline_rtt (bench/peers/machine/cacheline_rtt.cc), the probe whose
# values `./dev.sh compare` prints in its header: a short run prints its
# samples and a `cacheline_rtt_ns MEDIAN MIN` line; confined to one CPU it
# says there is nothing to bounce instead of hanging on a spin that no
# other CPU can answer; bad settings are refused with status 2 and the
# allowed range. And the header line compare.sh makes of the probes
# (rtt_summary.awk), on fixed input.
# Usage: cacheline_rtt_test.sh CACHELINE_RTT RTT_SUMMARY_AWK
set -uo pipefail
RTT=$1
SUMMARY=$2
source "$(dirname "${BASH_SOURCE[0]}")/../daemon/check_lib.sh"

ncpu=$(nproc)
if ((ncpu >= 2)); then
  out=$(TRIPS=2000 SAMPLES=3 timeout 20 "$RTT")
  rc=$?
  check "a short run exits 0" [ "$rc" -eq 0 ]
  check "it prints a median and a minimum in nanoseconds" \
    grep -Eq '^cacheline_rtt_ns [0-9]+ [0-9]+$' <<<"$out"
  check "it names the two CPUs and lists its 3 samples" \
    grep -Eq '^# cacheline_rtt: CPUs [0-9]+ and [0-9]+, 2000 round trips per sample:( [0-9]+){3} ns$' <<<"$out"
else
  echo "# this machine has one CPU: the two-CPU run is not possible here"
fi

first_cpu=$(taskset -cp $$ | sed 's/.*: //; s/[-,].*//')
out=$(TRIPS=2000 timeout 20 taskset -c "$first_cpu" "$RTT")
rc=$?
check "confined to one CPU it exits 0 without bouncing" [ "$rc" -eq 0 ]
check "confined to one CPU it prints the word one_cpu" \
  grep -q '^cacheline_rtt_ns one_cpu$' <<<"$out"

for bad in "TRIPS=0" "SAMPLES=0" "SAMPLES=1001" "TRIPS=lots"; do
  err=$(env "$bad" "$RTT" 2>&1 >/dev/null)
  rc=$?
  check "$bad is refused with status 2" [ "$rc" -eq 2 ]
  check "$bad: the message names the setting" grep -q "${bad%%=*}" <<<"$err"
done
err=$("$RTT" extra 2>&1 >/dev/null)
rc=$?
check "an argument is refused with status 2" [ "$rc" -eq 2 ]
check "the refusal says no arguments are expected" grep -q 'no arguments expected' <<<"$err"

# rtt_summary.awk on lines as compare.sh writes them (column, ns, file):
# per column in the order first seen, median [min-max];
# a probe that printed a word (one_cpu) is left out, and no numbers at all
# give no line.
summarise() { awk -F'\t' -f "$(dirname "$SUMMARY")/median.awk" -f "$SUMMARY"; }
line=$(printf '%s\t%s\t/out/%s.txt\n' tokio 80 a tokio 350 b asio 90 c tokio 100 d parkd one_cpu e \
  parkd 85 f asio 95 g | summarise)
check "the summary gives each column's median and range, in order" \
  grep -q ': tokio 100 \[80-350\], asio 92 \[90-95\], parkd 85 \[85-85\]$' <<<"$line"
line=$(printf 'floor\tone_cpu\t/out/h.txt\n' | summarise)
check "no numbers, no summary line" [ -z "$line" ]

check_summary
