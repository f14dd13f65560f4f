#!/usr/bin/env bash
# Behaviour 4, stop: `systemctl stop` sends SIGTERM; parkd drains, logs the
# final counts to the journal (fields PARKD_WORKERS, PARKD_PARKED,
# PARKD_NOTIFIED, a MESSAGE about the drain) and exits 0.
[[ -n ${IT_SANDBOX:-} ]] || exec "$(dirname "$0")/sandbox.sh" "$0" "$@"
set -uo pipefail
source "$IT_SRC/parkd.sh"

unit=parkd-it-stop.service
parkd_config $unit "[runtime]
workers = 2

[daemon]
drain_timeout_ms = 5000
stats_interval_s = 0

[listen]
tcp = []" >/dev/null || fail "cannot write the config"
# systemd forgets an inactive unit's exit status when it unloads the unit
# (CollectMode=inactive), which may happen before `systemctl show` asks:
# ExecStopPost= sees it for sure, in $SERVICE_RESULT, $EXIT_CODE and
# $EXIT_STATUS, and writes it to the journal.
parkd_service $unit "ExecStopPost=/bin/sh -c 'echo \"parkd-it-exit: \$SERVICE_RESULT \$EXIT_CODE \$EXIT_STATUS\"'" ||
  fail "cannot install $unit"

require "start returns success" sctl start $unit
pid=$(unit_prop $unit MainPID)
t0=$(_it_now_ms)
require "stop returns success" sctl stop $unit
took=$(($(_it_now_ms) - t0))
check "stop finished within the drain deadline (${took} ms <= 5000 ms)" test "$took" -le 5000
check "ActiveState=inactive (got $(unit_state $unit))" \
  test "$(unit_prop $unit ActiveState)" = inactive
# Not `journalctl -u`: the line of so short-lived a process may reach
# journald after it exited, without its unit; the journal is ours alone.
_exit() { journal -o cat | sed -n 's/^parkd-it-exit: //p' | tail -n 1; }
wait_for 5 eval 'test -n "$(_exit)"'
exit_info=$(_exit)
check "Result=success, the main process exited with status 0 (ExecStopPost= saw: '$exit_info')" \
  test "$exit_info" = "success exited 0"
# Also as `systemctl show` has it, if the unit is still loaded.
if [[ -n $(unit_prop $unit ExecMainExitTimestamp) ]]; then
  check "systemctl show: Result=success, ExecMainCode=1 (exited), ExecMainStatus=0" \
    test "$(unit_prop $unit Result)/$(unit_prop $unit ExecMainCode)/$(unit_prop $unit ExecMainStatus)" = success/1/0
fi

# The drain report: a parkd entry with the three fields and "drain" in its
# MESSAGE, logged by our unit (or its main PID: see parkd_entries).
_drain_entry() {
  parkd_stat_entries $unit "" "$pid" | python3 -c '
import json, sys
for line in sys.stdin:
    e = json.loads(line)
    if all(k in e for k in ("PARKD_WORKERS", "PARKD_PARKED", "PARKD_NOTIFIED")) \
            and "drain" in str(e.get("MESSAGE", "")).lower():
        print(json.dumps(e))
' | tail -n 1 | grep .
}
entry=$(wait_for 5 _drain_entry >/dev/null; _drain_entry)
check "journalctl -t parkd -o json has the drain report" test -n "$entry"
if [[ -n $entry ]]; then
  it_log "drain report: $(python3 -c 'import json, sys; e = json.loads(sys.argv[1]); print(e["MESSAGE"], {k: v for k, v in e.items() if k.startswith("PARKD_")})' "$entry")"
  read -r workers parked cursor < <(python3 -c '
import json, sys
e = json.loads(sys.argv[1])
print(e["PARKD_WORKERS"], e["PARKD_PARKED"], e["__CURSOR"])' "$entry")
  check "PARKD_PARKED ($parked) <= PARKD_WORKERS ($workers)" \
    eval '[[ $workers =~ ^[0-9]+$ && $parked =~ ^[0-9]+$ ]] && ((parked <= workers))'
  check "journalctl PARKD_WORKERS=$workers finds it" \
    eval 'journal -o json PARKD_WORKERS="$workers" | grep_all -F "\"__CURSOR\":\"$cursor\""'
fi
finish
