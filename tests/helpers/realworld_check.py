#!/usr/bin/env python3
"""Compares `feedwatch parse --format json` of the real-world corpus
(tests/fixtures/realworld) with the expected values written by hand.

    realworld_check.py check FIXTURES OUTDIR FIRST [NAME...]
        For every feed file NAME listed in FIXTURES/SOURCES (or only the
        NAMEs given, and their KNOWN-GAPS lines), reads what the
        test saved in OUTDIR (NAME.json: the parse's stdout, NAME.err: its
        stderr, NAME.rc: its exit status) and FIXTURES/expected/NAME.json,
        and prints TAP test points numbered from FIRST: one per file (every
        field not listed in FIXTURES/KNOWN-GAPS must match exactly) and one
        per KNOWN-GAPS line, a TODO test ("# TODO issue 18"), not ok while
        the parser still gives something else. Last line: "# checked ..."
        with the counts; exit status 1 if a non-TODO point failed.
    realworld_check.py draft FEED OUTDIR
        Prints a first draft of expected/NAME.json from what the parser gave
        (OUTDIR/NAME.*): it must be checked against the XML by hand, and
        corrected, before it is committed.

expected/NAME.json: {"parse": "ok" | "degraded" | "error", "error": the
message's kind or null, "feed_title", "items": [{"id", "title", "link",
"published", "updated", "author", "categories", "summary", "content"}]} in
document order; summary and content are their first 80 characters (the
parser's text may go on), dates as the parser prints them (UTC, "Z") or null,
categories compared as a set (their order is not the feed's business).

KNOWN-GAPS: one line a gap, tab-separated: FILE, ITEMS (0-based indices,
comma-separated, or * for every item of the file; - for a field of the
feed), FIELD (an item field, or items for the number of items, parse, error,
feed_title), POINT (the issue 18 point, 1-10 or a name such as base64), a
note. Lines starting with # are comments.
"""
import json
import os
import sys

FIELDS = ("id", "title", "link", "published", "updated", "author", "categories", "summary", "content")
PREFIX = 80
FEED_FIELDS = ("parse", "error", "feed_title", "items")


