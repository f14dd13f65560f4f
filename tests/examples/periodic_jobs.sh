#!/usr/bin/env bash
# examples/periodic_jobs, built out of tree against `meson install
# --destdir` (lib.sh): its jobs fire on their timers, SIGTERM drains it
# (exit 0, nothing abandoned, each job's runs as counted), and SIGINT does
# the same.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ex_install
ex_build periodic_jobs
bin=$EX_BUILD/periodic_jobs
check "periodic_jobs loads libpark.so.2 from the install" ex_uses_install "$bin"

out=$EX_TMP/term.out
ex_spawn "$out" "$bin"
pid=$EX_PID
# Until each job has fired: report (every 1 s) once, slow (every 300 ms,
# 120 ms of work) three times.
_fired() { grep -q '] report #1$' "$out" && grep -q '] slow #3$' "$out"; }
check "every job fired within 15 s" wait_for 15 _fired
kill -TERM "$pid"
ex_stop_wait "$pid" 15
rc=$EX_RC
it_log "output:"
sed 's/^/    /' "$out"
check "SIGTERM: exit status 0 (got $rc)" test "$rc" = 0
check "SIGTERM: it said it was draining" grep -q 'Terminated after [0-9]* ms: draining' "$out"
check "the drain report: complete, nothing abandoned" \
  grep -q 'drained in [0-9]* ms: complete (0 tasks and 0 timers abandoned)$' "$out"
for job in tick slow report; do
  runs=$(sed -n "s/^periodic_jobs: $job ran \([0-9]*\) times$/\1/p" "$out")
  lines=$(grep -c "] $job #[0-9]*$" "$out" || true)
  check "$job ran (${runs:-?} times) and printed each run ($lines lines)" \
    eval '[[ -n $runs ]] && ((runs > 0 && runs == lines))'
done

out=$EX_TMP/int.out
ex_spawn "$out" "$bin"
pid=$EX_PID
check "a second run fires" wait_for 15 grep -q '] tick #2$' "$out"
kill -INT "$pid"
ex_stop_wait "$pid" 15
rc=$EX_RC
check "SIGINT: exit status 0 (got $rc) after a complete drain" \
  eval '[[ $rc == 0 ]] && grep -q "Interrupt after .*: draining" "$out" && grep -q ": complete (0 tasks and 0 timers abandoned)$" "$out"'
finish
