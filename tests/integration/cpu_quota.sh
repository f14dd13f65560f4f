#!/usr/bin/env bash
# Behaviour: workers = 0 under CPUQuota= starts one worker per CPU the
# quota pays for, not one per CPU in the affinity mask, and the journal
# says where the count came from (the cgroup's quota file, named).
# With N CPUs in the mask the unit gets CPUQuota=(N-1)*100% (50% on a
# 1-CPU machine): min(N, ceil(quota)) workers.
[[ -n ${IT_SANDBOX:-} ]] || exec "$(dirname "$0")/sandbox.sh" "$0" "$@"
set -uo pipefail
source "$IT_SRC/parkd.sh"

unit=parkd-it-cpuquota.service
port=$(free_port) || fail "no free loopback port in 18000-18999"
cpus=$(nproc)
if ((cpus > 1)); then
  quota=$(((cpus - 1) * 100)) expected=$((cpus - 1))
else
  quota=50 expected=1
fi
parkd_config $unit "[runtime]
workers = 0

[listen]
tcp = [\"127.0.0.1:$port\"]" >/dev/null || fail "cannot write the config"
parkd_service $unit "CPUQuota=$quota%" || fail "cannot install $unit"

require "start returns success" sctl start $unit
per_sec=$(unit_prop $unit CPUQuotaPerSecUSec)
check "systemd applied CPUQuota=$quota% (CPUQuotaPerSecUSec=$per_sec)" \
  test "$per_sec" != infinity
status=$(unit_prop $unit StatusText)
check "StatusText counts $expected workers for $cpus CPUs under CPUQuota=$quota% (got '$status')" \
  test "${status%% *}" = "$expected"
line=$(parkd_messages $unit | grep '^workers: ')
it_log "journal: $line"
check "the journal says $expected workers, one per usable CPU" \
  eval '[[ $line == "workers: $expected, one per usable CPU: "* ]]'
check "and names the cgroup quota file it read" \
  eval '[[ $line == *"cgroup v2 cpu.max $((quota * 1000)) 100000 at /"* ||
           $line == *"cgroup v1 cpu.cfs_quota_us $((quota * 1000)), cpu.cfs_period_us 100000 at /"* ]]'

finish
