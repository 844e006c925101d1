#!/usr/bin/env python3
"""Compares what feedwatch reports with what bench/gen_corpus.py planted.

    truth_diff.py hits HITS.jsonl --truth T.tsv [--truth ...] [--minus M.tsv ...] [--id-gt N]
        The set of (feed, item_id, topic) of the hits (only ids > N with
        --id-gt) must equal the union of the --truth files minus the --minus
        files; a hit listed twice is a difference too.
    truth_diff.py maxid HITS.jsonl
        Prints the largest hit id (0 when there is none).
    truth_diff.py fields HITS.jsonl ITEMS.tsv [--notified VALUE] [--id-gt N]
        Every hit's link, title and published time must be the item's in
        ITEMS.tsv (feed, id, link, title, Unix seconds); with --notified,
        its "notified" field must be VALUE.
    truth_diff.py nginx ACCESS.log --urls URLS.txt [--changed CHANGED.txt] [--from-line N]
        In the log lines after line N ("STATUS BYTES URI"), every URL of
        URLS.txt (paths under the served root) was last answered 304 when it
        is not listed in CHANGED.txt and 200 when it is; without --changed,
        every URL must have been answered 200.

HITS.jsonl is `feedwatch hits --format json` output: one JSON object a line.
Exit status 0 when equal; 1 with at most 20 differences on stdout (one a
line, for TAP diag lines) and a count; 2 on bad input or usage.
"""
import argparse
import json
import sys
from datetime import datetime, timezone

MAX_SHOWN = 20


class Bad(Exception):
    pass


def load_hits(path):
    hits = []
    with open(path, encoding="utf-8") as fh:
        for no, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                h = json.loads(line)
            except ValueError as e:
                raise Bad("%s:%d: not JSON (%s): %.120s" % (path, no, e, line))
            if not isinstance(h, dict):
                raise Bad("%s:%d: not a JSON object" % (path, no))
            for k in ("id", "feed", "item_id", "topic"):
                if k not in h:
                    raise Bad("%s:%d: no %r field: %.200s" % (path, no, k, line))
            hits.append(h)
    return hits


def load_tsv(path, columns):
    rows = []
    with open(path, encoding="utf-8") as fh:
        for no, line in enumerate(fh, 1):
            line = line.rstrip("\n")
            if not line:
                continue
            parts = line.split("\t")
            if len(parts) != columns:
                raise Bad("%s:%d: %d columns, expected %d" % (path, no, len(parts), columns))
            rows.append(tuple(parts))
    return rows


def hit_id(h):
    try:
        return int(h["id"])
    except (TypeError, ValueError):
        raise Bad("hit id %r is not a number" % (h["id"],))


def report(problems, what):
    """Prints the problems (at most MAX_SHOWN) and returns the exit status."""
    for p in problems[:MAX_SHOWN]:
        print(p)
    if len(problems) > MAX_SHOWN:
        print("... and %d more" % (len(problems) - MAX_SHOWN))
    if problems:
        print("%d difference(s) in %s" % (len(problems), what))
        return 1
    return 0


def cmd_hits(a):
    hits = [h for h in load_hits(a.hits) if a.id_gt is None or hit_id(h) > a.id_gt]
    want = set()
    for t in a.truth:
        want |= set(load_tsv(t, 3))
    for m in a.minus or []:
        want -= set(load_tsv(m, 3))
    got, problems = {}, []
    for h in hits:
        key = (str(h["feed"]), str(h["item_id"]), str(h["topic"]))
        if key in got:
            problems.append("duplicate hit: %s (ids %s and %s)" % ("\t".join(key), got[key], h["id"]))
        got[key] = h["id"]
    for key in sorted(want - set(got)):
        problems.append("missing:    %s" % "\t".join(key))
    for key in sorted(set(got) - want):
        problems.append("unexpected: %s (hit %s)" % ("\t".join(key), got[key]))
    print("%d hit(s), %d expected" % (len(hits), len(want)))
    return report(problems, "hits")


