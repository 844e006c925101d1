#!/usr/bin/python3
"""A loopback HTTP server that misbehaves on purpose, for tests/unit/test_fetch.c
and tests/integration/fetch_*.t.

    /usr/bin/python3 tests/helpers/faultserver.py [--ports N] [--ipv6] [--log FILE]
                                                  [--no-stdin] [--lifetime S]
                                                  [--root DIR]
                                                  [--tls CERT KEY]

binds 127.0.0.1 on a free port, prints the port on one line and serves until
its stdin closes (or --lifetime seconds pass, default 60). --ports N listens
on N ports of 127.0.0.1 (separate hosts for per-host Retry-After tests),
--ipv6 on one more port of ::1; the line then holds every port, separated by
spaces, the ::1 one last. --no-stdin does not watch stdin (stop it with a
signal). --log appends "PORT PATH" for every request to FILE. Standard
library only. Every handler gives up after a few seconds,
so a client that never hangs up cannot keep it busy.

--tls serves HTTPS on every port with the certificate CERT (PEM) and its
key KEY (a client that refuses the certificate gets no answer).

Routes:
  /ok               a small RSS feed with ETag "v1" and a Last-Modified date;
                    answers 304 to a matching If-None-Match or If-Modified-Since
  /big              2 MiB with Content-Length
  /big-chunked      2 MiB, chunked (no Content-Length)
  /chunked-endless  64 KiB chunks for up to 5 s
  /gzip-bomb        Content-Encoding: gzip; 100 MiB of zeros in ~100 KiB
  /gzip             the /ok feed, Content-Encoding: gzip
  /size/N           N bytes with Content-Length
  /chunked/N        N bytes, chunked
  /gzip-size/N      N bytes (decoded), Content-Encoding: gzip
  /zstd-size/N      the same in zstd; /deflate-size/N in deflate (zlib)
  /enc/NAME         a body in a Content-Encoding, from the table ENCODED below
                    (valid, stacked, corrupt, truncated, bombs, unknown codings)
  /big-404          404 with a 2 MiB body (Content-Length)
  /big-404-chunked  404 with a 2 MiB body, chunked
  /redirect-file    302 to file:///etc/passwd
  /redirect-ftp     302 to ftp://127.0.0.1/feed.xml
  /redirect-loop    302 to itself
  /redirect-ok      301 to /ok
  /redirect-308     308 to /ok
  /redirect-302     302 to /ok
  /redirect-mixed   301 to /redirect-302 (so: 301, 302, then /ok)
  /chain/N          301 to /chain/N-1 ... /chain/0 301 to /ok (N at most 20)
  /status/NNN       an empty answer with status NNN (429 and 503 with Retry-After: 120)
  /retry-date       503 with Retry-After as an HTTP date a week ahead
  /retry-small      429 with Retry-After: 1
  /retry/NNN/FORM   status NNN with Retry-After in FORM: seconds (120), date (an
                    HTTP date 120 s ahead), past (a date a day ago), garbage,
                    decade (315360000 seconds), decade-date (a date 10 years
                    ahead), none (no Retry-After)
  /slow             Content-Length: 20, one byte a second
  /hang             reads the request, answers nothing for 5 s
  /drop             closes the connection without an answer
  /reset            Content-Length: 1000, 100 bytes, then a TCP reset
  /truncated        Content-Length: 1000, the /ok feed (shorter), then closes
  /empty            200, application/rss+xml, no body
  /html             200, an HTML page
  /wrong-type       the /ok feed as application/octet-stream
  /ignores-conditional  the /ok feed with its ETag and Last-Modified, always 200
  /cache-control/V  the /ok feed with Cache-Control: V (URL-decoded)
  /cache-control-304/V  the same with an ETag; a conditional GET gets a 304
                    without Cache-Control
  /etag-crlf        an ETag with control characters in it
  /etag-fold        an ETag folded over two lines (CR LF SP); answers 304 when
                    If-None-Match is the unfolded value "crlf folded"
  /echo             the request's headers as the body (text/plain)
  /hold             answers after 200 ms; counts transfers open at once
  /delayed/MS/NAME  the file NAME of --root DIR (application/rss+xml) after MS
                    milliseconds (at most 10000)
  /stats            "max=N" transfers open at once since the last /stats
"""
import argparse
import gzip
import http.server
import os
import socket
import socketserver
import ssl
import struct
import subprocess
import sys
import threading
import time
import urllib.parse
import zlib

