#!/usr/bin/env python3
"""Writes a deterministic feed corpus for feedwatch's benchmarks and tests.

    gen_corpus.py OUT --feeds N --items M [--revision R] [--topics K[,K...]]
                  [--seed S] [--mix default|wide] [--verify]

Under OUT:
  feeds/fNNNN.xml  N feeds of M items each, in seven dialects (feed f has
                   dialect DIALECT_ORDER[f % 10]):
                     rss2-wp      WordPress RSS 2.0: CDATA description and
                                  content:encoded, guid isPermaLink="false",
                                  dc:creator, categories
                     atom         Atom 1.0: escaped HTML content and summary,
                                  type="html" titles, tag: ids
                     rss1         RSS 1.0 (RDF): dc:date, rdf:about ids that
                                  differ from the links
                     rss2-plain   RSS 2.0 with entity-escaped HTML, no guid
                                  (identity = link)
                     rss2-latin1  Spanish/Portuguese RSS 2.0 in ISO-8859-1
                                  (raw Latin-1 bytes, some &#...; references)
                     atom-base    UTF-8 Atom with xml:base and relative links,
                                  type="xhtml" content, urn:uuid ids
                     rss2-cp1252  English RSS 2.0 written in Windows-1252 (curly
                                  quotes, dashes as 0x91-0x97) but labelled
                                  ISO-8859-1
                   --mix wide is a second mix for the benchmarks (issue 19):
                   feed f has dialect WIDE_ORDER[f % 10] (three in ten RSS 1.0,
                   three ISO-8859-1, one Windows-1252), bodies about three
                   times as long (8-16 paragraphs of 3-7 sentences), each
                   seed topic planted in one item in four (1-3 mentions an
                   item) instead of one in twenty
  truth.tsv        feed key <TAB> item id <TAB> topic key: every hit the three
                   seed topics must make on the items of this revision
  items.tsv        feed key <TAB> item id <TAB> link <TAB> title <TAB> published
                   (Unix seconds): what `feedwatch hits` should report for
                   every item (absolute link after xml:base, plain-text title)
  feedwatch.conf   [feedwatch] interval = 5m, the three seed topics of docs/design.md,
                   one [feed fNNNN] group a feed with url = @BASE@/feeds/fNNNN.xml
  topics-K.conf    K synthetic [topic tNNNNN] groups, all query forms (--topics K;
                   --topics 10,10000 writes topics-10.conf and topics-10000.conf)
  urls.txt         feeds/fNNNN.xml, one a line (relative to the served root)
  changed.txt      the feed files this run (re)wrote, one a line
  stats.txt        counts and sizes (also printed)

Revisions.  Revision R is the corpus R poll cycles later.  At each revision
r = 1..R about 10% of feeds gain 1-3 new items on top (the oldest fall off, a
feed always holds M items) and about 2% have one older item edited in place
(same id; title gets "(updated)", a neutral sentence is appended to the body).
An edit never adds or removes a planted mention, so the hits new at revision R
are exactly truth(R) minus truth(R-1), all of them on new items.  A feed file
is rewritten only when its bytes change (atomically, via a temporary file and
os.replace); unchanged files keep their mtime, so a web server answers 304 for
them; a rewritten file's mtime is moved at least one second past the old one
so that If-Modified-Since sees the change.  Generate revisions in order into
the same OUT (0, then 1, ...) to get realistic changed.txt lists.

Truth.  Prose comes from a fixed vocabulary that holds no word of the seed
topics (milei, mercosur, mercosul, china, chinese, beijing, mercado, swap*),
so the only mentions are the planted ones: positives (case, accents, HTML
tags and entities around them, possessives, hyphens, in titles, bodies and
categories) and near misses that must not match (mileage, Milena, Mercury,
Mercado Libre, "Mercado Común Europeo", Chinatown, China or swap alone, China
and swap far apart or in different fields, "milei" inside tag attributes,
<script> and <style>, the author and the link, which are not default fields).
Every item is checked by an independent reference matcher written from
docs/design.md "The query language" (whole words after HTML-to-text, NFKD, case folding,
marks removed; NEAR distances are kept clear of the 8-word boundary: planted
pairs are at most 7 words apart, near misses at least 13); a disagreement
with the planted set aborts the run.

Everything follows from --seed: every random choice comes from a
random.Random seeded with a SHA-256 of (seed, what, feed, item...), never
from Python's hash().  Standard library only; Python 3.9 or later.
"""
import argparse
import hashlib
import html
import os
import re
import random
import sys
import time
import unicodedata
from datetime import datetime, timedelta, timezone

DIALECT_ORDER = ["rss2-wp", "atom", "rss1", "rss2-plain", "rss2-latin1",
                 "rss2-wp", "atom-base", "rss2-cp1252", "rss2-wp", "atom"]
WIDE_ORDER = ["rss1", "rss2-latin1", "rss2-wp", "rss1", "rss2-cp1252",
              "rss2-latin1", "atom", "rss1", "rss2-latin1", "rss2-plain"]

SEED_TOPICS = [
    ("milei", None, "Milei"),
    ("mercosur", None, 'Mercosur OR Mercosul OR "Mercado Común del Sur"'),
    ("china-swaps", "China swaps", "(China OR Chinese OR Beijing) NEAR/8 swap*"),
]
TOPIC_KEYS = [k for k, _, _ in SEED_TOPICS]

# Rates per item and topic.
P_POSITIVE = 0.05
P_POSITIVE_WIDE = 0.25   # --mix wide
P_NEAR_MISS = 0.07
P_GROW = 10          # one feed in P_GROW gains items at a revision
P_EDIT = 50          # one feed in P_EDIT has an item edited at a revision

