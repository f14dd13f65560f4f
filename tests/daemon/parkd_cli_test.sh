#!/usr/bin/env bash
# Process tests of the real parkd binary (no systemd): version, config
# errors and their exit status, and a SIGTERM that wakes every parked worker.
# Usage: parkd_cli_test.sh PARKD SOURCE_ROOT
set -uo pipefail
PARKD=$1
ROOT=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
check() {  # check NAME CONDITION...
  local name=$1
  shift
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $name" >&2
  fi
}

out=$("$PARKD" --version)
check "version" [ "$out" = "parkd 0.1.0" ]

out=$("$PARKD" --config "$ROOT/config/parkd.toml" --check-config)
check "check-config prints the effective config" \
  grep -q '^workers = 0$' <<<"$out"

"$PARKD" --config "$tmp/missing.toml" 2>"$tmp/err"
check "missing config exits 78" [ $? -eq 78 ]
check "missing config is named" grep -q "cannot read config file $tmp/missing.toml" "$tmp/err"

printf '[runtime]\nworkers = "many"\n' >"$tmp/bad.toml"
"$PARKD" --config "$tmp/bad.toml" 2>"$tmp/err"
check "bad config exits 78" [ $? -eq 78 ]
check "bad config names file:line:col" \
  grep -q "$tmp/bad.toml:2:11: runtime.workers must be an integer from 0 to 1024" "$tmp/err"

"$PARKD" --config "$ROOT/config/parkd.toml" --workers=5000 2>"$tmp/err"
check "out-of-range --workers exits 64" [ $? -eq 64 ]

# SIGTERM: every parked worker wakes and the process exits 0.
"$PARKD" --config "$ROOT/config/parkd.toml" --workers 4 2>"$tmp/log" &
pid=$!
for _ in $(seq 200); do
  grep -q "workers parked" "$tmp/log" && break
  sleep 0.05
done
check "started" grep -q "4 workers parked" "$tmp/log"
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
check "all 4 workers reported" [ "$(grep -c 'parkd: worker [0-3]:' "$tmp/log")" -eq 4 ]
check "stopped" grep -q "parkd: stopped" "$tmp/log"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
