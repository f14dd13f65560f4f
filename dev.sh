#!/usr/bin/env bash
# parkd's one entry point for a fresh Debian 12 machine.
#
#   ./dev.sh run    install what is missing, build, run parkd in the
#                   foreground on config/parkd.toml (Ctrl-C drains and stops)
#   ./dev.sh test   install what is missing, then build and run every test:
#                   the normal build (unit, process, integration under the
#                   real systemd, stress, spin model), ThreadSanitizer
#                   (clang 14), ASan+UBSan (g++ 12), and the libFuzzer run
#                   of the HTTP request path (clang 14)
#   ./dev.sh deps   only install what is missing
#   ./dev.sh bench  build a release tree (build-release, LTO) and run the
#                   benchmark programs
#   ./dev.sh compare  install the peers (Tokio's sources, Asio, nginx), build
#                   them and the release tree, and print parkd beside Tokio,
#                   Asio and nginx in one table (bench/peers/compare.sh)
#   ./dev.sh dist   the release tarball: `meson dist` of the committed tree
#                   (HEAD), which builds, tests and installs the tarball on
#                   its own; build/meson-dist/parkd-VERSION.tar.xz (slow:
#                   not run by CI)
#
# Needs root or sudo for apt-get, and only when a package is missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

# Debian packages parkd builds and tests with (docs/design.md, "Dependencies",
# says what each is for).
PACKAGES=(
  meson ninja-build pkg-config g++ clang-14 libclang-rt-14-dev python3
  libabsl-dev libgtest-dev libgmock-dev libbenchmark-dev libsystemd-dev
  libtomlplusplus-dev libhttp-parser-dev spin
  # test tools: real clients, the real service manager and journal
  curl wrk systemd util-linux
  # man pages (scdoc builds them, man-db and groff render them in a test);
  # promtool (in prometheus) checks the alert rules and /metrics
  scdoc man-db groff-base prometheus
)
# What `./dev.sh compare` needs beyond those: Tokio 1.24's crate sources
# (their Depends bring every crate the build needs), standalone Asio, nginx.
# Debian's cargo and rustc are added only when no cargo is on PATH.
PEER_PACKAGES=(librust-tokio-dev libasio-dev nginx)

as_root() {
  if [[ $EUID -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    echo "dev.sh: need root (or sudo) to run: $*" >&2
    exit 1
  fi
}

# deps [PACKAGE...]: installs those of PACKAGE (default: PACKAGES) that are
# missing.
deps() {
  local missing=() wanted=("$@")
  ((${#wanted[@]})) || wanted=("${PACKAGES[@]}")
  for p in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
      missing+=("$p")
  done
  ((${#missing[@]} == 0)) && return 0
  echo "dev.sh: installing ${missing[*]}" >&2
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# setup DIR [meson options...]: configure once, reconfigure if options change.
setup() {
  local dir=$1
  shift
  if [[ -f $dir/build.ninja ]]; then
    meson configure "$dir" "$@" >/dev/null
  else
    meson setup "$dir" "$@" >/dev/null
  fi
  ninja -C "$dir"
}

# Sanitizer failures must fail the test, with a stack.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}

TOTAL_PASSED=0
TOTAL_FAILED=0
TOTAL_SKIPPED=0
# run_suite DIR LABEL [meson test args...]: runs, then adds up the results
# from meson's JSON log (a skip is counted and reported, never as a pass).
run_suite() {
  local dir=$1 label=$2
  shift 2
  local rc=0
  meson test -C "$dir" --print-errorlogs --num-processes 2 "$@" || rc=$?
  read -r p f s < <(python3 - "$dir/meson-logs/testlog.json" <<'PY'
import json, sys
p = f = s = 0
for line in open(sys.argv[1]):
    r = json.loads(line)["result"]
    if r in ("OK", "EXPECTEDFAIL"): p += 1
    elif r == "SKIP": s += 1
    else: f += 1
print(p, f, s)
PY
)
  echo "dev.sh: $label: $p passed, $f failed, $s skipped"
  TOTAL_PASSED=$((TOTAL_PASSED + p))
  TOTAL_FAILED=$((TOTAL_FAILED + f))
  TOTAL_SKIPPED=$((TOTAL_SKIPPED + s))
  if ((rc != 0 && f == 0)); then TOTAL_FAILED=$((TOTAL_FAILED + 1)); fi
}

cmd_test() {
  deps
  setup build
  run_suite build "gcc"
  CXX=clang++-14 setup build-tsan -Db_sanitize=thread -Db_lundef=false
  run_suite build-tsan "clang tsan" --no-suite model
  setup build-asan -Db_sanitize=address,undefined
  run_suite build-asan "gcc asan+ubsan" --no-suite model
  # The fuzz target alone, in a clang tree without b_sanitize (the target
  # brings its own -fsanitize=fuzzer,address,undefined).
  if [[ ! -f build-fuzz/build.ninja ]]; then
    CXX=clang++-14 meson setup build-fuzz >/dev/null
  fi
  ninja -C build-fuzz tests/fuzz/request_parser_fuzz
  run_suite build-fuzz "clang libfuzzer" --no-rebuild --suite fuzz
  echo "Total: $TOTAL_PASSED passed, $TOTAL_FAILED failed"
  if ((TOTAL_SKIPPED > 0)); then
    echo "dev.sh: $TOTAL_SKIPPED tests skipped: a skip is a failure here" >&2
    exit 1
  fi
  ((TOTAL_FAILED == 0))
}

cmd_run() {
  deps
  setup build
  exec build/daemon/parkd --config config/parkd.toml
}

cmd_bench() {
  deps
  # Benchmarks run from a release tree with link-time optimisation: the
  # build a daemon ships (Tokio's peer is cargo --release, Asio's -O2 in
  # one translation unit, where everything inlines).
  setup build-release --buildtype=release -Db_lto=true -Db_ndebug=true
  meson test -C build-release --benchmark --verbose
}

cmd_compare() {
  local peers=("${PEER_PACKAGES[@]}")
  command -v cargo >/dev/null || peers+=(cargo rustc)
  deps "${PACKAGES[@]}" "${peers[@]}"
  exec bench/peers/compare.sh
}

cmd_dist() {
  deps
  setup build
  # meson dist archives HEAD (it refuses uncommitted changes to tracked
  # files), unpacks it, and runs setup, build, every test and install in
  # that copy alone: whatever the build or the tests need and git lacks
  # fails here. The tarball's checksum goes beside it.
  meson dist -C build --formats xztar
  ls -l build/meson-dist/
}

case "${1:-}" in
  run) cmd_run ;;
  compare) cmd_compare ;;
  dist) cmd_dist ;;
  test) cmd_test ;;
  deps) deps ;;
  bench) cmd_bench ;;
  *)
    sed -n '2,/^$/p' "$0" >&2
    exit 2
    ;;
esac
