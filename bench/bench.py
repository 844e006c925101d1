#!/usr/bin/env python3
"""feedwatch benchmarks: one table, every figure a median of several runs
next to its floor measured in the same go (issue 10, docs/design.md "Benchmarks").

    sh bench/run.sh [--quick] [--runs N] [--skip WHAT,...] [--profile] ...

Generates the corpus once (bench/gen_corpus.py, 1000 feeds x 20 items, into
bench/out/corpus), serves it with nginx on 127.0.0.1 (tests/helpers/serve.sh),
builds bench/parse_bench.c and bench/match_bench.c against
BUILD/libfeedwatch.a, then measures, in this order:

  cold      `feedwatch poll --no-notify` on a fresh database, vs curl
            --parallel --parallel-max 8 --compressed of the same URLs plus
            xmllint --stream --noout of the downloaded files
  warm      the same poll again (every feed answers 304), vs curl --parallel
            with the If-None-Match / If-Modified-Since nginx gave
  parse     parse_bench (fw_feed_parse over every file, in memory) vs
            xmllint --stream --noout of the same files, in MB/s
  match     match_bench (fw_matcher_match over every item) with 10 and 10,000
            topics, taking turns in one process, vs LC_ALL=C grep -F -w -i -f
            of the topics' words over the items' text
  review    a year of hits (bench/gen_hitlog.py: 1,000,000 hits, 50 topics, with
            sfeed files and a newsboat cache of the same items): hits --limit 50,
            hits --topic, show, stats --days 30, hits --format json (beside
            sfeed_plain), report --since 30d, browse's first screen on a pty,
            newsboat -x print-unread; 5000 topics × 20 hits; configs of 10,000
            and 100,000 topics (hits --limit 20, check)
  review pg the review commands on a team database: 100,000 hits of a year
            (gen_hitlog.py) copied into a private PostgreSQL (hitlog_pg.py, in
            the schema before hits kept their story, so the migration runs on
            them), each command beside SQLite over the same hits, with the
            server's CPU (skipped with review or team)
  idle      feedwatchd with every feed at 15m, all polled once, then a quiet
            window after its first outbox tick (a minute after start: the
            hourly prune): CPU seconds and wakeups a minute, resident memory
  wide      cold and warm again on a second corpus, gen_corpus.py --mix wide
            (1000 feeds x 10 items: RSS 1.0 and Latin-1 feeds, long bodies,
            more hits), in bench/out/wide, served by a second nginx
  scale     cold cycles of 1000, 10,000 and 100,000 feeds of 2 items (copies
            of 1000 files, served from serve.sh's /copies/ so that every
            feed's links are its own): a feed's cost against 1000's, the peak
            memory; status, status --format json and export on the 100,000;
            then feedwatchd idle with them
  peers     sfeed_update (maxjobs=16) and newsboat -x reload (reload-threads
            16), cold and warm, when installed (make bench installs them),
            on both corpora; fewer runs past --budget
  retention the database after 90 simulated days of the 1000 feeds (the
            corpus, then gen_corpus.py's revision growth a day, over file://)
            against the bytes of its items in the feeds
  revision  gen_corpus.py --revision 1 in place (10% of feeds change), polled
            from the database of a revision-0 poll, vs the conditional curl
            plus xmllint of the feeds that changed

The table goes to stdout and (full runs only) to bench/last-run.md, with the
figures in bench/last-run.json; the next run shows its × floor beside them.
--profile instead runs valgrind --tool=callgrind on the cold cycle and the
two drivers (a smaller corpus; --profile-mix wide: of the wide mix) and
prints the top functions of each (also written to bench/last-profile.md).
Standard library only; Python 3.9 or later.
"""
import argparse
import datetime
import glob
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(TOP, "bench")
SERVE = os.path.join(TOP, "tests", "helpers", "serve.sh")
GEN = os.path.join(BENCH, "gen_corpus.py")
PARALLEL = 8          # curl --parallel-max and feedwatch max_parallel / max_per_host
PEER_JOBS = 16        # sfeed maxjobs, newsboat reload-threads
REVISION_RESERVE = 40  # seconds the revision stage, after the peers, is given


STARTED = time.monotonic()


def log(msg):
    sys.stderr.write("bench: [%3.0f s] %s\n" % (time.monotonic() - STARTED, msg))
    sys.stderr.flush()


class Run:
    """One finished command: wall seconds, peak RSS (kB), CPU seconds, exit code."""

    def __init__(self, wall, rss_kb, cpu, rc, out, err):
        self.wall, self.rss_kb, self.cpu, self.rc, self.out, self.err = wall, rss_kb, cpu, rc, out, err


def run(cmd, env=None, cwd=None, capture=True, check=True):
    """Runs cmd, timing it. The peak RSS is /usr/bin/time -f %M's: the largest
    process of cmd's tree (not this script's, which a vfork'd child would
    report through wait4)."""
    outp = os.path.join(WORK, "cmd.out")
    errp = os.path.join(WORK, "cmd.err")
    rssp = os.path.join(WORK, "cmd.rss")
    full = ([TIME, "-f", "%M", "-o", rssp] if TIME else []) + list(cmd)
    with open(outp if capture else os.devnull, "wb") as out, open(errp, "wb") as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(full, stdout=out, stderr=err, env=env, cwd=cwd)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    rss = None
    if TIME:
        try:
            lines = open(rssp).read().split()
            rss = int(lines[-1]) if lines and lines[-1].isdigit() else None
        except OSError:
            pass
    r = Run(wall, rss, ru.ru_utime + ru.ru_stime, p.returncode,
            open(outp, "rb").read().decode("utf-8", "replace") if capture else "",
            open(errp, "rb").read().decode("utf-8", "replace"))
    if check and r.rc != 0:
        raise SystemExit("bench: %s exited %d:\n%s" % (" ".join(cmd[:4]), r.rc, r.err[-2000:]))
    return r


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True, **kw).stdout


def median(xs):
    return statistics.median(xs) if xs and None not in xs else None


def mx(*xs):
    return None if None in xs else max(xs)


def fmt_s(v):
    if v is None:
        return "—"
    return "%.2f s" % v if v >= 0.995 else "%.0f ms" % (v * 1000) if v >= 0.0095 else "%.1f ms" % (v * 1000)


def fmt_mb(kb):
    return "—" if kb is None else "%.0f" % (kb / 1024) if kb >= 10240 else "%.1f" % (kb / 1024)


def fmt_ratio(r):
    return "—" if r is None else "%.2f×" % r if r < 10 else "%.0f×" % r


def fmt_rate(v, unit):
    if v >= 1e6:
        return "%.2f M%s" % (v / 1e6, unit)
    if v >= 1e4:
        return "%.0f k%s" % (v / 1e3, unit)
    return "%.0f %s" % (v, unit)


# ---------------------------------------------------------------------------
# Set-up: machine, build, corpus, server.

def machine():
    model = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = 0
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal:"):
                ram = int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    ncpu = len(os.sched_getaffinity(0))
    commit = "unknown"
    try:
        commit = sh(["git", "-C", TOP, "rev-parse", "--short", "HEAD"]).strip()
        dirty = sh(["git", "-C", TOP, "status", "--porcelain", "--untracked-files=no", "--",
                    "daemon", "include", "Makefile"]).strip()
        if dirty:
            commit += " + uncommitted changes in daemon/ include/"
    except (subprocess.CalledProcessError, OSError):
        pass
    return {"nproc": ncpu, "cpu": model, "ram_gb": ram, "commit": commit,
            "kernel": platform.release(),
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}


def tool_versions():
    out = []
    for name, cmd, rx in [("curl", ["curl", "--version"], r"curl (\S+)"),
                          ("libxml2", ["xmllint", "--version"], r"libxml version (\d+)"),
                          ("nginx", ["nginx", "-v"], r"nginx/(\S+)"),
                          ("grep", ["grep", "--version"], r"grep \(GNU grep\) (\S+)"),
                          ("newsboat", ["newsboat", "-v"], r"newsboat (\S+)")]:
        try:
            p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            m = re.search(rx, p.stdout)
            if m:
                v = m.group(1)
                if name == "libxml2" and v.isdigit():
                    v = "%d.%d.%d" % (int(v) // 10000, int(v) // 100 % 100, int(v) % 100)
                out.append("%s %s" % (name, v))
        except OSError:
            pass
    try:
        v = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "sfeed"], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, text=True).stdout.strip()
        if v and shutil.which("sfeed_update"):
            out.append("sfeed %s" % v)
    except OSError:
        pass
    return ", ".join(out)


def pkgs_from_makefile():
    text = open(os.path.join(TOP, "Makefile")).read()
    m = re.search(r"^PKGS\s*=\s*(.+)$", text, re.M)
    if not m:
        raise SystemExit("bench: no PKGS line in the Makefile")
    return m.group(1).split()


def build_drivers(build):
    lib = os.path.join(build, "libfeedwatch.a")
    if not os.path.exists(lib):
        raise SystemExit("bench: %s is missing: run make first" % lib)
    pkgs = pkgs_from_makefile()
    cflags = sh(["pkg-config", "--cflags"] + pkgs).split()
    libs = sh(["pkg-config", "--libs"] + pkgs).split()
    outdir = os.path.join(build, "bench")
    os.makedirs(outdir, exist_ok=True)
    bins = {}
    for name in ("parse_bench", "match_bench"):
        src = os.path.join(BENCH, name + ".c")
        exe = os.path.join(outdir, name)
        if (not os.path.exists(exe) or os.path.getmtime(exe) < os.path.getmtime(src)
                or os.path.getmtime(exe) < os.path.getmtime(lib)):
            cmd = [os.environ.get("CC", "cc"), "-std=gnu11", "-O2", "-g", "-Wall", "-Wextra",
                   "-Wno-unused-parameter", "-I" + os.path.join(TOP, "include")] + cflags + \
                  ["-o", exe, src, lib] + libs + ["-lm"]
            subprocess.run(cmd, check=True)
        bins[name] = exe
    return bins


def gen_corpus(out, feeds, items, revision, topics, mix=None):
    cmd = [sys.executable, GEN, out, "--feeds", str(feeds), "--items", str(items),
           "--revision", str(revision), "--seed", "1"]
    if topics:
        cmd += ["--topics", ",".join(str(k) for k in topics)]
    if mix:
        cmd += ["--mix", mix]
    stats = sh(cmd).strip()
    d = dict(re.findall(r"([a-z/-]+) (\d+)", stats))
    return {"bytes": int(d["bytes"]), "items": int(d["items"]), "rewritten": int(d["rewritten"]),
            "new_items": int(d["new-items"]), "truth": int(d["truth"])}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, root):
        self.port = free_port()
        self.base = sh(["sh", SERVE, "start", root, str(self.port)]).strip()
        self.log = "/tmp/feedwatch-test-nginx-%d/access.log" % self.port

    def mark(self):
        try:
            return os.path.getsize(self.log)
        except OSError:
            return 0

    def settled(self, since, want, timeout=3.0):
        """statuses(since) once they count want requests, or after timeout s:
        nginx logs a request after its response is sent, so a client may
        have stored the answer before its line is written."""
        end = time.monotonic() + timeout
        while True:
            st = self.statuses(since)
            if sum(st.values()) >= want or time.monotonic() > end:
                return st
            time.sleep(0.05)

    def statuses(self, since):
        """Counts of the HTTP statuses logged since mark `since`."""
        counts = {}
        with open(self.log, "rb") as fh:
            fh.seek(since)
            for line in fh:
                st = line.split(b" ", 1)[0].decode()
                counts[st] = counts.get(st, 0) + 1
        return counts

    def stop(self):
        subprocess.run(["sh", SERVE, "stop", str(self.port)], stdout=subprocess.DEVNULL)


# ---------------------------------------------------------------------------
# curl floors.

def curl_block(url, output, headers=(), write_out=None):
    lines = ['url = "%s"' % url, 'output = "%s"' % output, "compressed"]
    for h in headers:
        lines.append('header = "%s"' % h.replace("\\", "\\\\").replace('"', '\\"'))
    if write_out:
        lines.append('write-out = "%s"' % write_out)
    return "\n".join(lines)


def write_curl(path, blocks):
    with open(path, "w") as fh:
        fh.write("\nnext\n".join(blocks) + "\n")


def curl(conf):
    return run(["curl", "-s", "--no-progress-meter", "--parallel", "--parallel-max", str(PARALLEL),
                "-K", conf])


