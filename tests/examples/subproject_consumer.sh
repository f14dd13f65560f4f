#!/usr/bin/env bash
# A second consumer: a meson project of its own (subproject_consumer/) with
# this repository as subprojects/parkd, building examples/echo_server from
# libpark's sources through `dependency('libpark', fallback: 'parkd')`, which
# meson resolves with the subproject's meson.override_dependency; no edit
# to this repository. --force-fallback-for=libpark: a libpark installed on
# this machine must not be picked up instead. The echo server built that
# way then serves a real client and drains on SIGTERM.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

here=$(cd "$(dirname "$0")" && pwd)
src=$EX_TMP/consumer
mkdir -p "$src/subprojects"
cp "$here/subproject_consumer/meson.build" "$src/"
cp "$PARK_SOURCE_ROOT/examples/echo_server/echo_server.cc" "$src/"
ln -s "$PARK_SOURCE_ROOT" "$src/subprojects/parkd"
build=$EX_TMP/consumer-build

if ! ex_run 180 nice -n 10 meson setup "$build" "$src" --force-fallback-for=libpark \
  >"$EX_TMP/setup.log" 2>&1; then
  cat "$EX_TMP/setup.log"
  fail "meson setup of the consumer failed"
fi
# meson 1.0 says "Executing subproject parkd", then "Dependency libpark
# found: YES 0.3.1 (overridden)": the override_dependency of the subproject.
check "dependency('libpark') resolved to the subproject's override_dependency" \
  eval 'grep -q "^Executing subproject parkd" "$EX_TMP/setup.log" &&
    grep -Eq "^Dependency libpark found: YES .*\(overridden\)" "$EX_TMP/setup.log"'
if ! ex_run 600 nice -n 10 ninja -C "$build" -j2 echo_server >"$EX_TMP/ninja.log" 2>&1; then
  tail -n 60 "$EX_TMP/ninja.log"
  fail "building echo_server with libpark as a subproject failed"
fi
it_log "built echo_server and libpark from source ($(grep -c 'Compiling C++' "$EX_TMP/ninja.log") files compiled)"
bin=$build/echo_server
check "echo_server loads the subproject's libpark.so.2" \
  eval 'ldd "$bin" | grep -F "$build/subprojects/parkd/" | grep -q libpark.so.2'

ex_start_echo "$bin"
pid=$EX_PID out=$EX_TMP/server.out
check "50 concurrent connections echoed intact" \
  ex_run 60 python3 "$here/echo_client.py" "$EX_PORT" --connections 50 --messages 3 --big 1048576
kill -TERM "$pid"
ex_stop_wait "$pid" 15
sed 's/^/    /' "$out"
check "SIGTERM: a complete drain, exit status 0 (got $EX_RC)" \
  eval '[[ $EX_RC == 0 ]] && grep -q "^echo_server: drained: complete;" "$out"'
finish