FEED = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Fault server</title><link>http://127.0.0.1/</link>
<item><title>Milei meets Mercosur</title><link>http://127.0.0.1/1</link>
<guid>fault-1</guid><description>Argentina and Brazil.</description></item>
</channel></rss>
"""
ETAG = '"v1"'
LAST_MODIFIED = "Tue, 26 Nov 2024 10:00:00 GMT"
HANDLER_LIMIT = 5.0
_bomb = None
_bomb_lock = threading.Lock()
_hold_lock = threading.Lock()
_hold_now = 0
_hold_max = 0
_log = None
_root = None                # --root: where /delayed/ reads its files
_log_lock = threading.Lock()


def bomb():
    """100 MiB of zeros, gzipped (~100 KiB), made once, in 1 MiB steps."""
    global _bomb
    with _bomb_lock:
        if _bomb is None:
            c = zlib.compressobj(9, zlib.DEFLATED, 31)
            zeros = b"\0" * (1 << 20)
            parts = [c.compress(zeros) for _ in range(100)]
            parts.append(c.flush())
            _bomb = b"".join(parts)
        return _bomb


def zstd(data, *args):
    """data compressed by the zstd command (zstd's own frame, with checksum)."""
    return subprocess.run(["zstd", "-q", "-c", *args], input=data, check=True,
                          stdout=subprocess.PIPE).stdout


def deflate_raw(data):
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def flip(data, at):
    """data with the byte at index at inverted (a broken checksum)."""
    b = bytearray(data)
    b[at] ^= 0xFF
    return bytes(b)


# /enc/NAME: (Content-Encoding header lines, a function making the body).
ENCODED = {
    "gzip": (["gzip"], lambda: gzip.compress(FEED)),
    "x-gzip": (["x-gzip"], lambda: gzip.compress(FEED)),
    "upper": (["GZIP"], lambda: gzip.compress(FEED)),
    "deflate": (["deflate"], lambda: zlib.compress(FEED)),
    "deflate-raw": (["deflate"], lambda: deflate_raw(FEED)),
    "zstd": (["zstd"], lambda: zstd(FEED)),
    "identity": (["identity"], lambda: FEED),
    "stacked": (["deflate, gzip"], lambda: gzip.compress(zlib.compress(FEED))),
    "two-lines": (["deflate", "zstd"], lambda: zstd(zlib.compress(FEED))),
    "members": (["gzip"], lambda: gzip.compress(FEED[:60]) + gzip.compress(FEED[60:])),
    # a large first member and a small last one: the size in the last
    # member's trailer is far too small a guess
    "members-small-last": (["gzip"], lambda: gzip.compress(b"g" * 600000) +
                           gzip.compress(b"<!-- end -->")),
    "trailing": (["gzip"], lambda: gzip.compress(FEED) + b"\0\0\0 garbage"),
    "empty": (["gzip"], lambda: b""),
    "bad-crc": (["gzip"], lambda: flip(gzip.compress(FEED), -8)),
    "truncated": (["gzip"], lambda: gzip.compress(FEED)[:-12]),
    "not-gzip": (["gzip"], lambda: FEED),
    "bad-deflate": (["deflate"], lambda: b"\xff" * 64),
    "zstd-bad-checksum": (["zstd"], lambda: flip(zstd(FEED), -1)),
    "zstd-truncated": (["zstd"], lambda: zstd(FEED)[:-8]),
    # brotli's bytes are not text: the coding is refused
    "br": (["br"], lambda: b"\x8b\x0b\x80" + FEED),
    # a charset where a coding belongs, on plain text: read as it is
    "utf8-label": (["UTF-8"], lambda: b"\xef\xbb\xbf\n" + FEED),
    # 600 header lines: joined, a list far over the 1 KiB a header may hold
    "long-list": (["identity"] * 600, lambda: FEED),
    "compress": (["gzip, compress"], lambda: b"\x1f\x9d\x90" + FEED),
    "too-many": (["gzip, gzip, gzip, gzip, gzip"],
                 lambda: gzip.compress(gzip.compress(gzip.compress(gzip.compress(
                     gzip.compress(FEED)))))),
    "deflate-bomb": (["deflate"], lambda: zlib.compress(bytes(100 << 20), 9)),
    "zstd-bomb": (["zstd"], lambda: zstd(bytes(100 << 20))),
    # each layer small, the whole a bomb: gzip of a gzip bomb
    "nested-bomb": (["gzip, gzip"], lambda: gzip.compress(bomb())),
    # a frame that asks for a 16 MiB window, past the 8 MiB HTTP allows
    "zstd-window": (["zstd"], lambda: zstd(bytes(16 << 20), "--zstd=wlog=24",
                                           "--no-content-size")),
}
_encoded = {}
_encoded_lock = threading.Lock()


def encoded(name):
    """The body of /enc/NAME, made once."""
    with _encoded_lock:
        if name not in _encoded:
            _encoded[name] = ENCODED[name][1]()
        return _encoded[name]


def http_date(t):
    return time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(t))