def validators(srv, urls):
    """The ETag and Last-Modified nginx gives each URL (relative to its
    root), collected once for the conditional floors."""
    probe = os.path.join(WORK, "probe.curl")
    write_curl(probe, [curl_block("%s/%s" % (srv.base, u), "/dev/null", (),
                                  "%{url_effective}\\t%header{etag}\\t%header{last-modified}\\n")
                       for u in urls])
    etags = {}
    for line in curl(probe).out.splitlines():
        url, etag, lm = line.split("\t")
        etags[url[len(srv.base) + 1:]] = (etag, lm)
    if len(etags) != len(urls) or not all(e and l for e, l in etags.values()):
        raise SystemExit("bench: nginx gave no ETag or Last-Modified for some feeds")
    return etags


def fresh_dir(d):
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)


# ---------------------------------------------------------------------------
# feedwatch.

def fw_conf(corpus, base, path, db, interval=None):
    text = open(os.path.join(corpus, "feedwatch.conf")).read().replace("@BASE@", base)
    extra = "database = %s\nmax_parallel = %d\nmax_per_host = %d\n" % (db, PARALLEL, PARALLEL)
    text = text.replace("[feedwatch]\n", "[feedwatch]\n" + extra, 1)
    if interval:
        text = re.sub(r"^interval = .*$", "interval = %s" % interval, text, count=1, flags=re.M)
    with open(path, "w") as fh:
        fh.write(text)


def rm_db(db):
    for suffix in ("", "-wal", "-shm", "-journal", ".lock"):
        try:
            os.unlink(db + suffix)
        except FileNotFoundError:
            pass


def copy_db(src, dst):
    rm_db(dst)
    for suffix in ("", "-wal"):
        if os.path.exists(src + suffix):
            shutil.copyfile(src + suffix, dst + suffix)


POLLED = re.compile(r"polled (\d+) feeds? \((\d+) failed\): (\d+) new items?")


def fw_poll(fw, conf, feeds, problems, what):
    r = run([fw, "-c", conf, "poll", "--no-notify"], check=False)
    m = POLLED.search(r.err)
    if r.rc != 0 or not m or int(m.group(1)) != feeds or int(m.group(2)) != 0:
        problems.append("%s: feedwatch poll exited %d: %s" % (what, r.rc, r.err.strip()[-300:]))
    r.new_items = int(m.group(3)) if m else None
    return r


# ---------------------------------------------------------------------------
# Figures.

class Table:
    def __init__(self):
        self.rows = []      # dicts
        self.goals = []     # (text, met or None)
        self.notes = []
        self.problems = []

    def add(self, key, label, value, floor=None, ratio=None, mem=None, mem_floor=None, goal="",
            raw=None):
        if raw is not None and ratio is not None:
            raw["ratio"] = ratio
        self.rows.append({"key": key, "label": label, "value": value, "floor": floor or "—",
                          "ratio": ratio, "mem": mem, "mem_floor": mem_floor, "goal": goal,
                          "raw": raw})


def bench_cold_warm(ctx, t, tag=""):
    """Cold then warm cycles of ctx's corpus; tag ("wide") names a second
    corpus's rows, keys and files."""
    fw, corpus, srv, runs, feeds = ctx["fw"], ctx["corpus"], ctx["srv"], ctx["runs"], ctx["feeds"]
    work = ctx["work"]
    key = tag + "_" if tag else ""
    what = "%s corpus: " % tag if tag else ""
    db = os.path.join(work, key + "fw.db")
    conf = os.path.join(work, key + "fw.conf")
    fw_conf(corpus, srv.base, conf, db)
    dl = os.path.join(work, key + "dl")
    cold_curl = os.path.join(work, key + "cold.curl")
    warm_curl = os.path.join(work, key + "warm.curl")
    names = [os.path.basename(u) for u in ctx["urls"]]
    write_curl(cold_curl, [curl_block("%s/%s" % (srv.base, u), os.path.join(dl, n))
                           for u, n in zip(ctx["urls"], names)])
    write_curl(warm_curl, [curl_block("%s/%s" % (srv.base, u), "/dev/null",
                                      ["If-None-Match: " + ctx["etags"][u][0],
                                       "If-Modified-Since: " + ctx["etags"][u][1]],
                                      "%{http_code}\\n")
                           for u in ctx["urls"]])

    fw_cold, fl_curl, fl_xml, fl_cold, fl_mem = [], [], [], [], []
    for i in range(runs):
        log("cold cycle %d/%d" % (i + 1, runs))
        rm_db(db)
        mark = srv.mark()
        r = fw_poll(fw, conf, feeds, t.problems, "cold")
        st = srv.settled(mark, feeds)
        if st.get("200", 0) != feeds:
            t.problems.append("cold: nginx answered %s to feedwatch" % st)
        fw_cold.append(r)
        fresh_dir(dl)
        c = curl(cold_curl)
        files = sorted(glob.glob(os.path.join(dl, "*.xml")))
        if len(files) != feeds:
            t.problems.append("cold floor: curl saved %d of %d feeds" % (len(files), feeds))
        x = run(["xmllint", "--stream", "--noout"] + files)
        fl_curl.append(c.wall)
        fl_xml.append(x.wall)
        fl_cold.append(c.wall + x.wall)
        fl_mem.append(mx(c.rss_kb, x.rss_kb))
    cold = median([r.wall for r in fw_cold])
    floor_cold = median(fl_cold)
    ctx["floor_cold"] = floor_cold
    ctx["fw_cold"] = cold
    ratio = cold / floor_cold
    t.add(key + "cold", "%scold poll cycle, %d feeds × %d items (%.1f MB)"
          % (what, feeds, ctx["items"], ctx["bytes"] / 1e6), fmt_s(cold),
          "%s (curl %s + xmllint %s)" % (fmt_s(floor_cold), fmt_s(median(fl_curl)),
                                          fmt_s(median(fl_xml))),
          ratio, median([r.rss_kb for r in fw_cold]), median(fl_mem), "≤ 1.5× floor",
          raw={"fw": cold, "floor": floor_cold, "cpu": median([r.cpu for r in fw_cold])})
    t.goals.append(("%scold cycle within 1.5× of its floor: %s" % (what, fmt_ratio(ratio)),
                    ratio <= 1.5))
    t.notes.append("%scold: feedwatch used %.2f CPU s a cycle (user+sys, median); the floor's "
                   "curl and xmllint run one after the other."
                   % (what, median([r.cpu for r in fw_cold])))

    # Warm: the database of the last cold run; every feed must answer 304.
    fw_warm, fl_warm, fl_wmem = [], [], []
    for i in range(runs):
        log("warm cycle %d/%d" % (i + 1, runs))
        mark = srv.mark()
        r = fw_poll(fw, conf, feeds, t.problems, "warm")
        st = srv.settled(mark, feeds)
        if st.get("304", 0) != feeds:
            t.problems.append("warm: nginx answered %s to feedwatch (want %d × 304)" % (st, feeds))
        fw_warm.append(r)
        c = curl(warm_curl)
        codes = c.out.split()
        if codes.count("304") != feeds:
            t.problems.append("warm floor: %d of %d answers were 304" % (codes.count("304"), feeds))
        fl_warm.append(c.wall)
        fl_wmem.append(c.rss_kb)
    warm = median([r.wall for r in fw_warm])
    floor_warm = median(fl_warm)
    ctx["floor_warm"] = floor_warm
    ctx["fw_warm"] = warm
    ratio = warm / floor_warm
    t.add(key + "warm", "%swarm poll cycle, every feed 304" % what, fmt_s(warm),
          "%s (conditional curl)" % fmt_s(floor_warm), ratio,
          median([r.rss_kb for r in fw_warm]), median(fl_wmem), "≤ 1.5× floor",
          raw={"fw": warm, "floor": floor_warm})
    t.goals.append(("%swarm cycle within 1.5× of its floor: %s" % (what, fmt_ratio(ratio)),
                    ratio <= 1.5))
    if not tag:
        ctx["rev0_db"] = os.path.join(work, "rev0.db")
        copy_db(db, ctx["rev0_db"])


def bench_revision(ctx, t):
    fw, srv, runs, feeds, work = ctx["fw"], ctx["srv"], ctx["runs"], ctx["feeds"], ctx["work"]
    corpus = ctx["corpus"]
    log("writing revision 1 of the corpus")
    stats = gen_corpus(corpus, feeds, ctx["items"], 1, None)
    changed = stats["rewritten"]
    db = os.path.join(work, "rev.db")
    conf = os.path.join(work, "rev.conf")
    fw_conf(corpus, srv.base, conf, db)
    dl = os.path.join(work, "dlrev")
    rev_curl = os.path.join(work, "rev.curl")
    write_curl(rev_curl, [curl_block("%s/%s" % (srv.base, u), os.path.join(dl, os.path.basename(u)),
                                     ["If-None-Match: " + ctx["etags"][u][0],
                                      "If-Modified-Since: " + ctx["etags"][u][1]])
                          for u in ctx["urls"]])
    fw_rev, fl_rev, fl_mem = [], [], []
    for i in range(runs):
        log("revision cycle %d/%d" % (i + 1, runs))
        copy_db(ctx["rev0_db"], db)
        mark = srv.mark()
        r = fw_poll(fw, conf, feeds, t.problems, "revision")
        st = srv.settled(mark, feeds)
        if st.get("200", 0) != changed or st.get("304", 0) != feeds - changed:
            t.problems.append("revision: nginx answered %s to feedwatch (want %d × 200)" % (st, changed))
        fw_rev.append(r)
        fresh_dir(dl)
        c = curl(rev_curl)
        files = sorted(glob.glob(os.path.join(dl, "*.xml")))
        if len(files) != changed:
            t.problems.append("revision floor: %d feeds fetched, %d changed" % (len(files), changed))
        x = run(["xmllint", "--stream", "--noout"] + files) if files else None
        fl_rev.append(c.wall + (x.wall if x else 0))
        fl_mem.append(mx(c.rss_kb, x.rss_kb if x else 0))
    rev = median([r.wall for r in fw_rev])
    floor = median(fl_rev)
    ratio = rev / floor
    t.add("revision", "revision 1: %d of %d feeds changed, %d new items" % (changed, feeds,
          stats["new_items"]), fmt_s(rev),
          "%s (conditional curl + xmllint of the %d); cold %s, warm %s"
          % (fmt_s(floor), changed, fmt_s(ctx.get("floor_cold")), fmt_s(ctx.get("floor_warm"))),
          ratio, median([r.rss_kb for r in fw_rev]), median(fl_mem), "≤ 2× floor",
          raw={"fw": rev, "floor": floor})
    t.goals.append(("revision cycle within 2× of its floor: %s" % fmt_ratio(ratio), ratio <= 2))


# ---------------------------------------------------------------------------
# The second corpus (issue 19, goal 1): gen_corpus.py --mix wide.

WIDE_ITEMS = 10   # a wide item is about three times a default one


def wide_ctx(ctx):
    """The wide corpus, generated and served once for the wide rows and the
    peers' wide rows: a copy of ctx with its own corpus, server and work
    folder."""
    if "wide" in ctx:
        return ctx["wide"]
    out = os.path.join(ctx["out"], "wide")
    feeds = ctx["wide_feeds"]
    log("generating the wide corpus: %d feeds × %d items" % (feeds, WIDE_ITEMS))
    stats = gen_corpus(out, feeds, WIDE_ITEMS, 0, None, mix="wide")
    urls = open(os.path.join(out, "urls.txt")).read().split()
    srv = Server(out)
    ctx["servers"].append(srv)
    w = dict(ctx, corpus=out, srv=srv, feeds=feeds, items=WIDE_ITEMS, bytes=stats["bytes"],
             urls=urls, work=os.path.join(ctx["work"], "wide"))
    fresh_dir(w["work"])
    w["etags"] = validators(srv, urls)
    ctx["wide"] = w
    t_note = ("wide: the second corpus is gen_corpus.py --mix wide --feeds %d --items %d "
              "(%.1f MB: three in ten feeds RSS 1.0, three ISO-8859-1, one Windows-1252; bodies "
              "about three times as long; each seed topic in one item in four; %d items, %d "
              "hits), served and measured as the first." % (feeds, WIDE_ITEMS, stats["bytes"] / 1e6,
                                                           stats["items"], stats["truth"]))
    ctx["wide_note"] = t_note
    return w


