#!/usr/bin/env bash
# Process tests of the real parkd binary (no systemd): version, config
# errors and their exit status, and a SIGTERM that wakes every parked worker.
# Usage: parkd_cli_test.sh PARKD SOURCE_ROOT
set -uo pipefail
PARKD=$1
ROOT=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "${BASH_SOURCE[0]}")/check_lib.sh"

# The project's version, as meson.build declares it (a release bumps only that).
version=$(sed -n "s/^  version: '\([^']*\)',\$/\1/p" "$ROOT/meson.build")
check "meson.build declares a version" [ -n "$version" ]
out=$("$PARKD" --version)
check "version" [ "$out" = "parkd $version" ]

out=$("$PARKD" --config "$ROOT/config/parkd.toml" --check-config)
check "check-config prints the effective config" \
  grep -q '^workers = 0$' <<<"$out"
check "check-config says what workers = 0 resolves to and why" \
  grep -Eq '^# effective workers: [0-9]+, one per usable CPU: (affinity mask|cgroup v[12] )' <<<"$out"

"$PARKD" --config "$tmp/missing.toml" 2>"$tmp/err"
check "missing config exits 78" [ $? -eq 78 ]
check "missing config is named" grep -q "cannot read config file $tmp/missing.toml" "$tmp/err"

# A config path that is not a readable regular file (or /dev/null) is the
# same clear error as a missing one, in a run and in --check-config; a FIFO
# or a device must not block or be read forever.
mkdir "$tmp/dir"
mkfifo "$tmp/fifo"
python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$tmp/sock"
head -c 1048577 /dev/zero | tr '\0' '#' >"$tmp/big.toml"
printf '[runtime]\nworkers = 2\n' >"$tmp/secret.toml"
chmod 000 "$tmp/secret.toml"
chmod 755 "$tmp"
bad_path() {  # NAME PATH WHY [runner...]
  local name=$1 path=$2 why=$3
  shift 3
  for mode in run check; do
    local flags=(--config "$path")
    [ "$mode" = check ] && flags+=(--check-config)
    timeout 10 "$@" "$PARKD" "${flags[@]}" >/dev/null 2>"$tmp/err"
    check "$name ($mode) exits 78" [ $? -eq 78 ]
    check "$name ($mode) names the path and why" \
      grep -qF "cannot read config file $path: $why" "$tmp/err"
  done
}
bad_path "directory config" "$tmp/dir" "it is a directory; a config must be a readable regular file"
bad_path "/tmp as config" /tmp "it is a directory"
bad_path "FIFO config" "$tmp/fifo" "it is a FIFO"
bad_path "socket config" "$tmp/sock" "it is a socket"
bad_path "device config" /dev/zero "it is a character device"
bad_path "oversized config" "$tmp/big.toml" "it is 1048577 bytes long"
# Root reads any file: as root, the unreadable case runs parkd as nobody.
as_nobody=()
[ "$(id -u)" = 0 ] && as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
bad_path "unreadable config" "$tmp/secret.toml" "Permission denied" "${as_nobody[@]}"
out=$("$PARKD" --config /dev/null --check-config)
check "/dev/null config is the defaults" grep -q '^workers = 0$' <<<"$out"

printf '[runtime]\nworkers = "many"\n' >"$tmp/bad.toml"
"$PARKD" --config "$tmp/bad.toml" 2>"$tmp/err"
check "bad config exits 78" [ $? -eq 78 ]
check "bad config names file:line:col" \
  grep -q "$tmp/bad.toml:2:11: runtime.workers must be an integer from 0 to 1024" "$tmp/err"

"$PARKD" --config "$ROOT/config/parkd.toml" --workers=5000 2>"$tmp/err"
check "out-of-range --workers exits 64" [ $? -eq 64 ]
for args in "--no-such-flag" "--workers=abc" "--workers" "stray"; do
  "$PARKD" --config "$ROOT/config/parkd.toml" $args 2>"$tmp/err"
  check "usage error '$args' exits 64" [ $? -eq 64 ]