EPOCH = datetime(2024, 11, 20, 6, 0, tzinfo=timezone.utc)

# ---------------------------------------------------------------------------
# Vocabulary.  None of these words may normalise to a seed topic word.

ENGLISH = """
the of and to in a that is for on with as was by at from his her their it be
are this have has had not but which an they were been who will would its more
one about after over new also than some into other first two last year years
government minister president policy economy economic trade market markets
deal talks agreement plan plans reform reforms budget tax taxes inflation
growth bank banks central currency dollar peso debt loan loans credit rate rates
interest investors export exports import imports tariff tariffs bloc region
regional southern northern western eastern national international foreign
domestic public private sector industry farmers soybeans beef wheat energy oil
gas mining lithium copper steel ports shipping freight corn coffee sugar
election elections vote voters campaign party parties congress senate court
judge law bill decree ministry office official officials spokesman spokeswoman
press conference statement report reports data figures survey analysts
economists critics supporters opponents unions workers strike protest protests
city capital province state states country countries nation nations neighbors
summit meeting visit trip delegation envoy ambassador embassy alliance treaty
security defense military navy border migration crime police courts prison
week month months day days morning evening night today yesterday tomorrow
early late recent recently already still again never often sometimes always
said says told asked added noted argued warned claimed denied confirmed
announced expected planned agreed signed rejected approved delayed promised
could should might must may can did does do make made take took give gave
keep kept hold held move moved open opened close closed rise rose fall fell
cut cuts raise raised lower lowered spend spent save saved build built
strong weak high low large small big major minor key main broad narrow
long short wide deep full empty clear hard soft quick slow fair free
good better best bad worse worst great little much many few several most
political social cultural historical financial fiscal monetary legal moral
question answer problem problems issue issues crisis risk risks chance choice
power control influence pressure support opposition interest interests
history future past present change changes view views idea ideas story
people person family families children school schools health hospital
water land river coast mountain valley field forest island islands sea
north south east west across between among within without against toward
because while although though since until unless whether before during
leader leaders prime chief head director governor mayor adviser advisers
investment investments fund funds bond bonds stock stocks share shares
price prices wage wages salary income spending deficit surplus reserve reserves
balance account accounts payment payments exchange exchanges yield yields
quarter annual monthly weekly daily percent points level levels record
higher lower faster slower stronger weaker larger smaller newer older
american european african asian argentine brazilian chilean peruvian
uruguayan paraguayan bolivian mexican canadian british french german italian
spanish russian indian japanese korean turkish saudi egyptian
washington london paris berlin madrid brussels tokyo moscow delhi
montevideo asuncion santiago lima bogota caracas brasilia havana
""".split()

# Rare words, proper names and verbs; every one ordinary.
ENGLISH_EXTRA = """
Caputo Bullrich Villarruel Kicillof Massa Lula Boric Petro Sheinbaum Orsi
Pena Arce Noboa Bukele Scholz Macron Meloni Sanchez Starmer Modi Erdogan
Patagonia Pampas Andes Atlantic Pacific Rosario Cordoba Mendoza Salta
argue argues arguing tends tend counts counted lasting shifting shrinking
widening narrowing hedging borrowing lending buying selling hiring firing
""".split()

SPANISH = """
el la los las de del y en que por para con una un su sus al lo como más pero
gobierno presidente ministro ministra economía económica económico política
político inflación precios salarios dólar peso deuda crédito banco bancos
tasa tasas interés mercados exportaciones importaciones aranceles acuerdo
negociación negociaciones reunión cumbre región regional bloque socios
según fuentes oficiales anunció afirmó dijo señaló explicó aseguró advirtió
semana próxima mes año años día hoy ayer mañana después antes durante
congreso senado diputados ley decreto reforma reformas ajuste presupuesto
provincia ciudad país países nación capital frontera puerto puertos
campo agricultores soja trigo carne energía petróleo gas minería litio
trabajadores sindicatos huelga protesta elecciones votos campaña partido
también además sin embargo mientras aunque porque cuando donde desde hasta
nuevo nueva nuevos nuevas gran grande alta alto baja bajo fuerte débil
crecimiento recesión inversión inversores reservas divisas cambio cambiaria
governo ministério economia inflação preços salários dívida acordo reunião
negociações exportações importações região países também não são está
então porém além durante após semana próxima ano anos hoje ontem amanhã
eleições votação campanha partido trabalhadores sindicatos greve protesto
crescimento recessão investimento investidores reservas câmbio cambial
""".split()

STEMS = ("milei", "mercosur", "mercosul", "mercado", "china", "chinese", "beijing")


def normalize(word):
    """NFKD, case fold, combining marks removed (docs/design.md "The query language")."""
    d = unicodedata.normalize("NFKD", word).casefold()
    return "".join(c for c in d if not unicodedata.combining(c))


def is_seed_word(word):
    n = normalize(word)
    return n in STEMS or n.startswith("swap")


def make_rare_words():
    """About 6000 pronounceable pseudo-words: the long tail synthetic topics use."""
    syll = ["ka", "lo", "ver", "tri", "van", "dox", "pel", "quo", "rin", "zet", "bra", "fen",
            "gor", "mu", "nas", "tel", "pri", "sko", "dal", "wen", "ju", "rok", "hi", "bes"]
    rng = random.Random(7)
    words = set()
    while len(words) < 6000:
        w = "".join(rng.choice(syll) for _ in range(rng.randint(2, 4)))
        if not is_seed_word(w) and not re.search(r"mile|merc|chin|beij|swap", w):
            words.add(w)
    return sorted(words)