def bench_wide(ctx, t):
    w = wide_ctx(ctx)
    t.notes.append(ctx["wide_note"])
    bench_cold_warm(w, t, "wide")


def bench_wide_peers(ctx, t):
    w = wide_ctx(ctx)
    if "fw_cold" not in w:
        return   # no wide feedwatch rows to stand beside
    bench_peers(w, t, "wide")


# ---------------------------------------------------------------------------
# Scale (issue 19, goal 2): 1000 to 100,000 feeds of a few items.

SCALE_FILES = 1000
SCALE_ITEMS = 2


def scale_conf(corpus, base, path, db, n):
    """A config of n feeds, copy k of the corpus's feed k % SCALE_FILES each
    (serve.sh's /copies/: the hosts in it made the copy's own, so no two
    feeds share a link), with the corpus's topics; every 15 minutes."""
    text = open(os.path.join(corpus, "feedwatch.conf")).read()
    topics = text[text.index("[topic "):text.index("[feed ")]
    nfiles = len(open(os.path.join(corpus, "urls.txt")).read().split())
    with open(path, "w") as fh:
        fh.write("[feedwatch]\ndatabase = %s\ninterval = 15m\nmax_parallel = %d\n"
                 "max_per_host = %d\n\n%s" % (db, PARALLEL, PARALLEL, topics))
        for k in range(n):
            fh.write("[feed s%06d]\nurl = %s/copies/feeds/f%04d.xml?copy=%d\n\n"
                     % (k, base, k % nfiles, k))


def bench_scale(ctx, t):
    sizes, work = ctx["scale"], ctx["work"]
    out = os.path.join(ctx["out"], "scale")
    nfiles = min(SCALE_FILES, sizes[0])
    log("scale: corpus of %d feeds × %d items" % (nfiles, SCALE_ITEMS))
    stats = gen_corpus(out, nfiles, SCALE_ITEMS, 0, None)
    srv = Server(out)
    ctx["servers"].append(srv)
    per, peak, conf, db = {}, {}, None, None
    for n in sizes:
        conf = os.path.join(work, "scale-%d.conf" % n)
        db = os.path.join(work, "scale-%d.db" % n)
        scale_conf(out, srv.base, conf, db, n)
        runs = ctx["runs"] if n <= 1000 else 3 if n <= 10000 else 1
        rs = []
        for i in range(runs):
            log("scale: cold cycle of %d feeds, %d/%d" % (n, i + 1, runs))
            rm_db(db)
            mark = srv.mark()
            r = fw_poll(ctx["fw"], conf, n, t.problems, "scale %d" % n)
            st = srv.settled(mark, n)
            if st.get("200", 0) != n:
                t.problems.append("scale %d: nginx answered %s" % (n, st))
            rs.append(r)
        per[n] = median([r.wall for r in rs]) / n
        peak[n] = median([r.rss_kb for r in rs])
        ctx.setdefault("scale_runs", {})[n] = (runs, median([r.cpu for r in rs]) / n)
        if n == sizes[0]:
            # the floor of the smallest: curl and xmllint of the same feeds
            urls = ["copies/feeds/f%04d.xml?copy=%d" % (k % nfiles, k) for k in range(n)]
            dl = os.path.join(work, "scale-dl")
            cc = os.path.join(work, "scale.curl")
            write_curl(cc, [curl_block("%s/%s" % (srv.base, u), os.path.join(dl, "%06d.xml" % k))
                            for k, u in enumerate(urls)])
            fl, flm = [], []
            for i in range(runs):
                fresh_dir(dl)
                c = curl(cc)
                x = run(["xmllint", "--stream", "--noout"] + sorted(glob.glob(dl + "/*.xml")))
                fl.append(c.wall + x.wall)
                flm.append(mx(c.rss_kb, x.rss_kb))
            floor = median(fl) / n
            t.add("scale_%d" % n, "scale: cold cycle, %d feeds × %d items: a feed" % (n, SCALE_ITEMS),
                  "%.2f ms (%s)" % (per[n] * 1000, fmt_s(per[n] * n)),
                  "%.2f ms (curl + xmllint, %s)" % (floor * 1000, fmt_s(floor * n)), per[n] / floor,
                  peak[n], median(flm), "—", raw={"fw": per[n], "floor": floor})
        else:
            base = sizes[0]
            ratio = per[n] / per[base]
            t.add("scale_%d" % n, "scale: cold cycle, %d feeds × %d items: a feed" % (n, SCALE_ITEMS),
                  "%.2f ms (%s)" % (per[n] * 1000, fmt_s(per[n] * n)),
                  "%.2f ms (%d feeds)" % (per[base] * 1000, base), ratio, peak[n], None,
                  "≤ 1.2× %d feeds, < 64 MB" % base, raw={"fw": per[n], "floor": per[base]})
    big = sizes[-1]
    if len(sizes) > 1:
        ratio = per[big] / per[sizes[0]]
        t.goals.append(("scale: a feed of a cold cycle of %d costs at most 1.2× one of %d: %s"
                        % (big, sizes[0], fmt_ratio(ratio)), ratio <= 1.2))
    t.goals.append(("scale: peak memory of the cold cycle of %d feeds under 64 MB: %s MB"
                    % (big, fmt_mb(peak[big])), peak[big] < 64 * 1024))
    t.notes.append("scale: %d feeds of gen_corpus.py --items %d (%.1f MB), copy k of feed k mod "
                   "%d served from serve.sh's /copies/ (hosts and links made each copy's own); "
                   "runs: %s; CPU a feed (user+sys): %s; per-feed wall and CPU include the "
                   "config load and the database open."
                   % (nfiles, SCALE_ITEMS, stats["bytes"] / 1e6, nfiles,
                      ", ".join("%d at %d" % (ctx["scale_runs"][n][0], n) for n in sizes),
                      ", ".join("%.2f ms at %d" % (ctx["scale_runs"][n][1] * 1000, n) for n in sizes)))
    # The commands that list every feed, on the largest database: each a
    # lookup a feed (status and export once scanned every stored feed a feed).
    for key, label, args in (("status", "status", ["status"]),
                             ("status_json", "status --format json", ["status", "--format", "json"]),
                             ("export", "export (OPML)", ["export", "-o", os.path.join(work, "scale.opml")])):
        log("scale: %s, %d feeds" % (label, big))
        secs, rss, _, cpu = timed([ctx["fw"], "-c", conf] + args, 3 if big <= 10000 else 1)
        t.add("scale_%s" % key, "scale: %s, %d feeds" % (label, big),
              "%s (CPU %s)" % (fmt_s(secs), fmt_s(cpu)), "—", None, rss, None, "—",
              raw={"fw": secs, "cpu": cpu})
    scale_idle(ctx, t, conf, big, srv)


def scale_idle(ctx, t, conf, n, srv):
    """feedwatchd on the database of the largest cold cycle: every feed is
    scheduled 15 minutes on, so after start-up it idles: CPU, wakeups and
    memory in a window of --idle seconds."""
    env = dict(os.environ)
    env.pop("NOTIFY_SOCKET", None)
    env.pop("WATCHDOG_USEC", None)
    log("scale: feedwatchd with %d feeds, idle" % n)
    errlog = open(os.path.join(ctx["work"], "scale-feedwatchd.log"), "wb")
    mark = srv.mark()
    t0 = time.monotonic()
    p = subprocess.Popen([ctx["fwd"], "-c", conf], stdout=errlog, stderr=subprocess.STDOUT, env=env)
    try:
        wait_quiet(p, time.monotonic() + 300, errlog.name)
        started = time.monotonic() - t0 - 2
        start_hwm = proc_value(p.pid, "VmHWM")
        log("scale: waiting out feedwatchd's first outbox tick")
        tick_sw, tick_rd = past_first_tick(p, t0, time.monotonic() + 300, errlog.name)
        cpu0, sw0, w0 = proc_cpu(p.pid), proc_switches(p.pid), time.monotonic()
        time.sleep(ctx["idle"])
        cpu1, sw1, w1 = proc_cpu(p.pid), proc_switches(p.pid), time.monotonic()
        rss = proc_value(p.pid, "VmRSS")
        anon, filek = proc_value(p.pid, "RssAnon"), proc_value(p.pid, "RssFile")
        fetched = sum(srv.statuses(mark).values())
    finally:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout=60)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        errlog.close()
    per_min = 60 / (w1 - w0)
    wake_min = switches_between(sw0, sw1) * per_min
    t.add("scale_idle", "scale: idle daemon, %d feeds every 15m, nothing due (%d s window)"
          % (n, ctx["idle"]), "%.3f CPU s/min, %.1f wakeups/min, %s MB resident"
          % ((cpu1 - cpu0) * per_min, wake_min, fmt_mb(rss)), "—", None, start_hwm, None,
          "≤ 60 wakeups/min, < 32 MB",
          raw={"cpu_min": (cpu1 - cpu0) * per_min, "wakeups_min": wake_min, "rss_kb": rss,
               "hwm_kb": start_hwm})
    t.goals.append(("scale: idle with %d feeds, at most one wakeup a second: %.1f a minute"
                    % (n, wake_min), wake_min <= 60))
    t.goals.append(("scale: idle with %d feeds, under 32 MB resident: %s MB" % (n, fmt_mb(rss)),
                    rss < 32 * 1024))
    t.notes.append("scale idle: feedwatchd read and scheduled its %d feeds in %.1f s (until its "
                   "CPU time and context switches stood still 2 s); the window starts after its "
                   "first outbox tick (%d s after start: the hourly prune and PRAGMA optimize, "
                   "which made %d switches and read %.1f MB from the disk); resident is RssAnon "
                   "%s MB + RssFile %s MB; peak memory is VmHWM at start-up; %d requests (none "
                   "due)." % (n, started, FIRST_TICK, tick_sw, tick_rd / 1e6, fmt_mb(anon),
                              fmt_mb(filek), fetched))


RETENTION_DAYS = 90
RETENTION_STEP = 5    # simulated days a poll covers


