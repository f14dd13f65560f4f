# check_lib.sh: sourced by the process tests. `check NAME COMMAND...` runs
# COMMAND and counts it as passed or failed (naming it on stderr);
# `check_summary` prints "N passed, N failed" and returns non-zero on any
# failure.
passed=0
failed=0
check() {
  local name=$1
  shift
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $name" >&2
  fi
}
check_summary() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