done
out=$("$PARKD" --help)
check "--help exits 0" [ $? -eq 0 ]
check "--help lists the flags with dashes" grep -q '^  --check-config$' <<<"$out"

printf '[listen]\ntcp = ["not-an-address"]\n' >"$tmp/bad2.toml"
"$PARKD" --config "$tmp/bad2.toml" 2>"$tmp/err"
check "bad listen address exits 78" [ $? -eq 78 ]
check "bad listen address says what is allowed" \
  grep -q 'item 0 is "not-an-address"' "$tmp/err"

# A port taken by someone else: a clear error naming the address, no start.
python3 -c 'import socket,time,sys; s=socket.socket(); s.bind(("127.0.0.1",0)); s.listen(); print(s.getsockname()[1], flush=True); time.sleep(30)' >"$tmp/port" &
holder=$!
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.05; done
busy=$(cat "$tmp/port")
printf '[listen]\ntcp = ["127.0.0.1:%s"]\n' "$busy" >"$tmp/busy.toml"
"$PARKD" --config "$tmp/busy.toml" 2>"$tmp/err"
check "busy port exits 71" [ $? -eq 71 ]
check "busy port is named with errno" \
  grep -q "bind(127.0.0.1:$busy): Address already in use \[EADDRINUSE\]" "$tmp/err"
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null

# SIGUSR1 logs the counters; SIGTERM drains, wakes every parked worker and
# the process exits 0 with the final counters on stderr (no journal here).
printf '[listen]\ntcp = []\n' >"$tmp/run.toml"
"$PARKD" --config "$tmp/run.toml" --workers 4 2>"$tmp/log" &
pid=$!
for _ in $(seq 200); do
  grep -q "started" "$tmp/log" && break
  sleep 0.05
done
check "started with 4 workers" grep -q "parkd $version started: 4 workers, 0 listeners" "$tmp/log"
kill -USR1 "$pid"
for _ in $(seq 200); do
  grep -q "counters of worker 3" "$tmp/log" && break
  sleep 0.05
done
check "SIGUSR1 logs every worker's counters" grep -q "counters of worker 3 \[PARKD_WORKER=3" "$tmp/log"
kill -TERM "$pid"
status=124
for _ in $(seq 200); do
  if ! kill -0 "$pid" 2>/dev/null; then
    wait "$pid"
    status=$?
    break
  fi
  sleep 0.05
done
[ "$status" = 124 ] && kill -KILL "$pid"
check "SIGTERM exits 0 within 10 s" [ "$status" -eq 0 ]
check "drain logged with the final counts" \
  grep -Eq "drained in [0-9]+ ms; final 4 workers: [0-4] parked, [0-4] running; [0-9]+ notified \[PARKD_WORKERS=4 PARKD_PARKED=[0-4]" "$tmp/log"

# SIGTERM while work is in flight: the drain waits for it, then exits 0.
PARKD_TEST_FAULT=slow-task:600 "$PARKD" --config "$tmp/run.toml" --workers 2 2>"$tmp/slow" &
pid=$!
for _ in $(seq 200); do
  grep -q "started" "$tmp/slow" && break
  sleep 0.05
done
kill -TERM "$pid"
wait "$pid"
check "drain with work in flight exits 0" [ $? -eq 0 ]
check "the in-flight task completed before the drain ended" \
  bash -c "grep -n 'slow task finished' '$tmp/slow' | cut -d: -f1 > '$tmp/a'; grep -n 'drained in' '$tmp/slow' | cut -d: -f1 > '$tmp/b'; [ -s '$tmp/a' ] && [ -s '$tmp/b' ] && [ \$(cat '$tmp/a') -lt \$(cat '$tmp/b') ]"
check "nothing abandoned" grep -q "PARKD_ABANDONED_TASKS=0" "$tmp/slow"

check_summary
