#!/usr/bin/env bash
# Renders each manual page as man(1) shows it and as groff(1) formats it,
# with every warning of both turned on (groff warning class "w": "all"
# leaves out undefined macros); a warning, a non-zero status, an
# empty page, or scdoc markup or a @PLACEHOLDER@ left in the text fails.
# Usage: man_render_test.sh PAGE...
set -uo pipefail
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "${BASH_SOURCE[0]}")/../daemon/check_lib.sh"
export LC_ALL=C.UTF-8 MANWIDTH=80 MAN_DISABLE_SECCOMP=1

for page in "$@"; do
  name=$(basename "$page")
  man --warnings=w -l "$page" >"$tmp/$name.txt" 2>"$tmp/$name.man-err"
  check "$name: man -l exits 0" [ $? -eq 0 ]
  check "$name: man -l warns nothing: $(head -c 2000 "$tmp/$name.man-err")" \
    [ ! -s "$tmp/$name.man-err" ]
  groff -man -Tutf8 -ww -t -z "$page" 2>"$tmp/$name.groff-err"
  check "$name: groff -ww exits 0" [ $? -eq 0 ]
  check "$name: groff -ww warns nothing: $(head -c 2000 "$tmp/$name.groff-err")" \
    [ ! -s "$tmp/$name.groff-err" ]
  check "$name: the page has NAME, SYNOPSIS, DESCRIPTION, SEE ALSO" \
    bash -c "grep -qx NAME '$tmp/$name.txt' && grep -qx SYNOPSIS '$tmp/$name.txt' &&
             grep -qx DESCRIPTION '$tmp/$name.txt' && grep -qx 'SEE ALSO' '$tmp/$name.txt'"
  check "$name: no @PLACEHOLDER@ left" bash -c "! grep -nE '@[A-Z_]+@' '$tmp/$name.txt' >&2"
  # scdoc markup that did not pair up shows as a literal * or a stray _
  # at the start of a word.
  check "$name: no scdoc markup left" \
    bash -c "! grep -nE '(^|[[:space:]])[*_][[:alnum:]-]|[[:alnum:]][*](\$|[[:space:][:punct:]])' '$tmp/$name.txt' >&2"
done
check_summary
