#!/usr/bin/env python3
"""A year of hits: a generated hit log for the review commands' benchmarks
(issue 19, goal 3; docs/design.md "Benchmarks").

    bench/gen_hitlog.py --feedwatch build/feedwatch --out DIR \\
        [--hits 1000000] [--days 365] [--topics 50] [--feeds 200] [--seed 1]

Writes DIR/feedwatch.conf (the topics and feeds, database DIR/hits.db) and
makes the database with the real binary (`feedwatch poll` of a config with
no feeds creates the current schema), then fills it in one transaction with
rows shaped like the daemon's own: feeds; items with a title, link,
canonical link, publication time (3% without one), author, summary and
content; about 1.3 hits an item (an item matches one to three topics), each
with its snippet, marks, matched spans, read state (older than a week: read)
and notified state; and stories: 15% of items are the same story (the same
link, with tracking parameters) in a second feed. Topics are busy in Zipf's
proportions (the first has ~20% of the hits with 50 topics). The log ends
at --end (default: now), so `stats --days 30` and `report --since 30d` see
its last month.

With --peers, also writes the same items for the peer commands: sfeed's
TSV files (DIR/sfeed/feeds/FEED, for sfeed_plain) and a newsboat cache
(DIR/newsboat/cache.db with DIR/newsboat/urls, for newsboat -x
print-unread; made by newsboat itself when installed).

Prints one JSON line: hits, items, stories, topics, feeds, seconds, bytes.
Deterministic for a seed and --end. Standard library only.
"""
import argparse
import hashlib
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time

WORDS = ("market trade deal currency swap bank reserve policy minister election vote "
         "congress budget inflation export import tariff summit accord treaty port grain "
         "energy pipeline lithium copper soy beef wheat court ruling protest strike union "
         "province capital governor senate reform pension debt bond peso real yuan dollar").split()


def topic_word(k):
    return "Topic%02dword" % k


def sentence(rnd, n):
    return " ".join(rnd.choice(WORDS) for _ in range(n))


def write_config(out, db, topics, feeds):
    path = os.path.join(out, "feedwatch.conf")
    with open(path, "w") as fh:
        fh.write("[feedwatch]\ndatabase = %s\ninterval = 1h\n\n" % db)
        for f in range(feeds):
            fh.write("[feed f%03d]\nurl = file://%s/feeds/f%03d.xml\n\n" % (f, out, f))
        for k in range(topics):
            fh.write("[topic t%02d]\nname = Topic %02d\nquery = %s\n\n" % (k, k, topic_word(k)))
    return path