RARE = make_rare_words()
WIDE = False   # --mix wide (set once by main)

for _w in ENGLISH + ENGLISH_EXTRA + SPANISH:
    assert not is_seed_word(_w), _w
    assert re.fullmatch(r"[^\W\d_]+", _w), _w
for _w in SPANISH:
    _w.encode("iso-8859-1")


def cumulative(weights):
    out, t = [], 0.0
    for w in weights:
        t += w
        out.append(t)
    return out


class Vocab:
    """Words drawn with Zipf-like weights; rare pseudo-words make ~2% of the mass."""

    def __init__(self, common, rare):
        common_w = [1.0 / (i + 1) ** 0.9 for i in range(len(common))]
        total = sum(common_w)
        rare_w = [1.0 / (i + 1) ** 1.1 for i in range(len(rare))]
        scale = 0.02 * total / sum(rare_w)
        self.words = list(common) + list(rare)
        self.cum = cumulative(common_w + [w * scale for w in rare_w])

    def words_n(self, rng, n):
        return rng.choices(self.words, cum_weights=self.cum, k=n)


VOCAB_EN = Vocab(ENGLISH + ENGLISH_EXTRA, RARE)
VOCAB_ES = Vocab(SPANISH, RARE[:600])


def sentence(rng, vocab, lo=9, hi=25, curly=False):
    ws = vocab.words_n(rng, rng.randint(lo, hi))
    ws[0] = ws[0][:1].upper() + ws[0][1:]
    if len(ws) > 6 and rng.random() < 0.4:
        ws[rng.randrange(2, len(ws) - 2)] += ","
    if curly and len(ws) > 5 and rng.random() < 0.3:
        i = rng.randrange(1, len(ws) - 3)
        ws[i] = "“" + ws[i]
        ws[i + 2] = ws[i + 2] + "”"
    return " ".join(ws) + rng.choice([".", ".", ".", "?", "…" if curly else "."])


def neutral_words(rng, vocab, n):
    return " ".join(vocab.words_n(rng, n))


# ---------------------------------------------------------------------------
# Planted mentions.  "html" forms go into bodies (HTML); "text" forms may also
# go into titles.  Positives keep China/Beijing and swap* at most 7 words apart.

POSITIVE = {
    "milei": {
        "text": ["Milei", "MILEI", "milei", "President Javier Milei", "Milei’s government",
                 "Milei's reforms", "the Trump-Milei meeting", "anti-Milei protesters",
                 "ＭＩＬＥＩ"],
        "html": ["<em>Milei</em>", "<a href=\"https://example.org/people/1\">Javier Milei</a>",
                 "<strong>Milei’s</strong> budget", "Javier&nbsp;Milei"],
        "es": ["Milei", "el gobierno de Milei", "MILEI", "el presidente Javier Milei"],
    },
    "mercosur": {
        "text": ["Mercosur", "MERCOSUR", "the Mercosul bloc", "Mercado Común del Sur",
                 "Mercado Comun del Sur", "MERCADO COMÚN DEL SUR", "Mercosur's"],
        "html": ["<a href=\"https://example.org/bloc\">Mercosur</a>",
                 "<em>Mercado Común del Sur</em>", "Mercado Com&uacute;n del Sur",
                 "Mercado&nbsp;Común del&nbsp;Sur"],
        "es": ["el Mercosur", "o Mercosul", "el Mercado Común del Sur", "Mercado Comun del Sur"],
    },
    "china-swaps": {
        "text": ["currency swaps with China", "China's swap line", "a Chinese swap agreement",
                 "the swap deal with Beijing", "swapped its debt with China",
                 "China’s currency-swap line", "Beijing agreed to extend the swap",
                 "Chinese and Argentine central banks renewed their swap"],
        "html": ["currency <em>swaps</em> with <a href=\"https://example.org/cn\">China</a>",
                 "the <strong>China</strong> swap", "China&rsquo;s swap line"],
        "es": ["el swap de monedas con China", "el swap con China", "o swap cambial com a China",
               "la ampliación del swap chino con Beijing"],
    },
}

NEAR_MISS = {
    "milei": {
        "text": ["mileage", "Milena", "Mileto", "a mile in", "Mileiro", "Mileikowsky"],
        "html": ["<img alt=\"x\" class=\"milei\" src=\"https://example.org/img/milei.jpg\">",
                 "<a href=\"https://example.org/tag/milei\" title=\"Milei\">the president</a>",
                 "<span class=\"milei\" data-topic=\"Milei\">the president</span>",
                 "<script>var milei = \"Milei\";</script>",
                 "<style>.milei { color: red }</style>"],
        "es": ["Milena", "las millas", "Mileto"],
        "author": ["Ana Milei"],
        "link": ["milei"],
    },
    "mercosur": {
        "text": ["Mercury", "Mercer", "Mercado Libre", "the Mercado Común Europeo",
                 "Mercosurian", "a common market of the south"],
        "html": ["<img alt=\"x\" class=\"mercosur\">",
                 "<a href=\"https://example.org/mercosur\">the bloc</a>"],
        "es": ["Mercado Libre", "el Mercado Común Europeo", "la mercadería"],
        "author": ["Mercosur Desk"],
        "link": ["mercosur"],
    },
    "china-swaps": {
        "text": ["the Chinatown swap meet", "China", "a swap", "Beijing", "swapping seats",
                 "Indochina swaps"],
        "html": ["<img alt=\"x\" class=\"china swap\">", "the <em>Chinatown</em> swaps"],
        "es": ["el swap chino", "el swap con Pekín", "China", "un swap"],
        "far": True,      # China and swap far apart in one field
        "split": True,    # China in the title, swap in the body
        "author": ["China Swap Desk"],
        "link": ["china-swap"],
    },
}

