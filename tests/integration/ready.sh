#!/usr/bin/env bash
# Behaviour 1, ready: `systemctl start` of the Type=notify parkd.service
# returns only after READY=1, which parkd sends once its workers run and its
# listener is bound; the unit is then active/running and StatusText is the
# live STATUS= line "N workers: P parked, R running; K notified"; the
# sandbox lets the workers set their time slice (runtime.worker_slice_us).
[[ -n ${IT_SANDBOX:-} ]] || exec "$(dirname "$0")/sandbox.sh" "$0" "$@"
set -uo pipefail
source "$IT_SRC/parkd.sh"

unit=parkd-it-ready.service
port=$(free_port) || fail "no free loopback port in 18000-18999"
parkd_config $unit "[runtime]
workers = 3

[daemon]
drain_timeout_ms = 3000

[listen]
tcp = [\"127.0.0.1:$port\"]" >/dev/null || fail "cannot write the config"
parkd_service $unit || fail "cannot install $unit"

require "start returns success (READY=1 within TimeoutStartSec=10s)" sctl start $unit
check "start returned with the unit already active/running (READY=1 came first)" \
  unit_active_running $unit
status=$(unit_prop $unit StatusText)
check "StatusText matches the contract (got '$status')" grep -Eq "$PARKD_STATUS_ERE" <<<"$status"
check "StatusText counts the 3 configured workers" test "${status%% *}" = 3
if [[ $status =~ ^([0-9]+)\ workers:\ ([0-9]+)\ parked,\ ([0-9]+)\ running ]]; then
  check "parked + running <= workers" \
    test $((BASH_REMATCH[2] + BASH_REMATCH[3])) -le "${BASH_REMATCH[1]}"
fi
check "the listener 127.0.0.1:$port was bound by READY=1 (connect succeeds)" tcp_connect "$port"
check "still active/running 1 s later" eval 'sleep 1; unit_active_running $unit'
check "NotifyAccess=main kept: the main PID is parkd" \
  test "$(readlink "/proc/$(unit_prop $unit MainPID)/exe")" = "$PARKD"
# The unit's system-call filter lets the workers set their time slice: the
# only acceptable reason for the start-up warning is a kernel without
# per-thread slices, never EPERM from the sandbox.
slice_warning=$(parkd_messages $unit | grep 'worker_slice_us = .* not applied' || true)
check "the workers' time slice is applied, or the kernel has none (got '$slice_warning')" \
  eval '[[ -z $slice_warning || $slice_warning == *"no per-thread time slice"* ]]'

finish
