#!/bin/bash
# The crash test (issue 6): `feedwatch poll` cycles over a changing generated
# corpus (bench/gen_corpus.py, 30 feeds x 10 items, served by nginx), with
# notify_initial = true and every topic notifying on two channels: desktop
# (the recording notification server on a private bus) and exec (a recorder
# that logs the hit id: one run per hit, so every (item, topic) is counted
# exactly, whatever the desktop policy coalesces or summarises). The polls are
# killed with SIGKILL at random moments (fixed seed): half at a uniform moment
# of the poll, half a few milliseconds after the first notification went out
# (the window between sending and marking delivered). After each kill: PRAGMA
# integrity_check, then a restart that polls to completion; then every
# (feed, item, topic) of the truth files served so far is a hit exactly once,
# every hit is delivered, each hit ran the recorder at least once and at most
# once more than its delivered count, and each (item, topic) named by a
# per-item desktop notification was named at most once more than delivered.
# The duplicates window is measured: how long before the kill the recorder
# had run for the hits that the restart notified again.
# FW_CRASH_KILLS (default 60; 3 under FW_WRAP) and FW_CRASH_SEED (default 6).
# Under FW_WRAP (valgrind) the topics notify on desktop only: valgrind warns
# about pidfd_open, which GLib's child watch of the exec channel calls.
. "$(dirname "$0")/../helpers/lib.sh"
plan 10

[ -x "$FW_BUILD/feedwatch" ] || { echo "Bail out! $FW_BUILD/feedwatch is not built"; exit 1; }
kills=${FW_CRASH_KILLS:-60}
[ -n "$FW_WRAP" ] && kills=${FW_CRASH_KILLS:-3}
seed=${FW_CRASH_SEED:-6}
gen="$FW_TOP/bench/gen_corpus.py"
out="$T_TMP/corpus"
conf="$T_TMP/fw.conf"
db="$T_TMP/fw.db"

"$FW_PY" "$gen" "$out" --feeds 30 --items 10 --seed 1 > /dev/null ||
	{ echo "Bail out! gen_corpus.py failed"; exit 1; }
serve "$out"
# The recorder: one line per run, "hit id <TAB> topic <TAB> outbox id <TAB>
# Unix time (ns)".
cat > "$T_TMP/record.sh" <<'SH'
printf '%s\t%s\t%s\t%s\n' "$FEEDWATCH_HIT_ID" "$FEEDWATCH_TOPIC" "$FEEDWATCH_OUTBOX_ID" \
	"$(date +%s.%N)" >> "$1"
SH
exec_log="$T_TMP/exec.log"
: > "$exec_log"
channels="notify = desktop exec\nexec = /bin/sh $T_TMP/record.sh $exec_log"
[ -n "$FW_WRAP" ] && channels="notify = desktop"
sed -e "s|@BASE@|$BASE|g" \
    -e "s|^\[feedwatch\]\$|[feedwatch]\ndatabase = $db\nnotify_initial = true|" \
    -e "s|^\[topic \(.*\)\]\$|[topic \1]\n$channels|" \
    "$out/feedwatch.conf" > "$conf"
start_bus
start_notify_server

# The driver: kills, checks after each restart, and a summary (JSON) at the end.
FW_CMD="$FW_WRAP $FW_BUILD/feedwatch" "$FW_PY" - "$conf" "$db" "$out" "$gen" "$NOTIFY_LOG" \
	"$exec_log" "$T_TMP" "$kills" "$seed" > "$T_TMP/crash.json" 2> "$T_TMP/crash.err" <<'PY'
import collections, html, json, os, random, re, shutil, signal, sqlite3, subprocess, sys, time

conf, db, out, gen, nlog, xlog, tmp, kills, seed = sys.argv[1:10]
kills, seed = int(kills), int(seed)
fw = os.environ["FW_CMD"].split() + ["-c", conf]
rng = random.Random(seed)
t_start = time.monotonic()
BUDGET = 120.0 if not os.environ.get("FW_WRAP") else 500.0   # seconds: a ceiling, not the plan
EXEC = not os.environ.get("FW_WRAP")     # the exec recorder is on
STRIDE = 4            # revisions between kills: about a third of the feeds change
problems = []         # (kill number, text)
truth = set()
truths = []
titles = collections.defaultdict(set)   # (feed, item title) -> item ids, every revision
stats = collections.Counter()