CATEGORIES = ["Politics", "Economy", "World", "Latin America", "Trade", "Finance", "Opinion",
              "Energy", "Agriculture", "Diplomacy"]
CATEGORY_POSITIVE = {"milei": "Javier Milei", "mercosur": "Mercosur"}


def strip_tags(s):
    s = re.sub(r"<(script|style)\b.*?</\1>", " ", s, flags=re.S | re.I)
    s = re.sub(r"<[^>]*>", "", s)
    return html.unescape(s)


# ---------------------------------------------------------------------------
# Reference matcher (the truth check).

WORD_RE = re.compile(r"[^\W_]+")
QUICK_RE = re.compile(r"mil|merc|chin|beij|swap|ｍ", re.I)


def field_tokens(text):
    return [normalize(w) for w in WORD_RE.findall(text)]


def match_fields(fields):
    """Topics the seed queries match in these plain-text fields, and for
    china-swaps the smallest China..swap distance seen (None: no pair)."""
    hits, best = set(), None
    for text in fields:
        if not text or not QUICK_RE.search(text):
            continue
        toks = field_tokens(text)
        if "milei" in toks:
            hits.add("milei")
        if "mercosur" in toks or "mercosul" in toks:
            hits.add("mercosur")
        for i in range(len(toks) - 3):
            if toks[i:i + 4] == ["mercado", "comun", "del", "sur"]:
                hits.add("mercosur")
        a = [i for i, t in enumerate(toks) if t in ("china", "chinese", "beijing")]
        b = [i for i, t in enumerate(toks) if t.startswith("swap")]
        for i in a:
            for j in b:
                d = abs(i - j)
                best = d if best is None else min(best, d)
    if best is not None and best <= 8:
        hits.add("china-swaps")
    return hits, best


# ---------------------------------------------------------------------------
# Items.

def stable(*parts):
    return int.from_bytes(hashlib.sha256("\x1f".join(map(str, parts)).encode()).digest()[:8], "big")


def rng_for(*parts):
    return random.Random(stable(*parts))


class Item:
    __slots__ = ("no", "id", "link", "rel_link", "base", "title", "title_html", "paras",
                 "summary", "categories", "author", "published", "hits")


def lang_of(dialect):
    return "es" if dialect == "rss2-latin1" else "en"


def plant(rng, title_words, paras, where, phrase):
    """Puts phrase into the title or a paragraph (as a clause of its own)."""
    if where == "title":
        pos = rng.choice(["end", "start"])
        if pos == "end":
            title_words.append("—")
            title_words.append(phrase)
        else:
            title_words.insert(0, phrase + ":")
    else:
        i = rng.randrange(len(paras))
        sents = paras[i]
        j = rng.randrange(len(sents) + 1)
        sents.insert(j, phrase)


