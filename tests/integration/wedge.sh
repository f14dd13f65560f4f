#!/usr/bin/env bash
# Behaviour 3, wedge: a worker stuck in one task longer than
# [daemon] watchdog_stall_ms stops parkd's watchdog pings; systemd kills it
# (Result=watchdog) and the journal names the stuck worker.
# PARKD_TEST_FAULT=wedge-worker:500 makes one worker block forever in a task
# 500 ms after start; watchdog_stall_ms = 300, WatchdogSec=2s, Restart=no:
# the unit must be failed with Result=watchdog within 10 s of starting.
[[ -n ${IT_SANDBOX:-} ]] || exec "$(dirname "$0")/sandbox.sh" "$0" "$@"
set -uo pipefail
source "$IT_SRC/parkd.sh"

unit=parkd-it-wedge.service
parkd_config $unit "[runtime]
workers = 2

[daemon]
drain_timeout_ms = 3000
watchdog_stall_ms = 300

[listen]
tcp = []" >/dev/null || fail "cannot write the config"
# LimitCORE=0: systemd's watchdog kill is SIGABRT, which would dump core.
parkd_service $unit "WatchdogSec=2s
Restart=no
Environment=PARKD_TEST_FAULT=wedge-worker:500
LimitCORE=0" || fail "cannot install $unit"

t0=$(_it_now_ms)
require "start returns success (READY=1 before the wedge)" sctl start $unit
_wedged() { [[ $(unit_state $unit) == failed/failed/watchdog ]]; }
wait_for 12 _wedged
took=$(($(_it_now_ms) - t0))
check "failed with Result=watchdog within 10 s of start (state $(unit_state $unit), ${took} ms)" \
  eval '_wedged && test $took -le 10000'
journal_sync
check "systemd logged the watchdog timeout" \
  eval 'journal -o cat | grep_all -F "$unit: Watchdog timeout (limit 2s)"'
check "the journal names the stuck worker (\"worker N\" and \"stuck\" in one parkd message)" \
  parkd_logged 'worker[^0-9]{0,3}[0-9]+.*stuck|stuck.*worker[^0-9]{0,3}[0-9]+' $unit
finish