def bench_retention(ctx, t):
    """The archive on disk (issue 19 goal 5): the database after 90 simulated
    days of the 1000 feeds. Day 0 is the corpus (every feed's 20 items); each
    day after it, a feed gains gen_corpus.py's revision growth (about one
    feed in ten, 1-3 items, ~200 a day), written as RSS 2.0 items of the
    corpus's prose (title, a 240-character description, content:encoded of
    3-7 paragraphs). Polled over file:// every RETENTION_STEP days, each file
    holding its feed's items of those days; nothing is pruned within the
    retention (90 days), so this is what a database holds at its steady
    state. Bytes per item stored against the item's bytes in the feed."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("gen_corpus", GEN)
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    fw, feeds, work = ctx["fw"], ctx["feeds"], ctx["work"]
    root = os.path.join(work, "retention")
    fresh_dir(os.path.join(root, "feeds"))
    db = os.path.join(work, "retention.db")
    conf = os.path.join(work, "retention.conf")
    rm_db(db)
    for u in ctx["urls"]:
        shutil.copyfile(os.path.join(ctx["corpus"], u), os.path.join(root, u))
    fw_conf(ctx["corpus"], "file://" + root, conf, db)
    feed_bytes, items = ctx["bytes"], feeds * ctx["items"]
    started = time.monotonic()
    log("retention: day 0 (the corpus)")
    fw_poll(fw, conf, feeds, t.problems, "retention day 0")
    epoch = 1735689600  # 2025-01-01
    for day in range(1, RETENTION_DAYS + 1, RETENTION_STEP):
        days = range(day, min(day + RETENTION_STEP, RETENTION_DAYS + 1))
        log("retention: days %d-%d" % (days[0], days[-1]))
        for f, u in enumerate(ctx["urls"]):
            out = []
            for d in days:
                for n in range(gen.growth(1, f, d)):
                    rng = random.Random("retention/%d/%d/%d" % (f, d, n))
                    paras = ["<p>%s</p>" % " ".join(gen.sentence(rng, gen.VOCAB_EN)
                                                    for _ in range(rng.randint(2, 5)))
                             for _ in range(rng.randint(3, 7))]
                    title = gen.sentence(rng, gen.VOCAB_EN, 5, 11).rstrip(".?…")
                    link = "https://news%d.example.org/retention/%d/%d" % (f, d, n)
                    when = time.strftime("%a, %d %b %Y %H:%M:%S +0000",
                                         time.gmtime(epoch + d * 86400 + n * 3600))
                    out.append("<item><title>%s</title><link>%s</link><guid>%s</guid>"
                               "<pubDate>%s</pubDate><dc:creator>Desk %d</dc:creator>"
                               "<description><![CDATA[%s]]></description>"
                               "<content:encoded><![CDATA[%s]]></content:encoded></item>\n"
                               % (title, link, link, when, f % 7,
                                  gen.excerpt(re.sub(r"<[^>]+>", " ", paras[0]), 240),
                                  "\n".join(paras)))
            if not out:
                continue
            items += len(out)
            feed_bytes += sum(len(x.encode()) for x in out)
            with open(os.path.join(root, u), "w", encoding="utf-8") as fh:
                fh.write('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
                         'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
                         'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
                         '<title>Feed %d</title><link>https://news%d.example.org/</link>\n%s'
                         '</channel></rss>\n' % (f, f, "".join(out)))
        fw_poll(fw, conf, feeds, t.problems, "retention days %d-%d" % (days[0], days[-1]))
    seconds = time.monotonic() - started
    sh(["sqlite3", db, "PRAGMA wal_checkpoint(TRUNCATE)"])
    size = os.path.getsize(db)
    stored = int(sh(["sqlite3", db, "SELECT count(*) FROM items"]).strip())
    if stored != items:
        t.problems.append("retention: %d items stored, %d in the feeds" % (stored, items))
    ratio = size / feed_bytes
    t.add("retention", "archive after %d days of %d feeds: %d items (%.0f MB of feed items)"
          % (RETENTION_DAYS, feeds, stored, feed_bytes / 1e6),
          "%.1f MB, %.0f B/item" % (size / 1e6, size / max(stored, 1)),
          "%.0f B/item in the feed" % (feed_bytes / max(items, 1)), ratio, None, None,
          "≤ 1/3 of the feed", raw={"fw": size, "floor": feed_bytes, "items": stored})
    t.goals.append(("archive: stored bytes at most 1/3 of the items' bytes in the feed: %.2f"
                    % ratio, ratio <= 1 / 3))
    t.notes.append("retention: day 0 is the corpus, then gen_corpus.py's revision growth a day "
                   "(RSS 2.0 items of its prose) polled over file:// every %d days; %.0f s; "
                   "bytes per item: database / items stored, feed / items."
                   % (RETENTION_STEP, seconds))


def setup_sfeed(ctx, urls):
    """An sfeedrc listing every feed; returns (command, reset for a cold run)."""
    d = os.path.join(ctx["work"], "sfeed")
    fresh_dir(d)
    rc = os.path.join(d, "sfeedrc")
    with open(rc, "w") as fh:
        fh.write('sfeedpath="%s/feeds"\nmaxjobs=%d\nfeeds() {\n' % (d, PEER_JOBS))
        for u in urls:
            fh.write('\tfeed "%s" "%s"\n' % (os.path.basename(u)[:-4], u))
        fh.write("}\n")
    return ["sfeed_update", rc], None, lambda: shutil.rmtree(os.path.join(d, "feeds"),
                                                             ignore_errors=True)


def setup_newsboat(ctx, urls):
    """A urls file, a config with reload-threads and a private HOME; returns
    (command, environment, reset for a cold run)."""
    d = os.path.join(ctx["work"], "newsboat")
    fresh_dir(os.path.join(d, "home"))
    with open(os.path.join(d, "urls"), "w") as fh:
        fh.write("".join(u + "\n" for u in urls))
    with open(os.path.join(d, "config"), "w") as fh:
        fh.write("reload-threads %d\n" % PEER_JOBS)
    cache = os.path.join(d, "cache.db")
    env = dict(os.environ, HOME=os.path.join(d, "home"))
    env.pop("XDG_CONFIG_HOME", None)
    env.pop("XDG_DATA_HOME", None)
    return (["newsboat", "-u", os.path.join(d, "urls"), "-c", cache, "-C",
             os.path.join(d, "config"), "-x", "reload"], env, lambda: rm_db(cache))


PEERS = [("sfeed_update", "sfeed", "sfeed_update, maxjobs=%d" % PEER_JOBS, setup_sfeed),
         ("newsboat", "newsboat", "newsboat -x reload, reload-threads %d" % PEER_JOBS,
          setup_newsboat)]


def bench_peers(ctx, t, tag=""):
    """sfeed_update and newsboat, cold then warm, where installed. They run
    last; past the time budget a phase stops after the runs it has. tag
    ("wide"): a second corpus's rows."""
    srv, feeds, prun = ctx["srv"], ctx["feeds"], ctx["peer_runs"]
    what = "%s corpus: " % tag if tag else ""
    urls = ["%s/%s" % (srv.base, u) for u in ctx["urls"]]
    tools = []
    for exe, key, label, setup in PEERS:
        if shutil.which(exe):
            tools.append((exe, key, label, setup))
        elif not tag:
            t.notes.append("%s is not installed (apt-get install %s): its rows are left out."
                           % (exe, key))
    phases_left = 2 * len(tools)
    for exe, key, label, setup in tools:
        cmd, env, reset = setup(ctx, urls)
        for phase in ("cold", "warm"):
            phases_left -= 1
            rs = []
            if key == "newsboat" and phase == "warm":
                # newsboat keeps a feed's ETag and Last-Modified only from its
                # second reload on: one untimed reload first.
                run(cmd, env=env, check=False)
                if not tag:
                    t.notes.append("newsboat saves validators only from a feed's second reload: "
                                   "one untimed reload precedes its warm runs.")
            for i in range(prun):
                if rs and time.monotonic() + rs[-1].wall * (1 + phases_left) > ctx["deadline"]:
                    t.notes.append("%s%s %s: %d run%s, not %d: the time budget (--budget %d s) "
                                   "would be passed." % (what, exe, phase, len(rs), "" if len(rs) == 1
                                                         else "s", prun, ctx["budget"]))
                    break
                log("%s %s %d/%d" % (exe, phase, i + 1, prun))
                if phase == "cold":
                    reset()
                mark = srv.mark()
                r = run(cmd, env=env, check=False)
                st = srv.statuses(mark)
                if r.rc != 0 or not st:
                    t.problems.append("%s %s exited %d (nginx: %s): %s"
                                      % (exe, phase, r.rc, st, r.err[-300:]))
                elif key == "newsboat" and phase == "warm" and st.get("304", 0) != feeds:
                    t.problems.append("newsboat warm: nginx answered %s" % st)
                if key == "sfeed" and phase == "warm" and i == 0 and not tag:
                    t.notes.append("sfeed_update (sfeed %s) sends no conditional headers: its "
                                   "warm cycle fetches everything again (nginx: %s)."
                                   % (ctx["sfeed_version"], st))
                rs.append(r)
            v = median([r.wall for r in rs])
            fl = ctx["floor_" + phase]
            t.add("%s%s_%s" % (tag + "_" if tag else "", key, phase),
                  "%s%s cycle: %s" % (what, phase, label), fmt_s(v),
                  "%s; feedwatch %s" % (fmt_s(fl), fmt_s(ctx["fw_" + phase])), v / fl,
                  median([r.rss_kb for r in rs]), None, "—", raw={"peer": v, "floor": fl})


def bench_parse(ctx, t):
    runs, files, size = ctx["runs"], ctx["files"], ctx["bytes"]
    log("parse: parse_bench × %d passes" % runs)
    r = run([ctx["bins"]["parse_bench"], "-r", str(runs)] + files)
    passes = [dict(re.findall(r"(\w+) ([\d.]+)", l)) for l in r.out.splitlines() if l.startswith("pass")]
    if any(p["failed"] != "0" for p in passes):
        t.problems.append("parse_bench: some files did not parse: %s" % r.err[-300:])
    secs = median([float(p["seconds"]) for p in passes])
    xs = []
    for i in range(runs):
        log("parse floor: xmllint %d/%d" % (i + 1, runs))
        xs.append(run(["xmllint", "--stream", "--noout"] + files))
    xsec = median([x.wall for x in xs])
    rate, xrate = size / secs / 1e6, size / xsec / 1e6
    t.add("parse", "parse, %d files, %.1f MB (MB/s)" % (len(files), size / 1e6),
          "%.0f MB/s" % rate, "%.0f MB/s (xmllint --stream --noout)" % xrate, xrate / rate,
          r.rss_kb, median([x.rss_kb for x in xs]), "—",
          raw={"fw": rate, "floor": xrate})
    t.notes.append("parse: parse_bench holds all %.0f MB of input in memory, counted in its peak; "
                   "its time covers fw_feed_parse only, xmllint's its whole run." % (size / 1e6))


def bench_match(ctx, t):
    runs, files, work, corpus = ctx["runs"], ctx["files"], ctx["work"], ctx["corpus"]
    text = os.path.join(work, "items.txt")
    ks = ctx["topics"]
    log("match: %s topics, %d passes each, taking turns" % (" and ".join(map(str, ks)), runs))
    cmd = [ctx["bins"]["match_bench"], "-r", str(runs), "-d", text, "-w", work]
    for k in ks:
        cmd += ["-t", os.path.join(corpus, "topics-%d.conf" % k)]
    r = run(cmd + files)
    lines = [dict(re.findall(r"(\w+) ([\d.]+)", l)) for l in r.out.splitlines()]
    hwm = int([l for l in lines if "hwm_kb" in l][0]["hwm_kb"])
    per_k = {}
    for si, k in enumerate(ks):
        head = [l for l in lines if "topics" in l and l["set"] == str(si)][0]
        ps = [l for l in lines if "pass" in l and l["set"] == str(si)]
        if head["failed"] != "0":
            t.problems.append("match_bench: %s of %d topics did not compile" % (head["failed"], k))
        secs = median([float(p["seconds"]) for p in ps])
        items, nbytes, hits = int(ps[0]["items"]), int(ps[0]["bytes"]), int(ps[0]["hits"])
        words = os.path.join(work, "words-%d.txt" % si)
        nwords = sum(1 for _ in open(words))
        gs = []
        env = dict(os.environ, LC_ALL="C")
        for i in range(runs):
            log("match floor: grep -F -w -i, %d words, %d/%d" % (nwords, i + 1, runs))
            g = run(["grep", "-F", "-w", "-i", "-f", words, text], env=env, check=False)
            if g.rc > 1:
                t.problems.append("grep exited %d: %s" % (g.rc, g.err[-200:]))
            gs.append(g)
        gsec = median([g.wall for g in gs])
        per_k[k] = secs
        idx_kb = int(head["index_bytes"]) / 1024
        t.add("match_%d" % k, "match, %d topics: items/s (MB/s of text)" % k,
              "%s (%.0f MB/s)" % (fmt_rate(items / secs, "items/s"), nbytes / secs / 1e6),
              "%s (%.0f MB/s; grep -F -w -i, %d words)" % (fmt_rate(items / gsec, "items/s"),
                                                          nbytes / gsec / 1e6, nwords),
              secs / gsec, hwm, median([g.rss_kb for g in gs]),
              "≤ 2× %d topics" % ks[0] if si > 0 else "—",
              raw={"fw": items / secs, "floor": items / gsec, "index_kb": idx_kb, "hits": hits})
        t.add("index_%d" % k, "match, %d topics: compiled index (heap)" % k,
              "%s MB" % fmt_mb(idx_kb) if idx_kb >= 1024 else "%.0f kB" % idx_kb, "—", None, None,
              None, "—", raw={"fw": idx_kb})
    if len(ks) >= 2:
        lo, hi = ks[0], ks[-1]
        ratio = per_k[hi] / per_k[lo]
        t.goals.append(("%d topics at most 2× slower than %d: %s" % (hi, lo, fmt_ratio(ratio)),
                        ratio <= 2))
    t.notes.append("match: %d items; one match_bench process compiles every topic set and takes "
                   "turns between them pass by pass (its peak memory holds the parsed corpus and "
                   "all the sets); the text is the items' title, summary, content and categories "
                   "(what the default fields search); grep runs with LC_ALL=C (ASCII case folding, "
                   "faster than a UTF-8 locale) and stops at a line's first match; regex topics "
                   "are left out of grep's word list." % (len(files) * ctx["items"]))


# ---------------------------------------------------------------------------
# The review commands on a year of hits (issue 19, goals 3 and 4).

GEN_HITLOG = os.path.join(BENCH, "gen_hitlog.py")