def make_item(seed, f, n, dialect, edits):
    """Item n of feed f: fields, planted mentions and expected hits."""
    rng = rng_for(seed, "item", f, n)
    lang = lang_of(dialect)
    vocab = VOCAB_ES if lang == "es" else VOCAB_EN
    curly = dialect in ("rss2-cp1252", "rss2-wp", "atom")
    if WIDE:
        paras = [[sentence(rng, vocab, curly=curly) for _ in range(rng.randint(3, 7))]
                 for _ in range(rng.randint(8, 16))]
    else:
        paras = [[sentence(rng, vocab, curly=curly) for _ in range(rng.randint(2, 5))]
                 for _ in range(rng.randint(3, 7))]
    p_positive = P_POSITIVE_WIDE if WIDE else P_POSITIVE
    title_words = sentence(rng, vocab, 5, 11).rstrip(".?…").split()
    if rng.random() < 0.1:
        title_words.insert(rng.randrange(1, len(title_words)), "&")
    categories = [c for c in CATEGORIES if rng.random() < 0.15][:3]
    author = "Desk %d" % (f % 7)
    slug_extra = ""
    planted = set()
    far_after = None
    title_split = None
    title_em = None
    for topic in TOPIC_KEYS:
        r = rng.random()
        if r < p_positive:
            planted.add(topic)
            where = "title" if rng.random() < 0.25 else "body"
            if topic in CATEGORY_POSITIVE and dialect == "rss2-wp" and rng.random() < 0.15:
                categories.append(CATEGORY_POSITIVE[topic])
                continue
            if lang == "es":
                phrase = rng.choice(POSITIVE[topic]["es"])
            elif where == "body" and rng.random() < 0.4:
                phrase = rng.choice(POSITIVE[topic]["html"])
            else:
                phrase = rng.choice(POSITIVE[topic]["text"])
            if where == "title" and dialect == "atom" and rng.random() < 0.5:
                title_em = phrase
            plant(rng, title_words, paras, where, phrase)
            for _ in range(rng.randint(0, 2) if WIDE else 0):
                # more mentions of it in the body
                forms = POSITIVE[topic]["es" if lang == "es" else rng.choice(["html", "text"])]
                plant(rng, title_words, paras, "body", rng.choice(forms))
        elif r < p_positive + P_NEAR_MISS:
            nm = NEAR_MISS[topic]
            kinds = ["text", "text", "html"] if lang == "en" else ["es"]
            kinds += ["author"] * (dialect in ("rss2-wp", "atom", "atom-base"))
            kinds += ["link"] if dialect == "rss2-plain" else []
            kinds += ["far", "far"] if nm.get("far") else []
            kinds += ["split"] if nm.get("split") else []
            kind = rng.choice(kinds)
            if kind == "author":
                author = rng.choice(nm["author"])
            elif kind == "link":
                slug_extra = rng.choice(nm["link"]) + "-"
            elif kind == "far":
                far_after = rng.randrange(len(paras))
            elif kind == "split":
                title_split = True
            else:
                phrase = rng.choice(nm[kind])
                where = "body" if kind == "html" or rng.random() < 0.7 else "title"
                plant(rng, title_words, paras, where, phrase)
    if "china-swaps" not in planted and "china-swaps" in TOPIC_KEYS:
        if far_after is not None:
            # China, then at least 13 neutral words, then swap, in one paragraph
            gap = neutral_words(rng, vocab, rng.randint(14, 30))
            first = rng.choice(["China", "Beijing", "Chinese officials"])
            paras[far_after].insert(0, "%s said %s. The swap %s." % (
                first, gap, neutral_words(rng, vocab, 4)))
        if title_split:
            title_words.append("— China")
            paras[0].insert(0, "The swap %s." % neutral_words(rng, vocab, 5))
    # edits: same id, changed title and body, no new mention
    title = " ".join(title_words)
    if edits:
        title += " (updated)" if edits == 1 else " (updated %d)" % edits
        for e in range(edits):
            erng = rng_for(seed, "edit-text", f, n, e)
            paras[-1].append("Update: " + sentence(erng, vocab))
    it = Item()
    it.no = n
    it.paras = ["<p>" + " ".join(s) + "</p>" for s in paras]
    if rng.random() < 0.15:
        k = rng.randrange(len(it.paras))
        it.paras[k] = "<blockquote>" + it.paras[k] + "</blockquote>"
    if rng.random() < 0.1:
        it.paras.append("<ul><li>" + sentence(rng, vocab, 4, 8) + "</li><li>" +
                        sentence(rng, vocab, 4, 8) + "</li></ul>")
    it.title = title
    it.title_html = esc(title)
    if title_em:  # atom titles are type="html": mark the mention up
        it.title_html = it.title_html.replace(esc(title_em), "<em>%s</em>" % esc(title_em), 1)
    first_text = strip_tags(it.paras[0])
    it.summary = excerpt(first_text, 240)
    it.categories = categories
    it.author = author
    it.published = published_time(seed, f, n)
    ident(it, seed, f, n, dialect, slug_extra)
    fields = [it.title, it.summary, strip_tags("\n".join(it.paras))] + list(categories)
    got, dist = match_fields(fields)
    if got != planted or ("china-swaps" in got and dist > 7) or \
            ("china-swaps" not in got and dist is not None and dist < 13):
        raise SystemExit("gen_corpus: item %d of feed %d: planted %s but the reference "
                         "matcher finds %s (China..swap distance %s); fields: %r"
                         % (n, f, sorted(planted), sorted(got), dist, fields))
    it.hits = planted
    return it