def cmd_maxid(a):
    print(max([hit_id(h) for h in load_hits(a.hits)] or [0]))
    return 0


def rfc3339_seconds(s):
    if s.endswith("Z") or s.endswith("z"):
        s = s[:-1] + "+00:00"
    d = datetime.fromisoformat(s)
    if d.tzinfo is None:
        raise ValueError("no time zone")
    return int(d.timestamp())


def cmd_fields(a):
    items = {(r[0], r[1]): r for r in load_tsv(a.items, 5)}
    problems = []
    hits = [h for h in load_hits(a.hits) if a.id_gt is None or hit_id(h) > a.id_gt]
    for h in hits:
        key = (str(h["feed"]), str(h["item_id"]))
        where = "hit %s (%s %s)" % (h["id"], key[0], key[1])
        row = items.get(key)
        if row is None:
            problems.append("%s: no such item in the corpus" % where)
            continue
        _, _, link, title, published = row
        if h.get("link") != link:
            problems.append("%s: link %r, expected %r" % (where, h.get("link"), link))
        if h.get("title") != title:
            problems.append("%s: title %r, expected %r" % (where, h.get("title"), title))
        p = h.get("published")
        try:
            ok = p is not None and rfc3339_seconds(p) == int(published)
        except (TypeError, ValueError):
            ok = False
        if not ok:
            problems.append("%s: published %r, expected %s" % (
                where, p, datetime.fromtimestamp(int(published), timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")))
        if a.notified is not None and h.get("notified") != a.notified:
            problems.append("%s: notified %r, expected %r" % (where, h.get("notified"), a.notified))
    print("%d hit(s) checked" % len(hits))
    return report(problems, "hit fields")


def cmd_nginx(a):
    urls = ["/" + u.strip().lstrip("/") for u in open(a.urls, encoding="utf-8") if u.strip()]
    changed = None
    if a.changed:
        changed = {"/" + u.strip().lstrip("/") for u in open(a.changed, encoding="utf-8") if u.strip()}
    last, count = {}, {}
    with open(a.log, encoding="utf-8", errors="replace") as fh:
        for no, line in enumerate(fh, 1):
            if no <= a.from_line:
                continue
            parts = line.split()
            if len(parts) < 3:
                continue
            uri = parts[2].split("?")[0]
            last[uri] = parts[0]
            count[uri] = count.get(uri, 0) + 1
    problems, n304 = [], 0
    for u in urls:
        want = "200" if changed is None or u in changed else "304"
        got = last.get(u)
        n304 += got == "304"
        if got is None:
            problems.append("%s: not requested (expected %s)" % (u, want))
        elif got != want:
            problems.append("%s: answered %s, expected %s" % (u, got, want))
    expected304 = 0 if changed is None else len(urls) - len(changed & set(urls))
    print("%d URL(s), %d request(s), %d answered 304 (expected %d)" % (
        len(urls), sum(count.values()), n304, expected304))
    return report(problems, "requests")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0], epilog=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd")
    p = sub.add_parser("hits")
    p.add_argument("hits")
    p.add_argument("--truth", action="append", required=True)
    p.add_argument("--minus", action="append")
    p.add_argument("--id-gt", type=int)
    p = sub.add_parser("maxid")
    p.add_argument("hits")
    p = sub.add_parser("fields")
    p.add_argument("hits")
    p.add_argument("items")
    p.add_argument("--notified")
    p.add_argument("--id-gt", type=int)
    p = sub.add_parser("nginx")
    p.add_argument("log")
    p.add_argument("--urls", required=True)
    p.add_argument("--changed")
    p.add_argument("--from-line", type=int, default=0)
    a = ap.parse_args(argv)
    if not a.cmd:
        ap.print_usage(sys.stderr)
        return 2
    try:
        return {"hits": cmd_hits, "maxid": cmd_maxid, "fields": cmd_fields, "nginx": cmd_nginx}[a.cmd](a)
    except (Bad, OSError) as e:
        print("truth_diff: %s" % e)
        return 2


if __name__ == "__main__":
    sys.exit(main())