def first_screen(cmd, marker, timeout=120):
    """Seconds from starting cmd on an 80×24 pseudo-terminal until its output
    holds marker (its first full draw), then types q: (wall, CPU of the whole
    run, user + sys, quitting included, peak RSS in KB when it drew: VmHWM,
    not wait4's, which counts the forking parent's pages); wall None if it
    never drew."""
    import fcntl
    import pty
    import select
    import struct
    import termios
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = dict(os.environ, TERM="xterm-256color")
    env.pop("NO_COLOR", None)
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=subprocess.DEVNULL, env=env,
                         close_fds=True)
    os.close(slave)
    out, took = b"", None
    while time.perf_counter() - t0 < timeout:
        r, _, _ = select.select([master], [], [], 1)
        if not r:
            continue
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        out += chunk
        if marker.encode() in out:
            took = time.perf_counter() - t0
            break
    hwm = None
    try:
        with open("/proc/%d/status" % p.pid) as fh:
            hwm = next((int(l.split()[1]) for l in fh if l.startswith("VmHWM:")), None)
    except OSError:
        pass
    os.write(master, b"q")
    ru = None
    for _ in range(100):
        pid, _, ru = os.wait4(p.pid, os.WNOHANG)
        if pid:
            break
        time.sleep(0.1)
    else:
        p.kill()
        _, _, ru = os.wait4(p.pid, 0)
    p.returncode = 0
    os.close(master)
    return took, ru.ru_utime + ru.ru_stime, hwm


def gen_hitlog(ctx, out, hits, topics, peers=False):
    cmd = [sys.executable, GEN_HITLOG, "--feedwatch", ctx["fw"], "--out", out, "--hits", str(hits),
           "--topics", str(topics), "--days", "365"]
    t0 = time.monotonic()
    r = run(cmd + (["--peers"] if peers else []))
    res = json.loads(r.out.strip().splitlines()[-1])
    res["wall"] = time.monotonic() - t0
    return res


def timed(cmd, runs, env=None):
    """The runs of cmd: the median wall, the peak RSS, the last run (its
    output) and the median CPU seconds (user + sys)."""
    rs = [run(cmd, env=env) for _ in range(runs)]
    return median([r.wall for r in rs]), mx(*[r.rss_kb for r in rs]), rs[-1], \
        median([r.cpu for r in rs])


def bench_review(ctx, t):
    fw, runs, work = ctx["fw"], ctx["runs"], ctx["work"]
    d = os.path.join(work, "hitlog")
    log("review: generating a year of hits (bench/gen_hitlog.py, 1,000,000 hits, 50 topics)")
    y = gen_hitlog(ctx, d, 1000000, 50, peers=True)
    conf = y["config"]
    t.add("review_gen", "a year of hits: gen_hitlog.py, %d hits × %d topics, %d items, %d "
          "stories (%.0f MB), with the peers' copies" % (y["hits"], y["topics"], y["items"],
                                                         y["stories"], y["bytes"] / 1e6),
          fmt_s(y["wall"]), "—", None, None, None, "< 60 s", raw={"fw": y["wall"]})
    start, _, _, start_cpu = timed([fw, "--version"], runs)
    mid = y["hits"] // 2

    # The millisecond goals are judged on CPU time (user + sys): on a shared
    # machine the wall clock of a 20 ms command is mostly the others' load.
    def row(key, label, args, goal_s):
        log("review: %s" % label)
        secs, rss, _, cpu = timed([fw, "-c", conf] + args, runs)
        t.add(key, label, "%s (CPU %s)" % (fmt_s(secs), fmt_s(cpu)),
              "%s (CPU %s: feedwatch --version)" % (fmt_s(start), fmt_s(start_cpu)), secs / start,
              rss, None, "< %s" % fmt_s(goal_s), raw={"fw": secs, "cpu": cpu, "floor": start})
        t.goals.append(("%s under %s: CPU %s (wall %s)" % (label, fmt_s(goal_s), fmt_s(cpu),
                                                          fmt_s(secs)), cpu < goal_s))

    row("review_hits", "hits --limit 50 (a year of hits)", ["hits", "--limit", "50"], 0.05)
    row("review_topic", "hits --topic t05 --limit 50", ["hits", "--topic", "t05", "--limit", "50"], 0.05)
    row("review_topics", "hits --topic t01 --topic t02 --limit 50",
        ["hits", "--topic", "t01", "--topic", "t02", "--limit", "50"], 0.05)
    row("review_show", "show %d" % mid, ["show", str(mid)], 0.02)
    row("review_stats", "stats --days 30", ["stats", "--days", "30"], 0.2)

    log("review: hits --format json")
    secs, rss, last, cpu = timed([fw, "-c", conf, "hits", "--format", "json"], runs)
    n = last.out.count("\n")
    sfeed = sorted(glob.glob(os.path.join(d, "sfeed", "feeds", "*")))
    peer = "—"
    ratio = praw = None
    if shutil.which("sfeed_plain") and sfeed:
        ps, _, plast, _ = timed(["sfeed_plain"] + sfeed, runs)
        pn = plast.out.count("\n")
        peer = "%s (sfeed_plain, the %d items)" % (fmt_rate(pn / ps, "items/s"), pn)
        ratio, praw = (secs / n) / (ps / pn), pn / ps
    t.add("review_json", "hits --format json: hits/s (%d hits)" % n,
          "%s (CPU: %s)" % (fmt_rate(n / secs, "hits/s"), fmt_rate(n / cpu, "hits/s")),
          peer, ratio, rss, None, "≥ 200 khits/s", raw={"fw": n / secs, "cpu": n / cpu,
                                                        "floor": praw})
    t.goals.append(("hits --format json at ≥ 200k hits/s: CPU %s (wall %s)"
                    % (fmt_rate(n / cpu, "hits/s"), fmt_rate(n / secs, "hits/s")),
                    n / cpu >= 200000))

    log("review: report --since 30d")
    html = os.path.join(work, "report.html")
    secs, rss, _, _ = timed([fw, "-c", conf, "report", "--since", "30d", "-o", html], runs)
    mb = os.path.getsize(html) / 1e6
    t.add("review_report", "report --since 30d (the last month's stories)",
          "%s, %.1f MB" % (fmt_s(secs), mb), "—", None, rss, None, "< 2 s, < 5 MB",
          raw={"fw": secs, "mb": mb})
    t.goals.append(("report --since 30d under 2 s and 5 MB: %s, %.1f MB" % (fmt_s(secs), mb),
                    secs < 2 and mb < 5))

    log("review: browse, time to the first screen")
    # the topics' counts (topic_counts) and nothing else: judged on CPU time
    bs = [first_screen([fw, "-c", conf, "browse"], "?:Help") for _ in range(runs)]
    drawn = all(x[0] is not None for x in bs)
    b = median([x[0] for x in bs]) if drawn else None
    bcpu = median([x[1] for x in bs])
    t.add("review_browse", "browse: the first screen at 80×24 (pty)",
          "%s (CPU %s, quitting included)" % (fmt_s(b), fmt_s(bcpu)), "—", None,
          mx(*[x[2] for x in bs]), None, "< 100 ms", raw={"fw": b, "cpu": bcpu})
    t.notes.append("review: browse draws its topics from the counts the store keeps "
                   "(topic_counts, schema 7) and reads a topic's stories a window of two pages "
                   "of 100 at a time by keyset; the filter reads every item once when set.")
    t.goals.append(("browse opens under 100 ms: CPU %s (wall %s)" % (fmt_s(bcpu), fmt_s(b)),
                    drawn and bcpu < 0.1))

    nb = os.path.join(d, "newsboat")
    if shutil.which("newsboat") and os.path.exists(os.path.join(nb, "cache.db")):
        if time.monotonic() + 120 < ctx["deadline"]:
            log("review: newsboat -x print-unread over the same items")
            env = dict(os.environ, HOME=os.path.join(nb, "home"))
            env.pop("XDG_CONFIG_HOME", None)
            env.pop("XDG_DATA_HOME", None)
            r = run(["newsboat", "-u", os.path.join(nb, "urls"), "-c", os.path.join(nb, "cache.db"),
                     "-C", os.path.join(nb, "config"), "-x", "print-unread"], env=env)
            t.add("review_newsboat", "newsboat -x print-unread, the same %d items (1 run)"
                  % y["items"], fmt_s(r.wall), "—", None, r.rss_kb, None, "—",
                  raw={"fw": r.wall})
        else:
            t.notes.append("review: newsboat -x print-unread left out (past the budget).")

    # The second shape: many topics with few hits each.
    log("review: many topics, few hits (5000 topics, 100,000 hits)")
    m = gen_hitlog(ctx, os.path.join(work, "hitlog-many"), 100000, 5000)
    for key, label, args in [("review_many_hits", "5000 topics × 20 hits: hits --limit 50",
                              ["hits", "--limit", "50"]),
                             ("review_many_topic", "5000 topics × 20 hits: hits --topic t4000 --limit 50",
                              ["hits", "--topic", "t4000", "--limit", "50"]),
                             ("review_many_report", "5000 topics × 20 hits: report --since 30d",
                              ["report", "--since", "30d", "-o", html])]:
        secs, rss, _, cpu = timed([fw, "-c", m["config"]] + args, runs)
        t.add(key, label, "%s (CPU %s)" % (fmt_s(secs), fmt_s(cpu)), "—", None, rss, None, "—",
              raw={"fw": secs, "cpu": cpu})

    # Config loading: 10,000 and 100,000 topics.
    for k in (10000, 100000):
        cpath = os.path.join(work, "topics-%d.conf" % k)
        with open(cpath, "w") as fh:
            fh.write("[feedwatch]\ndatabase = %s\n" % y["database"])
            for i in range(k):
                q = ("w%d" % i, '"w%d swap"' % i, "(w%d OR x%d) NEAR/5 swap*" % (i, i),
                     "title:w%d -deal" % i)[i % 4]
                fh.write("[topic t%d]\nquery = %s\n" % (i, q))
        goal = 0.05 if k == 10000 else 0.5
        for cmd, what in ((["hits", "--limit", "20"], "hits --limit 20"), (["check"], "check")):
            secs, rss, _, cpu = timed([fw, "-c", cpath] + cmd, runs)
            g = "< %s" % fmt_s(goal) if cmd[0] == "hits" else "— (compiles every query)"
            t.add("config_%d_%s" % (k, cmd[0]), "config of %d topics: %s" % (k, what),
                  "%s (CPU %s)" % (fmt_s(secs), fmt_s(cpu)),
                  "%s (CPU %s: feedwatch --version)" % (fmt_s(start), fmt_s(start_cpu)),
                  secs / start, rss, None, g, raw={"fw": secs, "cpu": cpu, "floor": start})
            if cmd[0] == "hits":
                t.goals.append(("config of %d topics loads (hits --limit 20) under %s: CPU %s "
                                "(wall %s)" % (k, fmt_s(goal), fmt_s(cpu), fmt_s(secs)),
                                cpu < goal))
    t.notes.append("review: %s; `feedwatch --version` (start-up, linking) takes %s; a year of "
                   "hits is %d hits of %d items over 365 days in %d feeds, 15%% of stories in two "
                   "feeds, topics busy in Zipf's proportions; the peers read the same items "
                   "(sfeed's TSV files, a newsboat cache)." % (
                       "bench/gen_hitlog.py --hits 1000000 --topics 50 --days 365 --peers",
                       fmt_s(start), y["hits"], y["items"], y["feeds"]))


def proc_cpu(pid):
    fields = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_switches(pid):
    """Voluntary and involuntary context switches per thread: {tid: (vol, invol)}."""
    out = {}
    for st in glob.glob("/proc/%d/task/*/status" % pid):
        vol = invol = 0
        try:
            for line in open(st):
                if line.startswith("voluntary_ctxt_switches:"):
                    vol = int(line.split()[1])
                elif line.startswith("nonvoluntary_ctxt_switches:"):
                    invol = int(line.split()[1])
        except OSError:
            continue
        out[st.split("/")[4]] = (vol, invol)
    return out


def wait_quiet(p, deadline, errlog):
    """Waits until daemon p has used no CPU tick and made no voluntary
    context switch for a whole second, twice in a row (or until deadline):
    the idle window must not hold work still going on, such as reads of
    pages the machine has dropped from its cache, which wait on the disk
    at almost no CPU."""
    quiet, last = 0, None
    while quiet < 2 and time.monotonic() < deadline:
        time.sleep(1)
        if p.poll() is not None:
            raise SystemExit("bench: feedwatchd exited %d (see %s)" % (p.returncode, errlog))
        sw = proc_switches(p.pid)
        now = (proc_cpu(p.pid), sum(v for v, _ in sw.values()), len(sw))
        quiet = quiet + 1 if now == last else 0
        last = now