def excerpt(text, limit):
    """At most limit characters of text, cut at a space, never inside a word."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[:cut if cut > 0 else limit].rstrip(" ,;:")


def published_time(seed, f, n):
    jitter = stable(seed, "time", f, n) % 5400
    return int((EPOCH + timedelta(hours=2 * n, seconds=jitter)).timestamp())


def ident(it, seed, f, n, dialect, slug_extra):
    """Sets id, link (absolute), rel_link and base (atom-base) as docs/design.md defines identity."""
    host = "news%d.example.org" % f
    day = datetime.fromtimestamp(it.published, timezone.utc).strftime("%Y/%m/%d")
    it.rel_link, it.base = None, None
    if dialect == "rss2-wp":
        it.link = "https://%s/%s/story-%d/" % (host, day, n)
        it.id = "https://%s/?p=%d" % (host, 1000 + n)
    elif dialect == "atom":
        it.link = "https://%s/entries/%d" % (host, n)
        it.id = "tag:%s,2024:entry-%d" % (host, n)
    elif dialect == "rss1":
        it.link = "https://%s/story/%d.html" % (host, n)
        it.id = "https://%s/rdf/%d" % (host, n)
    elif dialect == "rss2-plain":
        it.link = "https://%s/%d/%sstory" % (host, n, slug_extra)
        it.id = it.link
    elif dialect == "rss2-latin1":
        it.link = "https://noticias%d.example.com.ar/nota/%d" % (f, n)
        it.id = it.link
    elif dialect == "atom-base":
        h = hashlib.sha256(("%s/%d/%d" % (seed, f, n)).encode()).hexdigest()
        it.id = "urn:uuid:%s-%s-4%s-a%s-%s" % (h[:8], h[8:12], h[13:16], h[17:20], h[20:32])
        k = n % 3
        if k == 0:      # relative to the feed's xml:base https://host/blog/
            it.rel_link = "posts/%d.html" % n
            it.link = "https://%s/blog/posts/%d.html" % (host, n)
        elif k == 1:    # the entry's own xml:base
            it.base = "/archive/2024/"
            it.rel_link = "%d" % n
            it.link = "https://%s/archive/2024/%d" % (host, n)
        else:
            it.rel_link = "../news/%d?ref=feed" % n
            it.link = "https://%s/news/%d?ref=feed" % (host, n)
    else:  # rss2-cp1252
        it.link = "https://%s/articles/%d" % (host, n)
        it.id = "post-%d@%s" % (n, host)


# ---------------------------------------------------------------------------
# Feeds and revisions.

def growth(seed, f, r):
    """New items feed f gains at revision r (0 for ~90% of feeds)."""
    if stable(seed, "grow", f, r) % P_GROW:
        return 0
    return 1 + stable(seed, "grow-n", f, r) % 3


def feed_state(seed, f, items, revision):
    """Item numbers present at the revision (newest first) and edit counts."""
    top = items
    edits = {}
    for r in range(1, revision + 1):
        before = list(range(top - 1, top - 1 - items, -1))
        top += growth(seed, f, r)
        now = set(range(top - 1, top - 1 - items, -1))
        if stable(seed, "edit", f, r) % P_EDIT == 0:
            kept = [n for n in before if n in now]
            if kept:
                n = kept[stable(seed, "edit-which", f, r) % len(kept)]
                edits[n] = edits.get(n, 0) + 1
    numbers = list(range(top - 1, top - 1 - items, -1))
    return numbers, edits


def tz_style(f):
    return ["+0000", "GMT", "-0300", "+0100"][f % 4]


def rfc822(ts, style):
    if style == "GMT":
        return datetime.fromtimestamp(ts, timezone.utc).strftime("%a, %d %b %Y %H:%M:%S GMT")
    sign = -1 if style[0] == "-" else 1
    off = timedelta(hours=sign * int(style[1:3]), minutes=sign * int(style[3:5]))
    d = datetime.fromtimestamp(ts, timezone(off))
    days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    return "%s, %02d %s %d %02d:%02d:%02d %s" % (days[d.weekday()], d.day, months[d.month - 1],
                                                 d.year, d.hour, d.minute, d.second, style)


def rfc3339(ts, f):
    style = ["Z", "-03:00", "+05:30"][f % 3]
    if style == "Z":
        return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    sign = -1 if style[0] == "-" else 1
    off = timedelta(hours=sign * int(style[1:3]), minutes=sign * int(style[4:6]))
    return datetime.fromtimestamp(ts, timezone(off)).isoformat()


def esc(s):
    return html.escape(s, quote=False)


def attr(s):
    return html.escape(s, quote=True)


def cdata(s):
    return "<![CDATA[" + s.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def xhtml(paras):
    """HTML paragraphs as well-formed XHTML (entities as characters, void tags closed)."""
    out = []
    for p in paras:
        p = re.sub(r"&(?!amp;|lt;|gt;|quot;)(\w+);", lambda m: html.unescape(m.group(0)), p)
        p = re.sub(r"<(img|br)\b([^>]*?)\s*/?>", r"<\1\2/>", p)
        out.append(p)
    return "".join(out)


def render(f, dialect, items):
    """The feed document of these items (newest first), as bytes."""
    host = "news%d.example.org" % f
    newest = max(it.published for it in items)
    o = []
    w = o.append
    tz = tz_style(f)
    if dialect in ("atom", "atom-base"):
        w('<?xml version="1.0" encoding="utf-8"?>\n')
        if dialect == "atom":
            w('<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">\n')
        else:
            w('<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en" xml:base="https://%s/blog/">\n' % host)
        w("<title type=\"text\">Atom News %d</title>\n<subtitle>Dispatches &amp; analysis</subtitle>\n" % f)
        w("<link rel=\"alternate\" type=\"text/html\" href=\"%s\"/>\n" %
          ("https://%s/" % host if dialect == "atom" else "./"))
        w("<link rel=\"self\" href=\"https://%s/feed.atom\"/>\n" % host)
        w("<id>tag:%s,2024:feed</id>\n<updated>%s</updated>\n" % (host, rfc3339(newest, f)))
        for it in items:
            w("<entry%s>\n" % (' xml:base="%s"' % it.base if it.base else ""))
            w("<id>%s</id>\n" % esc(it.id))
            if dialect == "atom":
                w("<title type=\"html\">%s</title>\n" % esc(it.title_html))
            else:
                w("<title>%s</title>\n" % esc(it.title))
            w("<link rel=\"alternate\" type=\"text/html\" href=\"%s\"/>\n" %
              attr(it.rel_link if dialect == "atom-base" else it.link))
            w("<published>%s</published>\n<updated>%s</updated>\n" %
              (rfc3339(it.published, f), rfc3339(it.published, f)))
            w("<author><name>%s</name></author>\n" % esc(it.author))
            for c in it.categories:
                w("<category term=\"%s\"/>\n" % attr(c))
            if dialect == "atom":
                w("<summary type=\"html\">%s</summary>\n" % esc(esc(it.summary)))
                w("<content type=\"html\">%s</content>\n" % esc("\n".join(it.paras)))
            else:
                w("<summary>%s</summary>\n" % esc(it.summary))
                w("<content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\">%s</div></content>\n"
                  % xhtml(it.paras))
            w("</entry>\n")
        w("</feed>\n")
    elif dialect == "rss1":
        w('<?xml version="1.0" encoding="utf-8"?>\n')
        w('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
          'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">\n')
        w("<channel rdf:about=\"https://%s/\">\n<title>RDF News %d</title>\n<link>https://%s/</link>\n"
          "<description>Headlines from %s</description>\n<dc:date>%s</dc:date>\n<items>\n<rdf:Seq>\n"
          % (host, f, host, host, rfc3339(newest, f)))
        for it in items:
            w("<rdf:li rdf:resource=\"%s\"/>\n" % attr(it.id))
        w("</rdf:Seq>\n</items>\n</channel>\n")
        for it in items:
            w("<item rdf:about=\"%s\">\n<title>%s</title>\n<link>%s</link>\n" %
              (attr(it.id), esc(it.title), esc(it.link)))
            w("<dc:date>%s</dc:date>\n<dc:creator>%s</dc:creator>\n" % (rfc3339(it.published, f), esc(it.author)))
            for c in it.categories:
                w("<dc:subject>%s</dc:subject>\n" % esc(c))
            w("<description>%s</description>\n</item>\n" % esc("\n".join(it.paras)))
        w("</rdf:RDF>\n")
    else:
        enc = {"rss2-latin1": "ISO-8859-1", "rss2-cp1252": "ISO-8859-1"}.get(dialect, "UTF-8")
        w('<?xml version="1.0" encoding="%s"?>\n' % enc)
        w('<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
          'xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
          'xmlns:atom="http://www.w3.org/2005/Atom" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/" '
          'xmlns:slash="http://purl.org/rss/1.0/modules/slash/">\n<channel>\n')
        if dialect == "rss2-latin1":
            w("<title>Noticias del Sur %d</title>\n<link>https://noticias%d.example.com.ar/</link>\n"
              "<description>Economía y política</description>\n<language>es-AR</language>\n" % (f, f))
        else:
            w("<title>News %d</title>\n<link>https://%s</link>\n"
              "<description>Ideas &#124; Analysis</description>\n<language>en-US</language>\n" % (f, host))
        w("<atom:link href=\"https://%s/feed/\" rel=\"self\" type=\"application/rss+xml\"/>\n" % host)
        w("<lastBuildDate>%s</lastBuildDate>\n" % rfc822(newest, tz))
        if dialect == "rss2-wp":
            w("<sy:updatePeriod>\n\thourly\t</sy:updatePeriod>\n<sy:updateFrequency>\n\t1\t</sy:updateFrequency>\n"
              "<generator>https://wordpress.org/?v=6.7.1</generator>\n")
        for it in items:
            w("<item>\n<title>%s</title>\n<link>%s</link>\n" % (esc(it.title), esc(it.link)))
            if dialect in ("rss2-wp", "rss2-plain"):
                w("<dc:creator>%s</dc:creator>\n" % cdata(it.author))
            w("<pubDate>%s</pubDate>\n" % rfc822(it.published, tz))
            for c in it.categories:
                w("<category>%s</category>\n" % (cdata(c) if dialect == "rss2-wp" else esc(c)))
            if dialect == "rss2-wp":
                w("<guid isPermaLink=\"false\">%s</guid>\n" % esc(it.id))
                w("<comments>%s#respond</comments>\n" % esc(it.link))
                w("<description>%s</description>\n" % cdata(esc(it.summary) + " [&#8230;]"))
                w("<content:encoded>%s</content:encoded>\n" % cdata("\n".join(it.paras)))
                w("<wfw:commentRss>%sfeed/</wfw:commentRss>\n<slash:comments>%d</slash:comments>\n"
                  % (esc(it.link), it.no % 5))
            elif dialect == "rss2-plain":
                w("<description>%s</description>\n" % esc("\n".join(it.paras)))
            elif dialect == "rss2-latin1":
                w("<guid isPermaLink=\"true\">%s</guid>\n" % esc(it.id))
                w("<description>%s</description>\n" % esc("\n".join(it.paras)))
            else:  # rss2-cp1252
                w("<guid isPermaLink=\"false\">%s</guid>\n" % esc(it.id))
                w("<description>%s</description>\n" % esc("\n".join(it.paras)))
            w("</item>\n")
        w("</channel>\n</rss>\n")
    text = "".join(o)
    if dialect == "rss2-latin1":
        return text.encode("iso-8859-1", "xmlcharrefreplace")
    if dialect == "rss2-cp1252":
        return text.encode("cp1252", "xmlcharrefreplace")
    return text.encode("utf-8")


# ---------------------------------------------------------------------------
# Synthetic topics (benchmarks).

def synthetic_topics(seed, k):
    rng = rng_for(seed, "topics", k)
    common = [w for w in ENGLISH if len(w) > 4]
    rare = RARE
    out = []
    for i in range(k):
        a, b, c = rng.choice(rare), rng.choice(rare), rng.choice(rare)
        x, y = rng.choice(common), rng.choice(common)
        r = rng.random()
        if r < 0.30:
            q = a
        elif r < 0.40:
            q = "%s*" % a[:5]
        elif r < 0.48:
            q = '"%s %s"' % (x, a)
        elif r < 0.56:
            q = "%s OR %s OR %s" % (a, b, c)
        elif r < 0.64:
            q = "%s %s" % (a, x)
        elif r < 0.70:
            q = "%s AND NOT %s" % (a, x)
        elif r < 0.74:
            q = "%s -%s" % (a, y)
        elif r < 0.82:
            q = "%s NEAR/%d %s" % (a, rng.randint(2, 12), x)
        elif r < 0.86:
            q = "(%s OR %s*) NEAR (%s OR %s)" % (a, b[:4], x, y)
        elif r < 0.91:
            q = "title:%s OR content:%s" % (a, b)
        elif r < 0.95:
            q = '(%s OR "%s %s") AND (%s OR %s)' % (a, x, y, b, c)
        elif r < 0.98:
            q = "summary:%s* AND NOT title:%s" % (a[:4], x)
        else:
            q = "/\\b%s[a-z]*\\b/i" % a[:5]
        out.append(("t%05d" % i, q))
    return out


# ---------------------------------------------------------------------------
# Output.

def write_if_changed(path, data):
    """Writes data to path atomically unless the file already holds it; returns
    True when written.  A rewrite's mtime moves past the old one by >= 1 s."""
    old_mtime = None
    try:
        with open(path, "rb") as fh:
            if fh.read() == data:
                return False
        old_mtime = os.stat(path).st_mtime
    except FileNotFoundError:
        pass
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with open(tmp, "wb") as fh:
        fh.write(data)
    if old_mtime is not None and int(time.time()) <= int(old_mtime):
        t = int(old_mtime) + 1
        os.utime(tmp, (t, t))
    os.replace(tmp, path)
    return True