def create_schema(feedwatch, out, db):
    """The schema the binary writes: a poll of a config with no feeds."""
    conf = os.path.join(out, "empty.conf")
    with open(conf, "w") as fh:
        fh.write("[feedwatch]\ndatabase = %s\n" % db)
    subprocess.run([feedwatch, "-c", conf, "poll", "--no-notify"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.unlink(conf)


class Pool:
    """Sentences made once and drawn from (a million random.choice calls an
    item's words would take most of the run)."""

    def __init__(self, rnd, n, lo, hi):
        self.items = [sentence(rnd, rnd.randint(lo, hi)) for _ in range(n)]
        self.rnd = rnd

    def pick(self):
        return self.items[int(self.rnd.random() * len(self.items))]


def generate(args):
    rnd = random.Random(args.seed)
    titles, words8, words20 = Pool(rnd, 4000, 5, 10), Pool(rnd, 4000, 6, 8), Pool(rnd, 2000, 15, 20)
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    db = os.path.join(out, "hits.db")
    for suffix in ("", "-wal", "-shm", ".lock"):
        if os.path.exists(db + suffix):
            os.unlink(db + suffix)
    write_config(out, db, args.topics, args.feeds)
    create_schema(args.feedwatch, out, db)

    end = args.end or int(time.time())
    start = end - args.days * 86400
    # Zipf weights: topic k gets 1/(k+1) of the share.
    weights = [1.0 / (k + 1) for k in range(args.topics)]
    cum, acc = [], 0.0
    for w in weights:
        acc += w
        cum.append(acc)

    def pick_topic():
        x = rnd.random() * acc
        lo, hi = 0, len(cum) - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if cum[mid] < x:
                lo = mid + 1
            else:
                hi = mid
        return lo

    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA synchronous = OFF")
    # loaded straight into the file (no WAL, no journal: a failed run is
    # made again), in WAL mode again afterwards as the daemon keeps it
    con.execute("PRAGMA journal_mode = OFF")
    con.execute("PRAGMA locking_mode = EXCLUSIVE")
    con.execute("PRAGMA cache_size = -400000")
    # The schema's triggers keep a hit's story and reader's time (schema 5):
    # this script computes both itself and sets the triggers aside while it
    # loads (one UPDATE a hit would double the run); --check verifies.
    cols = [r[1] for r in con.execute("PRAGMA table_info(hits)")]
    kept = "story" in cols and "rtime" in cols
    triggers = con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
    con.execute("BEGIN")
    for name, _ in triggers:
        con.execute('DROP TRIGGER "%s"' % name)
    con.executemany("INSERT INTO feeds (id, key, url, title, fetched, last_poll, next_poll,"
                    " http_status) VALUES (?, ?, ?, ?, 1, ?, ?, 200)",
                    [(f + 1, "f%03d" % f, "file://%s/feeds/f%03d.xml" % (out, f),
                      "Feed %03d News" % f, end, end + 3600) for f in range(args.feeds)])
    items, hits, peer = [], [], []
    item_id = hit_id = 0
    stories = 0
    # Items come in publication order, spread evenly over the days with jitter.
    n_items = int(args.hits / 1.3)
    step = (end - start) / max(n_items, 1)
    prev_link = None
    story_of = {}   # canonical link -> its story (the lowest hit id)
    while hit_id < args.hits:
        item_id += 1
        pub = int(start + item_id * step + rnd.uniform(0, step))
        pub = min(pub, end - 60)
        feed = rnd.randrange(args.feeds)
        copy = prev_link is not None and rnd.random() < 0.15
        if copy:
            link, canon, title, feed = prev_link[0] + "?utm_source=rss", prev_link[1], \
                prev_link[2], (prev_link[3] + 1 + rnd.randrange(args.feeds - 1)) % args.feeds \
                if args.feeds > 1 else prev_link[3]
        else:
            stories += 1
            canon = "https://site%03d.example/%d/%d" % (feed, pub // 86400, item_id)
            link = canon
            title = titles.pick().capitalize()
        ntop = 1 if rnd.random() < 0.72 else 2 if rnd.random() < 0.85 else 3
        tops = sorted(set(pick_topic() for _ in range(ntop)))
        words = " ".join(topic_word(k) for k in tops)
        summary = "%s %s %s." % (words8.pick(), words, words8.pick())
        content = "%s %s. %s" % (summary, words20.pick(), words20.pick())
        published = None if rnd.random() < 0.03 else pub
        found = pub + rnd.randint(60, 7200)
        found = min(found, end)
        items.append((item_id, feed + 1, "urn:fw:%d" % item_id, title, link, canon, published,
                      "Author %d" % rnd.randrange(300), '["news"]', summary, content,
                      "%016x" % rnd.getrandbits(64), found, found))
        if args.peers:
            peer.append((feed, published or found, title, link, summary, item_id))
        rtime = min(published if published is not None else found, found)
        for k in tops:
            hit_id += 1
            story = story_of.setdefault(canon, hit_id)
            w = topic_word(k)
            snippet = "… %s %s %s …" % (words8.pick(), w, words8.pick())
            s = snippet.index(w)
            c = content.index(w)
            old = end - found > 7 * 86400
            hits.append((hit_id, item_id, "t%02d" % k, "Topic %02d" % k, found, snippet,
                         "[[%d,%d]]" % (s, s + len(w)),
                         '[{"field":"content","start":%d,"end":%d}]' % (c, c + len(w)),
                         1 if old or rnd.random() < 0.5 else 0,
                         "initial" if found - start < 86400 else "delivered", rtime, story))
            if hit_id >= args.hits:
                break
        prev_link = (link, canon, title, feed)
        if len(hits) >= 50000:
            flush(con, items, hits, kept)
    flush(con, items, hits, kept)
    # schema 7: the topics' counts, which the triggers keep, counted once
    if con.execute("SELECT 1 FROM sqlite_master WHERE name = 'topic_counts'").fetchone():
        con.execute("DELETE FROM topic_counts")
        for grp, key in (("GROUP BY topic", "topic"), ("", "''")):
            con.execute("INSERT INTO topic_counts SELECT %s, COUNT(*), COUNT(DISTINCT story),"
                        " COUNT(DISTINCT CASE WHEN read = 0 THEN story END), TOTAL(read),"
                        " TOTAL(read * id) FROM hits %s" % (key, grp))
    for _, sql in triggers:
        con.execute(sql)
    con.execute("COMMIT")
    if args.check and kept:
        stale = con.execute(
            "SELECT COUNT(*) FROM hits h JOIN items i ON i.id = h.item_id"
            " WHERE h.rtime IS NOT MIN(COALESCE(i.published, h.found), h.found)"
            " OR h.story IS NOT COALESCE((SELECT MIN(hs.id) FROM items si JOIN hits hs"
            " ON hs.item_id = si.id WHERE si.{0} = i.{0}),"
            " (SELECT MIN(hs.id) FROM hits hs WHERE hs.item_id = i.id))"
            .format(canon_col(con))).fetchone()[0]
        if stale:
            raise SystemExit("gen_hitlog: %d hits with a story or time the schema would not give"
                             % stale)
    con.execute("PRAGMA optimize")
    con.execute("PRAGMA locking_mode = NORMAL")
    con.execute("PRAGMA journal_mode = WAL")
    con.close()
    if args.peers:
        write_peers(out, peer, args.feeds)
    return {"hits": hit_id, "items": item_id, "stories": stories, "topics": args.topics,
            "feeds": args.feeds, "end": end, "bytes": os.path.getsize(db),
            "config": os.path.join(out, "feedwatch.conf"), "database": db}


def canon_col(con):
    """The column stories join on: canon_hash from schema 8, canon_link before."""
    cols = [r[1] for r in con.execute("PRAGMA table_info(items)")]
    return "canon_hash" if "canon_hash" in cols else "canon_link"


def canon_hash(canon):
    """Schema 8's key of a canonical link, as feedwatch stores it: the first 8
    bytes of its SHA-256, big-endian, signed."""
    return int.from_bytes(hashlib.sha256(canon.encode()).digest()[:8], "big", signed=True)


def flush(con, items, hits, kept):
    if canon_col(con) == "canon_hash":
        items[:] = [it[:5] + (canon_hash(it[5]),) + it[6:] for it in items]
    if "body" in [r[1] for r in con.execute("PRAGMA table_info(items)")]:
        # schema 6: summary, content and categories are one zstd-packed body
        # that only feedwatch writes (fw_body_pack); NULL reads as no text,
        # which the review commands but show never read
        con.executemany("INSERT INTO items (id, feed_id, item_key, title, link, " +
                        canon_col(con) + ", published, author, body, hash, first_seen,"
                        " last_seen)"
                        " VALUES (?,?,?,?,?,?,?,?,NULL,?,?,?)",
                        (it[:8] + it[11:] for it in items))
    else:
        con.executemany("INSERT INTO items (id, feed_id, item_key, title, link, canon_link,"
                        " published, author, categories, summary, content, hash, first_seen,"
                        " last_seen) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", items)
    if kept:
        con.executemany("INSERT INTO hits (id, item_id, topic, topic_name, found, snippet, marks,"
                        " matched, read, notified, rtime, story)"
                        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", hits)
    else:
        con.executemany("INSERT INTO hits (id, item_id, topic, topic_name, found, snippet, marks,"
                        " matched, read, notified) VALUES (?,?,?,?,?,?,?,?,?,?)",
                        (h[:10] for h in hits))
    items.clear()
    hits.clear()


def write_peers(out, peer, feeds):
    """sfeed's TSV per feed (timestamp, title, link, content, content-type, id,
    author, enclosure, category) and a newsboat cache of the same items."""
    d = os.path.join(out, "sfeed", "feeds")
    shutil.rmtree(os.path.join(out, "sfeed"), ignore_errors=True)
    os.makedirs(d)
    files = [open(os.path.join(d, "f%03d" % f), "w") for f in range(feeds)]
    for feed, t, title, link, summary, iid in peer:
        files[feed].write("%d\t%s\t%s\t%s\thtml\turn:fw:%d\t\t\t\n" % (t, title, link, summary, iid))
    for fh in files:
        fh.close()
    nb = os.path.join(out, "newsboat")
    shutil.rmtree(nb, ignore_errors=True)
    os.makedirs(os.path.join(nb, "home"))
    if not shutil.which("newsboat"):
        return
    urls = ["file://%s/feeds/f%03d.xml" % (out, f) for f in range(feeds)]
    with open(os.path.join(nb, "urls"), "w") as fh:
        fh.write("".join(u + "\n" for u in urls))
    cache = os.path.join(nb, "cache.db")
    env = dict(os.environ, HOME=os.path.join(nb, "home"))
    env.pop("XDG_CONFIG_HOME", None)
    env.pop("XDG_DATA_HOME", None)
    # newsboat makes its own cache (its schema) from the urls; the feeds
    # are not there, so it stays empty until filled below.
    open(os.path.join(nb, "config"), "w").close()
    subprocess.run(["newsboat", "-u", os.path.join(nb, "urls"), "-c", cache, "-C",
                    os.path.join(nb, "config"), "-x", "print-unread"], env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    con = sqlite3.connect(cache, isolation_level=None)
    con.execute("PRAGMA synchronous = OFF")
    con.execute("BEGIN")
    con.executemany("INSERT OR REPLACE INTO rss_feed (rssurl, url, title) VALUES (?, ?, ?)",
                    [(u, u, "Feed %03d News" % f) for f, u in enumerate(urls)])
    con.executemany("INSERT INTO rss_item (guid, title, author, url, feedurl, pubDate, content,"
                    " unread) VALUES (?, ?, '', ?, ?, ?, ?, 1)",
                    [("urn:fw:%d" % iid, title, link, urls[feed], t, summary)
                     for feed, t, title, link, summary, iid in peer])
    con.execute("COMMIT")
    con.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0], epilog=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--feedwatch", default="build/feedwatch", help="the binary that makes the schema")
    ap.add_argument("--out", required=True)
    ap.add_argument("--hits", type=int, default=1000000)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--topics", type=int, default=50)
    ap.add_argument("--feeds", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--end", type=int, default=0, help="Unix time of the last hit (default now)")
    ap.add_argument("--peers", action="store_true", help="also sfeed files and a newsboat cache")
    ap.add_argument("--check", action="store_true",
                    help="verify every hit's story and time against the schema's definition")
    args = ap.parse_args()
    t0 = time.monotonic()
    res = generate(args)
    res["seconds"] = round(time.monotonic() - t0, 1)
    sys.stdout.write(json.dumps(res) + "\n")


if __name__ == "__main__":
    main()
