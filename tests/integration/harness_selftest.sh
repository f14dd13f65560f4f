#!/usr/bin/env bash
# The sandbox itself, without parkd: shows that the recipe works end to end
# on this machine (so that a parkd test failing means parkd, not the
# harness). A shell stands in for the daemon; it notifies with
# systemd-notify, which needs NotifyAccess=all (it is a child of the main
# process, not the main process).
#   - Type=notify: `start` returns after READY=1; STATUS= reaches StatusText
#   - stdout reaches the journal under _SYSTEMD_UNIT
#   - structured fields (the native journal protocol) are stored and matched
#   - WatchdogSec= with no pings ends in Result=watchdog
#   - systemd/parkd.service's hardening works under this manager: the
#     process runs as a dynamic UID, with no_new_privs and seccomp, can reach
#     the notify socket and journald, and ExecReload= signals it
[[ -n ${IT_SANDBOX:-} ]] || exec "$(dirname "$0")/sandbox.sh" "$0" "$@"
set -uo pipefail
source "$IT_SRC/parkd.sh"

token=$RANDOM$RANDOM

# --- Type=notify, STATUS=, stdout in the journal -------------------------
cat >"$IT_WORK/u.service" <<EOF
[Service]
Type=notify
NotifyAccess=all
TimeoutStartSec=10s
ExecStart=/bin/sh -c 'echo selftest-stdout-$token; sleep 0.5; systemd-notify --ready --status="selftest up"; exec sleep 60'
EOF
unit_install parkd-it-selftest.service "$IT_WORK/u.service"
t0=$(_it_now_ms)
require "start of a Type=notify unit succeeds" sctl start parkd-it-selftest.service
waited=$(($(_it_now_ms) - t0))
check "start waited for READY=1 (${waited} ms >= 500 ms)" test "$waited" -ge 500
check "active/running" test "$(unit_prop parkd-it-selftest.service ActiveState)/$(unit_prop parkd-it-selftest.service SubState)" = active/running
check "StatusText is the STATUS= sent" test "$(unit_prop parkd-it-selftest.service StatusText)" = "selftest up"
check "stdout is in the journal under -u NAME" \
  wait_for 5 eval 'journal -u parkd-it-selftest.service -o cat | grep_all -x selftest-stdout-$token'
require "stop succeeds" sctl stop parkd-it-selftest.service
check "inactive after stop" test "$(unit_prop parkd-it-selftest.service ActiveState)" = inactive

# --- structured journal fields -------------------------------------------
python3 - "$token" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.sendto(("MESSAGE=selftest fields\nSYSLOG_IDENTIFIER=parkd-it-selftest\n"
          "PARKD_SELFTEST=%s\n" % sys.argv[1]).encode(), "/run/systemd/journal/socket")
EOF
journal_sync
check "a field is stored (journalctl -t ID -o json)" \
  wait_for 5 eval 'journal_json -t parkd-it-selftest | grep_all "\"PARKD_SELFTEST\":\"$token\""'
check "a field matches (journalctl FIELD=VALUE)" \
  wait_for 5 eval 'journal -o cat PARKD_SELFTEST=$token | grep_all -x "selftest fields"'

# --- the watchdog --------------------------------------------------------
cat >"$IT_WORK/w.service" <<EOF
[Service]
Type=notify
NotifyAccess=all
TimeoutStartSec=10s
WatchdogSec=1s
ExecStart=/bin/sh -c 'systemd-notify --ready; exec sleep 60'
EOF
unit_install parkd-it-selftest-wd.service "$IT_WORK/w.service"
require "start of the watchdog unit" sctl start parkd-it-selftest-wd.service
check "no pings: Result=watchdog, failed within 8 s" \
  wait_for 8 eval 'test "$(unit_state parkd-it-selftest-wd.service)" = failed/failed/watchdog'

# --- systemd/parkd.service's hardening, with a shell for parkd ----------
parkd_config parkd-it-selftest-hard.service "[runtime]" >/dev/null
parkd_service parkd-it-selftest-hard.service "NotifyAccess=all
ExecStart=
ExecStart=/bin/sh -c 'trap \"echo selftest-got-hup\" HUP; echo selftest-hardened; systemd-notify --ready --status=hardened; while :; do sleep 0.2; done'"
require "start of the hardened unit" sctl start parkd-it-selftest-hard.service
check "hardened unit active/running" \
  test "$(unit_prop parkd-it-selftest-hard.service ActiveState)/$(unit_prop parkd-it-selftest-hard.service SubState)" = active/running
check "hardened unit's STATUS= arrived" test "$(unit_prop parkd-it-selftest-hard.service StatusText)" = hardened
pid=$(unit_prop parkd-it-selftest-hard.service MainPID)
status=$(cat "/proc/$pid/status" 2>/dev/null)
uid=$(awk '/^Uid:/ {print $2}' <<<"$status")
it_log "hardened main process $pid: uid $uid, $(grep -E '^(NoNewPrivs|Seccomp|CapEff):' <<<"$status" | tr '\n\t' '  ')"
check "DynamicUser=yes: runs as an unprivileged UID (got $uid)" test "${uid:-0}" -gt 0
check "NoNewPrivileges=yes in effect" grep -q '^NoNewPrivs:[[:space:]]*1' <<<"$status"
check "SystemCallFilter= in effect (seccomp filter mode)" grep -q '^Seccomp:[[:space:]]*2' <<<"$status"
check "no capabilities" grep -q '^CapEff:[[:space:]]*0000000000000000' <<<"$status"
check "hardened stdout reaches the journal" \
  wait_for 5 eval 'journal -u parkd-it-selftest-hard.service -o cat | grep_all -x selftest-hardened'
require "reload (ExecReload=/bin/kill -HUP \$MAINPID) succeeds" sctl reload parkd-it-selftest-hard.service
check "the main process got SIGHUP" \
  wait_for 5 eval 'journal -u parkd-it-selftest-hard.service -o cat | grep_all -x selftest-got-hup'
check "still the same main process" test "$(unit_prop parkd-it-selftest-hard.service MainPID)" = "$pid"
require "stop of the hardened unit" sctl stop parkd-it-selftest-hard.service

finish
