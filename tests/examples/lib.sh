# shellcheck shell=bash
# lib.sh: what the example tests share. Sourced by each test (outside the
# systemd sandbox). It makes a scratch dir, installs this build into it with
# `meson install --destdir`, and builds examples/ out of tree against that
# install through pkg-config, as a daemon author would against /usr/local.
#
# Environment in (tests/examples/meson.build sets it):
#   PARK_BUILD_ROOT   this build dir, already built (the tests depend on every
#                     installed target); installed with --no-rebuild
#   PARK_SOURCE_ROOT  the source tree (examples/ is built from here)
#   PARK_PREFIX, PARK_LIBDIR   meson's prefix and libdir options
#   PARK_EXAMPLES_KEEP=1       keep the scratch dir (its path is printed)
#
# After ex_install: EX_DEST (the destdir), EX_LIBDIR (the libdir inside it),
# and PKG_CONFIG_PATH, PKG_CONFIG_SYSROOT_DIR, LD_LIBRARY_PATH pointing into
# it. After ex_build: EX_BUILD, the examples' build dir.

set -euo pipefail

# The assertions, bounded waits and logging of the integration tests:
# it_log, check, require, fail, finish, wait_for, grep_all.
# shellcheck source=../integration/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../integration/lib.sh"

# meson test puts this build's own library dirs on LD_LIBRARY_PATH (for the
# tests' depends:); the examples must load the libraries they were built
# against (ex_install sets it to the install's).
unset LD_LIBRARY_PATH
: "${PARK_SOURCE_ROOT:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${PARK_BUILD_ROOT:=$PARK_SOURCE_ROOT/build}"
: "${PARK_PREFIX:=/usr/local}"
: "${PARK_LIBDIR:=lib/x86_64-linux-gnu}"
EX_TMP=$(mktemp -d "${TMPDIR:-/tmp}/park-examples.XXXXXX")
chmod 0755 "$EX_TMP"

# Processes a test starts go here (ex_spawn); the EXIT trap kills what is
# still running, by PID, and removes the scratch dir.
EX_PIDS=()
ex_cleanup() {
  local rc=$? pid
  trap - EXIT
  for pid in "${EX_PIDS[@]}"; do
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [[ ${PARK_EXAMPLES_KEEP:-0} == 1 ]]; then
    it_log "kept $EX_TMP"
  else
    rm -rf "$EX_TMP"
  fi
  exit "$rc"
}
trap ex_cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

# ex_run SECONDS CMD [ARGS...]: CMD bounded by SECONDS (then TERM, KILL 5 s
# later), with its output in the test log.
ex_run() {
  local limit=$1
  shift
  timeout --kill-after=5 "$limit" "$@"
}

# ex_install: `meson install --destdir` of this build into $EX_TMP/dest.
ex_install() {
  EX_DEST=$EX_TMP/dest
  local libdir=$PARK_LIBDIR
  [[ $libdir == /* ]] || libdir=$PARK_PREFIX/$libdir
  if ! ex_run 120 meson install -C "$PARK_BUILD_ROOT" --no-rebuild \
    --destdir "$EX_DEST" >"$EX_TMP/install.log" 2>&1; then
    cat "$EX_TMP/install.log"
    fail "meson install --destdir $EX_DEST failed"
  fi
  EX_LIBDIR=$EX_DEST$libdir
  [[ -f $EX_LIBDIR/pkgconfig/libpark.pc ]] ||
    fail "no libpark.pc in $EX_LIBDIR/pkgconfig after the install"
  export PKG_CONFIG_PATH=$EX_LIBDIR/pkgconfig
  export PKG_CONFIG_SYSROOT_DIR=$EX_DEST
  export LD_LIBRARY_PATH=$EX_LIBDIR
  it_log "installed into $EX_DEST (libdir $libdir)"
}

# ex_build TARGET...: a fresh `meson setup` of examples/ (out of tree,
# against the install through pkg-config, warnings as errors) and those
# targets built.
ex_build() {
  EX_BUILD=$EX_TMP/examples-build
  if ! ex_run 120 nice -n 10 meson setup "$EX_BUILD" "$PARK_SOURCE_ROOT/examples" \
    -Dwerror=true --wrap-mode=nofallback >"$EX_TMP/setup.log" 2>&1; then
    cat "$EX_TMP/setup.log"
    fail "meson setup of examples/ against the install failed"
  fi
  # Found through pkg-config in the install, not elsewhere.
  grep -E 'Run-time dependency libpark(-service)? found: YES' "$EX_TMP/setup.log" || {
    cat "$EX_TMP/setup.log"
    fail "examples/: libpark not found through pkg-config"
  }
  if ! ex_run 300 nice -n 10 ninja -C "$EX_BUILD" -j2 "$@" >"$EX_TMP/ninja.log" 2>&1; then
    cat "$EX_TMP/ninja.log"
    fail "building $* out of tree failed"
  fi
  it_log "built $* out of tree in $EX_BUILD"
}

# ex_uses_install BINARY: the binary loads libpark from the install.
ex_uses_install() {
  ldd "$1" | grep -F "$EX_LIBDIR/libpark.so.2" >/dev/null
}

# ex_spawn OUTFILE CMD [ARGS...]: starts CMD in the background with its
# stdout and stderr in OUTFILE; sets EX_PID (killed by the EXIT trap).
ex_spawn() {
  local out=$1
  shift
  "$@" >"$out" 2>&1 &
  EX_PID=$!
  EX_PIDS+=("$EX_PID")
}

# shellcheck disable=SC2034  # EX_RC is the caller's
# ex_stop_wait PID SECONDS: waits for PID (a child of this shell) to exit,
# up to SECONDS; sets EX_RC to its exit status, or to "timeout" (it is then
# killed).
ex_stop_wait() {
  local pid=$1 end=$((SECONDS + $2))
  EX_RC=0
  while kill -0 "$pid" 2>/dev/null &&
    [[ $(awk '/^State:/ {print $2}' "/proc/$pid/status" 2>/dev/null) != Z ]]; do
    if ((SECONDS >= end)); then
      kill -KILL "$pid" 2>/dev/null
      wait "$pid" 2>/dev/null
      EX_RC=timeout
      return 0
    fi
    sleep 0.1
  done
  wait "$pid" || EX_RC=$?
}

# ex_start_echo BINARY: starts an echo_server on a free loopback port (port
# 0: the kernel picks) with its output in $EX_TMP/server.out; sets EX_PID
# and EX_PORT.
ex_start_echo() {
  local out=$EX_TMP/server.out
  ex_spawn "$out" "$1" 0
  _ex_port() { sed -n 's/^echo_server: listening on 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$out"; }
  wait_for 10 eval '[[ -n $(_ex_port) ]]' || {
    cat "$out"
    fail "echo_server did not say where it listens within 10 s"
  }
  EX_PORT=$(_ex_port)
  it_log "echo_server (pid $EX_PID) listens on 127.0.0.1:$EX_PORT"
}
