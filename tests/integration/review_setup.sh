# Shared by the review_*.t tests (sourced after lib.sh): a database filled by
# a real poll of a generated corpus (bench/gen_corpus.py, 20 feeds of 10
# items) served by nginx, plus two feeds of our own (tests/fixtures/review/):
# an item whose title holds "<script>" and that hits two topics, and a wire
# copy of it in another feed (the same story: "also in").
#   review_setup       sets CORPUS, CONF, DB, BASE; exits the test on failure
#   hits_json FILE     every hit as JSON Lines into FILE
REVIEW_FEEDS=20
REVIEW_ITEMS=10

review_setup() {
	CORPUS="$T_TMP/corpus"
	CONF="$T_TMP/feedwatch.conf"
	DB="$T_TMP/fw.db"
	[ -x "$FW_BUILD/feedwatch" ] || { echo "Bail out! $FW_BUILD/feedwatch is not built"; exit 1; }
	"$FW_PY" "$FW_TOP/bench/gen_corpus.py" "$CORPUS" --feeds "$REVIEW_FEEDS" \
		--items "$REVIEW_ITEMS" --seed 1 > "$T_TMP/gen.log" 2>&1 ||
		{ echo "Bail out! gen_corpus.py failed: $(tail -n 3 "$T_TMP/gen.log")"; exit 1; }
	mkdir -p "$CORPUS/extra"
	cp "$FW_TOP/tests/fixtures/review/review.xml" "$FW_TOP/tests/fixtures/review/mirror.xml" \
		"$CORPUS/extra/"
	serve "$CORPUS"
	{
		sed -e "s|@BASE@|$BASE|g" -e "s|^\[feedwatch\]\$|[feedwatch]\ndatabase = $DB|" \
			"$CORPUS/feedwatch.conf"
		printf '\n[feed review]\nurl = %s/extra/review.xml\n' "$BASE"
		printf '\n[feed mirror]\nurl = %s/extra/mirror.xml\n' "$BASE"
	} > "$CONF"
	fw -c "$CONF" poll --no-notify > "$T_TMP/poll.log" 2>&1 ||
		{ echo "Bail out! the first poll failed: $(tail -n 3 "$T_TMP/poll.log")"; exit 1; }
}

hits_json() { fw -c "$CONF" hits --format json --limit 0 > "$1"; }
