#!/usr/bin/env bash
# `meson install --destdir D` puts parkd.8 under D/<prefix>/<mandir>/man8
# and parkd.toml.5 under .../man5, and they are the pages this build made.
# Usage: man_install_test.sh MESON BUILD_DIR PREFIX MANDIR
set -uo pipefail
meson=$1 build=$2 prefix=$3 mandir=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "${BASH_SOURCE[0]}")/../daemon/check_lib.sh"

"$meson" install -C "$build" --no-rebuild --destdir "$tmp/d" --tags man --quiet
check "meson install --tags man exits 0" [ $? -eq 0 ]
[[ $mandir == /* ]] || mandir=$prefix/$mandir
for page in man8/parkd.8 man5/parkd.toml.5; do
  check "$page installed under DESTDIR$mandir" test -f "$tmp/d$mandir/$page"
  check "$page is the page built in $build/man" \
    cmp -s "$tmp/d$mandir/$page" "$build/man/$(basename "$page")"
done
check_summary