# feedwatchd's outbox timer (daemon_outbox_cb): its first tick, a minute
# after start, also prunes and optimizes the database (then once an hour).
FIRST_TICK = 60


def past_first_tick(p, started, deadline, errlog):
    """Waits out daemon p's first outbox tick (FIRST_TICK s after started)
    and the quiet after it, so that an idle window holds what every minute
    does; returns the voluntary switches it made and the bytes it read
    from the disk from 2 s before the tick until then."""
    wait = started + FIRST_TICK - 2 - time.monotonic()
    if wait > 0:
        time.sleep(wait)
    sw0, rd0 = proc_switches(p.pid), proc_value(p.pid, "read_bytes", "io")
    time.sleep(3)
    wait_quiet(p, deadline, errlog)
    rd = proc_value(p.pid, "read_bytes", "io") - rd0
    return switches_between(sw0, proc_switches(p.pid)), rd


def switches_between(before, after):
    """Voluntary switches in a window, thread by thread: a thread that started
    in the window counts from 0; one that ended in it is not counted (its
    exit cannot be read), so the figure never goes below zero."""
    return sum(v - before.get(tid, (0, 0))[0] for tid, (v, _) in after.items())


def proc_value(pid, key, name="status"):
    """The number after "key:" in /proc/PID/name, or None."""
    for line in open("/proc/%d/%s" % (pid, name)):
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return None


PERF_EVENTS = ["context-switches", "syscalls:sys_enter_poll", "syscalls:sys_enter_ppoll",
               "syscalls:sys_enter_epoll_wait", "syscalls:sys_enter_epoll_pwait"]


