#!/usr/bin/env bash
# Behaviour: /metrics carries the pool watchdog's view, which the alert
# rules in contrib/prometheus/ use: parkd_watchdog_ok is 1 while the pings
# go out and turns 0 once a worker is stuck past watchdog_stall_ms (before
# systemd kills parkd for it), and parkd_longest_task_seconds then exceeds
# the stall limit. The scrape passes `promtool check metrics`.
# WatchdogSec=4s (a check every 2 s), watchdog_stall_ms = 300, one of two
# workers wedged 2.5 s after start (PARKD_TEST_FAULT): the check after the
# wedge stops the pings, systemd kills parkd 4 s after the last one; the
# test scrapes every 0.2 s in between, on the worker that is not stuck.
[[ -n ${IT_SANDBOX:-} ]] || exec "$(dirname "$0")/sandbox.sh" "$0" "$@"
set -uo pipefail
source "$IT_SRC/parkd.sh"

command -v promtool >/dev/null || fail "promtool not found (Debian package prometheus)"
unit=parkd-it-metrics-wd.service
port=$(free_port) || fail "no free loopback port in 18000-18999"
parkd_config $unit "[runtime]
workers = 2

[daemon]
watchdog_stall_ms = 300

[listen]
tcp = [\"127.0.0.1:$port\"]" >/dev/null || fail "cannot write the config"
parkd_service $unit "WatchdogSec=4s
Restart=no
Environment=PARKD_TEST_FAULT=wedge-worker:2500
LimitCORE=0" || fail "cannot install $unit"

scrape() { curl -sf --max-time 1 "http://127.0.0.1:$port/metrics"; }
require "start returns success" sctl start $unit
first=$(scrape)
check "the first scrape says the watchdog is satisfied" grep_all -x 'parkd_watchdog_ok 1' <<<"$first"
check "and has parkd_longest_task_seconds" grep_all -E '^parkd_longest_task_seconds [0-9]+\.[0-9]{3}$' <<<"$first"
check "the scrape passes promtool check metrics" eval 'promtool check metrics <<<"$first"'

stuck=""
_stuck_seen() {
  local m
  m=$(scrape) || return 1
  grep_all -x 'parkd_watchdog_ok 0' <<<"$m" || return 1
  stuck=$m
}
wait_for 9 _stuck_seen
check "a scrape after the wedge says parkd_watchdog_ok 0" test -n "$stuck"
longest=$(sed -n 's/^parkd_longest_task_seconds //p' <<<"$stuck")
it_log "parkd_longest_task_seconds $longest while stuck"
check "parkd_longest_task_seconds ($longest) is above the 0.3 s stall limit" \
  python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) > 0.3 else 1)' "${longest:-0}"
_killed() { [[ $(unit_state $unit) == failed/failed/watchdog ]]; }
check "and systemd then killed it for the watchdog ($(wait_for 10 _killed; unit_state $unit))" _killed
finish
