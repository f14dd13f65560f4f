#!/usr/bin/env bash
# The unit files themselves, no sandbox needed: systemd/parkd.service and
# systemd/parkd.socket, rendered as meson's configure_file renders them but
# with this build's parkd (systemd-analyze verify wants ExecStart= to exist),
#   - pass `systemd-analyze verify` with no output at all, and
#   - have an overall exposure of at most 1.5 in
#     `systemd-analyze security --offline=yes` (systemd-timesyncd on Debian 12
#     is 2.3).
set -uo pipefail
IT_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$IT_SRC/lib.sh"
source "$IT_SRC/parkd.sh"
MAX_EXPOSURE=1.5

command -v systemd-analyze >/dev/null || fail "systemd-analyze not found"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
parkd_render "$PARKD_SERVICE_TEMPLATE" "$tmp/parkd.service" /etc ||
  fail "cannot render $PARKD_SERVICE_TEMPLATE"
cp "$PARKD_SOCKET_TEMPLATE" "$tmp/parkd.socket" || fail "cannot copy $PARKD_SOCKET_TEMPLATE"
it_log "rendered: $(grep '^ExecStart=' "$tmp/parkd.service")"

out=$(cd "$tmp" && timeout 60 systemd-analyze verify "$tmp/parkd.service" "$tmp/parkd.socket" 2>&1)
rc=$?
[[ -n $out ]] && printf '%s\n' "$out"
check "systemd-analyze verify exits 0 (got $rc)" test "$rc" = 0
check "systemd-analyze verify prints nothing" test -z "$out"

report=$(timeout 60 systemd-analyze security --offline=yes "$tmp/parkd.service" 2>&1)
rc=$?
printf '%s\n' "$report" | grep -E '^✗|Overall exposure'
exposure=$(sed -n 's/.*Overall exposure level for parkd\.service: \([0-9][0-9.]*\).*/\1/p' <<<"$report")
check "systemd-analyze security runs (exit $rc) and reports an exposure (got '${exposure}')" \
  eval '[[ $rc == 0 && $exposure =~ ^[0-9]+(\.[0-9]+)?$ ]]'
check "overall exposure ${exposure:-?} <= $MAX_EXPOSURE" \
  awk -v e="${exposure:-99}" -v m="$MAX_EXPOSURE" 'BEGIN { exit !(e + 0 <= m + 0) }'
# The same bound through systemd-analyze's own switch (tenths: 15 = 1.5).
check "systemd-analyze security --threshold=15 passes" \
  eval 'timeout 60 systemd-analyze security --offline=yes --threshold=15 "$tmp/parkd.service" >/dev/null 2>&1'

check "the service file sets Type=notify, NotifyAccess=main and a WatchdogSec=" \
  eval 'grep -qx Type=notify "$tmp/parkd.service" && grep -qx NotifyAccess=main "$tmp/parkd.service" && grep -q "^WatchdogSec=" "$tmp/parkd.service"'
check "ExecStart= takes the config from @SYSCONFDIR@/parkd/parkd.toml" \
  grep -qx "ExecStart=$PARKD --config /etc/parkd/parkd.toml" "$tmp/parkd.service"
check "the socket listens on 127.0.0.1:8080" grep -qx 'ListenStream=127.0.0.1:8080' "$tmp/parkd.socket"
finish