def load_sources(fixtures):
    """Returns the feed file names listed in SOURCES (first column), in order."""
    names = []
    with open(os.path.join(fixtures, "SOURCES"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            name = line.split("\t")[0]
            if name != "file":
                names.append(name)
    return names


def load_gaps(fixtures):
    """Returns the KNOWN-GAPS lines as (file, item, field, point, note, line number)."""
    gaps = []
    path = os.path.join(fixtures, "KNOWN-GAPS")
    if not os.path.exists(path):
        return gaps
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if line.startswith("#") or not line.strip():
                continue
            parts = line.split("\t")
            if len(parts) < 4:
                raise SystemExit("KNOWN-GAPS:%d: needs FILE ITEM FIELD POINT [NOTE]" % n)
            gaps.append((parts[0], parts[1], parts[2], parts[3], parts[4] if len(parts) > 4 else "", n))
    return gaps


def error_kind(msg):
    """The kind of a parse error message ("feedwatch: FILE: not a feed: text/html" -> "not a feed")."""
    for kind in ("not a feed", "not JSON", "not XML", "feed declares entities", "feed nested too deeply",
                 "feed too large"):
        if kind in msg:
            return kind
    return msg.strip()[:60] if msg.strip() else None


def actual(outdir, name):
    """What the parser gave for NAME, in the shape of an expected file (text fields not cut)."""
    with open(os.path.join(outdir, name + ".rc")) as f:
        rc = int(f.read().strip() or "-1")
    with open(os.path.join(outdir, name + ".err"), encoding="utf-8", errors="replace") as f:
        err = f.read()
    items = []
    title = None
    with open(os.path.join(outdir, name + ".json"), encoding="utf-8") as f:
        for line in f:
            if line.strip():
                o = json.loads(line)
                title = o.get("feed_title")
                items.append({k: o.get(k) for k in FIELDS})
    if rc != 0:
        parse, error = "error", error_kind(err)
    elif "feed read despite a problem" in err:
        parse, error = "degraded", None
    else:
        parse, error = "ok", None
    return {"parse": parse, "error": error, "feed_title": title, "items": items}


def cut(v):
    return v[:PREFIX] if isinstance(v, str) else v


def same(field, want, got):
    """Whether the parser's value got meets the expected value want."""
    if field in ("summary", "content"):
        return cut(got) == want
    if field == "categories":
        return isinstance(got, list) and sorted(set(got)) == sorted(set(want)) and len(got) == len(set(got))
    return got == want


def field_value(doc, item, field):
    """The value of FIELD of item number item (None for a feed field) in doc; KeyError when absent."""
    if item is None:
        if field == "items":
            return len(doc["items"])
        return doc[field]
    return doc["items"][item][field]


def pairs(exp, gap_item, gap_field):
    """The (item, field) pairs of exp a KNOWN-GAPS line covers."""
    if gap_field in FEED_FIELDS:
        return [(None, gap_field)]
    if gap_item == "*":
        return [(i, gap_field) for i in range(len(exp["items"]))]
    return [(int(i), gap_field) for i in gap_item.split(",")]


def compare(exp, got, keys):
    """Differences between exp and got on the (item, field) pairs keys, as text lines."""
    bad = []
    for item, field in keys:
        want = field_value(exp, item, field)
        try:
            have = field_value(got, item, field)
        except (IndexError, KeyError):
            bad.append("item %d: missing (expected %s %s)" % (item, field, json.dumps(want, ensure_ascii=False)))
            continue
        if not same(field, want, have):
            where = field if item is None else "item %d %s" % (item, field)
            bad.append("%s: got %s, expected %s" % (where, json.dumps(cut(have), ensure_ascii=False),
                                                   json.dumps(want, ensure_ascii=False)))
    return bad


def tap(num, ok, name, todo=None, diag=()):
    line = "%s %d - %s" % ("ok" if ok else "not ok", num, name.replace("\\", "\\\\").replace("#", "\\#"))
    if todo:
        line += " # TODO " + todo
    print(line)
    for d in list(diag)[:12]:
        print("# " + d.replace("\n", "\\n"))
    if len(diag) > 12:
        print("# ... %d more" % (len(diag) - 12))


def check(fixtures, outdir, first, only=None):
    names = load_sources(fixtures)
    gaps = load_gaps(fixtures)
    for g in gaps:
        if g[0] not in names:
            raise SystemExit("KNOWN-GAPS:%d: %s is not in SOURCES" % (g[5], g[0]))
    if only:
        unknown = set(only) - set(names)
        if unknown:
            raise SystemExit("not in SOURCES: %s" % " ".join(sorted(unknown)))
        names = [n for n in names if n in set(only)]
        gaps = [g for g in gaps if g[0] in set(only)]
    num = first - 1
    failed = 0
    n_items = n_fields = 0
    covered = {}
    exps = {}
    for name in names:
        with open(os.path.join(fixtures, "expected", name + ".json"), encoding="utf-8") as f:
            exps[name] = json.load(f)
    for g in gaps:
        for p in pairs(exps[g[0]], g[1], g[2]):
            covered.setdefault(g[0], set()).add(p)
    for name in names:
        exp = exps[name]
        got = actual(outdir, name)
        cov = covered.get(name, set())
        count_gap = (None, "items") in cov
        keys = [(None, f) for f in FEED_FIELDS if (None, f) not in cov]
        for i, it in enumerate(exp["items"]):
            if count_gap and i >= len(got["items"]):
                continue
            keys += [(i, f) for f in FIELDS if (i, f) not in cov]
        n_items += len(exp["items"])
        n_fields += len(keys)
        bad = compare(exp, got, keys)
        if not count_gap and len(got["items"]) > len(exp["items"]):
            bad.append("%d items more than expected" % (len(got["items"]) - len(exp["items"])))
        num += 1
        tap(num, not bad, "%s: %d items, %d fields as expected" % (name, len(exp["items"]), len(keys)),
            diag=bad)
        failed += bool(bad)
    todo_ok = 0
    for name, item, field, point, note, line in gaps:
        keys = pairs(exps[name], item, field)
        n_fields += len(keys)
        bad = compare(exps[name], actual(outdir, name), keys)
        num += 1
        todo_ok += not bad
        what = {"-": "feed", "*": "every item"}.get(item, "item " + item if "," not in item else
                                                    "%d items" % len(item.split(",")))
        tap(num, not bad, "%s, %s, %s: %s" % (name, what, field, note or "(KNOWN-GAPS line %d)" % line),
            todo="issue 18 point %s" % point, diag=bad)
    print("# checked %d files, %d items, %d fields; %d known gaps (%d of them now met: remove those lines)"
          % (len(names), n_items, n_fields, len(gaps), todo_ok))
    return num, failed


def draft(feed, outdir):
    name = os.path.basename(feed)
    got = actual(outdir, name)
    for it in got["items"]:
        for k in ("summary", "content"):
            it[k] = cut(it[k])
    print(json.dumps(got, ensure_ascii=False, indent=1))


def main(argv):
    if len(argv) >= 5 and argv[1] == "check":
        num, failed = check(argv[2], argv[3], int(argv[4]), argv[5:])
        print("# last test %d" % num)
        return 1 if failed else 0
    if len(argv) == 4 and argv[1] == "draft":
        draft(argv[2], argv[3])
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
