#!/usr/bin/env bash
# Behaviour 5, reload: `systemctl reload` (ExecReload=/bin/kill -HUP
# $MAINPID) makes parkd re-read its config without restarting: the unit
# returns to active/running with the same main PID, the journal says it
# reloaded, a new stats_interval_s is in effect, and a new workers count is
# logged as kept until a restart.
[[ -n ${IT_SANDBOX:-} ]] || exec "$(dirname "$0")/sandbox.sh" "$0" "$@"
set -uo pipefail
source "$IT_SRC/parkd.sh"

unit=parkd-it-reload.service
parkd_config $unit "[runtime]
workers = 2

[daemon]
drain_timeout_ms = 3000
stats_interval_s = 60

[listen]
tcp = []" >/dev/null || fail "cannot write the config"
parkd_service $unit || fail "cannot install $unit"

require "start returns success" sctl start $unit
pid=$(unit_prop $unit MainPID)
cursor=$(journal_cursor) || fail "cannot read the journal's cursor"
parkd_config $unit "[runtime]
workers = 3

[daemon]
drain_timeout_ms = 3000
stats_interval_s = 37

[listen]
tcp = []" >/dev/null || fail "cannot rewrite the config"

require "reload returns success" sctl reload $unit
wait_for 5 unit_active_running $unit
check "back to active/running within 5 s (got $(unit_state $unit))" unit_active_running $unit
check "same main PID: reloaded, not restarted" test "$(unit_prop $unit MainPID)" = "$pid"
check "NRestarts=0" test "$(unit_prop $unit NRestarts)" = 0
check "the journal says parkd reloaded" \
  wait_for 5 parkd_logged 'reload' $unit "$cursor"
check "the journal says stats_interval_s = 37 is in effect" \
  wait_for 5 parkd_logged 'stats_interval_s.*[^0-9]37([^0-9]|$)' $unit "$cursor"
check "the journal says the workers change waits for a restart" \
  wait_for 5 parkd_logged 'workers.*restart|restart.*workers' $unit "$cursor"
status=$(unit_prop $unit StatusText)
check "still 2 workers running (StatusText '$status')" \
  eval '[[ $status == "2 workers:"* ]]'
finish
