#!/bin/sh
# parkd-exit-textfile.sh DIR UNIT: writes how UNIT's last run ended to
# DIR/UNIT.prom for node_exporter's textfile collector
# (--collector.textfile.directory=DIR), so that Prometheus sees a drain
# that abandoned work (exit status 1) or a watchdog kill although parkd,
# which would otherwise report it, is gone:
#
#   parkd_last_exit_status{unit="parkd.service",result="exit-code"} 1
#   parkd_last_exit_time_seconds{unit="parkd.service"} 1764518400
#
# Run by systemd from ExecStopPost= (parkd-textfile.conf), which sets
# SERVICE_RESULT (success, exit-code, signal, watchdog, timeout, ...) and
# EXIT_STATUS (a number, or a signal name when parkd was killed: then the
# status is -1). The file is replaced atomically (node_exporter never reads
# half of it) and is world-readable.
set -eu
if [ $# -ne 2 ] || [ ! -d "$1" ]; then
  echo "usage: parkd-exit-textfile.sh DIR UNIT (DIR an existing directory)" >&2
  exit 2
fi
dir=$1 unit=$2
case ${EXIT_STATUS:-} in
  '' | *[!0-9]*) status=-1 ;;
  *) status=$EXIT_STATUS ;;
esac
result=${SERVICE_RESULT:-unknown}
tmp=$(mktemp "$dir/.$unit.prom.XXXXXX")
trap 'rm -f "$tmp"' EXIT
cat >"$tmp" <<METRICS
# HELP parkd_last_exit_status Exit status of the unit's last run of parkd: 0 a clean drain, 1 a drain that abandoned work, 78 a config error; -1 killed by a signal (see result).
# TYPE parkd_last_exit_status gauge
parkd_last_exit_status{unit="$unit",result="$result"} $status
# HELP parkd_last_exit_time_seconds When the unit's last run of parkd ended, in seconds since the epoch.
# TYPE parkd_last_exit_time_seconds gauge
parkd_last_exit_time_seconds{unit="$unit"} $(date +%s)
METRICS
chmod 0644 "$tmp"
mv -f "$tmp" "$dir/$unit.prom"
trap - EXIT
