# lib.sh: assertions, bounded waits and logging for the integration tests.
# Sourced by sandbox.sh (which exports these functions to the test script)
# and by unitfile_check.sh (which needs no sandbox).

# _it_now_ms: CLOCK_REALTIME in milliseconds.
_it_now_ms() {
  local ns
  ns=$(date +%s%N)
  echo $((ns / 1000000))
}

# _it_ms SECONDS: SECONDS (may have a fraction: 0.5, 2.25) in milliseconds.
_it_ms() {
  local int=${1%%.*} frac=
  [[ $1 == *.* ]] && frac=${1#*.}
  frac=${frac}000
  echo $((10#${int:-0} * 1000 + 10#${frac:0:3}))
}

: "${T0_MS:=$(_it_now_ms)}"
: "${TEST_NAME:=$(basename "$0" .sh)}"

# it_log MESSAGE...: one line, with the seconds since the test began.
it_log() {
  local ms
  ms=$(($(_it_now_ms) - T0_MS))
  printf '[%3d.%03ds] %s\n' $((ms / 1000)) $((ms % 1000)) "$*"
}

# wait_for SECONDS CMD [ARGS...]: runs CMD every 0.1 s until it succeeds;
# returns 1 once SECONDS (a fraction is allowed) have passed. Every wait in
# these tests goes through a bound like this one.
wait_for() {
  local end
  end=$(($(_it_now_ms) + $(_it_ms "$1")))
  shift
  while :; do
    if "$@" >/dev/null 2>&1; then return 0; fi
    if (($(_it_now_ms) >= end)); then return 1; fi
    sleep 0.1
  done
}

# check DESCRIPTION CMD [ARGS...]: one assertion; counts and reports it.
check() {
  local desc=$1
  shift
  if "$@"; then
    IT_PASSED=$((${IT_PASSED:-0} + 1))
    it_log "ok:   $desc"
  else
    IT_FAILED=$((${IT_FAILED:-0} + 1))
    it_log "FAIL: $desc"
  fi
}

# require DESCRIPTION CMD [ARGS...]: as check, but a failure ends the test
# at once (what follows would only fail for the same reason, or wait).
require() {
  local desc=$1
  shift
  if "$@"; then
    IT_PASSED=$((${IT_PASSED:-0} + 1))
    it_log "ok:   $desc"
  else
    IT_FAILED=$((${IT_FAILED:-0} + 1))
    it_log "FAIL: $desc (fatal: the rest of the test depends on it)"
    finish
  fi
}

# fail MESSAGE...: a broken precondition; ends the test.
fail() {
  it_log "FAIL: $*"
  exit 1
}

# finish: reports the counts; exits 0 only if something passed and nothing
# failed.
finish() {
  it_log "$TEST_NAME: ${IT_PASSED:-0} passed, ${IT_FAILED:-0} failed"
  if ((${IT_FAILED:-0} > 0 || ${IT_PASSED:-0} == 0)); then exit 1; fi
  exit 0
}

# free_port: prints a loopback TCP port nobody listens on (18000-18999).
free_port() {
  local port _
  for _ in $(seq 50); do
    port=$((18000 + RANDOM % 1000))
    if ! timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

# tcp_connect PORT: connects to 127.0.0.1:PORT and closes again (2 s bound).
tcp_connect() {
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

# grep_all GREP_ARGS...: `grep -q` for the end of a pipeline. grep -q exits
# at the first match, the writer then dies of SIGPIPE, and with pipefail the
# pipeline fails although it matched; this reads all of its input.
grep_all() {
  grep "$@" >/dev/null
}
