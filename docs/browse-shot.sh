#!/bin/sh
# Makes docs/browse.png: `feedwatch browse` at 80x24 in tmux on a demo week
# of hits (four feeds written here, polled from file:// with the example
# config's topics), two screens side by side: a topic's stories and the
# reader. tmux capture-pane -e gives each screen with its attributes; a few
# lines of Python turn that into HTML and headless Chromium renders it. Not
# part of `make test`.
#
# Needs (Debian): tmux chromium python3 fonts-dejavu-core, and `make` run
# first.   Usage: sh docs/browse-shot.sh [OUT.png]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/docs/browse.png}
tmp=$(mktemp -d /tmp/fwshot.XXXXXX)
sock="$tmp/tmux.sock"
cleanup() {
	tmux -S "$sock" kill-server 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# ---- a demo week: four feeds, a story carried by two of them ----------------
python3 - "$tmp" <<'PY'
import html, sys
tmp = sys.argv[1]
feeds = {
    "cone": ("Southern Cone Wire", [
        ("Milei presents the 2025 budget to Congress with a zero-deficit target",
         "https://cone.example/2024/11/budget", "Tue, 26 Nov 2024 13:10:00 GMT",
         "President Javier Milei presented the 2025 budget to Congress on Tuesday. The bill "
         "keeps the zero-deficit target of this year and cuts transfers to the provinces again. "
         "Economy minister Luis Caputo said the Treasury would not issue new debt to cover "
         "current spending, and that the central bank would keep buying dollars. Opposition "
         "deputies asked for more money for universities and pensions; the governors of four "
         "provinces said they would meet Milei before the vote."),
        ("Mercosur and the EU close in on a trade deal before the Montevideo summit",
         "https://cone.example/2024/11/mercosur-eu", "Mon, 25 Nov 2024 09:30:00 GMT",
         "Negotiators of Mercosur and the European Union met in Brasília to close the last "
         "chapters of the agreement before the bloc's summit in Montevideo on December 6. "
         "The text, under negotiation for twenty-five years, would cut tariffs on cars, "
         "machinery and wine, and open European markets to beef, soy and ethanol from the "
         "Mercado Común del Sur. France still opposes the deal, citing its farmers; Uruguay "
         "and Paraguay want it signed this year, and Brazil's foreign minister said the "
         "remaining differences were \"small and political\". Argentina's delegation asked for "
         "a clause that lets members negotiate with third countries on their own."),
        ("Milei says Mercosur must let members sign their own trade deals",
         "https://cone.example/2024/11/milei-mercosur", "Sun, 24 Nov 2024 18:00:00 GMT",
         "Javier Milei said Mercosur should let its members negotiate trade deals on their "
         "own, and named the United States as the first partner Argentina would seek."),
        ("Central bank renews its yuan swap line with China for three more years",
         "https://cone.example/2024/11/swap", "Sat, 23 Nov 2024 16:45:00 GMT",
         "Argentina's central bank said on Saturday that it had renewed the currency swap "
         "line with the People's Bank of China, worth 130 billion yuan, until 2027. China "
         "had agreed to the swap renewal after talks in Beijing."),
        ("Provinces ask for a bigger share of fuel taxes", "https://cone.example/2024/11/fuel",
         "Thu, 21 Nov 2024 11:00:00 GMT",
         "Governors met in Córdoba to ask for a bigger share of fuel taxes; Milei's office "
         "said the budget already included what the law gives them."),
    ]),
    "monitor": ("Mercosur Monitor", [
        ("Mercosur and the EU close in on a trade deal before the Montevideo summit",
         "https://CONE.example/2024/11/mercosur-eu?utm_source=monitor", "Mon, 25 Nov 2024 11:00:00 GMT",
         "Negotiators of Mercosur and the European Union met in Brasília."),
        ("Paraguay takes over the Mercosur presidency in December",
         "https://monitor.example/2024/11/paraguay", "Fri, 22 Nov 2024 08:00:00 GMT",
         "Paraguay will hold the pro tempore presidency of the Mercado Común del Sur from "
         "December; Santiago Peña said he would push for the deal with the EU."),
        ("Uruguay's Orsi backs the EU deal in his first visit to Brasília",
         "https://monitor.example/2024/11/orsi", "Thu, 21 Nov 2024 17:30:00 GMT",
         "President-elect Yamandú Orsi told Lula that Uruguay backs the Mercosur-EU deal."),
        ("Bolivia's entry into Mercosur: what changes in 2025",
         "https://monitor.example/2024/11/bolivia", "Tue, 19 Nov 2024 09:00:00 GMT",
         "Bolivia becomes a full member of the Mercosul with voting rights next year."),
        ("Brazil and Argentina trade figures rise for the third month",
         "https://monitor.example/2024/11/trade", "Wed, 20 Nov 2024 10:20:00 GMT",
         "Trade between the two largest Mercosul members rose for the third month, led by "
         "cars and wheat."),
    ]),
    "andes": ("Andes Daily", [
        ("Milei meets Lula at the G20 in Rio after a year of silence",
         "https://andes.example/2024/11/g20", "Mon, 18 Nov 2024 19:00:00 GMT",
         "Javier Milei and Luiz Inácio Lula da Silva shook hands at the G20 summit in Rio de "
         "Janeiro, their first meeting since Milei took office."),
        ("Congress debates Milei's plan to privatise the state airline",
         "https://andes.example/2024/11/airline", "Wed, 20 Nov 2024 21:15:00 GMT",
         "Deputies began the debate on the sale of Aerolíneas Argentinas, which Milei's "
         "government wants to privatise."),
        ("Milei to visit China in January, says foreign minister",
         "https://andes.example/2024/11/visit", "Fri, 22 Nov 2024 14:40:00 GMT",
         "Javier Milei will visit Beijing in January; the renewal of the Chinese swap line "
         "will be on the agenda, the foreign minister said."),
        ("Chile and Peru sign a lithium accord", "https://andes.example/2024/11/lithium",
         "Tue, 19 Nov 2024 12:00:00 GMT", "Chile and Peru signed a lithium accord; Milei's "
         "government said Argentina would not join it."),
    ]),
    "pacific": ("Pacific Markets", [
        ("Beijing widens swap lines with Latin American central banks",
         "https://pacific.example/2024/11/swaps", "Sun, 24 Nov 2024 02:00:00 GMT",
         "The People's Bank of China widened its currency swap lines with the central banks "
         "of Argentina and Brazil, Chinese officials said in Beijing."),
        ("Yuan trade settlement grows in South America",
         "https://pacific.example/2024/11/yuan", "Wed, 20 Nov 2024 06:00:00 GMT",
         "More exporters settle in yuan; China's swap lines with Argentina and Brazil help, "
         "traders said."),
        ("Peso bonds rally as inflation slows to 2.7%", "https://pacific.example/2024/11/bonds",
         "Thu, 14 Nov 2024 15:00:00 GMT", "Argentine bonds rallied after monthly inflation "
         "slowed to 2.7%, the lowest since Milei took office."),
    ]),
}
for key, (title, items) in feeds.items():
    with open("%s/%s.xml" % (tmp, key), "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>')
        f.write("<title>%s</title><link>https://%s.example/</link>\n" % (html.escape(title), key))
        for i, (t, link, date, desc) in enumerate(items):
            f.write("<item><title>%s</title><link>%s</link><guid>%s-%d</guid><pubDate>%s</pubDate>"
                    "<description>%s</description></item>\n"
                    % (html.escape(t), html.escape(link), key, i, date, html.escape(desc)))
        f.write("</channel></rss>\n")
PY
{
	printf '[feedwatch]\ndatabase = %s/fw.db\n' "$tmp"
	sed -n '/^\[topic /,$p' "$top/config/feedwatch.conf"
	for f in cone monitor andes pacific; do
		printf '[feed %s]\nurl = file://%s/%s.xml\n' "$f" "$tmp" "$f"
	done
} > "$tmp/fw.conf"
"$top/build/feedwatch" -c "$tmp/fw.conf" poll --no-notify > /dev/null
# Some of the week is read already.
for t in "Brazil and Argentina" "Chile and Peru" "Peso bonds" "Paraguay takes"; do
	"$top/build/feedwatch" -c "$tmp/fw.conf" hits --search "$t" --format csv |
		sed -n '2,$s/,.*//p' | xargs -r "$top/build/feedwatch" -c "$tmp/fw.conf" read
done

# ---- two screens at 80x24 -----------------------------------------------
tm() { tmux -u -f /dev/null -S "$sock" "$@"; }
tm new-session -d -s shot -x 80 -y 24 \
	"env TERM=tmux-256color LC_ALL=C.UTF-8 TZ=UTC '$top/build/feedwatch' -c '$tmp/fw.conf' browse"
sleep 1
tm send-keys -t shot Enter j
sleep 0.5
tm capture-pane -p -e -N -t shot > "$tmp/list.ansi"
tm send-keys -t shot Enter
sleep 0.5
tm capture-pane -p -e -N -t shot > "$tmp/reader.ansi"

# ---- ANSI to HTML, then Chromium ----------------------------------------
python3 - "$tmp/list.ansi" "$tmp/reader.ansi" > "$tmp/shot.html" <<'PY'
import html, re, sys
FG, BG = "#d8dee9", "#1d2129"
PAL = ["#1d2129", "#e06c75", "#98c379", "#e5c07b", "#3b6ea8", "#c678dd", "#56b6c2", "#d8dee9"]

def screen(path):
    # tmux writes an attribute when it changes, also from one line to the next
    out = []
    st = {"fg": None, "bg": None, "b": False, "d": False, "u": False, "r": False}
    for line in open(path, encoding="utf-8").read().split("\n")[:24]:
        row = []
        for part in re.split(r"(\x1b\[[0-9;]*m)", line):
            m = re.match(r"\x1b\[([0-9;]*)m", part)
            if m:
                codes = [int(c) for c in m.group(1).split(";") if c] or [0]
                for c in codes:
                    if c == 0: st = {"fg": None, "bg": None, "b": False, "d": False, "u": False, "r": False}
                    elif c == 1: st["b"] = True
                    elif c == 2: st["d"] = True
                    elif c == 4: st["u"] = True
                    elif c == 7: st["r"] = True
                    elif c == 22: st["b"] = st["d"] = False
                    elif c == 24: st["u"] = False
                    elif c == 27: st["r"] = False
                    elif 30 <= c <= 37: st["fg"] = PAL[c - 30]
                    elif c == 39: st["fg"] = None
                    elif 40 <= c <= 47: st["bg"] = PAL[c - 40]
                    elif c == 49: st["bg"] = None
                continue
            if not part:
                continue
            fg, bg = st["fg"] or FG, st["bg"] or BG
            if st["r"]:
                fg, bg = bg, fg
            css = "color:%s;background:%s" % (fg, bg)
            if st["b"]: css += ";font-weight:bold"
            if st["d"]: css += ";opacity:.6"
            if st["u"]: css += ";text-decoration:underline"
            row.append('<span style="%s">%s</span>' % (css, html.escape(part)))
        out.append("".join(row))
    return "\n".join(out)

print("""<!DOCTYPE html><meta charset="utf-8"><style>
body { margin: 0; padding: 18px; background: #e9ecf1; display: flex; gap: 18px; }
pre { margin: 0; padding: 10px 12px; background: %s; color: %s; width: 80ch; height: calc(24 * 1.25em);
      font: 13px/1.25 "DejaVu Sans Mono", monospace; border-radius: 6px;
      box-shadow: 0 2px 8px rgba(0,0,0,.25); white-space: pre; overflow: hidden; }
</style><pre>%s</pre><pre>%s</pre>""" % (BG, FG, screen(sys.argv[1]), screen(sys.argv[2])))
PY
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
	--window-size=1460,470 --screenshot="$tmp/shot.png" "file://$tmp/shot.html" > /dev/null 2>&1
cp "$tmp/shot.png" "$out"
echo "wrote $out"
