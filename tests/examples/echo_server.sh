#!/usr/bin/env bash
# examples/echo_server, built out of tree against `meson install --destdir`
# (lib.sh), serves a real client: 150 connections at once, each echoing
# messages of 1 byte to 64 KiB, and one message larger than the TCP buffers
# that the client reads only once its writes have stopped (the server's
# writes then wait for EPOLLOUT, and it stops reading), every byte checked
# (echo_client.py). Then, with three idle connections still
# open, SIGTERM: the server drains (exit 0, a complete drain), closes the
# idle connections (their clients see EOF) and reports what it served.
# Loopback only: it listens on 127.0.0.1, port 0 (the kernel picks one).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ex_install
ex_build echo_server
bin=$EX_BUILD/echo_server
check "echo_server loads libpark.so.2 from the install" ex_uses_install "$bin"

check "a bad port is refused with exit status 2" \
  eval '"$bin" 65536 >/dev/null 2>&1; [[ $? == 2 ]]'

ex_start_echo "$bin"
pid=$EX_PID port=$EX_PORT out=$EX_TMP/server.out

check "150 concurrent connections and a message larger than the TCP buffers echoed intact" \
  ex_run 90 python3 "$(dirname "$0")/echo_client.py" "$port" --connections 150 --messages 6

# Three idle connections, held by this shell over the stop.
exec 5<>"/dev/tcp/127.0.0.1/$port" 6<>"/dev/tcp/127.0.0.1/$port" 7<>"/dev/tcp/127.0.0.1/$port"
echo hi >&5
read -r -t 5 line <&5 || line=
check "a connection from bash echoes ('$line')" test "$line" = hi

kill -TERM "$pid"
ex_stop_wait "$pid" 15
it_log "server output:"
sed 's/^/    /' "$out"
check "SIGTERM: exit status 0 (got $EX_RC)" test "$EX_RC" = 0
check "a complete drain, 3 idle connections closed at the stop" \
  grep -q '^echo_server: drained: complete; .* 3 idle connections closed at the stop$' "$out"
for fd in 5 6 7; do
  check "idle connection on fd $fd sees EOF" eval "timeout 5 cat <&$fd >/dev/null"
done
exec 5>&- 6>&- 7>&-
accepted=$(sed -n 's/.*; \([0-9]*\) connections, .*/\1/p' "$out")
check "it served 154 connections (got ${accepted:-?})" test "${accepted:-0}" = 154
waits=$(sed -n 's/.* \([0-9]*\) waits for EPOLLOUT.*/\1/p' "$out")
check "partial writes waited for EPOLLOUT (${waits:-?} times)" \
  eval '[[ -n $waits ]] && ((waits > 0))'
finish
