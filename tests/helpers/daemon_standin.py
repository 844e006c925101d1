#!/usr/bin/env python3
"""A stand-in for feedwatchd's side of `feedwatch reload`: holds DB.lock and
writes its lines as feedwatchd does (daemon/lock.c), reloading as MODE says.

    daemon_standin.py DB.lock CONFIG MODE [SECONDS]

The lock file reads "PID feedwatchd", then "config RELOADS DIGEST PATH"
(DIGEST: SHA-256 of CONFIG's bytes when read, PATH: its real path), and
"reloading" while a reload is under way. MODE:
    slow   on SIGHUP: "reloading" for SECONDS, then one more reload, CONFIG
           read as it is then
    deaf   never begins a reload (SIGHUP ignored)
    busy   starts inside a reload of an older CONFIG; on SIGHUP it ends that
           one (the old digest), then reloads CONFIG as it is: two reloads
    old    a daemon from before replies to `feedwatch poll`: prints "SIGUSR1"
           on SIGUSR1, and on SIGUSR2 takes the request files (DB.poll.*.req)
           as it did, printing "SIGUSR2" and their lines
Prints "ready" once the lock file is written; runs until SIGTERM (or 60 s).
None of them writes "replies" in the lock file.
"""
import fcntl
import glob
import hashlib
import os
import signal
import sys
import time

lock_path, config, mode = sys.argv[1], sys.argv[2], sys.argv[3]
secs = float(sys.argv[4]) if len(sys.argv) > 4 else 0.0
real = os.path.realpath(config)
hup = False


def digest():
    with open(config, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def note(fd, reloads, dig, reloading):
    text = "%d feedwatchd\nconfig %d %s %s\n%s" % (
        os.getpid(), reloads, dig, real, "reloading\n" if reloading else "")
    os.pwrite(fd, text.encode(), 0)
    os.ftruncate(fd, len(text))


def on_usr(signum, frame):
    if signum == signal.SIGUSR1:
        print("SIGUSR1", flush=True)
        return
    lines = []
    for req in sorted(glob.glob(glob.escape(lock_path[:-len(".lock")]) + ".poll.*.req")):
        with open(req) as f:
            lines += f.read().split()
        os.unlink(req)
    print(" ".join(["SIGUSR2"] + lines), flush=True)


def on_hup(signum, frame):
    global hup
    hup = True


fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX)
signal.signal(signal.SIGTERM, lambda s, f: sys.exit(0))
signal.signal(signal.SIGHUP, signal.SIG_IGN if mode == "deaf" else on_hup)
signal.signal(signal.SIGUSR1, on_usr)
signal.signal(signal.SIGUSR2, on_usr)
reloads = 0
if mode == "busy":
    note(fd, reloads, hashlib.sha256(b"the config before its edit").hexdigest(), True)
else:
    note(fd, reloads, digest(), False)
print("ready", flush=True)
end = time.monotonic() + 60
while time.monotonic() < end:
    if not hup:
        time.sleep(0.02)
        continue
    hup = False
    if mode == "busy":
        time.sleep(0.3)
        reloads += 1
        note(fd, reloads, hashlib.sha256(b"the config before its edit").hexdigest(), False)
        time.sleep(0.1)
        note(fd, reloads, hashlib.sha256(b"the config before its edit").hexdigest(), True)
        time.sleep(0.3)
        reloads += 1
        note(fd, reloads, digest(), False)
    elif mode == "slow":
        note(fd, reloads, digest(), True)
        time.sleep(secs)
        reloads += 1
        note(fd, reloads, digest(), False)
