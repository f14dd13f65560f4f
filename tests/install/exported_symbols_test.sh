#!/usr/bin/env bash
# The shared libraries export their public API and nothing else: every
# defined dynamic symbol of libpark.so and libpark-service.so, demangled,
# must belong to a type or function declared in an installed header, and
# none may name an implementation-only type (park::internal, the layers'
# classes). Reads the real libraries with `nm -D --defined-only`.
#
# env: LIBPARK, LIBPARK_SERVICE (paths of the built .so files)
set -euo pipefail

# What the installed headers declare as exported (PARK_EXPORT).
public_re='^(park::(Runtime|WorkerCounters|Service|Journal|Notifier|CounterFields)::|park::(AllocateTaskBlock|FreeTaskBlock|StatusLine)(\[abi:cxx11\])?\(|(typeinfo|typeinfo name|vtable) for park::Task$)'
# Names that must never appear, even inside another symbol's signature.
internal_re='park::internal::|park::(Worker|RuntimeCore|Idle|Parker|Unparker|SharedDriver|Driver|IoRegistry|TimerSet|InjectQueue|LocalQueue|SignalFd|EventFd|TimerFd|Epoll|UniqueFd|Mutex|CondVar|PoolWatchdog)\b|Service::Impl'

failed=0
for lib in "$LIBPARK" "$LIBPARK_SERVICE"; do
  name=$(basename "$lib")
  # "ADDR TYPE NAME@@VERSION": drop the address, the type and the version.
  mapfile -t syms < <(nm -D --defined-only "$lib" | c++filt |
    sed -E 's/^[0-9a-f]+ [A-Za-z] //; s/@@?[A-Z0-9_]+$//' | grep -v '^LIBPARK' | sort -u)
  if ((${#syms[@]} == 0)); then
    echo "FAIL $name: no dynamic symbols at all"
    failed=1
    continue
  fi
  bad=0
  for s in "${syms[@]}"; do
    if [[ ! $s =~ $public_re ]] || [[ $s =~ $internal_re ]]; then
      echo "FAIL $name exports a non-public symbol: $s"
      bad=1
    fi
  done
  if ((bad)); then
    failed=1
  else
    echo "ok   $name: ${#syms[@]} symbols, all public API"
  fi
done

# Positive control: the checks above must be able to fail. The static
# archive holds the internals, so they must show up there.
archive_syms=$(nm --defined-only "${LIBPARK%.so*}.a" 2>/dev/null | c++filt)
if [[ $archive_syms != *'park::internal::RuntimeCore::SpawnTask'* ]]; then
  echo "FAIL control: park::internal::RuntimeCore not found in libpark.a"
  failed=1
fi
exit $failed
