#!/usr/bin/python3
"""Listens on a datagram socket as systemd's NOTIFY_SOCKET does and writes each
message it receives, one a line ("READY=1", "STATUS=..."), to a log file.

    sdnotify_listen.py SOCKET LOG [SECONDS]

Exits after SECONDS (default 60) or when SOCKET is removed."""
import os, socket, sys, time

path, log = sys.argv[1], sys.argv[2]
limit = float(sys.argv[3]) if len(sys.argv) > 3 else 60.0
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
s.settimeout(0.2)
end = time.monotonic() + limit
with open(log, "a", buffering=1) as out:
    while time.monotonic() < end and os.path.exists(path):
        try:
            data = s.recv(4096)
        except socket.timeout:
            continue
        for line in data.decode("utf-8", "replace").splitlines():
            out.write(line + "\n")
