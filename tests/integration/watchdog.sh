#!/usr/bin/env bash
# Behaviour 2, watchdog: with WatchdogSec=2s parkd sends WATCHDOG=1 every
# second (WATCHDOG_USEC/2) from a task on its pool: the unit stays
# active/running, with the same main PID, for 7 s (3.5 watchdog periods),
# systemd's last-ping timestamp keeps advancing, and nothing in the journal
# reports a watchdog timeout.
[[ -n ${IT_SANDBOX:-} ]] || exec "$(dirname "$0")/sandbox.sh" "$0" "$@"
set -uo pipefail
source "$IT_SRC/parkd.sh"

unit=parkd-it-watchdog.service
parkd_config $unit "[runtime]
workers = 2

[daemon]
drain_timeout_ms = 3000

[listen]
tcp = []" >/dev/null || fail "cannot write the config"
parkd_service $unit "WatchdogSec=2s" || fail "cannot install $unit"

require "start returns success" sctl start $unit
check "WatchdogUSec=2s" test "$(unit_prop $unit WatchdogUSec)" = 2s
pid=$(unit_prop $unit MainPID)
ping0=$(unit_prop $unit WatchdogTimestampMonotonic)
alive=yes
for _ in 1 2 3 4 5 6 7; do
  sleep 1
  if ! unit_active_running $unit || [[ $(unit_prop $unit MainPID) != "$pid" ]]; then
    alive="no: $(unit_state $unit) after $(($(_it_now_ms) - T0_MS)) ms"
    break
  fi
done
check "active/running with the same main PID for 7 s ($alive)" test "$alive" = yes
ping1=$(unit_prop $unit WatchdogTimestampMonotonic)
check "pings arrive: the last-ping time advanced ($ping0 -> $ping1 us)" \
  test "${ping1:-0}" -gt "${ping0:-0}"
now_us=$(python3 -c 'import time; print(int(time.monotonic() * 1e6))')
age_ms=$(((now_us - ${ping1:-0}) / 1000))
check "the last ping is recent: ${age_ms} ms ago (pings every 1000 ms)" test "$age_ms" -lt 1800
check "NRestarts=0" test "$(unit_prop $unit NRestarts)" = 0
journal_sync
check "the journal has no watchdog timeout for $unit" \
  eval '! journal -o cat | grep_all -F "$unit: Watchdog timeout"'
finish
