#!/usr/bin/env python3
"""A year of hits on PostgreSQL: copies a hit log made by bench/gen_hitlog.py
(an SQLite file) into a PostgreSQL database, for the review commands'
benchmark on a team database (docs/design.md sections 15 and 18).

    bench/hitlog_pg.py --feedwatch build/feedwatch --hitlog DIR \\
        --pg "host=/tmp/pgdir user=postgres dbname=year" [--before-stories]

The schema is the one the binary writes (`feedwatch poll` of a config with
no feeds, as gen_hitlog.py makes its file); feeds, items and hits are
copied with psql's COPY, their ids kept (the identities then continue
after them), and ANALYZE gives the planner the statistics autovacuum would.
With --before-stories the database is first taken back to before the
migration that keeps each hit's story and reader's time (that migration's
columns, triggers and pollers table dropped, and the topics table of a
later one; schema_version 3), so that the binary's next open migrates a
year of hits (timed by the caller).
Items get no text (the review commands but show never read it).

Read marks become those of the subscriber "bench" (PostgreSQL keeps read
state per subscriber).

Writes DIR/feedwatch-pg.conf (gen_hitlog's config with this database and
that subscriber) and
prints one JSON line: hits, items, feeds, seconds, config. Standard library
only, and psql.
"""
import argparse
import csv
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_hitlog import canon_hash  # noqa: E402  (bench/, beside this file)

# What --before-stories drops (the PostgreSQL migration of hits.story and
# hits.rtime, and the pollers' table, 3 -> 4 in daemon/store-pg.c, and the
# ones after it: 5 -> 6's topics table; 4 -> 5 changes data only).
UNDO_STORIES = (
    "DROP TABLE topics; DROP TABLE pollers;"
    " DROP FUNCTION fw_hits_insert, fw_hits_settle, fw_hits_delete,"
    " fw_hits_found, fw_items_published, fw_items_canon CASCADE;"
    " DROP FUNCTION fw_story_of, fw_story_set;"
    " ALTER TABLE hits DROP COLUMN rtime, DROP COLUMN story;"
    " UPDATE schema_version SET version = 3;")

TABLES = [
    ("feeds", "id, key, url, title, fetched, last_poll, next_poll"),
    ("items", "id, feed_id, item_key, title, link, canon_link, published, updated, author,"
              " first_seen, last_seen"),
    ("hits", "id, item_id, topic, topic_name, found, snippet, marks, matched, read, notified"),
]


def psql_bin():
    p = "/usr/lib/postgresql/15/bin/psql"
    return p if os.access(p, os.X_OK) else shutil.which("psql") or "psql"


def psql(conninfo, sql, stdin=None):
    """Runs sql (one command, or a \\copy reading stdin, a file object)."""
    r = subprocess.run([psql_bin(), "-qAtX", "-v", "ON_ERROR_STOP=1", "-d", conninfo, "-c", sql],
                       stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise SystemExit("hitlog_pg: %s: %s" % (sql[:80], r.stderr.strip()))
    return r.stdout.strip()


# The SQLite file of schema 8 keeps an 8-byte key of each canonical link
# (canon_hash), PostgreSQL the text: gen_hitlog.py's canonical link is the
# link up to its query (a copy's "?utm_source=rss", once or more), which
# copy_table checks against the key.
CANON_SQL = "CASE WHEN instr(link, '?') > 0 THEN substr(link, 1, instr(link, '?') - 1) ELSE link END"


# Who reads on the team database: the file's read marks are this one's.
SUBSCRIBER = "bench"


def source_cols(src, table, cols):
    """The SELECT list that reads table's cols from the SQLite file."""
    have = [r[1] for r in src.execute("PRAGMA table_info(%s)" % table)]
    if table == "items" and "canon_link" not in have:
        return cols.replace("canon_link", CANON_SQL + ", canon_hash")
    return cols


def copy_table(src, conninfo, table, cols):
    """Streams table's cols from the SQLite file into PostgreSQL as CSV."""
    sel = source_cols(src, table, cols)
    check = sel != cols   # canon_hash follows the derived canon_link
    p = subprocess.Popen([psql_bin(), "-qAtX", "-v", "ON_ERROR_STOP=1", "-d", conninfo, "-c",
                          "\\copy %s (%s) FROM STDIN WITH (FORMAT csv)" % (table, cols)],
                         stdin=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    n = 0
    k = cols.replace(" ", "").split(",").index("canon_link") if check else -1
    for row in src.execute("SELECT %s FROM %s ORDER BY id" % (sel, table)):
        if check:
            if canon_hash(row[k]) != row[k + 1]:
                raise SystemExit("hitlog_pg: item %d: its canonical link is not %r" % (row[0], row[k]))
            row = row[:k + 1] + row[k + 2:]
        w.writerow(["" if v is None else v for v in row])
        n += 1
        if n % 20000 == 0:
            p.stdin.write(buf.getvalue())
            buf.seek(0)
            buf.truncate()
    p.stdin.write(buf.getvalue())
    p.stdin.close()
    err = p.stderr.read()
    if p.wait() != 0:
        raise SystemExit("hitlog_pg: copying %s: %s" % (table, err.strip()))
    return n


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0], epilog=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--feedwatch", default="build/feedwatch", help="the binary that makes the schema")
    ap.add_argument("--hitlog", required=True, help="gen_hitlog.py's --out")
    ap.add_argument("--pg", required=True, help="the PostgreSQL database (a libpq string), empty")
    ap.add_argument("--before-stories", action="store_true",
                    help="take the schema back to before hits kept their story and time")
    args = ap.parse_args()
    t0 = time.monotonic()
    empty = os.path.join(args.hitlog, "empty-pg.conf")
    with open(empty, "w") as fh:
        fh.write("[feedwatch]\ndatabase = %s\n" % args.pg)
    subprocess.run([args.feedwatch, "-c", empty, "poll", "--no-notify"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.unlink(empty)
    if args.before_stories:
        psql(args.pg, UNDO_STORIES)
    # NULL in CSV is an empty unquoted field; the texts here are never empty
    src = sqlite3.connect("file:%s?mode=ro" % os.path.join(args.hitlog, "hits.db"), uri=True)
    counts = {t: copy_table(src, args.pg, t, cols) for t, cols in TABLES}
    src.close()
    for t, _ in TABLES:
        psql(args.pg, "SELECT setval(pg_get_serial_sequence('%s', 'id'), max(id)) FROM %s" % (t, t))
    # read state is each subscriber's on PostgreSQL (table reads): the
    # file's read marks become those of the config's subscriber
    psql(args.pg, "INSERT INTO reads (subscriber, hit_id) SELECT '%s', id FROM hits WHERE read = 1"
         % SUBSCRIBER)
    psql(args.pg, "ANALYZE")
    conf = os.path.join(args.hitlog, "feedwatch-pg.conf")
    with open(os.path.join(args.hitlog, "feedwatch.conf")) as fh, open(conf, "w") as out:
        for line in fh:
            out.write("database = %s\nsubscriber = %s\n" % (args.pg, SUBSCRIBER)
                      if line.startswith("database = ") else line)
    sys.stdout.write(json.dumps({"hits": counts["hits"], "items": counts["items"],
                                 "feeds": counts["feeds"], "config": conf,
                                 "seconds": round(time.monotonic() - t0, 1)}) + "\n")


if __name__ == "__main__":
    main()
