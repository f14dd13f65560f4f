#!/usr/bin/env bash
# Behaviour 8, SIGUSR1: `systemctl kill -s USR1` (our unit only, by name,
# main process only) makes parkd log its counters to the journal: a new
# entry with PARKD_WORKERS, PARKD_PARKED and PARKD_NOTIFIED. It keeps running.
[[ -n ${IT_SANDBOX:-} ]] || exec "$(dirname "$0")/sandbox.sh" "$0" "$@"
set -uo pipefail
source "$IT_SRC/parkd.sh"

unit=parkd-it-usr1.service
parkd_config $unit "[runtime]
workers = 2

[daemon]
drain_timeout_ms = 3000
stats_interval_s = 0

[listen]
tcp = []" >/dev/null || fail "cannot write the config"
parkd_service $unit || fail "cannot install $unit"

require "start returns success" sctl start $unit
pid=$(unit_prop $unit MainPID)
cursor=$(journal_cursor) || fail "cannot read the journal's cursor"
require "systemctl --user kill -s USR1 --kill-whom=main $unit" \
  sctl kill -s USR1 --kill-whom=main $unit
_totals() {
  parkd_stat_entries $unit "$cursor" | python3 -c '
import json, sys
for line in sys.stdin:
    e = json.loads(line)
    if all(k in e for k in ("PARKD_WORKERS", "PARKD_PARKED", "PARKD_NOTIFIED")):
        print(e.get("MESSAGE"))
        sys.exit(0)
sys.exit(1)'
}
check "a new journal entry with PARKD_WORKERS, PARKD_PARKED, PARKD_NOTIFIED within 5 s" \
  wait_for 5 _totals
it_log "it says: $(_totals)"
check "still active/running with the same main PID" \
  eval 'unit_active_running $unit && test "$(unit_prop $unit MainPID)" = "$pid"'
finish
