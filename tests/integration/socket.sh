#!/usr/bin/env bash
# Behaviour 7, socket activation: with parkd.socket (ListenStream on a free
# loopback port) started and parkd.service not, a connection starts the
# service; parkd takes the listener through sd_listen_fds() (its config
# lists no listener of its own) and says so in the journal.
[[ -n ${IT_SANDBOX:-} ]] || exec "$(dirname "$0")/sandbox.sh" "$0" "$@"
set -uo pipefail
source "$IT_SRC/parkd.sh"

sock=parkd-it-sock.socket
unit=parkd-it-sock.service
port=$(free_port) || fail "no free loopback port in 18000-18999"
parkd_config $unit "[runtime]
workers = 2

[daemon]
drain_timeout_ms = 3000

[listen]
tcp = []" >/dev/null || fail "cannot write the config"
parkd_service $unit || fail "cannot install $unit"
parkd_socket $sock "$port" || fail "cannot install $sock"

require "the socket unit starts" sctl start $sock
check "$sock is active/listening" \
  test "$(unit_prop $sock ActiveState)/$(unit_prop $sock SubState)" = active/listening
check "$unit is not started yet" test "$(unit_prop $unit ActiveState)" = inactive
check "a connection to 127.0.0.1:$port succeeds (systemd holds the listener)" tcp_connect "$port"
_settled() { unit_active_running $unit || [[ $(unit_prop $unit ActiveState) == failed ]]; }
wait_for 12 _settled
require "the connection started $unit: active/running within 12 s (got $(unit_state $unit))" \
  unit_active_running $unit
check "the journal says parkd took 1 listener from socket activation" \
  wait_for 5 parkd_logged '([^0-9]|^)1([^0-9]).*socket activation|socket activation.*([^0-9])1([^0-9]|$)' $unit
check "127.0.0.1:$port still accepts with parkd running" tcp_connect "$port"
check "$sock still active" test "$(unit_prop $sock ActiveState)" = active
finish
