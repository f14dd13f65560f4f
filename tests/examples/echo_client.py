#!/usr/bin/env python3
"""A real client for examples/echo_server: many connections at once.

echo_client.py PORT [--connections N] [--messages M] [--big BYTES]

Opens N connections and waits until all are connected (so the server holds
all of them at the same time), then on each sends M messages of different
sizes (1 byte to 64 KiB), checking each echo byte for byte, half-closes
(SHUT_WR) and expects the server to close after the echo. One more
connection sends BIG bytes and does not read for 0.5 s, so that the
server's writes fill the socket and wait for EPOLLOUT, then reads them all
back. Every wait is bounded (60 s in all). Prints a summary; exit 0 only if
every byte came back in order.
"""
import argparse
import asyncio
import os
import sys

SIZES = [1, 100, 1000, 4096, 20000, 65536, 777]


async def connect(port, connected, everyone, n):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    connected[0] += 1
    if connected[0] == n:
        everyone.set()
    await everyone.wait()
    return reader, writer


async def echo_conn(port, i, messages, connected, everyone, n):
    reader, writer = await connect(port, connected, everyone, n)
    sent = 0
    for k in range(messages):
        msg = os.urandom(SIZES[(i + k) % len(SIZES)])
        writer.write(msg)
        got = await reader.readexactly(len(msg))
        if got != msg:
            raise AssertionError(f"connection {i}, message {k}: echo differs")
        sent += len(msg)
    writer.write_eof()
    rest = await reader.read()
    if rest:
        raise AssertionError(f"connection {i}: {len(rest)} bytes after the echo")
    writer.close()
    await writer.wait_closed()
    return sent


async def big_conn(port, size):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    msg = os.urandom(size)
    writer.write(msg)
    await asyncio.sleep(0.5)  # not reading: the server's writes must wait
    got = await reader.readexactly(size)
    if got != msg:
        raise AssertionError("the big message's echo differs")
    writer.write_eof()
    if await reader.read():
        raise AssertionError("bytes after the big echo")
    writer.close()
    await writer.wait_closed()
    return size


async def main(args):
    connected = [0]
    everyone = asyncio.Event()
    tasks = [
        echo_conn(args.port, i, args.messages, connected, everyone, args.connections)
        for i in range(args.connections)
    ]
    tasks.append(big_conn(args.port, args.big))
    results = await asyncio.wait_for(asyncio.gather(*tasks), timeout=60)
    print(
        f"echo_client: {args.connections} connections at once x "
        f"{args.messages} messages and one of {args.big} bytes: "
        f"{sum(results)} bytes echoed intact"
    )


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("port", type=int)
    p.add_argument("--connections", type=int, default=100)
    p.add_argument("--messages", type=int, default=5)
    p.add_argument("--big", type=int, default=16 << 20)
    try:
        asyncio.run(main(p.parse_args()))
    except (AssertionError, OSError, asyncio.TimeoutError,
            asyncio.IncompleteReadError) as e:
        print(f"echo_client: FAIL: {type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)
