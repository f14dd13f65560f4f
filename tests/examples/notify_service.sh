#!/usr/bin/env bash
# examples/notify_service with its own unit file
# (examples/notify_service/notify-example.service), under the real systemd
# user manager and journald of tests/integration/sandbox.sh:
#   - `systemctl start` returns once it sent READY=1: active/running, with
#     STATUS= "2 workers: P parked, R running; K notified";
#   - the watchdog stays fed: with the unit's WatchdogSec=2s it stays
#     active/running with the same PID for 6 s (3 periods), systemd's
#     last-ping time advances, no watchdog timeout, no restart;
#   - its journal entries carry SYSLOG_IDENTIFIER=notify-example and its own
#     NOTIFYEX_* counter fields (the start entry, the drain report);
#   - `systemctl stop` drains it: exit status 0, Result=success, and the
#     drain report says nothing was abandoned and the job ran.
# Outside the sandbox this script first installs this build with `meson
# install --destdir` and builds the example out of tree against it (lib.sh),
# then runs itself inside the sandbox.
if [[ -z ${IT_SANDBOX:-} ]]; then
  source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
  ex_install
  ex_build notify_service
  export EX_LIBDIR
  export NOTIFY_EXAMPLE=$EX_BUILD/notify_service
  export NOTIFY_EXAMPLE_UNIT=$PARK_SOURCE_ROOT/examples/notify_service/notify-example.service
  rc=0
  "$PARK_SOURCE_ROOT/tests/integration/sandbox.sh" "$(realpath "$0")" || rc=$?
  exit "$rc"
fi

# Inside the sandbox (tests/integration/README.md: its helpers and rules).
set -uo pipefail
unit=notify-example.service
file=$IT_WORK/$unit
sed "s|^ExecStart=.*|ExecStart=$NOTIFY_EXAMPLE|" "$NOTIFY_EXAMPLE_UNIT" >"$file" ||
  fail "cannot render $NOTIFY_EXAMPLE_UNIT"
[[ $(grep -c "^ExecStart=$NOTIFY_EXAMPLE\$" "$file") == 1 ]] ||
  fail "$NOTIFY_EXAMPLE_UNIT: expected one ExecStart= line to point at the build"
unit_install $unit "$file" || fail "cannot install $unit"
# For the test only: fail fast, no restarts, the exit status kept where it
# can be read after the unit is unloaded (tests/integration/stop.sh says
# why), the install's libraries on the path (the binary's RUNPATH already
# points there).
unit_dropin $unit "[Service]
TimeoutStartSec=10s
Restart=no
Environment=LD_LIBRARY_PATH=$EX_LIBDIR
ExecStopPost=/bin/sh -c 'echo \"notify-example-exit: \$SERVICE_RESULT \$EXIT_CODE \$EXIT_STATUS\"'" ||
  fail "cannot install the drop-in of $unit"

require "start returns success (after READY=1)" sctl start $unit
props=$(unit_prop $unit Type)/$(unit_prop $unit WatchdogUSec)
check "the unit file's Type=notify and WatchdogSec=2s are in effect (got $props)" \
  test "$props" = notify/2s
check "active/running (got $(unit_state $unit))" unit_active_running $unit
pid=$(unit_prop $unit MainPID)
status=$(unit_prop $unit StatusText)
check "STATUS= '$status'" \
  eval '[[ $status =~ ^2\ workers:\ [0-9]+\ parked,\ [0-9]+\ running\;\ [0-9]+\ notified$ ]]'

# entries [MESSAGE-PREFIX]: notify-example's entries from this unit or its
# main PID (the last ones may reach journald after the process exited,
# without _SYSTEMD_UNIT), with a NOTIFYEX_PARKED field, one JSON a line.
entries() {
  journal_sync
  journal_json -t notify-example | python3 -c '
import json, sys
unit, pid, prefix = sys.argv[1:4]
for line in sys.stdin:
    e = json.loads(line)
    if (e.get("_SYSTEMD_UNIT") == unit or e.get("_PID") == pid) \
            and "NOTIFYEX_PARKED" in e \
            and str(e.get("MESSAGE", "")).startswith(prefix):
        print(line, end="")
' $unit "$pid" "${1:-}"
}
start_entry=$(wait_for 5 eval 'entries "notify-example started" | grep -q .'
  entries "notify-example started" | head -n 1)
check "the start entry: SYSLOG_IDENTIFIER=notify-example, NOTIFYEX_WORKERS=2 and the other NOTIFYEX_* fields" \
  python3 -c '
import json, sys
e = json.loads(sys.argv[1])
assert e["SYSLOG_IDENTIFIER"] == "notify-example"
assert e["NOTIFYEX_WORKERS"] == "2"
for f in ("PARKED", "NOTIFIED", "TASKS_RUN", "TIMERS_PENDING"):
    assert ("NOTIFYEX_" + f) in e, f
' "${start_entry:-{\}}"

ping0=$(unit_prop $unit WatchdogTimestampMonotonic)
alive=yes
for _ in 1 2 3 4 5 6; do
  sleep 1
  if ! unit_active_running $unit || [[ $(unit_prop $unit MainPID) != "$pid" ]]; then
    alive="no: $(unit_state $unit) after $(($(_it_now_ms) - T0_MS)) ms"
    break
  fi
done
check "active/running with the same main PID for 6 s, 3 watchdog periods ($alive)" \
  test "$alive" = yes
ping1=$(unit_prop $unit WatchdogTimestampMonotonic)
check "the watchdog is fed: systemd's last-ping time advanced ($ping0 -> $ping1 us)" \
  test "${ping1:-0}" -gt "${ping0:-0}"
check "NRestarts=0" test "$(unit_prop $unit NRestarts)" = 0
journal_sync
check "the journal has no watchdog timeout for $unit" \
  eval '! journal -o cat | grep_all -F "$unit: Watchdog timeout"'

require "stop returns success" sctl stop $unit
_exit() { journal -o cat | sed -n 's/^notify-example-exit: //p' | tail -n 1; }
wait_for 5 eval 'test -n "$(_exit)"'
exit_info=$(_exit)
check "Result=success, exit status 0 (ExecStopPost= saw: '$exit_info')" \
  test "$exit_info" = "success exited 0"
drain_entry=$(wait_for 5 eval 'entries "drained in" | grep -q .'
  entries "drained in" | tail -n 1)
check "the drain report: NOTIFYEX_* fields, nothing abandoned, the job ran" \
  python3 -c '
import json, sys
e = json.loads(sys.argv[1])
print("    " + e["MESSAGE"], {k: v for k, v in e.items() if k.startswith("NOTIFYEX_")})
assert e["SYSLOG_IDENTIFIER"] == "notify-example"
assert e["NOTIFYEX_ABANDONED_TASKS"] == "0" and e["NOTIFYEX_ABANDONED_TIMERS"] == "0"
assert int(e["NOTIFYEX_DRAIN_MS"]) >= 0 and int(e["NOTIFYEX_BEATS"]) > 0
' "${drain_entry:-{\}}"
finish
