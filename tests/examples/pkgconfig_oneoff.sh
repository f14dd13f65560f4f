#!/usr/bin/env bash
# One-off builds with the compiler and pkg-config alone, against `meson
# install --destdir` (lib.sh), as the README shows them:
#   c++ -std=c++20 tiny.cc $(pkg-config --cflags --libs libpark)
#   c++ -std=c++20 -static tiny.cc $(pkg-config --static --cflags --libs libpark)
#   ... and libpark.a with the system's shared libraries (-l:libpark.a),
# each run: tiny.cc (Runtime::Create, Spawn, RunAfter, Drain, counters)
# must see every task and timer run once. Then examples/notify_service
# with `pkg-config --cflags --libs libpark-service` (and with both static
# archives), run outside systemd: it runs until SIGTERM, drains, exits 0.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ex_install
here=$(cd "$(dirname "$0")" && pwd)
cxx=${CXX:-c++}
it_log "PKG_CONFIG_PATH=$PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR=$PKG_CONFIG_SYSROOT_DIR"
it_log "pkg-config --cflags --libs libpark: $(pkg-config --cflags --libs libpark)"

# compile OUT SOURCE FLAGS...: bounded, niced, warnings as errors.
compile() {
  local out=$1 src=$2
  shift 2
  ex_run 300 nice -n 10 "$cxx" -std=c++20 -Wall -Wextra -Werror "$src" "$@" -o "$out"
}
# tiny_runs BINARY: runs, exit 0, and says every task and timer ran.
tiny_runs() {
  local line
  line=$(ex_run 30 "$1") || return 1
  it_log "  $line"
  [[ $line == "tiny: 1000 tasks, 1000 children, 10 timers; drain complete; 3 workers ran "* ]]
}

# Shared: the install's libpark.so.2.
read -ra flags < <(pkg-config --cflags --libs libpark)
check "tiny.cc builds with pkg-config --cflags --libs libpark" \
  compile "$EX_TMP/tiny" "$here/tiny.cc" "${flags[@]}"
check "tiny loads libpark.so.2 from the install" ex_uses_install "$EX_TMP/tiny"
check "tiny runs: every task and timer ran, the drain was complete" tiny_runs "$EX_TMP/tiny"

# Fully static: libpark.a and what its .pc lists for --static (Abseil's
# archives, -pthread), nothing at run time.
read -ra flags < <(pkg-config --static --cflags --libs libpark)
check "tiny.cc builds -static with pkg-config --static --cflags --libs libpark" \
  compile "$EX_TMP/tiny-static" "$here/tiny.cc" -static "${flags[@]}"
check "tiny-static is not a dynamic executable" \
  eval '! readelf -d "$EX_TMP/tiny-static" 2>/dev/null | grep -q NEEDED'
check "tiny-static runs" tiny_runs "$EX_TMP/tiny-static"

# libpark.a, the rest shared: Requires.private must name every library
# libpark's objects call directly (the linker does not look through
# Abseil's shared libraries for them).
read -ra flags < <(pkg-config --static --cflags --libs libpark | sed 's/-lpark /-l:libpark.a /')
check "tiny.cc builds with libpark.a and shared Abseil" \
  compile "$EX_TMP/tiny-mixed" "$here/tiny.cc" "${flags[@]}"
check "tiny-mixed does not load libpark.so" \
  eval '! ldd "$EX_TMP/tiny-mixed" | grep -q libpark'
check "tiny-mixed runs" tiny_runs "$EX_TMP/tiny-mixed"

# service_runs BINARY: outside systemd, it runs until SIGTERM, then drains
# and exits 0. Its entries go to stderr when this machine has no journald
# socket (as on CI: the sandboxed tests need a host without systemd).
service_runs() {
  local out=$EX_TMP/svc.out
  ex_spawn "$out" "$1"
  wait_for 10 grep -q 'notify-example started' "$out" ||
    [[ -S /run/systemd/journal/socket ]] || { cat "$out"; return 1; }
  sleep 1
  kill -TERM "$EX_PID"
  ex_stop_wait "$EX_PID" 15
  sed 's/^/    /' "$out"
  [[ $EX_RC == 0 ]] || return 1
  [[ -S /run/systemd/journal/socket ]] ||
    grep -q '^notify-example: drained in [0-9]* ms; final .*NOTIFYEX_BEATS=[1-9]' "$out"
}
svc=$PARK_SOURCE_ROOT/examples/notify_service/notify_service.cc
read -ra flags < <(pkg-config --cflags --libs libpark-service)
check "notify_service.cc builds with pkg-config --cflags --libs libpark-service" \
  compile "$EX_TMP/svc" "$svc" "${flags[@]}"
check "notify_service (shared) runs outside systemd and drains on SIGTERM" \
  service_runs "$EX_TMP/svc"
# libsystemd has no static archive on Debian: both park archives, the rest
# shared.
read -ra flags < <(pkg-config --static --cflags --libs libpark-service |
  sed -e 's/-lpark-service /-l:libpark-service.a /' -e 's/-lpark /-l:libpark.a /')
check "notify_service.cc builds with libpark-service.a and libpark.a" \
  compile "$EX_TMP/svc-static" "$svc" "${flags[@]}"
check "notify_service (static park libraries) runs and drains" \
  service_runs "$EX_TMP/svc-static"
finish
