#!/usr/bin/env python3
"""HTTP/1.1 conformance of the real parkd, over raw sockets.

Each case names the rule and where RFC 9112 or RFC 9110 states it, the exact
bytes sent, and the answer required: the status of each response, fields
that must (or must not) be there, the body, and whether the connection is
then closed or still serves a request. Every response is also checked
against the rules that hold for all of them: an HTTP/1.1 status line, one
valid IMF-fixdate Date (RFC 9110 §6.6.1), one Content-Length that frames
the body (except a 304), "Connection: close" when parkd closes.

Every case runs over TCP and over the Unix socket listener.
Usage: http_conformance_test.py PARKD
"""
import email.utils
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

HOST = b"Host: x\r\n"
FOLLOW_UP = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
ALLOW = b"GET, HEAD, OPTIONS"
DATE = re.compile(rb"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d "
                  rb"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                  rb"\d{4} \d\d:\d\d:\d\d GMT")
MAX_HEADER_BYTES = 1024  # [http] max_header_bytes of the config below


class Response:
    def __init__(self, version, status, fields, body):
        self.version, self.status, self.fields, self.body = (
            version, status, fields, body)

    def field(self, name):
        """The value of the one field `name` (a str), or None."""
        values = [v for n, v in self.fields if n == name.lower().encode()]
        return values[0] if len(values) == 1 else None

    def count(self, name):
        return sum(1 for n, _ in self.fields if n == name.lower().encode())

    def head(self):
        """The fields without Date, to compare a HEAD answer with GET's."""
        return [(n, v) for n, v in self.fields if n != b"date"]


class Conn:
    def __init__(self, family, address):
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.settimeout(5)
        self.sock.connect(address)
        self.buf = b""

    def send(self, data):
        self.sock.sendall(data)

    def _fill(self):
        data = self.sock.recv(65536)
        if not data:
            raise EOFError("connection closed before a whole response")
        self.buf += data

    def response(self, no_body=False):
        """Reads one response; `no_body` for the answer to HEAD."""
        while b"\r\n\r\n" not in self.buf:
            self._fill()
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head.split(b"\r\n")
        version, status = lines[0].split(b" ")[:2]
        fields = []
        for line in lines[1:]:
            name, value = line.split(b":", 1)
            fields.append((name.lower(), value.strip()))
        r = Response(version, int(status), fields, b"")
        if no_body or r.status == 304 or r.status < 200:
            return r
        if r.field("content-length") is None:
            raise ValueError(f"a {r.status} without one Content-Length: {r.fields}")
        length = int(r.field("content-length"))
        while len(self.buf) < length:
            self._fill()
        r.body, self.buf = self.buf[:length], self.buf[length:]
        return r

    def closed(self):
        """True when the peer closed with nothing more to read."""
        if self.buf:
            return False
        try:
            return self.sock.recv(1) == b""
        except ConnectionResetError:
            return True
        except socket.timeout:
            return False

    def close(self):
        self.sock.close()


def check_common(r, closing):
    """The rules every response obeys; returns what is wrong, or None."""
    if r.version != b"HTTP/1.1":
        return f"status line version {r.version!r}, want HTTP/1.1"
    if r.status == 100:
        return None
    if r.count("date") != 1 or not DATE.fullmatch(r.field("date") or b""):
        return f"Date {[v for n, v in r.fields if n == b'date']} is not one IMF-fixdate"
    sent = email.utils.parsedate_to_datetime(r.field("date").decode()).timestamp()
    if abs(sent - time.time()) > 300:
        return f"Date {r.field('date')!r} is not now"
    if r.status != 304 and r.count("content-length") != 1:
        return "no single Content-Length"
    if r.status == 304 and r.count("content-length"):
        return "a 304 with Content-Length"
    want = b"close" if closing else b"keep-alive"
    if r.field("connection") != want:
        return f"Connection {r.field('connection')!r}, want {want!r}"
    if r.status == 405 and r.field("allow") != ALLOW:
        return f"405 with Allow {r.field('allow')!r}"
    return None


class Want:
    """One expected response."""

    def __init__(self, status, fields=None, absent=(), body=None,
                 no_body=False):
        self.status, self.fields, self.absent = status, fields or {}, absent
        self.body, self.no_body = body, no_body

    def check(self, r, closing):
        if r.status != self.status:
            return f"status {r.status}, want {self.status} (body {r.body[:120]!r})"
        for name, value in self.fields.items():
            if r.field(name) != value:
                return f"{name} is {r.field(name)!r}, want {value!r}"
        for name in self.absent:
            if r.count(name):
                return f"{name} present, must not be"
        if self.body is not None and r.body != self.body:
            return f"body {r.body!r}, want {self.body!r}"
        return check_common(r, closing)


class Case:
    """Sends `send`, reads `wants` in order; then the connection must be
    closed (after="closed") or serve FOLLOW_UP (after="open")."""

    def __init__(self, section, rule, send, wants, after):
        self.section, self.rule, self.send = section, rule, send
        self.wants = wants if isinstance(wants, list) else [wants]
        self.after = after

    def run(self, connect):
        c = connect()
        try:
            c.send(self.send)
            for i, want in enumerate(self.wants):
                closing = self.after == "closed" and i == len(self.wants) - 1
                r = c.response(no_body=want.no_body)
                if (err := want.check(r, closing)) is not None:
                    return f"response {i + 1}: {err}"
            if self.after == "closed":
                return None if c.closed() else "connection not closed"
            c.send(FOLLOW_UP)
            r = c.response()
            return (None if r.status == 200 and r.body == b"ok\n"
                    else f"follow-up got {r.status} {r.body!r}")
        except (EOFError, OSError, ValueError) as e:
            return f"{type(e).__name__}: {e}"
        finally:
            c.close()


def req(line, *fields, body=b""):
    return line + b"\r\n" + b"".join(f + b"\r\n" for f in fields) + b"\r\n" + body


GET = b"GET /healthz HTTP/1.1"
OK = Want(200, body=b"ok\n")
BAD = Want(400)

CASES = [
    # RFC 9112 §2: message format and parsing.
    Case("RFC 9112 §2.2", "a bare CR in a field is invalid: 400",
         req(GET, HOST.strip(), b"X: a\rb"), BAD, "closed"),
    Case("RFC 9112 §2.2", "a bare LF may end a line (as nginx accepts)",
         b"GET /healthz HTTP/1.1\nHost: x\n\n", OK, "open"),
    Case("RFC 9112 §2.2", "empty lines before the request-line are ignored",
         b"\r\n\r\n" + req(GET, b"Host: x"), OK, "open"),
    Case("RFC 9112 §2.2", "whitespace before the first field line: 400",
         req(GET, b" Host: x"), BAD, "closed"),
    Case("RFC 9112 §2.3", "HTTP-version is case-sensitive: http/1.1 is 400",
         req(b"GET /healthz http/1.1", b"Host: x"), BAD, "closed"),
    Case("RFC 9112 §2.3", "HTTP-version has one digit each side: 400",
         req(b"GET /healthz HTTP/1.10", b"Host: x"), BAD, "closed"),
    Case("RFC 9110 §2.5", "a higher 1.x minor is served as HTTP/1.1",
         req(b"GET /healthz HTTP/1.2", b"Host: x"), OK, "open"),
    Case("RFC 9110 §15.6.6", "another major version: 505",
         req(b"GET /healthz HTTP/2.0", b"Host: x"), Want(505), "closed"),
    Case("RFC 9112 §3", "a request-line without a version (HTTP/0.9): 400",
         b"GET /healthz\r\n\r\n", BAD, "closed"),
    # RFC 9112 §3: request line.
    Case("RFC 9112 §3", "two spaces after the method: 400 (no re-splitting)",
         req(b"GET  /healthz HTTP/1.1", b"Host: x"), BAD, "closed"),
    Case("RFC 9112 §3", "a space after the version: 400",
         req(b"GET /healthz HTTP/1.1 ", b"Host: x"), BAD, "closed"),
    Case("RFC 9112 §3", "a tab as separator: 400",
         req(b"GET\t/healthz HTTP/1.1", b"Host: x"), BAD, "closed"),
    Case("RFC 9110 §9.1", "a method that is not a token: 400",
         req(b"G(T /healthz HTTP/1.1", b"Host: x"), BAD, "closed"),
    Case("RFC 9112 §3.2", "a control byte in the target: 400",
         req(b"GET /heal\x01thz HTTP/1.1", b"Host: x"), BAD, "closed"),
    Case("RFC 9112 §3.2", "a fragment in the target: 400",
         req(b"GET /healthz#x HTTP/1.1", b"Host: x"), BAD, "closed"),
    Case("RFC 9112 §3", "a request-line longer than parkd parses: 414",
         req(b"GET /" + b"a" * MAX_HEADER_BYTES + b" HTTP/1.1", b"Host: x"),
         Want(414), "closed"),
    Case("RFC 9110 §5.4", "fields larger than parkd takes: 4xx (431)",
         req(GET, b"Host: x", b"X: " + b"a" * MAX_HEADER_BYTES),
         Want(431), "closed"),
    # RFC 9112 §5, RFC 9110 §5: field syntax.
    Case("RFC 9112 §5.1", "whitespace between field name and colon: 400",
         req(GET, b"Host : x"), BAD, "closed"),
    Case("RFC 9112 §5.1", "a tab between field name and colon: 400",
         req(GET, b"Host: x", b"Accept\t: */*"), BAD, "closed"),
    Case("RFC 9112 §5.2", "obs-fold in a request: 400",
         req(GET, b"Host: x", b"X: a", b" b"), BAD, "closed"),
    Case("RFC 9110 §5.1", "a field name that is not a token: 400",
         req(GET, b"Host: x", b"X{}: 1"), BAD, "closed"),
    Case("RFC 9112 §5", "a field line without a colon: 400",
         req(GET, b"Host: x", b"X"), BAD, "closed"),
    Case("RFC 9110 §5.5", "NUL in a field value: 400",
         req(GET, b"Host: x", b"X: a\x00b"), BAD, "closed"),
    Case("RFC 9110 §5.5", "another CTL in a field value: 400",
         req(GET, b"Host: x", b"X: a\x7fb"), BAD, "closed"),
    Case("RFC 9110 §5.5", "obs-text in a field value is kept, not refused",
         req(GET, b"Host: x", b"X: caf\xe9"), OK, "open"),
    Case("RFC 9110 §5.5", "OWS around a field value is not part of it",
         req(GET, b"Host: \t x \t"), OK, "open"),
    # RFC 9112 §3.2, RFC 9110 §7.2: Host.
    Case("RFC 9112 §3.2", "HTTP/1.1 without Host: 400",
         req(GET), BAD, "closed"),
    Case("RFC 9112 §3.2", "two Host fields: 400",
         req(GET, b"Host: x", b"Host: x"), BAD, "closed"),
    Case("RFC 9112 §3.2", "two Host fields in HTTP/1.0: 400",
         req(b"GET /healthz HTTP/1.0", b"Host: x", b"host: y"), BAD, "closed"),
    Case("RFC 9112 §3.2", "an invalid Host value (a space): 400",
         req(GET, b"Host: a b"), BAD, "closed"),
    Case("RFC 9112 §3.2", "an invalid Host value (a path): 400",
         req(GET, b"Host: x/y"), BAD, "closed"),
    Case("RFC 9112 §3.2", "an invalid Host value (userinfo): 400",
         req(GET, b"Host: u@x"), BAD, "closed"),
    Case("RFC 9110 §4.2.1", "an empty Host (http has a host): 400",
         req(GET, b"Host:"), BAD, "closed"),
    Case("RFC 9110 §7.2", "Host with a port, and an IPv6 literal: served",
         req(GET, b"Host: [::1]:8080"), OK, "open"),
    Case("RFC 9112 §3.2", "HTTP/1.0 without Host is served (and closed)",
         req(b"GET /healthz HTTP/1.0"), OK, "closed"),
    # RFC 9112 §3.2: request-target forms.
    Case("RFC 9112 §3.2.2", "the absolute-form is accepted",
         req(b"GET http://x/healthz HTTP/1.1", b"Host: x"), OK, "open"),
    Case("RFC 9112 §3.2.2", "the absolute-form's host wins over Host",
         req(b"GET HTTP://other:80/healthz HTTP/1.1", b"Host: x"), OK, "open"),
    Case("RFC 9112 §3.2.2", "an absolute-form without a path is /",
         req(b"OPTIONS http://x HTTP/1.1", b"Host: x"), Want(404), "open"),
    Case("RFC 9112 §3.2.4", "the asterisk-form is for OPTIONS only: 400",
         req(b"GET * HTTP/1.1", b"Host: x"), BAD, "closed"),
    Case("RFC 9112 §3.2.3", "the authority-form is for CONNECT only: 400",
         req(b"GET x:80 HTTP/1.1", b"Host: x"), BAD, "closed"),
    Case("RFC 9110 §4.2.4", "userinfo in the target: 400",
         req(b"GET http://u@x/healthz HTTP/1.1", b"Host: x"), BAD, "closed"),
    # RFC 9110 §9: methods.
    Case("RFC 9110 §9.3.2", "HEAD: the GET status and fields, no body",
         req(b"HEAD /healthz HTTP/1.1", b"Host: x"),
         Want(200, {"content-length": b"3"}, no_body=True), "open"),
    Case("RFC 9112 §6.3", "a HEAD answer ends at its blank line (pipelined)",
         req(b"HEAD /work?cpu_us=1 HTTP/1.1", b"Host: x") + req(GET, b"Host: x"),
         [Want(200, {"content-length": b"20"}, no_body=True), OK], "open"),
    Case("RFC 9110 §9.3.2", "HEAD of a missing path: 404 without its body",
         req(b"HEAD /nope HTTP/1.1", b"Host: x"), Want(404, no_body=True),
         "open"),
    Case("RFC 9112 §6.3", "an error answering HEAD has no body either",
         req(b"HEAD /healthz HTTP/1.1"), Want(400, no_body=True), "closed"),
    Case("RFC 9110 §9.3.7", "OPTIONS *: 200, Allow, Content-Length 0",
         req(b"OPTIONS * HTTP/1.1", b"Host: x"),
         Want(200, {"allow": ALLOW, "content-length": b"0"},
              absent=["content-type"], body=b""), "open"),
    Case("RFC 9110 §9.3.7", "OPTIONS on a resource: 200 with Allow",
         req(b"OPTIONS /metrics HTTP/1.1", b"Host: x"),
         Want(200, {"allow": ALLOW, "content-length": b"0"}, body=b""), "open"),
    Case("RFC 9110 §15.5.6", "POST: 405 with Allow; its body is read past",
         req(b"POST /healthz HTTP/1.1", b"Host: x", b"Content-Length: 3",
             body=b"abc"),
         Want(405, {"allow": ALLOW}), "open"),
    Case("RFC 9110 §15.5.6", "PUT, DELETE, PATCH, TRACE: 405 with Allow",
         b"".join(req(m + b" /stats HTTP/1.1", b"Host: x")
                  for m in (b"PUT", b"DELETE", b"PATCH", b"TRACE")),
         [Want(405, {"allow": ALLOW})] * 4, "open"),
    Case("RFC 9110 §9.1", "a method parkd does not know: 501",
         req(b"BREW /healthz HTTP/1.1", b"Host: x"), Want(501), "closed"),
    Case("RFC 9110 §9.1", "methods are case-sensitive: get is unknown, 501",
         req(b"get /healthz HTTP/1.1", b"Host: x"), Want(501), "closed"),
    Case("RFC 9110 §9.3.6", "CONNECT (parkd is no proxy): 405, as nginx",
         req(b"CONNECT x:443 HTTP/1.1", b"Host: x:443"),
         Want(405, {"allow": ALLOW}), "closed"),
    Case("RFC 9110 §15.5.5", "an unknown path: 404",
         req(b"GET /nope HTTP/1.1", b"Host: x"), Want(404), "open"),
    # RFC 9112 §9: connection management.
    Case("RFC 9112 §9.3", "HTTP/1.1 persists by default",
         req(GET, b"Host: x"), Want(200, {"connection": b"keep-alive"}), "open"),
    Case("RFC 9112 §9.6", "close: answered, then closed; nothing after it",
         req(GET, b"Host: x", b"Connection: close") + req(GET, b"Host: x"),
         OK, "closed"),
    Case("RFC 9112 §9.6", "close among other options, any case",
         req(GET, b"Host: x", b"Connection: foo, Close"), OK, "closed"),
    Case("RFC 9112 §9.3", "HTTP/1.0 closes without keep-alive",
         req(b"GET /healthz HTTP/1.0", b"Host: x"), OK, "closed"),
    Case("RFC 9112 §9.3", "HTTP/1.0 with keep-alive persists",
         req(b"GET /healthz HTTP/1.0", b"Connection: keep-alive"),
         Want(200, {"connection": b"keep-alive"}), "open"),
    Case("RFC 9112 §9.3", "HTTP/1.0 with keep-alive and close closes",
         req(b"GET /healthz HTTP/1.0", b"Connection: keep-alive",
             b"Connection: close"), OK, "closed"),
    Case("RFC 9112 §9.3.2", "pipelined requests are answered in order",
         req(b"GET /work?sleep_ms=50 HTTP/1.1", b"Host: x") +
         req(GET, b"Host: x") + req(b"GET /work?cpu_us=1 HTTP/1.1", b"Host: x"),
         [Want(200, body=b"cpu_us=0 sleep_ms=50\n"), OK,
          Want(200, body=b"cpu_us=1 sleep_ms=0\n")], "open"),
    # RFC 9112 §6, §7: message body framing.
    Case("RFC 9112 §6.1", "Transfer-Encoding and Content-Length: 400",
         req(GET, b"Host: x", b"Content-Length: 5",
             b"Transfer-Encoding: chunked", body=b"0\r\n\r\n"),
         BAD, "closed"),
    Case("RFC 9112 §6.1", "Transfer-Encoding in HTTP/1.0: 400",
         req(b"GET /healthz HTTP/1.0", b"Transfer-Encoding: chunked",
             body=b"0\r\n\r\n"), BAD, "closed"),
    Case("RFC 9112 §6.3", "Transfer-Encoding not ending in chunked: 400",
         req(GET, b"Host: x", b"Transfer-Encoding: gzip"), BAD, "closed"),
    Case("RFC 9112 §6.1", "a transfer coding parkd does not know: 501",
         req(GET, b"Host: x", b"Transfer-Encoding: gzip, chunked",
             body=b"0\r\n\r\n"), Want(501), "closed"),
    Case("RFC 9110 §8.6", "two different Content-Lengths: 400",
         req(GET, b"Host: x", b"Content-Length: 1", b"Content-Length: 2",
             body=b"ab"), BAD, "closed"),
    Case("RFC 9112 §6.3", "an invalid Content-Length: 400",
         req(GET, b"Host: x", b"Content-Length: 1x", body=b"a"), BAD, "closed"),
    Case("RFC 9112 §7.1", "a chunked body is decoded and skipped",
         req(GET, b"Host: x", b"Transfer-Encoding: chunked",
             body=b"3;ext=1\r\nabc\r\n0\r\nT: 1\r\n\r\n"), OK, "open"),
    Case("RFC 9112 §6.3", "a Content-Length body on GET is read past",
         req(GET, b"Host: x", b"Content-Length: 5", body=b"hello"), OK, "open"),
    Case("RFC 9110 §15.5.14", "a body over the limit: 413",
         req(GET, b"Host: x", b"Content-Length: 1000000"), Want(413),
         "closed"),
    # RFC 9110 §13: preconditions (parkd's answers have no validators).
    Case("RFC 9110 §13.1.2", "If-None-Match: * on GET: 304, no content",
         req(GET, b"Host: x", b"If-None-Match: *"),
         Want(304, absent=["content-type"]), "open"),
    Case("RFC 9110 §13.1.1", "If-Match with an entity tag: 412",
         req(GET, b"Host: x", b'If-Match: "abc"'), Want(412), "open"),
    Case("RFC 9110 §13.1.3", "If-Modified-Since without a date: ignored",
         req(GET, b"Host: x", b"If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT"),
         OK, "open"),
    # RFC 9110 §7.8: Upgrade.
    Case("RFC 9110 §7.8", "Upgrade may be ignored: served over HTTP/1.1",
         req(GET, b"Host: x", b"Connection: Upgrade", b"Upgrade: websocket"),
         OK, "open"),
]


def head_matches_get(connect):
    """RFC 9110 §9.3.2: HEAD's status and fields are exactly GET's."""
    for target in (b"/healthz", b"/work?cpu_us=3", b"/nope", b"/work?x=1",
                   b"/stats", b"/metrics"):
        c = connect()
        try:
            c.send(req(b"GET " + target + b" HTTP/1.1", b"Host: x"))
            get = c.response()
            c.send(req(b"HEAD " + target + b" HTTP/1.1", b"Host: x"))
            head = c.response(no_body=True)
            # The counters change between the two: only their values may.
            counters = target in (b"/stats", b"/metrics")
            same = ([n for n, _ in head.head()] == [n for n, _ in get.head()]
                    if counters else head.head() == get.head())
            if head.status != get.status or not same:
                return f"{target!r}: HEAD {head.status} {head.head()} vs GET {get.status} {get.head()}"
            if counters and int(head.field("content-length")) <= 0:
                return f"{target!r}: HEAD without a Content-Length"
            # No body bytes: the next answer starts right after the head.
            c.send(FOLLOW_UP)
            if c.response().body != b"ok\n":
                return f"{target!r}: stray bytes after the HEAD answer"
        except (EOFError, OSError, ValueError) as e:
            return f"{target!r}: {type(e).__name__}: {e}"
        finally:
            c.close()
    return None


def expect_continue(connect):
    """RFC 9110 §10.1.1: a 100 (Continue) before the body is sent."""
    c = connect()
    try:
        c.send(req(b"POST /work HTTP/1.1", b"Host: x", b"Expect: 100-continue",
                   b"Content-Length: 4"))
        interim = c.response()
        if interim.status != 100 or interim.fields:
            return f"got {interim.status} {interim.fields}, want a bare 100"
        c.send(b"body")
        r = c.response()
        return None if r.status == 405 else f"final answer {r.status}"
    except (EOFError, OSError, ValueError) as e:
        return f"{type(e).__name__}: {e}"
    finally:
        c.close()


def expect_continue_http10(connect):
    """RFC 9110 §10.1.1: an HTTP/1.0 client's 100-continue is ignored."""
    c = connect()
    try:
        c.send(req(b"POST /work HTTP/1.0", b"Expect: 100-continue",
                   b"Content-Length: 4"))
        c.sock.settimeout(0.3)  # nothing may come until the body is sent
        try:
            early = c.sock.recv(100)
            return f"sent {early!r} before the body"
        except socket.timeout:
            pass
        c.sock.settimeout(5)
        c.send(b"body")
        r = c.response()
        return None if r.status == 405 else f"final answer {r.status}"
    except (EOFError, OSError, ValueError) as e:
        return f"{type(e).__name__}: {e}"
    finally:
        c.close()


SPECIAL = [
    ("RFC 9110 §9.3.2", "HEAD's fields equal GET's on every endpoint",
     head_matches_get),
    ("RFC 9110 §10.1.1", "Expect: 100-continue gets a 100 before the body",
     expect_continue),
    ("RFC 9110 §10.1.1", "HTTP/1.0's 100-continue is ignored",
     expect_continue_http10),
]


def start(parkd, tmp):
    port_probe = socket.socket()
    port_probe.bind(("127.0.0.1", 0))
    port = port_probe.getsockname()[1]
    port_probe.close()
    sock_path = os.path.join(tmp, "parkd.sock")
    config = os.path.join(tmp, "parkd.toml")
    with open(config, "w") as f:
        f.write(f'[runtime]\nworkers = 2\n[listen]\ntcp = ["127.0.0.1:{port}"]\n'
                f'unix = ["{sock_path}"]\n[http]\n'
                f"max_header_bytes = {MAX_HEADER_BYTES}\n")
    log = open(os.path.join(tmp, "log"), "w+")
    proc = subprocess.Popen([parkd, "--config", config], stderr=log)
    for _ in range(200):
        log.seek(0)
        if "started" in log.read():
            break
        time.sleep(0.05)
    return proc, port, sock_path


def main():
    parkd = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        proc, port, sock_path = start(parkd, tmp)
        transports = [
            ("tcp", lambda: Conn(socket.AF_INET, ("127.0.0.1", port))),
            ("unix", lambda: Conn(socket.AF_UNIX, sock_path)),
        ]
        passed = failed = 0
        try:
            for name, connect in transports:
                runs = [(c.section, c.rule, c.run) for c in CASES]
                runs += [(s, r, (lambda f: lambda cn: f(cn))(f))
                         for s, r, f in SPECIAL]
                for section, rule, run in runs:
                    err = run(connect)
                    if err is None:
                        passed += 1
                        print(f"ok   [{name}] {section}: {rule}")
                    else:
                        failed += 1
                        print(f"FAIL [{name}] {section}: {rule}: {err}")
        finally:
            proc.send_signal(signal.SIGTERM)
            status = proc.wait(timeout=30)
        if status != 0:
            failed += 1
            print(f"FAIL parkd exited {status} after SIGTERM")
        print(f"{passed} passed, {failed} failed")
        return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