def write_text(path, text):
    write_if_changed(path, text.encode("utf-8"))


def verify(path, dialect):
    import xml.etree.ElementTree as ET
    try:
        ET.parse(path)
    except ET.ParseError as e:
        raise SystemExit("gen_corpus: %s (%s) is not well-formed: %s" % (path, dialect, e))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 epilog=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--feeds", type=int, default=200)
    ap.add_argument("--items", type=int, default=20)
    ap.add_argument("--revision", type=int, default=0)
    ap.add_argument("--topics", default="0", help="K or a comma-separated list of K")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--mix", choices=["default", "wide"], default="default",
                    help="wide: more RSS 1.0 and Latin-1 feeds, long bodies, more hits")
    ap.add_argument("--verify", action="store_true", help="parse every feed written (slower)")
    a = ap.parse_args(argv)
    global WIDE
    WIDE = a.mix == "wide"
    try:
        topic_counts = [int(k) for k in a.topics.split(",")]
    except ValueError:
        ap.error("--topics: expected a number or a comma-separated list of numbers")
    if a.feeds < 1 or a.items < 1 or a.revision < 0 or min(topic_counts) < 0:
        ap.error("--feeds and --items must be positive, --revision and --topics not negative")
    started = time.time()
    os.makedirs(os.path.join(a.out, "feeds"), exist_ok=True)
    truth, items_tsv, urls, changed = [], [], [], []
    conf = ["# feedwatch corpus: --feeds %d --items %d --seed %d%s (revision-independent)"
            % (a.feeds, a.items, a.seed, " --mix wide" if WIDE else ""),
            "[feedwatch]", "interval = 5m", ""]
    for key, name, q in SEED_TOPICS:
        conf.append("[topic %s]" % key)
        if name:
            conf.append("name = %s" % name)
        conf += ["query = %s" % q, ""]
    total_bytes, n_items, dialects, per_topic = 0, 0, {}, dict.fromkeys(TOPIC_KEYS, 0)
    new_items = edited = 0
    for f in range(a.feeds):
        dialect = (WIDE_ORDER if WIDE else DIALECT_ORDER)[f % len(DIALECT_ORDER)]
        dialects[dialect] = dialects.get(dialect, 0) + 1
        key = "f%04d" % f
        numbers, edits = feed_state(a.seed, f, a.items, a.revision)
        if a.revision:
            prev, _ = feed_state(a.seed, f, a.items, a.revision - 1)
            new_items += len(set(numbers) - set(prev))
            edited += stable(a.seed, "edit", f, a.revision) % P_EDIT == 0
        items = [make_item(a.seed, f, n, dialect, edits.get(n, 0)) for n in numbers]
        data = render(f, dialect, items)
        rel = "feeds/%s.xml" % key
        path = os.path.join(a.out, rel)
        if write_if_changed(path, data):
            changed.append(rel)
            if a.verify:
                verify(path, dialect)
        total_bytes += len(data)
        n_items += len(items)
        urls.append(rel)
        conf += ["[feed %s]" % key, "url = @BASE@/%s" % rel, ""]
        for it in items:
            items_tsv.append("\t".join([key, it.id, it.link, it.title, str(it.published)]))
            for t in TOPIC_KEYS:
                if t in it.hits:
                    truth.append("%s\t%s\t%s" % (key, it.id, t))
                    per_topic[t] += 1
    write_text(os.path.join(a.out, "urls.txt"), "".join(u + "\n" for u in urls))
    write_text(os.path.join(a.out, "feedwatch.conf"), "\n".join(conf))
    write_text(os.path.join(a.out, "truth.tsv"), "".join(t + "\n" for t in truth))
    write_text(os.path.join(a.out, "items.tsv"), "".join(t + "\n" for t in items_tsv))
    write_text(os.path.join(a.out, "changed.txt"), "".join(c + "\n" for c in changed))
    for k in topic_counts:
        if k == 0:
            continue
        lines = []
        for name, q in synthetic_topics(a.seed, k):
            lines += ["[topic %s]" % name, "query = %s" % q, "notify = none", ""]
        write_text(os.path.join(a.out, "topics-%d.conf" % k), "\n".join(lines))
    stats = ("feeds %d items/feed %d items %d revision %d seed %d bytes %d rewritten %d "
             "truth %d (%s) new-items %d edited-feeds %d dialects %s seconds %.1f\n"
             % (a.feeds, a.items, n_items, a.revision, a.seed, total_bytes, len(changed), len(truth),
                " ".join("%s=%d" % kv for kv in per_topic.items()), new_items, edited,
                ",".join("%s=%d" % kv for kv in sorted(dialects.items())), time.time() - started))
    write_text(os.path.join(a.out, "stats.txt"), stats)
    sys.stdout.write(stats)


if __name__ == "__main__":
    main()