def problem(k, text):
    problems.append("kill %d: %s" % (k, text))


def load_truth(rev):
    path = os.path.join(tmp, "truth.%d" % rev)
    shutil.copy(os.path.join(out, "truth.tsv"), path)
    truths.append(path)
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                truth.add(tuple(line.rstrip("\n").split("\t")))
    with open(os.path.join(out, "items.tsv"), encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                feed, iid, _, title, _ = line.rstrip("\n").split("\t")
                titles[(feed, title)].add(iid)


def integrity():
    con = sqlite3.connect(db, timeout=10)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()


def hits():
    r = subprocess.run(fw + ["hits", "--format", "json", "--limit", "0"], capture_output=True,
                       text=True, timeout=60)
    if r.returncode != 0:
        raise RuntimeError("feedwatch hits: %s" % r.stderr.strip())
    return [json.loads(l) for l in r.stdout.splitlines() if l.strip()]


def note_keys(line, hs):
    """The hits a per-item desktop notification (a line of the server's log:
    "Topic · Topic — Feed title", the item's title first in the body) names:
    a tuple of the (feed, item id, topic) keys it may be for each topic (one,
    unless titles repeat); None for other notices (coalesced, summaries). An
    item is found by its feed's title and its title in any revision (an edit
    changes the title), a cut title (ending in an ellipsis) by prefix."""
    feed_of = {h["feed_title"]: h["feed"] for h in hs}
    topic_of = {h["topic_name"]: h["topic"] for h in hs}
    note = json.loads(line)
    names, _, feed_title = note["summary"].rpartition(" — ")
    names = names.split(" · ")
    feed = feed_of.get(feed_title)
    if feed is None or not all(n in topic_of for n in names):
        return None
    title = html.unescape(note["body"].split("\n")[0])
    ids = titles.get((feed, title), set())
    if not ids and title.endswith("…"):
        ids = set().union(*[v for (f, t), v in titles.items()
                            if f == feed and t.startswith(title[:-1])] or [set()])
    if not ids:
        return None
    return [tuple(sorted((feed, i, topic_of[n]) for i in ids)) for n in names]


def runs():
    """Recorder runs: hit id -> count."""
    with open(xlog, encoding="utf-8") as fh:
        return collections.Counter(int(l.split("\t")[0]) for l in fh if l.strip())


class Tail:
    """New lines of a log, each with the time it was first read."""
    def __init__(self, path):
        self.fh = open(path, encoding="utf-8")
        self.fh.seek(0, 2)
        self.part = ""
        self.lines = []

    def poll(self):
        data = self.fh.read()
        if data:
            now = time.time()
            data = self.part + data
            *full, self.part = data.split("\n")
            self.lines += [(now, l) for l in full if l.strip()]
        return len(self.lines)

    def close(self):
        self.poll()
        self.fh.close()


def check(k):
    """After a poll to completion: exactly the truth, each once, all delivered;
    recorder runs and per-item desktop notices at most once more than
    delivered. Returns the hits."""
    hs = hits()
    keys = collections.Counter((h["feed"], h["item_id"], h["topic"]) for h in hs)
    for key, c in keys.items():
        if c > 1:
            problem(k, "hit %s listed %d times" % ("/".join(key), c))
    for key in sorted(truth - set(keys))[:5]:
        problem(k, "missing hit %s" % "/".join(key))
    for key in sorted(set(keys) - truth)[:5]:
        problem(k, "unexpected hit %s" % "/".join(key))
    ran = runs()
    for h in hs:
        delivered = h["notified"] == "delivered"
        if not delivered:
            problem(k, "hit %s is %s after a complete poll" % (h["id"], h["notified"]))
        if not EXEC:
            continue
        if ran[h["id"]] > delivered + 1 or ran[h["id"]] < delivered:
            problem(k, "hit %s ran the recorder %d times, delivered %d" % (h["id"], ran[h["id"]],
                                                                          delivered))
    for hid in set(ran) - {h["id"] for h in hs}:
        problem(k, "the recorder ran for hit %s, which does not exist" % hid)
    by_key = {(h["feed"], h["item_id"], h["topic"]): h for h in hs}
    named = collections.Counter()
    stats["desktop notices naming items"] = stats["other desktop notices"] = 0
    with open(nlog, encoding="utf-8") as fh:
        for line in fh:
            ks = note_keys(line, hs) if line.strip() else None
            stats["desktop notices naming items" if ks else "other desktop notices"] += 1
            for group in ks or []:
                named[group] += 1
    for group, c in named.items():
        delivered = sum(by_key[g]["notified"] == "delivered" for g in group if g in by_key)
        if c > delivered + len(group):
            problem(k, "%s named by %d desktop notices, delivered %d" % (
                " or ".join("/".join(g) for g in group), c, delivered))
    return hs


def run_poll(k):
    t0 = time.monotonic()
    r = subprocess.run(fw + ["poll"], capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        problem(k, "the poll after the restart exited %d: %s" % (r.returncode,
                                                                 r.stderr.strip()[-300:]))
    m = re.search(r"(\d+) new items, (\d+) new hits, (\d+) notifications? sent", r.stderr)
    if m:
        items, new_hits, sent = map(int, m.groups())
        stats["restarts that stored items the kill left unstored"] += items > 0
        stats["restarts that sent notifications the kill left pending"] += sent > 0 and new_hits == 0
    return time.monotonic() - t0


est = 0.15
ages = {"again": [], "once": []}   # ms from a recorder run to the kill
rev, it, real = 0, 0, 0
nextgen = None
while real < kills and it < 3 * kills and time.monotonic() - t_start < BUDGET:
    it += 1
    if nextgen:    # the first poll is the cold one, on revision 0
        if nextgen.wait() != 0:
            raise RuntimeError("gen_corpus.py --revision %d failed" % rev)
    load_truth(rev)
    # Odd polls: killed at a uniform moment; even ones: a few ms after the
    # first notification went out (desktop or exec).
    after_notify = it % 2 == 0
    tail, ntail = Tail(xlog), Tail(nlog)
    errf = open(os.path.join(tmp, "killed.err"), "w")
    p = subprocess.Popen(fw + ["poll"], stdout=subprocess.DEVNULL, stderr=errf)
    t0 = time.monotonic()
    if after_notify:
        delay = rng.uniform(0, 0.008)
        while (p.poll() is None and tail.poll() == 0 and ntail.poll() == 0 and
               time.monotonic() - t0 < 20):
            time.sleep(0.0002)
        deadline = time.monotonic() + delay
    else:
        deadline = t0 + rng.uniform(0, 1.3 * est)
    while p.poll() is None and time.monotonic() < deadline:
        tail.poll()
        time.sleep(0.0002)
    killed = p.poll() is None
    t_kill = time.time()
    if killed:
        os.kill(p.pid, signal.SIGKILL)
        real += 1
        stats["kills a few ms after a notification" if after_notify
              else "kills at a uniform moment"] += 1
    else:
        stats["polls that ended before the kill"] += 1
    p.wait()
    errf.close()
    time.sleep(0.05)       # recorders the killed poll started may still write
    tail.close()
    ntail.close()
    ic = integrity()
    if ic != "ok":
        problem(real, "integrity_check: %s" % ic)
    again = Tail(xlog)
    dur = run_poll(real)
    again.close()
    est = 0.7 * est + 0.3 * max(dur, 0.02)
    # The next revision is written while this one is checked (the checks read
    # nothing under the served tree: load_truth copied what they need).
    rev += STRIDE
    nextgen = subprocess.Popen([sys.executable, gen, out, "--feeds", "30", "--items", "10",
                                "--seed", "1", "--revision", str(rev)],
                               stdout=subprocess.DEVNULL)
    hs = check(real)
    # The duplicates window: how long before the kill the recorder had run
    # for the hits that the restart notified again, and for the others.
    if killed:
        resent = {l.split("\t")[0] for _, l in again.lines}
        for _, l in tail.lines:
            hid, _, _, t = l.split("\t")
            dup = hid in resent
            ages["again" if dup else "once"].append(round((t_kill - float(t)) * 1000, 2))
            stats["hits notified again after a kill"] += dup

# The revision written last is served too: polled to completion and checked.
if nextgen:
    if nextgen.wait() != 0:
        raise RuntimeError("gen_corpus.py --revision %d failed" % rev)
    load_truth(rev)
    run_poll(real)
    check(real)

print(json.dumps({
    "kills": real, "iterations": it, "revisions": rev, "seconds": round(time.monotonic() - t_start, 1),
    "truth_files": truths, "hits_expected": len(truth), "problems": problems,
    "stats": stats, "ages": ages,
}))
PY
st=$?
ok $st "the crash driver ran to the end"
[ $st = 0 ] || diag "$(tail -n 20 "$T_TMP/crash.err")"
summary() { "$FW_PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$T_TMP/crash.json" "$1" 2>/dev/null; }
n=$(summary 'd["kills"]')
if [ -n "$FW_WRAP" ]; then
	ok $([ "${n:-0}" -ge "$kills" ]; echo $?) "$n kills under FW_WRAP (the full run does $((${FW_CRASH_KILLS:-60})))"
else
	ok $([ "${n:-0}" -ge 50 ]; echo $?) "at least 50 SIGKILLs ($n, seed $seed, $(summary 'd["revisions"]') revisions, $(summary 'd["seconds"]') s)"
fi
is "$(summary 'len(d["problems"])')" 0 "after every kill: integrity ok, the truth exactly once, all delivered, notified at most once more than delivered"
[ "$(summary 'len(d["problems"])')" = 0 ] || diag "$(summary '"\n".join(d["problems"][:20])')"
diag "$(summary '"\n".join("%s: %d" % kv for kv in sorted(d["stats"].items()))')"
diag "$(summary '"duplicates window: the %d hits notified again after a kill had run the recorder %s ms before the kill (negative: it ran after the kill); of the %d notified once, the latest ran %s ms before" % (len(d["ages"]["again"]), sorted(d["ages"]["again"]), len(d["ages"]["once"]), min(d["ages"]["once"] or [None]))')"

# The end state, checked again with the shared tools.
is "$("$FW_PY" -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("PRAGMA integrity_check").fetchone()[0])' "$db")" ok \
	"PRAGMA integrity_check at the end"
fw -c "$conf" hits --format json --limit 0 > "$T_TMP/hits.json" 2> "$T_TMP/hits.err"
ok $? "feedwatch hits --format json --limit 0"
mapfile -t tf < <(summary '"\n".join(d["truth_files"])')
targs=()
for f in "${tf[@]}"; do targs+=(--truth "$f"); done
res=$("$FW_PY" "$FW_HELPERS/truth_diff.py" hits "$T_TMP/hits.json" "${targs[@]}" 2>&1)
ok $? "every hit of the ${#tf[@]} revisions served is present exactly once (truth_diff.py)"
diag "$res"
is "$("$FW_PY" -c 'import json,sys; print(sorted({json.loads(l)["notified"] for l in open(sys.argv[1])}))' "$T_TMP/hits.json")" \
	"['delivered']" "every hit ends delivered"
shown=$(wc -l < "$NOTIFY_LOG")
ran=$(wc -l < "$exec_log")
[ -n "$FW_WRAP" ] && ran=$(grep -c . "$T_TMP/hits.json")
ok $([ "$shown" -gt 0 ] && [ "$ran" -ge "$(grep -c . "$T_TMP/hits.json")" ]; echo $?) \
	"the notification server saw $shown notifications, the recorder ran $ran times"
cp "$exec_log" "$exec_log.end"
fw -c "$conf" poll > /dev/null 2>&1
is "$(wc -l < "$NOTIFY_LOG")" "$shown" "one more poll notifies nothing again"
is "$(wc -l < "$exec_log")" "$(wc -l < "$exec_log.end")" "... and runs no recorder again"
done_testing