def perf_usable():
    if not shutil.which("perf"):
        return None
    p = subprocess.run(["perf", "stat", "-x", ",", "-e", ",".join(PERF_EVENTS), "--", "true"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if p.returncode == 0:
        return PERF_EVENTS
    p = subprocess.run(["perf", "stat", "-x", ",", "-e", "context-switches", "--", "true"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return ["context-switches"] if p.returncode == 0 else None


def bench_idle(ctx, t):
    fwd, srv, feeds, work, secs = ctx["fwd"], ctx["srv"], ctx["feeds"], ctx["work"], ctx["idle"]
    db = os.path.join(work, "idle.db")
    conf = os.path.join(work, "idle.conf")
    rm_db(db)
    fw_conf(ctx["corpus"], srv.base, conf, db, interval="15m")
    env = dict(os.environ)
    env.pop("NOTIFY_SOCKET", None)
    env.pop("WATCHDOG_USEC", None)
    mark = srv.mark()
    log("idle: feedwatchd polls %d feeds once" % feeds)
    errlog = open(os.path.join(work, "feedwatchd.log"), "wb")
    started = time.monotonic()
    p = subprocess.Popen([fwd, "-c", conf], stdout=errlog, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + 300
        while True:
            if p.poll() is not None:
                raise SystemExit("bench: feedwatchd exited %d (see %s)" % (p.returncode, errlog.name))
            n = sum(srv.statuses(mark).values())
            if n >= feeds:
                break
            if time.monotonic() > deadline:
                raise SystemExit("bench: feedwatchd fetched %d of %d feeds in 300 s" % (n, feeds))
            time.sleep(0.2)
        wait_quiet(p, deadline, errlog.name)
        polled = srv.statuses(mark)
        log("idle: waiting out feedwatchd's first outbox tick")
        tick_sw, tick_rd = past_first_tick(p, started, deadline + FIRST_TICK, errlog.name)
        log("idle: measuring %d s" % secs)
        events = perf_usable()
        perf = None
        if events:
            perf = subprocess.Popen(["perf", "stat", "-x", ",", "-e", ",".join(events), "-p",
                                     str(p.pid), "--", "sleep", str(secs)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        cpu0, sw0, t0 = proc_cpu(p.pid), proc_switches(p.pid), time.monotonic()
        mark2 = srv.mark()
        if perf:
            perf_err = perf.communicate()[1]
        else:
            time.sleep(secs)
        cpu1, sw1, t1 = proc_cpu(p.pid), proc_switches(p.pid), time.monotonic()
        rss, hwm = proc_value(p.pid, "VmRSS"), proc_value(p.pid, "VmHWM")
        anon, filek = proc_value(p.pid, "RssAnon"), proc_value(p.pid, "RssFile")
        threads = len(glob.glob("/proc/%d/task/*" % p.pid))
        fetched = sum(srv.statuses(mark2).values())
    finally:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        errlog.close()
    per_min = 60 / (t1 - t0)
    cpu_min = (cpu1 - cpu0) * per_min
    wake_min = switches_between(sw0, sw1) * per_min
    counts = {}
    if perf:
        for line in perf_err.splitlines():
            f = line.split(",")
            if len(f) > 2 and f[0].strip().isdigit():
                counts[f[2]] = int(f[0])
    polls = sum(v for k, v in counts.items() if k.startswith("syscalls:"))
    t.add("idle", "idle daemon, %d feeds every 15m, nothing due (%d s window)" % (feeds, secs),
          "%.3f CPU s/min, %.1f wakeups/min, %s MB resident"
          % (cpu_min, wake_min, fmt_mb(rss)), "—", None, hwm, None,
          "≤ 60 wakeups/min, < 20 MB",
          raw={"cpu_min": cpu_min, "wakeups_min": wake_min, "rss_kb": rss, "hwm_kb": hwm})
    t.goals.append(("idle: at most one wakeup a second: %.1f a minute" % wake_min, wake_min <= 60))
    t.goals.append(("idle: under 20 MB resident with %d feeds: %s MB" % (feeds, fmt_mb(rss)),
                    rss < 20 * 1024))
    note = ("idle: wakeups are the daemon's voluntary context switches (all %d threads, "
            "/proc/PID/task/*/status), counted once its CPU time and context switches stood "
            "still 2 s after its first outbox tick (%d s after start: the hourly prune and "
            "PRAGMA optimize, which made %d switches and read %.1f MB from the disk); resident is VmRSS (RssAnon %s MB + RssFile %s MB, the "
            "latter mostly shared libraries); peak memory is VmHWM, reached while polling all %d "
            "feeds (nginx: %s); %d requests in the window."
            % (threads, FIRST_TICK, tick_sw, tick_rd / 1e6, fmt_mb(anon), fmt_mb(filek), feeds,
               polled, fetched))
    if counts:
        note += " perf stat: %d context switches, %d poll/ppoll/epoll_wait calls." % (
            counts.get("context-switches", 0), polls)
    t.notes.append(note)


# ---------------------------------------------------------------------------
# Output.

def render(ctx, t, mach, prev, prev_commit):
    out = []
    out.append("feedwatch benchmarks, %s, commit %s" % (mach["date"], mach["commit"]))
    out.append("machine: %d CPUs (nproc), %s, %.1f GB RAM, Linux %s"
               % (mach["nproc"], mach["cpu"], mach["ram_gb"], mach["kernel"]))
    out.append("tools: %s" % ctx["versions"])
    out.append("command: %s" % ctx["command"])
    out.append("corpus: bench/gen_corpus.py --feeds %d --items %d --seed 1 (%.1f MB), served by "
               "nginx on 127.0.0.1 (gzip on); feedwatch and curl fetch %d at a time "
               "(max_parallel = max_per_host = %d); each figure is the median of %d runs "
               "(peers %d), its floor measured in the same go."
               % (ctx["feeds"], ctx["items"], ctx["bytes"] / 1e6, PARALLEL, PARALLEL, ctx["runs"],
                  ctx["peer_runs"]))
    out.append("")
    has_prev = bool(prev)
    hdr = ["figure", "feedwatch", "floor", "× floor", "peak MB (run / floor)", "goal"]
    if has_prev:
        hdr.append("last run (%s)" % prev_commit)
    out.append("| " + " | ".join(hdr) + " |")
    out.append("|" + "|".join("---" for _ in hdr) + "|")
    for r in t.rows:
        mem = "%s / %s" % (fmt_mb(r["mem"]), fmt_mb(r["mem_floor"])) if r["mem_floor"] else fmt_mb(r["mem"])
        cells = [r["label"], r["value"], r["floor"], fmt_ratio(r["ratio"]), mem, r["goal"]]
        if has_prev:
            cells.append(change(r, prev.get(r["key"])))
        out.append("| " + " | ".join(cells) + " |")
    out.append("")
    out.append("Goals:")
    for text, met in t.goals:
        out.append("- %s: %s" % (text, "met" if met else "NOT met"))
    out.append("")
    out.append("Notes:")
    for n in t.notes:
        out.append("- " + n)
    for p in t.problems:
        out.append("- PROBLEM: " + p)
    return "\n".join(out) + "\n"


def old_ratio(key, old):
    """The × floor of a row of an older last-run.json (which may lack "ratio")."""
    if "ratio" in old:
        return old["ratio"]
    if old.get("floor") and (old.get("fw") or old.get("peer")):
        v = old.get("fw") or old.get("peer")
        return old["floor"] / v if key == "parse" or key.startswith("match_") else v / old["floor"]
    return None


def change(row, old):
    """The last run's figure beside this one: its × floor where the row has a
    floor (ratios measured in the same go move less than times on a shared
    machine), else the change of the value; "worse" past 10%."""
    raw = row.get("raw")
    if not old or not raw:
        return "—"
    if raw.get("ratio") is not None:
        was = old_ratio(row["key"], old)
        if not was:
            return "—"
        return "was %s%s" % (fmt_ratio(was), " (worse)" if raw["ratio"] > was * 1.1 else "")
    key = "wakeups_min" if row["key"] == "idle" else "fw"
    a, b = old.get(key), raw.get(key)
    if a is None or b is None:
        return "—"
    if a == 0:
        return "was 0" if b == 0 else "was 0 (worse)"
    pct = (b - a) / a * 100
    return "%+.0f%%%s" % (pct, " (worse)" if pct >= 10 else "")


# ---------------------------------------------------------------------------
# Profiling.

SKIP_FRAMES = re.compile(r"\(below main\)|_start\b|__libc_start|^main$")
ADDRESS = re.compile(r"^0x[0-9a-f]+('\d+)?$")


def top_functions(cg_out, inclusive, n=10):
    """The n costliest functions of a callgrind profile, by inclusive or self
    instructions. A function listed under several files counts once; startup
    frames and (for inclusive) unnamed addresses and recursion cycles are left
    out."""
    args = ["callgrind_annotate", "--threshold=100"]
    if inclusive:
        args.append("--inclusive=yes")
    text = subprocess.run(args + [cg_out], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          text=True, check=True).stdout
    total = None
    best = {}
    for line in text.splitlines():
        m = re.match(r"^\s*([\d,]+)\s+(?:\(\s*[\d.]+%\)\s+)?PROGRAM TOTALS", line)
        if m:
            total = int(m.group(1).replace(",", ""))
            continue
        m = re.match(r"^\s*([\d,]+)\s+(?:\(\s*[\d.]+%\)\s+)?(\S.*?):(\S+?)(?: \[(.*)\])?\s*$", line)
        if not m or total is None:
            continue
        ir = int(m.group(1).replace(",", ""))
        fn = m.group(3)
        if SKIP_FRAMES.search(fn) or (inclusive and (ADDRESS.match(fn) or "'" in fn)):
            continue
        obj = os.path.basename(m.group(4)) if m.group(4) else ""
        old = best.get(fn)
        if old is None or ir > old[0] or (ir == old[0] and not old[2]):
            best[fn] = (ir, fn, obj or (old[2] if old else ""))
    rows = sorted(best.values(), key=lambda r: -r[0])[:n]
    return total, rows


def profile(args, bins, build):
    if not shutil.which("valgrind"):
        raise SystemExit("bench: --profile needs valgrind (apt-get install valgrind)")
    out = os.path.join(args.out, "profile")
    corpus = os.path.join(out, "corpus")
    os.makedirs(out, exist_ok=True)
    feeds = args.profile_feeds
    log("profile: corpus of %d feeds (%s mix)" % (feeds, args.profile_mix))
    gen_corpus(corpus, feeds, args.items, 0, [10, 10000],
               mix=args.profile_mix if args.profile_mix != "default" else None)
    files = sorted(glob.glob(os.path.join(corpus, "feeds", "*.xml")))
    srv = Server(corpus)
    mach = machine()
    report = ["Profiles, %s, commit %s (valgrind --tool=callgrind, instructions; corpus of %d "
              "feeds × %d items, %s mix; `sh bench/run.sh --profile%s`)"
              % (mach["date"], mach["commit"], feeds, args.items, args.profile_mix,
                 " --profile-mix " + args.profile_mix if args.profile_mix != "default" else ""), ""]
    try:
        db = os.path.join(out, "fw.db")
        conf = os.path.join(out, "fw.conf")
        fw_conf(corpus, srv.base, conf, db)
        rm_db(db)
        jobs = [("cold poll cycle (feedwatch poll --no-notify, fresh database)", "cold", None,
                 [os.path.join(build, "feedwatch"), "-c", conf, "poll", "--no-notify"]),
                ("parse (parse_bench, one pass; inside fw_feed_parse)", "parse", "fw_feed_parse",
                 [bins["parse_bench"]] + files),
                ("match, 10 topics (match_bench, one pass; inside fw_matcher_match)", "match10",
                 "fw_matcher_match", [bins["match_bench"], "-t", os.path.join(corpus, "topics-10.conf")] + files),
                ("match, 10000 topics (match_bench, one pass; inside fw_matcher_match)", "match10000",
                 "fw_matcher_match",
                 [bins["match_bench"], "-t", os.path.join(corpus, "topics-10000.conf")] + files)]
        for title, name, toggle, cmd in jobs:
            log("profile: %s" % title)
            cg = os.path.join(out, "callgrind.%s.out" % name)
            vg = ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + cg]
            if toggle:
                vg.append("--toggle-collect=" + toggle)
            p = subprocess.run(vg + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            if p.returncode != 0:
                raise SystemExit("bench: callgrind of %s exited %d:\n%s"
                                 % (os.path.basename(cmd[0]), p.returncode, p.stderr[-1500:]))
            for inclusive in (True, False):
                total, rows = top_functions(cg, inclusive)
                report.append("%s — top %d by %s cost (total %s Ir; %s)"
                              % (title, len(rows), "inclusive" if inclusive else "self",
                                 "{:,}".format(total), os.path.relpath(cg, TOP)))
                report.append("")
                report.append("| Ir | % | function | object |")
                report.append("|---:|---:|---|---|")
                for ir, fn, obj in rows:
                    report.append("| %s | %.1f | %s | %s |" % ("{:,}".format(ir), ir * 100 / total, fn, obj))
                report.append("")
    finally:
        srv.stop()
    text = "\n".join(report)
    for path in (os.path.join(out, "profile.md"), os.path.join(BENCH, "last-profile.md")):
        with open(path, "w") as fh:
            fh.write(text + "\n")
    sys.stdout.write(text + "\n")


# ---------------------------------------------------------------------------
# Team mode: pollers on a private PostgreSQL (tests/helpers/pg.sh).

PG_SH = os.path.join(TOP, "tests", "helpers", "pg.sh")


def psql(pgdir, db, sql):
    user = "postgres" if os.getuid() == 0 else os.environ.get("USER", "")
    psql_bin = "/usr/lib/postgresql/15/bin/psql"
    if not os.access(psql_bin, os.X_OK):
        psql_bin = "psql"
    r = subprocess.run([psql_bin, "-qAtX", "-h", pgdir, "-U", user, "-d", db, "-c", sql],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    return r.stdout.strip()


def sqlite_value(db, sql):
    import sqlite3
    try:
        c = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=5)
        try:
            return str(c.execute(sql).fetchone()[0])
        finally:
            c.close()
    except Exception:
        return ""


def server_cpu(pgdir):
    """CPU seconds the PostgreSQL server in pgdir has spent in its ended
    children (the connections' backends, reaped by the postmaster)."""
    pid = int(open(os.path.join(pgdir, "data", "postmaster.pid")).readline())
    f = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12]) + int(f[13]) + int(f[14])) / os.sysconf("SC_CLK_TCK")


def timed_pg(cmd, runs, pgdir):
    """timed() of a command on a team database: the median wall, the peak
    RSS, the last run, the median CPU of the command and the median CPU of
    the server's backend that served it."""
    rs, srv = [], []
    for _ in range(runs):
        before = server_cpu(pgdir)
        rs.append(run(cmd))
        time.sleep(0.3)   # the backend's exit reaped
        srv.append(server_cpu(pgdir) - before)
    return median([r.wall for r in rs]), mx(*[r.rss_kb for r in rs]), rs[-1], \
        median([r.cpu for r in rs]), median(srv)


REVIEW_PG = [
    ("hits", "hits --limit 50", ["hits", "--limit", "50"]),
    ("topic", "hits --topic t05 --limit 50", ["hits", "--topic", "t05", "--limit", "50"]),
    ("topics", "hits --topic t01 --topic t02 --limit 50",
     ["hits", "--topic", "t01", "--topic", "t02", "--limit", "50"]),
    ("show", "show (the middle hit)", ["show", "MID"]),
    ("stats", "stats --days 30", ["stats", "--days", "30"]),
    ("report", "report --since 30d", ["report", "--since", "30d", "-o", "REPORT"]),
    ("json", "hits --format json", ["hits", "--format", "json"]),
]


def review_pg(fw, sqlite_conf, pg_conf, pgdir, runs, mid, report):
    """The review commands on both backends, over the same hits: a list of
    (key, label, SQLite (wall, cpu), PostgreSQL (wall, client cpu, server
    cpu), lines of output)."""
    out = []
    for key, label, args in REVIEW_PG:
        args = [str(mid) if a == "MID" else report if a == "REPORT" else a for a in args]
        log("review (PostgreSQL): %s" % label)
        sw, _, slast, scpu = timed([fw, "-c", sqlite_conf] + args, runs)
        pw, _, plast, pcpu, pserver = timed_pg([fw, "-c", pg_conf] + args, runs, pgdir)
        if key != "report" and slast.out != plast.out:
            raise SystemExit("bench: %s says otherwise on PostgreSQL than on SQLite" % label)
        out.append((key, label, (sw, scpu), (pw, pcpu, pserver), plast.out.count("\n")))
    return out


def bench_review_pg(ctx, t):
    """The review commands on a team database (100,000 hits of a year, the
    same in an SQLite file beside it): PostgreSQL's wall, the command's and
    the server's CPU, against SQLite's."""
    fw, work = ctx["fw"], ctx["work"]
    runs = min(ctx["runs"], 3)
    d = os.path.join(work, "hitlog-pg")
    pgdir = os.path.join("/tmp", "fwpg-review.%d" % os.getpid())
    log("review (PostgreSQL): 100,000 hits (gen_hitlog.py), copied into a private PostgreSQL")
    y = gen_hitlog(ctx, d, 100000, 50)
    sh(["sh", PG_SH, "start", pgdir])
    try:
        conn = sh(["sh", PG_SH, "db", pgdir, "year"]).strip()
        t0 = time.monotonic()
        r = run([sys.executable, os.path.join(BENCH, "hitlog_pg.py"), "--feedwatch", fw,
                 "--hitlog", d, "--pg", conn, "--before-stories"])
        pg = json.loads(r.out.strip().splitlines()[-1])
        load = time.monotonic() - t0
        m = run([fw, "-c", pg["config"], "hits", "--limit", "1"])
        psql(pgdir, "year", "ANALYZE")
        t.add("review_pg_load", "review (PostgreSQL): %d hits copied in (hitlog_pg.py), then "
              "migrated (their stories and times)" % pg["hits"],
              "%s, migration %s" % (fmt_s(load), fmt_s(m.wall)), "—", None, None, None, "—",
              raw={"fw": m.wall, "load": load})
        html = os.path.join(work, "report-pg.html")
        for key, label, (sw, scpu), (pw, pcpu, pserver), n in review_pg(
                fw, y["config"], pg["config"], pgdir, runs, y["hits"] // 2, html):
            t.add("review_pg_" + key, "review (PostgreSQL, %d hits): %s" % (pg["hits"], label),
                  "%s (CPU %s + server %s)" % (fmt_s(pw), fmt_s(pcpu), fmt_s(pserver)),
                  "%s (CPU %s: SQLite)" % (fmt_s(sw), fmt_s(scpu)), (pcpu + pserver) / max(scpu, 1e-3),
                  None, None, "—", raw={"fw": pw, "cpu": pcpu, "server": pserver, "floor": scpu})
        t.notes.append("review (PostgreSQL): the review commands on a team database (a private "
                       "PostgreSQL 15 on a Unix socket) over the same %d hits as an SQLite file "
                       "(gen_hitlog.py, then hitlog_pg.py); CPU is the command's and the "
                       "server's backend's (the postmaster's reaped children), × floor is their "
                       "sum against SQLite's CPU; %d run(s) a figure, median; the outputs are "
                       "the same on both (but the report's file)." % (pg["hits"], runs))
    finally:
        sh(["sh", PG_SH, "stop", pgdir])


def team_cycle(fwd, conf, n, done, start_db_query=None, warm=None):
    """Starts n pollers on conf (or signals the running ones in warm) and
    waits until done() is true; returns (seconds, processes)."""
    t0 = time.monotonic()
    if warm is None:
        procs = [subprocess.Popen([fwd, "-c", conf], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL) for _ in range(n)]
    else:
        procs = warm
        for p in procs:
            p.send_signal(signal.SIGUSR1)
    while not done():
        if time.monotonic() - t0 > 300:
            raise SystemExit("bench team: a cycle did not end in 300 s")
        time.sleep(0.05)
    return time.monotonic() - t0, procs


def team_stop(procs):
    for p in procs:
        p.terminate()
    for p in procs:
        p.wait()


def team_notify_latency(ctx, pgdir):
    """One poller's cold cycle with a desk notifier on a private session bus:
    per hit, recorded by notify_server.py minus committed (PostgreSQL's
    commit timestamp). Returns {"median", "p90", "hits"} in seconds, or None."""
    fwd, corpus, srv, feeds, work = ctx["fwd"], ctx["corpus"], ctx["srv"], ctx["feeds"], ctx["work"]
    log("team: notify latency (1 poller, 1 desk notifier)")
    psql(pgdir, "postgres", "ALTER SYSTEM SET track_commit_timestamp = on")
    sh(["sh", PG_SH, "halt", pgdir])
    sh(["sh", PG_SH, "restart", pgdir])
    name = "team_notify"
    db = sh(["sh", PG_SH, "db", pgdir, name]).strip()
    q = lambda sql: psql(pgdir, name, sql)
    conf = os.path.join(work, "team-notify.conf")
    fw_conf(corpus, srv.base, conf, db)
    with open(conf) as fh:
        text = fh.read().replace("[feedwatch]\n", "[feedwatch]\nnotify_initial = true\n"
                                 "subscriber = bench\n", 1)
    with open(conf, "w") as fh:
        fh.write(text)
    busdir = os.path.join(work, "bus")
    os.makedirs(busdir, exist_ok=True)
    with open(os.path.join(busdir, "bus.conf"), "w") as fh:
        fh.write("<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
                 " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
                 "<busconfig><type>session</type><listen>unix:tmpdir=%s</listen>"
                 "<auth>EXTERNAL</auth><policy context=\"default\">"
                 "<allow send_destination=\"*\" eavesdrop=\"true\"/><allow eavesdrop=\"true\"/>"
                 "<allow own=\"*\"/></policy></busconfig>\n" % busdir)
    r = subprocess.run(["dbus-daemon", "--config-file=" + os.path.join(busdir, "bus.conf"),
                        "--fork", "--print-address=1", "--print-pid=2"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        log("team: no dbus-daemon: %s" % r.stderr.strip())
        return None
    env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS=r.stdout.strip())
    buspid = int(r.stderr.strip())
    nlog, ready = os.path.join(work, "notify.log"), os.path.join(work, "notify.ready")
    for f in (nlog, ready):
        if os.path.exists(f):
            os.unlink(f)
    procs = []
    try:
        procs.append(subprocess.Popen(["/usr/bin/python3", os.path.join(TOP, "tests", "helpers",
                                       "notify_server.py"), "--log", nlog, "--ready", ready],
                                      env=env))
        t0 = time.monotonic()
        while not os.path.exists(ready) and time.monotonic() - t0 < 10:
            time.sleep(0.05)
        procs.append(subprocess.Popen([fwd, "-c", conf, "--notify-only"], env=env,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        while q("SELECT count(*) FROM subscribers") != "1":
            if time.monotonic() - t0 > 30:
                raise SystemExit("bench team: the notifier did not start")
            time.sleep(0.05)
        _, pollers = team_cycle(fwd, conf, 1, lambda: q(
            "SELECT count(*) FROM feeds WHERE last_poll > 0 AND fetched = 1") == str(feeds))
        procs += pollers
        # settled: nothing claimed is left unshown, and nothing new is claimed
        last, t0 = None, time.monotonic()
        while time.monotonic() - t0 < 120:
            now = q("SELECT count(*) || ':' || count(*) FILTER (WHERE state = 'pending') FROM shown")
            if now == last and now.endswith(":0"):
                break
            last = now
            time.sleep(1)
        first = {}
        with open(nlog, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    c = json.loads(line)
                    for i in c["hints"].get("x-feedwatch-hits", "").split():
                        first.setdefault(int(i), c["time"])
        committed = {}
        for row in q("SELECT id, extract(epoch FROM pg_xact_commit_timestamp(xmin)) FROM hits"
                     " WHERE pg_xact_commit_timestamp(xmin) IS NOT NULL").splitlines():
            i, ts = row.split("|")
            committed[int(i)] = float(ts)
        lat = sorted(first[i] - committed[i] for i in first if i in committed)
        if not lat:
            return None
        return {"median": median(lat), "p90": lat[int(len(lat) * 0.9)], "hits": len(lat)}
    finally:
        team_stop(procs)
        os.kill(buspid, signal.SIGTERM)


def bench_team(ctx, t):
    fwd, corpus, srv, feeds, work = ctx["fwd"], ctx["corpus"], ctx["srv"], ctx["feeds"], ctx["work"]
    runs = 1 if ctx["runs"] < 3 else 3
    pgdir = os.path.join("/tmp", "fwpg-bench.%d" % os.getpid())
    sh(["sh", PG_SH, "start", pgdir])
    try:
        rows = []
        # The SQLite daemon, the same way: one feedwatchd from an empty file.
        for n in [0, 1, 2, 3]:
            cold, warm = [], []
            for i in range(runs):
                log("team: %s, run %d/%d" % ("SQLite daemon" if n == 0 else "%d poller(s) on PostgreSQL" % n,
                                             i + 1, runs))
                conf = os.path.join(work, "team.conf")
                if n == 0:
                    db = os.path.join(work, "team.db")
                    rm_db(db)
                    q = lambda sql, db=db: sqlite_value(db, sql)
                else:
                    name = "team_%d_%d" % (n, i)
                    db = sh(["sh", PG_SH, "db", pgdir, name]).strip()
                    q = lambda sql, name=name: psql(pgdir, name, sql)
                fw_conf(corpus, srv.base, conf, db)
                mark = srv.mark()
                secs, procs = team_cycle(fwd, conf, max(n, 1), lambda: q(
                    "SELECT count(*) FROM feeds WHERE last_poll > 0 AND fetched = 1") == str(feeds))
                try:
                    st = srv.settled(mark, feeds)
                    if st.get("200", 0) != feeds:
                        t.problems.append("team cold (%d): nginx answered %s" % (n, st))
                    cold.append(secs)
                    start = int(time.time())
                    time.sleep(1.1)   # last_poll has seconds: a new cycle is after start
                    if n > 0:   # due in the database (the SQLite daemon polls all on SIGUSR1)
                        q("UPDATE feeds SET next_poll = 0")
                    mark = srv.mark()
                    secs, _ = team_cycle(fwd, conf, n, lambda: q(
                        "SELECT count(*) FROM feeds WHERE last_poll > %d" % start) == str(feeds),
                        warm=procs)
                    st = srv.settled(mark, feeds)
                    if st.get("304", 0) != feeds:
                        t.problems.append("team warm (%d): nginx answered %s (want %d × 304)"
                                          % (n, st, feeds))
                    warm.append(secs)
                finally:
                    team_stop(procs)
            rows.append((n, median(cold), median(warm)))
        base = rows[0]
        for n, c, w in rows:
            label = "SQLite daemon (1 feedwatchd)" if n == 0 else \
                    "%d poller%s on PostgreSQL" % (n, "" if n == 1 else "s")
            t.add("team%d" % n, "team: %s, cold / warm cycle" % label,
                  "%s / %s" % (fmt_s(c), fmt_s(w)),
                  "%s / %s (SQLite daemon)" % (fmt_s(base[1]), fmt_s(base[2])), c / base[1],
                  goal="", raw={"cold": c, "warm": w})
        t.notes.append("team: each cycle from starting the pollers (or SIGUSR1 after setting every "
                       "feed due) until every feed's poll is recorded, polled by querying the "
                       "database every 50 ms; %d run(s) a figure, median." % runs)
        lat = team_notify_latency(ctx, pgdir)
        if lat:
            t.add("team-notify", "team: notify latency, hit stored → shown on a desk (median / p90)",
                  "%s / %s" % (fmt_s(lat["median"]), fmt_s(lat["p90"])), "", None, goal="",
                  raw=lat)
            t.notes.append("team notify latency: one poller's cold cycle (notify_initial = true) "
                           "with one desk notifier (feedwatchd --notify-only, subscribe = all) on "
                           "a private session bus with tests/helpers/notify_server.py; per hit, "
                           "the time the server recorded the first notification naming it "
                           "(x-feedwatch-hits) minus the commit time of the hit's transaction "
                           "(track_commit_timestamp); median and p90 over the %d hits shown."
                           % lat["hits"])
    finally:
        sh(["sh", PG_SH, "stop", pgdir])


# ---------------------------------------------------------------------------

def main():
    global WORK
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0], epilog=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.environ.get("FW_BUILD", os.path.join(TOP, "build")),
                    help="where feedwatch, feedwatchd and libfeedwatch.a are (default build/)")
    ap.add_argument("--out", default=os.path.join(BENCH, "out"), help="work folder (default bench/out)")
    ap.add_argument("--feeds", type=int, default=1000)
    ap.add_argument("--items", type=int, default=20)
    ap.add_argument("--runs", type=int, default=5, help="runs a figure (median; default 5)")
    ap.add_argument("--peer-runs", type=int, default=3, help="runs of sfeed and newsboat (default 3)")
    ap.add_argument("--idle", type=int, default=60, help="seconds of the idle window (default 60)")
    ap.add_argument("--topics", default="10,10000", help="topic counts for match (default 10,10000)")
    ap.add_argument("--wide-feeds", type=int, default=1000,
                    help="feeds of the wide corpus (gen_corpus.py --mix wide; default 1000)")
    ap.add_argument("--scale", default="1000,10000,100000",
                    help="feed counts of the scale row (default 1000,10000,100000)")
    ap.add_argument("--budget", type=int, default=1200,
                    help="seconds the whole run may take; the peers, measured last, get fewer "
                         "runs past it (default 1200)")
    ap.add_argument("--skip", default="",
                    help="comma list of: peers, parse, match, review, revision, idle, wide, scale, "
                         "retention, team")
    ap.add_argument("--quick", action="store_true",
                    help="a smoke run: 100 feeds, 3 runs, 1 peer run, 10 s idle, 10,1000 topics, "
                         "100 wide feeds, scale 100,1000")
    ap.add_argument("--profile", action="store_true", help="callgrind profiles instead of the table")
    ap.add_argument("--profile-feeds", type=int, default=200)
    ap.add_argument("--profile-mix", choices=["default", "wide"], default="default",
                    help="the corpus --profile generates (gen_corpus.py --mix)")
    args = ap.parse_args()
    if args.quick:
        args.feeds, args.runs, args.peer_runs, args.idle, args.topics = 100, 3, 1, 10, "10,1000"
        args.wide_feeds, args.scale = 100, "100,1000"
    full = not args.quick and not args.skip and args.feeds == 1000 and args.items == 20
    skip = set(s for s in args.skip.split(",") if s)
    args.out = os.path.abspath(args.out)
    build = os.path.abspath(args.build)
    WORK = os.path.join(args.out, "run")
    fresh_dir(WORK)
    started = time.monotonic()
    for tool in ("curl", "xmllint", "grep", "nginx" if shutil.which("nginx") else "/usr/sbin/nginx"):
        if not shutil.which(tool):
            raise SystemExit("bench: %s is not installed" % tool)
    fw, fwd = os.path.join(build, "feedwatch"), os.path.join(build, "feedwatchd")
    for exe in (fw, fwd):
        if not os.access(exe, os.X_OK):
            raise SystemExit("bench: %s is not built (make all)" % exe)
    bins = build_drivers(build)
    if args.profile:
        profile(args, bins, build)
        return
    mach = machine()
    topics = [int(k) for k in args.topics.split(",") if k]
    corpus = os.path.join(args.out, "corpus")
    log("generating the corpus: %d feeds × %d items, topics %s" % (args.feeds, args.items, args.topics))
    stats = gen_corpus(corpus, args.feeds, args.items, 0, topics)
    urls = open(os.path.join(corpus, "urls.txt")).read().split()
    ctx = {"fw": fw, "fwd": fwd, "bins": bins, "corpus": corpus, "work": WORK, "feeds": args.feeds,
           "items": args.items, "runs": args.runs, "peer_runs": args.peer_runs, "idle": args.idle,
           "topics": topics, "bytes": stats["bytes"], "urls": urls, "budget": args.budget,
           "deadline": STARTED + args.budget - REVISION_RESERVE,
           "files": [os.path.join(corpus, u) for u in urls], "versions": tool_versions(),
           "out": args.out, "servers": [], "wide_feeds": args.wide_feeds,
           "scale": [int(n) for n in args.scale.split(",") if n],
           "command": "make bench" if full else "sh bench/run.sh " + " ".join(sys.argv[1:])}
    ctx["sfeed_version"] = re.search(r"sfeed (\S+)", ctx["versions"] + " sfeed ?").group(1)
    t = Table()
    srv = Server(corpus)
    ctx["srv"] = srv
    try:
        ctx["etags"] = validators(srv, urls)
        spent = [("corpus", time.monotonic() - started)]
        # The peers come late (they take most of the time and stop at the
        # budget) and the revision last (it rewrites the corpus in place).
        for name, fn in [("cold+warm", bench_cold_warm), ("parse", bench_parse),
                         ("match", bench_match), ("review", bench_review), ("idle", bench_idle),
                         ("wide", bench_wide), ("scale", bench_scale), ("retention", bench_retention),
                         ("team", bench_team), ("review pg", bench_review_pg),
                         ("peers", bench_peers), ("wide peers", bench_wide_peers),
                         ("revision", bench_revision)]:
            if name in skip or (name == "wide peers" and skip & {"wide", "peers"}) or \
                    (name == "review pg" and skip & {"review", "team"}):
                continue
            t0 = time.monotonic()
            fn(ctx, t)
            spent.append((name, time.monotonic() - t0))
    finally:
        srv.stop()
        for other in ctx["servers"]:
            other.stop()
    t.notes.append("the whole run took %.0f s (%s)." % (time.monotonic() - started,
                   ", ".join("%s %.0f s" % kv for kv in spent)))
    last_json = os.path.join(BENCH, "last-run.json")
    prev, prev_commit = {}, ""
    if os.path.exists(last_json):
        try:
            old = json.load(open(last_json))
            if old.get("feeds") == args.feeds:
                prev = {k: v for k, v in old.get("figures", {}).items()}
                prev_commit = "%s, %s" % (old.get("commit", "?"), old.get("date", "?"))
        except (OSError, ValueError):
            prev = {}
    text = render(ctx, t, mach, prev, prev_commit)
    sys.stdout.write(text)
    md = os.path.join(BENCH if full else args.out, "last-run.md")
    with open(md, "w") as fh:
        fh.write(text)
    if full:
        with open(last_json, "w") as fh:
            json.dump({"date": mach["date"], "commit": mach["commit"], "feeds": args.feeds,
                       "figures": {r["key"]: r["raw"] for r in t.rows if r["raw"]}}, fh, indent=1,
                      sort_keys=True)
            fh.write("\n")
    log("table written to %s" % os.path.relpath(md, TOP))
    if t.problems:
        sys.exit(1)


WORK = None
TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None

if __name__ == "__main__":
    main()