RETRY_FORMS = {
    "seconds": lambda: "120",
    "date": lambda: http_date(time.time() + 120),
    "past": lambda: http_date(time.time() - 86400),
    "garbage": lambda: "soon, maybe",
    "decade": lambda: "315360000",
    "decade-date": lambda: http_date(time.time() + 10 * 365 * 86400),
    "none": lambda: None,
}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "faultserver"
    sys_version = ""

    def log_message(self, *args):
        pass

    def send_body(self, status, body, ctype="text/plain", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

    def do_GET(self):
        self.connection.settimeout(HANDLER_LIMIT)
        path = self.path.split("?", 1)[0]
        if _log is not None:
            with _log_lock:
                _log.write("%d %s\n" % (self.server.server_address[1], self.path))
                _log.flush()
        try:
            self.route(path)
        except (BrokenPipeError, ConnectionResetError, TimeoutError, OSError):
            self.close_connection = True

    def route(self, path):
        global _hold_now, _hold_max
        if path == "/ok":
            inm = self.headers.get("If-None-Match")
            ims = self.headers.get("If-Modified-Since")
            if inm == ETAG or (inm is None and ims == LAST_MODIFIED):
                self.send_response(304)
                self.send_header("ETag", ETAG)
                self.end_headers()
                return
            self.send_body(200, FEED, "application/rss+xml; charset=utf-8",
                           [("ETag", ETAG), ("Last-Modified", LAST_MODIFIED)])
        elif path == "/big":
            self.send_body(200, b"x" * (2 * 1024 * 1024))
        elif path in ("/big-chunked", "/chunked-endless"):
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            block = b"<!-- " + b"y" * 65526 + b" -->"
            end = time.monotonic() + HANDLER_LIMIT
            sent = 0
            while time.monotonic() < end:
                if path == "/big-chunked" and sent >= 2 * 1024 * 1024:
                    break
                self.chunk(block)
                sent += len(block)
            self.wfile.write(b"0\r\n\r\n")
        elif path == "/gzip-bomb":
            self.send_body(200, bomb(), "application/rss+xml",
                           [("Content-Encoding", "gzip")])
        elif path == "/big-404":
            self.send_body(404, b"n" * (2 * 1024 * 1024))
        elif path == "/big-404-chunked":
            self.send_response(404)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for _ in range(40):
                self.chunk(b"n" * 52429)
            self.wfile.write(b"0\r\n\r\n")
        elif path == "/gzip":
            self.send_body(200, gzip.compress(FEED), "application/rss+xml",
                           [("Content-Encoding", "gzip")])
        elif path.startswith("/size/") and path[6:].isdigit():
            self.send_body(200, b"s" * min(int(path[6:]), 64 << 20))
        elif path.startswith("/gzip-size/") and path[11:].isdigit():
            self.send_body(200, gzip.compress(b"g" * min(int(path[11:]), 64 << 20)),
                           headers=[("Content-Encoding", "gzip")])
        elif path.startswith("/zstd-size/") and path[11:].isdigit():
            self.send_body(200, zstd(b"z" * min(int(path[11:]), 64 << 20)),
                           headers=[("Content-Encoding", "zstd")])
        elif path.startswith("/deflate-size/") and path[14:].isdigit():
            self.send_body(200, zlib.compress(b"d" * min(int(path[14:]), 64 << 20)),
                           headers=[("Content-Encoding", "deflate")])
        elif path.startswith("/enc/") and path[5:] in ENCODED:
            self.send_body(200, encoded(path[5:]), "application/rss+xml",
                           [("Content-Encoding", v) for v in ENCODED[path[5:]][0]])
        elif path.startswith("/chunked/") and path[9:].isdigit():
            left = min(int(path[9:]), 64 << 20)
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            while left > 0:
                n = min(left, 50000)
                self.chunk(b"c" * n)
                left -= n
            self.wfile.write(b"0\r\n\r\n")
        elif path == "/redirect-file":
            self.send_body(302, b"", headers=[("Location", "file:///etc/passwd")])
        elif path == "/redirect-ftp":
            self.send_body(302, b"", headers=[("Location", "ftp://127.0.0.1/feed.xml")])
        elif path == "/redirect-loop":
            self.send_body(302, b"", headers=[("Location", "/redirect-loop")])
        elif path == "/redirect-ok":
            self.send_body(301, b"", headers=[("Location", "/ok")])
        elif path == "/redirect-308":
            self.send_body(308, b"", headers=[("Location", "/ok")])
        elif path == "/redirect-302":
            self.send_body(302, b"", headers=[("Location", "/ok")])
        elif path == "/redirect-mixed":
            self.send_body(301, b"", headers=[("Location", "/redirect-302")])
        elif path.startswith("/chain/") and path[7:].isdigit() and int(path[7:]) <= 20:
            n = int(path[7:])
            self.send_body(301, b"", headers=[("Location", "/chain/%d" % (n - 1) if n else "/ok")])
        elif path.startswith("/retry/"):
            parts = path.split("/")
            if len(parts) != 4 or not parts[2].isdigit() or parts[3] not in RETRY_FORMS:
                self.send_body(404, b"not found\n")
                return
            value = RETRY_FORMS[parts[3]]()
            self.send_body(int(parts[2]), b"later\n",
                           headers=[("Retry-After", value)] if value is not None else [])
        elif path == "/reset":
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(FEED[:100])
            self.wfile.flush()
            time.sleep(0.1)
            # SO_LINGER with a zero timeout: close() sends RST, not FIN. The fd
            # is closed here, before socketserver's shutdown() could send a FIN.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            os.close(self.connection.detach())
            self.close_connection = True
        elif path == "/truncated":
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(FEED)
            self.wfile.flush()
            self.close_connection = True
        elif path == "/empty":
            self.send_body(200, b"", "application/rss+xml")
        elif path == "/html":
            self.send_body(200, b"<!DOCTYPE html>\n<html><head><title>Not a feed</title></head>"
                           b"<body><p>Milei meets Mercosur</p></body></html>\n",
                           "text/html; charset=utf-8")
        elif path == "/wrong-type":
            self.send_body(200, FEED, "application/octet-stream")
        elif path == "/ignores-conditional":
            self.send_body(200, FEED, "application/rss+xml",
                           [("ETag", ETAG), ("Last-Modified", LAST_MODIFIED)])
        elif path.startswith("/cache-control-304/"):
            # Cache-Control on the 200 only: a 304 answers without it
            if self.headers.get("If-None-Match") == ETAG:
                self.send_response(304)
                self.send_header("ETag", ETAG)
                self.end_headers()
                return
            value = urllib.parse.unquote(path[len("/cache-control-304/"):])
            self.send_body(200, FEED, "application/rss+xml",
                           [("Cache-Control", value), ("ETag", ETAG)])
        elif path.startswith("/cache-control/"):
            value = urllib.parse.unquote(path[len("/cache-control/"):])
            self.send_body(200, FEED, "application/rss+xml", [("Cache-Control", value)])
        elif path == "/etag-fold":
            if self.headers.get("If-None-Match") == '"crlf folded"':
                self.send_response(304)
                self.end_headers()
                return
            self.send_body(200, FEED, "application/rss+xml",
                           [("ETag", '"crlf\r\n folded"'), ("X-After", "1")])
        elif path.startswith("/status/") and path[8:].isdigit():
            code = int(path[8:])
            headers = [("Retry-After", "120")] if code in (429, 503) else []
            self.send_body(code, b"status %d\n" % code, headers=headers)
        elif path == "/retry-date":
            when = time.strftime("%a, %d %b %Y %H:%M:%S GMT",
                                 time.gmtime(time.time() + 7 * 86400))
            self.send_body(503, b"later\n", headers=[("Retry-After", when)])
        elif path == "/retry-small":
            self.send_body(429, b"later\n", headers=[("Retry-After", "1")])
        elif path == "/slow":
            self.send_response(200)
            self.send_header("Content-Length", "20")
            self.end_headers()
            end = time.monotonic() + HANDLER_LIMIT * 2
            for _ in range(20):
                if time.monotonic() > end:
                    break
                self.wfile.write(b"z")
                self.wfile.flush()
                time.sleep(1)
        elif path == "/hang":
            time.sleep(HANDLER_LIMIT)
            self.close_connection = True
        elif path.startswith("/delayed/") and _root is not None:
            ms, _, name = path[9:].partition("/")
            if not ms.isdigit() or "/" in name or name in ("", ".", ".."):
                self.send_body(404, b"no such file\n")
                return
            time.sleep(min(int(ms), 10000) / 1000)
            try:
                with open(os.path.join(_root, name), "rb") as fh:
                    body = fh.read()
            except OSError:
                self.send_body(404, b"no such file\n")
                return
            self.send_body(200, body, "application/rss+xml")
        elif path == "/drop":
            self.close_connection = True
        elif path == "/etag-crlf":
            self.send_body(200, FEED, "application/rss+xml",
                           [("ETag", '"a\x01b\x7fc"'), ("Last-Modified", "\tMon,\x02 01 Jan 2024")])
        elif path == "/echo":
            self.send_body(200, bytes(self.headers).replace(b"\r\n", b"\n"))
        elif path == "/hold":
            with _hold_lock:
                _hold_now += 1
                _hold_max = max(_hold_max, _hold_now)
            time.sleep(0.2)
            with _hold_lock:
                _hold_now -= 1
            self.send_body(200, b"held\n")
        elif path == "/stats":
            with _hold_lock:
                body = b"max=%d" % _hold_max
                _hold_max = 0
            self.send_body(200, body)
        else:
            self.send_body(404, b"not found\n")


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def handle_error(self, request, client_address):
        pass  # clients hanging up mid-answer is the point


class Server6(Server):
    address_family = socket.AF_INET6


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ports", type=int, default=1)
    ap.add_argument("--ipv6", action="store_true")
    ap.add_argument("--no-stdin", action="store_true")
    ap.add_argument("--lifetime", type=float, default=60)
    ap.add_argument("--log")
    ap.add_argument("--root")
    ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    args = ap.parse_args()
    global _log, _root
    _root = args.root
    if args.log:
        _log = open(args.log, "a", encoding="utf-8")
    servers = [Server(("127.0.0.1", 0), Handler) for _ in range(max(1, min(args.ports, 32)))]
    if args.ipv6:
        servers.append(Server6(("::1", 0), Handler))
    if args.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.tls[0], args.tls[1])
        for s in servers:
            s.socket = ctx.wrap_socket(s.socket, server_side=True)
    print(" ".join(str(s.server_address[1]) for s in servers), flush=True)
    threading.Thread(target=bomb, daemon=True).start()

    def watch_stdin():
        try:
            while sys.stdin.buffer.read(4096):
                pass
        finally:
            os._exit(0)

    if not args.no_stdin:
        threading.Thread(target=watch_stdin, daemon=True).start()
    threading.Timer(max(1.0, min(args.lifetime, 600)), lambda: os._exit(0)).start()
    for s in servers[1:]:
        threading.Thread(target=s.serve_forever, daemon=True).start()
    servers[0].serve_forever()


if __name__ == "__main__":
    main()
