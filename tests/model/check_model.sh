#!/usr/bin/env bash
# check_model.sh MODEL.pml pass|fail [SPIN_FLAG...]
#
# Model-checks a Promela model with SPIN and checks the verdict.
#
# For every "@check FLAGS" line in MODEL (none: one run with no flags), it
# runs `spin -a FLAGS SPIN_FLAG... MODEL`, then two exhaustive searches:
#   safety:  gcc -DSAFETY;  pan -m$DEPTH      assertions + invalid end states
#   np:      gcc -DNP;      pan -l -m$DEPTH   any cycle (the models have no
#                                             progress labels)
# Each search runs under `timeout $PAN_TIMEOUT` with a memory cap.
#   pass: exit 0 iff every search says "errors: 0" and was complete (not cut
#         by the depth bound, memory or the timeout).
#   fail: exit 0 iff some search reports "errors: N" with N > 0; prints the
#         start and end of the counterexample (`spin -t -p`).
# Exits 2 on usage errors or when spin / gcc is missing.
#
# pan is compiled with -O2 for pass, -O0 for fail: a seeded bug is found
# within a few thousand states, where the -O2 compile took 3-4 s of 4-5 s.
# Env: SPIN (default spin), PAN_CC (default gcc), PAN_OPT (the -O flag),
#      PAN_TIMEOUT (s, 120), PAN_DEPTH (10000), PAN_MEMLIM (MB, 2048),
#      CHECK_MODEL_KEEP=1 keeps the temp dir (to replay a trail with
#      spin -t).
set -euo pipefail

die() { echo "check_model: $*" >&2; exit 2; }

[[ $# -ge 2 ]] || die "usage: $0 MODEL.pml pass|fail [SPIN_FLAG...]"
model=$1 expect=$2
shift 2
extra=("$@")
[[ $expect == pass || $expect == fail ]] || die "expect must be pass or fail"
[[ -f $model ]] || die "no such model: $model"

spin=${SPIN:-spin}
cc=${PAN_CC:-gcc}
pan_timeout=${PAN_TIMEOUT:-120}
depth=${PAN_DEPTH:-10000}
memlim=${PAN_MEMLIM:-2048}
if [[ $expect == pass ]]; then opt=${PAN_OPT:--O2}; else opt=${PAN_OPT:--O0}; fi
command -v "$spin" >/dev/null || die "FATAL: spin not found ('$spin'; apt install spin)"
command -v "$cc" >/dev/null || die "FATAL: C compiler not found ('$cc')"
command -v timeout >/dev/null || die "FATAL: timeout (coreutils) not found"

name=$(basename "$model")
work=$(mktemp -d "${TMPDIR:-/tmp}/check_model.XXXXXX")
if [[ -n ${CHECK_MODEL_KEEP:-} ]]; then
  echo "check_model: keeping $work (pan, *.trail of the last search)"
else
  trap 'rm -rf "$work"' EXIT
fi
# The whole folder, so that #include "parker.pml" resolves.
cp "$(dirname "$model")"/*.pml "$work"/
cd "$work"

mapfile -t configs < <(sed -n 's/^[[:space:]]*\*\{0,1\}[[:space:]]*@check\([[:space:]].*\)\{0,1\}$/\1/p' "$name")
[[ ${#configs[@]} -gt 0 ]] || configs=("")

found_error=0 all_ok=1
for config in "${configs[@]}"; do
  read -r -a flags <<<"$config"
  flags+=("${extra[@]}")
  label="${flags[*]:-(no flags)}"
  rm -f pan pan.* ./*.trail
  if ! "$spin" -a "${flags[@]}" "$name" >spin.out 2>&1; then
    cat spin.out >&2
    die "spin -a failed for $name [$label]"
  fi
  for mode in safety np; do
    if [[ $mode == safety ]]; then
      ccflags=(-DSAFETY) panflags=()
    else
      ccflags=(-DNP) panflags=(-l)
    fi
    "$cc" "$opt" -w -DCOLLAPSE -DMEMLIM="$memlim" "${ccflags[@]}" \
      -o "pan_$mode" pan.c || die "$cc failed to compile pan.c [$label]"
    start=$SECONDS
    rc=0
    timeout "$pan_timeout" "./pan_$mode" -m"$depth" -w25 "${panflags[@]}" \
      >"$mode.out" 2>&1 || rc=$?
    secs=$((SECONDS - start))
    errors=$(sed -n 's/.*errors: \([0-9][0-9]*\).*/\1/p' "$mode.out" | tail -1)
    stored=$(sed -n 's/^ *\([0-9.e+]*\) states, stored.*/\1/p' "$mode.out" | tail -1)
    problems=()
    [[ $rc -eq 124 ]] && problems+=("timed out after ${pan_timeout}s")
    [[ -z $errors ]] && problems+=("no 'errors:' line (pan exit $rc)")
    grep -q "max search depth too small" "$mode.out" &&
      problems+=("depth bound $depth too small")
    grep -qiE "out of memory|MEMLIM bound" "$mode.out" &&
      problems+=("out of memory (${memlim} MB)")
    [[ $errors == 0 ]] && grep -q "Search not completed" "$mode.out" &&
      problems+=("search not completed")
    echo "[$label] $mode: errors: ${errors:-?}, states stored: ${stored:-?}," \
         "${secs}s${problems[*]:+ -- ${problems[*]}}"
    if [[ -n $errors && $errors -gt 0 ]]; then
      found_error=1
      grep -E "^pan:[0-9]+:" "$mode.out" | head -3 | sed 's/^/    /'
      if [[ -f $name.trail ]]; then
        "$spin" -t -p "${flags[@]}" "$name" >trail.out 2>&1 || true
        steps=$(sed '/trail ends after/,$d' trail.out |
          grep -E '^ *[0-9]+:' | grep -vE '\[\(1\)\]|\[else\]|\[\.\(goto\)\]' ||
          true)
        echo "    counterexample (spin -t -p ${flags[*]} $name), start:"
        head -n 15 <<<"$steps" | cut -c1-110 | sed 's/^/    /'
        echo "    ... end:"
        tail -n 25 <<<"$steps" | cut -c1-110 | sed 's/^/    /'
        echo "    where each thread is at the end:"
        sed -n '/trail ends after/,$p' trail.out | grep -E "proc|trail ends" |
          cut -c1-110 | sed 's/^/    /'
      fi
      break
    fi
    [[ ${#problems[@]} -eq 0 && $errors == 0 ]] || all_ok=0
  done
  [[ $expect == fail && $found_error == 1 ]] && break
done

if [[ $expect == pass ]]; then
  if [[ $found_error == 0 && $all_ok == 1 ]]; then
    echo "check_model: PASS: $name verified (all searches complete, 0 errors)"
    exit 0
  fi
  echo "check_model: FAIL: $name was expected to verify" >&2
  exit 1
fi
if [[ $found_error == 1 ]]; then
  echo "check_model: PASS: $name: the checker found the expected violation"
  exit 0
fi
echo "check_model: FAIL: $name: expected a violation, none found" \
     "(complete=$all_ok)" >&2
exit 1
