#!/usr/bin/env bash
# `meson install --destdir` puts libpark and libpark-service where a C++
# daemon author expects them: the shared libraries with their sonames and
# the static archives, the public headers (exactly those), the pkg-config
# files; each installed header compiles on its own against the installed
# tree alone (so none includes a header that is not installed), and
# pkg-config resolves both modules there.
#
# env: BUILD_ROOT (the meson build dir), SOURCE_ROOT
set -euo pipefail

dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
meson install -C "$BUILD_ROOT" --no-rebuild --destdir "$dest" >/dev/null

prefix=$(meson introspect "$BUILD_ROOT" --buildoptions |
  python3 -c 'import json,sys; print({o["name"]: o["value"] for o in json.load(sys.stdin)}["prefix"])')
libdir=$(meson introspect "$BUILD_ROOT" --buildoptions |
  python3 -c 'import json,sys; print({o["name"]: o["value"] for o in json.load(sys.stdin)}["libdir"])')
[[ $libdir = /* ]] || libdir=$prefix/$libdir
inc=$dest$prefix/include
lib=$dest$libdir
failed=0
check() {
  local what=$1
  shift
  if "$@"; then echo "ok   $what"; else echo "FAIL $what"; failed=1; fi
}

soversion=2
for l in libpark libpark-service; do
  check "$l.so.$soversion is a link to the versioned file" test -L "$lib/$l.so.$soversion"
  check "$l.so (for -l${l#lib}) exists" test -e "$lib/$l.so"
  check "$l.a (static) exists" test -f "$lib/$l.a"
  check "$l.pc exists" test -f "$lib/pkgconfig/$l.pc"
  soname=$(readelf -d "$lib/$l.so" | sed -nE 's/.*SONAME.*\[(.*)\]/\1/p')
  check "$l's SONAME is $l.so.$soversion (got $soname)" test "$soname" = "$l.so.$soversion"
done

# Exactly the public headers: a new header is internal until it is added
# here and to the install list on purpose.
expected="park/driver/driver_counters.h
park/driver/handles.h
park/export.h
park/idle/wake_policy.h
park/runtime/counters.h
park/runtime/runtime.h
park/runtime/task.h
park/runtime/task_pool.h
park/service/counter_fields.h
park/service/journal.h
park/service/notifier.h
park/service/service.h"
got=$(cd "$inc" && find park -type f | sort)
check "the installed headers are exactly the public API" test "$got" = "$expected"
if [[ $got != "$expected" ]]; then diff <(echo "$expected") <(echo "$got") || true; fi

export PKG_CONFIG_PATH=$lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$dest
cflags=$(pkg-config --cflags libpark-service)
check "pkg-config --cflags libpark points into the install ($cflags)" \
  eval '[[ $cflags == *"-I$inc"* ]]'
libs=$(pkg-config --libs libpark-service)
check "pkg-config --libs libpark-service links both libraries ($libs)" \
  eval '[[ $libs == *-lpark-service* && $libs == *-lpark* ]]'

# Each header alone, with only the installed include dir and the flags
# pkg-config gives: -I$SOURCE_ROOT/lib is not on the path, so an include
# of an uninstalled header fails here.
for h in $expected; do
  check "$h compiles on its own" \
    eval 'echo "#include \"$h\"" | c++ -std=c++20 -Wall -Werror -fsyntax-only $cflags -x c++ -'
done
exit $failed
