#!/usr/bin/env bash
# Not a test: runs parkd as a service under the sandboxed systemd and
# prints what an operator sees (systemctl status, the journal's counts,
# the drain), for the README's samples. As root: tests/integration/sample_run.sh
[[ -n ${IT_SANDBOX:-} ]] || exec "$(dirname "$0")/sandbox.sh" "$0" "$@"
set -uo pipefail
source "$IT_SRC/parkd.sh"

unit=parkd.service
port=$(free_port)
parkd_config $unit "[runtime]
workers = 2
[daemon]
stats_interval_s = 60
[listen]
tcp = [\"127.0.0.1:$port\"]" >/dev/null || fail "config"
parkd_service $unit || fail "unit"
require "start" sctl start $unit
curl -s "http://127.0.0.1:$port/work?cpu_us=100&sleep_ms=5" >/dev/null
curl -s "http://127.0.0.1:$port/healthz" >/dev/null
echo '$ systemctl status parkd'
sctl status --no-pager --lines=0 $unit | sed -n '1,8p'
echo
echo '$ systemctl show parkd -p StatusText -p WatchdogUSec'
sctl show $unit -p StatusText -p WatchdogUSec
echo
echo '$ systemctl kill -s USR1 parkd; journalctl -t parkd -o json -n 1 (PARKD_* fields)'
sctl kill -s USR1 $unit
sleep 0.5
journal -t parkd -o json | python3 -c '
import json, sys
entries = [json.loads(l) for l in sys.stdin]
total = [e for e in entries if "PARKD_WORKERS" in e][-1]
print(json.dumps({k: v for k, v in total.items() if k.startswith("PARKD_") or k in ("MESSAGE", "SYSLOG_IDENTIFIER")}, indent=1))'
echo
echo '$ systemctl stop parkd; journalctl -t parkd -o cat'
sctl stop $unit
sleep 0.5
journal -t parkd -o cat | cut -c1-160
finish
