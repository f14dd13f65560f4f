#!/usr/bin/env bash
# Behaviour 6, bad config: `workers = "many"` makes parkd exit 78
# (EX_CONFIG) before READY=1: the start fails at once (not after
# TimeoutStartSec), the unit is failed with ExecMainStatus=78, stderr (in the
# journal under the unit) names the error, and parkd.service's
# RestartPreventExitStatus=78 keeps Restart=on-failure from looping on it.
[[ -n ${IT_SANDBOX:-} ]] || exec "$(dirname "$0")/sandbox.sh" "$0" "$@"
set -uo pipefail
source "$IT_SRC/parkd.sh"

unit=parkd-it-badconfig.service
parkd_config $unit '[runtime]
workers = "many"' >/dev/null || fail "cannot write the config"
# Restart= as shipped (on-failure, RestartSec=1s), not the tests' Restart=no.
parkd_service $unit "Restart=on-failure" || fail "cannot install $unit"

t0=$(_it_now_ms)
check "start fails" eval '! sctl start $unit'
took=$(($(_it_now_ms) - t0))
check "at once (${took} ms < 5000 ms), not at TimeoutStartSec" test "$took" -lt 5000
check "ActiveState=failed, Result=exit-code (got $(unit_state $unit))" \
  test "$(unit_state $unit)" = failed/failed/exit-code
check "ExecMainStatus=78 (EX_CONFIG)" test "$(unit_prop $unit ExecMainStatus)" = 78
# journald may get the line after parkd exited (it exits at once), and then
# cannot name its unit: accept the entry by the main process's PID too, and
# say which it was.
err="runtime.workers must be an integer"
pid=$(unit_prop $unit ExecMainPID)
_by_unit() { journal -u $unit -o cat | grep_all -F "$err"; }
_by_pid() { journal _PID="$pid" -o cat | grep_all -F "$err"; }
wait_for 5 eval '_by_unit || _by_pid'
if _by_unit; then
  check "journalctl -u $unit has the error (\"$err\")" true
else
  check "the journal has the error (\"$err\") from the main PID $pid" _by_pid
  _by_pid && it_log "note: journald did not name its unit: \`journalctl -u\` misses it"
fi
sleep 2.5
check "not restarted 2.5 s later (RestartPreventExitStatus=78; NRestarts=$(unit_prop $unit NRestarts))" \
  test "$(unit_prop $unit NRestarts)/$(unit_prop $unit ActiveState)" = 0/failed
finish
