#!/usr/bin/env bash
# Behaviour: contrib/prometheus/parkd-textfile.conf, the shipped drop-in,
# records how each run of parkd ended for node_exporter's textfile
# collector: a drain that passed drain_timeout_ms with work in flight gives
# parkd_last_exit_status{result="exit-code"} 1, a clean one 0; the file
# passes `promtool check metrics`. The drop-in's two paths (the script and
# node_exporter's directory) are pointed at this tree and a scratch dir.
[[ -n ${IT_SANDBOX:-} ]] || exec "$(dirname "$0")/sandbox.sh" "$0" "$@"
set -uo pipefail
source "$IT_SRC/parkd.sh"

command -v promtool >/dev/null || fail "promtool not found (Debian package prometheus)"
contrib=$PARKD_SOURCE_ROOT/contrib/prometheus
textfiles=$IT_WORK/textfile
mkdir -p "$textfiles" || fail "cannot make $textfiles"
exec_stop_post=$(sed -n \
  -e "s|/usr/local/lib/parkd/parkd-exit-textfile.sh|$contrib/parkd-exit-textfile.sh|" \
  -e "s|/var/lib/prometheus/node-exporter|$textfiles|" \
  -e '/^ExecStopPost=/p' "$contrib/parkd-textfile.conf")
[[ $exec_stop_post == "ExecStopPost=+$contrib/parkd-exit-textfile.sh $textfiles %n" ]] ||
  fail "parkd-textfile.conf has no ExecStopPost= line of the expected form (got '$exec_stop_post')"

unit=parkd-it-textfile.service
prom=$textfiles/$unit.prom
parkd_config $unit "[runtime]
workers = 2

[daemon]
drain_timeout_ms = 200

[listen]
tcp = []" >/dev/null || fail "cannot write the config"
# A task that sleeps 2 s starts with parkd: a stop within 2 s cannot drain.
parkd_service $unit "Environment=PARKD_TEST_FAULT=slow-task:2000
$exec_stop_post" || fail "cannot install $unit"

require "start returns success" sctl start $unit
sctl stop $unit
wait_for 5 test -s "$prom"
it_log "$(grep -v '^#' "$prom" 2>&1)"
check "a drain that abandoned work: parkd_last_exit_status 1, result exit-code" \
  grep_all -Fx "parkd_last_exit_status{unit=\"$unit\",result=\"exit-code\"} 1" "$prom"
check "with the time it ended" \
  grep_all -E "^parkd_last_exit_time_seconds\{unit=\"$unit\"\} [0-9]{10}$" "$prom"
check "the file passes promtool check metrics" eval 'promtool check metrics <"$prom"'
check "node_exporter (any user) can read it" \
  setpriv --reuid=65534 --regid=65534 --clear-groups -- test -r "$prom"

# The same unit without the slow task: a clean drain, status 0.
rm -f "$prom"
parkd_service $unit "$exec_stop_post" || fail "cannot reinstall $unit"
require "start returns success (no slow task)" sctl start $unit
sctl stop $unit
wait_for 5 test -s "$prom"
check "a clean drain: parkd_last_exit_status 0, result success" \
  grep_all -Fx "parkd_last_exit_status{unit=\"$unit\",result=\"success\"} 0" "$prom"
check "no temporary file is left behind" \
  test "$(find "$textfiles" -name '.*' -type f | wc -l)" -eq 0
finish
