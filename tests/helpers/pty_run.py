#!/usr/bin/env python3
"""pty_run.py [--after TEXT] INPUT CMD [ARGS...]: runs CMD with its standard
input and output on a pseudo-terminal (standard error stays the caller's, so
a test can tell them apart), types INPUT into it (once CMD has written TEXT,
a prompt, when given), copies what CMD writes to the terminal to standard
output (CR LF as LF; the echo of INPUT left out) and exits with CMD's
status."""
import os
import pty
import select
import subprocess
import sys


def main():
    args = sys.argv[1:]
    after = None
    if args[0] == "--after":
        after, args = args[1].encode(), args[2:]
    text, cmd = args[0], args[1:]
    master, slave = pty.openpty()
    p = subprocess.Popen(cmd, stdin=slave, stdout=slave, close_fds=True)
    os.close(slave)
    typed = not text
    if not typed and after is None:
        os.write(master, text.encode())
        typed = True
    out = b""
    while True:
        r, _, _ = select.select([master], [], [], 30)
        if not r:
            p.kill()
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:   # EIO: every writer closed the terminal
            break
        if not chunk:
            break
        out += chunk
        if not typed and after in out:
            os.write(master, text.encode())
            typed = True
    status = p.wait()
    # The terminal echoes what was typed: leave it out.
    if text:
        at = out.find(after) + len(after) if after is not None and after in out else 0
        echo = text.replace("\n", "\r\n").encode()
        out = out[:at] + out[at:].replace(echo, b"", 1)
    sys.stdout.write(out.replace(b"\r\n", b"\n").decode(errors="replace"))
    sys.exit(status if status >= 0 else 128 - status)


main()
