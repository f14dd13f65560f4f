#!/usr/bin/env python3
"""A real client for examples/echo_server: many connections at once.

echo_client.py PORT [--connections N] [--messages M] [--big BYTES]

Opens N connections and waits until all are connected (so the server holds
all of them at the same time), then on each sends M messages of different
sizes (1 byte to 64 KiB), checking each echo byte for byte, half-closes
(SHUT_WR) and expects the server to close after the echo. One more
connection (with a small receive buffer) sends BIG bytes, at least twice
what the kernel's TCP buffers can hold, and does not read until its own
writes have stopped moving for 1 s: the server's writes then wait for
EPOLLOUT and, its buffer full, it stops reading (backpressure); then this
side reads everything back. Every wait is bounded (60 s in all). Prints a
summary; exit 0 only if every byte came back in order.
"""
import argparse
import asyncio
import os
import socket
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


def tcp_buffer_max():
    """The largest receive plus send buffer the kernel gives a TCP socket."""
    total = 0
    for name in ("tcp_rmem", "tcp_wmem"):
        with open(f"/proc/sys/net/ipv4/{name}") as f:
            total += int(f.read().split()[2])
    return total


async def big_conn(port, size):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
    sock.setblocking(False)
    await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", port))
    reader, writer = await asyncio.open_connection(sock=sock)
    msg = os.urandom(size)
    writer.write(msg)
    # Not reading until what this side writes has stopped moving for 1 s
    # (the server no longer reads: its buffers are full), 20 s at most.
    last, still = -1, 0
    for _ in range(200):
        await asyncio.sleep(0.1)
        left = writer.transport.get_write_buffer_size()
        still = still + 1 if left == last else 0
        last = left
        if still >= 10:
            break
    else:
        raise AssertionError("the big write kept moving for 20 s without reads")
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
    big = args.big if args.big is not None else max(16 << 20, 2 * tcp_buffer_max())
    tasks.append(big_conn(args.port, big))
    results = await asyncio.wait_for(asyncio.gather(*tasks), timeout=60)
    print(
        f"echo_client: {args.connections} connections at once x "
        f"{args.messages} messages and one of {big} bytes: "
        f"{sum(results)} bytes echoed intact"
    )


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("port", type=int)
    p.add_argument("--connections", type=int, default=100)
    p.add_argument("--messages", type=int, default=5)
    p.add_argument("--big", type=int, default=None,
                   help="bytes on the big connection (default: twice what the "
                   "TCP buffers hold, at least 16 MiB)")
    try:
        asyncio.run(main(p.parse_args()))
    except (AssertionError, OSError, asyncio.TimeoutError,
            asyncio.IncompleteReadError) as e:
        print(f"echo_client: FAIL: {type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)
