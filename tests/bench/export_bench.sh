#!/usr/bin/env bash
# export_bench.sh [BUILD_DIR]: how long escale-admind takes to export a year
# of usage (1,000,000 sessions by default) as CSV.
#
# Starts a throw-away escale-admind once so that it creates its schema, creates
# kiosks through the API, stops it, fills the database straight through SQLite
# (tests/bench/export_fill: codes and ended sessions over the last DAYS days),
# starts admind again and times, RUNS times each:
#   curl .../api/v1/usage?from=...&to=...&format=csv   (and format=json)
#   escalectl usage --from ... --to ... --format csv > /dev/null
# It prints the median seconds, the MB exported and admind's RSS.
# It builds nothing: build first.
#
# Environment (all optional):
#   SESSIONS=1000000  CODES=500000  DAYS=360  KIOSKS=100  SITES=10  RUNS=5
#   BENCH_KEEP=1      keep the temporary directory (database, one CSV, logs)
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=$(cd "${1:-$HERE/../../build}" 2>/dev/null && pwd) || {
	echo "bench: build directory ${1:-$HERE/../../build} not found" >&2
	exit 1
}
# shellcheck source-path=SCRIPTDIR source=bench_lib.sh
. "$HERE/bench_lib.sh"

SESSIONS=${SESSIONS:-1000000}
CODES=${CODES:-500000}
DAYS=${DAYS:-360}
KIOSKS=${KIOSKS:-100}
SITES=${SITES:-10}
RUNS=${RUNS:-5}
FILL=$BUILD/tests/bench/export_fill

bench_check_build
[ -x "$FILL" ] || bench_die "$FILL not found: build first (ninja -C $BUILD)"

bench_tmp
NCPU=$(nproc 2>/dev/null || echo '?')
echo "== escale-admind usage export benchmark: $(date '+%Y-%m-%d %H:%M:%S'), $(uname -srm), $NCPU CPU cores"
echo "   the client (curl or escalectl) and escale-admind share this machine's $NCPU cores"

bench_admin_token
bench_start_admind
bench_make_kiosks "$KIOSKS" "$BENCH_TMP/tokens" "$SITES"
bench_stop_admind

"$FILL" "$DB" "$SESSIONS" "$CODES" "$DAYS" | sed 's/^/   /'
echo "   database: $(du -m "$DB" | cut -f1) MB"

bench_start_admind
echo "   escale-admind pid $ADMIND_PID on $URL; RSS $(bench_rss_kb "$ADMIND_PID") kB after start"

FROM=$(date -d "-$((DAYS + 1)) days" +%Y-%m-%d)
TO=$(date +%Y-%m-%d)
Q="from=$FROM&to=$TO"
AUTH="Authorization: Bearer $ADMIN_TOKEN"

# One export kept, to check it holds every session.
CSV=$BENCH_TMP/usage.csv
code=$(curl -sS --max-time 600 -H "$AUTH" -o "$CSV" -w '%{http_code}' "$URL/api/v1/usage?$Q&format=csv")
[ "$code" = 200 ] || bench_die "GET /api/v1/usage: HTTP $code: $(head -c 300 "$CSV")"
LINES=$(wc -l <"$CSV")
echo "   usage?$Q&format=csv: $LINES lines ($SESSIONS sessions + header), $(wc -c <"$CSV") bytes; first lines:"
head -n 3 "$CSV" | sed 's/\r$//; s/^/     /'
if [ "$LINES" -ne $((SESSIONS + 1)) ]; then
	echo "   WARNING: expected $((SESSIONS + 1)) lines" >&2
fi

# time_curl FORMAT: RUNS lines "seconds bytes"
time_curl() {
	local i
	for i in $(seq 1 "$RUNS"); do
		curl -sS --max-time 600 -H "$AUTH" -o /dev/null -w '%{time_total} %{size_download} %{http_code}\n' \
			"$URL/api/v1/usage?$Q&format=$1"
	done
}

echo
echo "== curl -s -o /dev/null -H 'Authorization: Bearer ...' '$URL/api/v1/usage?$Q&format=csv' ($RUNS runs)"
time_curl csv >"$BENCH_TMP/csv.times"
awk '{ printf "   run %d: %.3f s, %.1f MB, HTTP %s\n", NR, $1, $2 / 1e6, $3 }' "$BENCH_TMP/csv.times"
CSV_S=$(cut -d' ' -f1 "$BENCH_TMP/csv.times" | bench_median | awk '{ printf "%.3f", $1 }')
CSV_MB=$(awk 'NR == 1 { printf "%.1f", $2 / 1e6 }' "$BENCH_TMP/csv.times")
echo "   median: $CSV_S s for $CSV_MB MB"

echo
echo "== the same with format=json ($RUNS runs)"
time_curl json >"$BENCH_TMP/json.times"
awk '{ printf "   run %d: %.3f s, %.1f MB, HTTP %s\n", NR, $1, $2 / 1e6, $3 }' "$BENCH_TMP/json.times"
JSON_S=$(cut -d' ' -f1 "$BENCH_TMP/json.times" | bench_median | awk '{ printf "%.3f", $1 }')
JSON_MB=$(awk 'NR == 1 { printf "%.1f", $2 / 1e6 }' "$BENCH_TMP/json.times")
echo "   median: $JSON_S s for $JSON_MB MB"

echo
echo "== escalectl --url $URL usage --from $FROM --to $TO --format csv > /dev/null ($RUNS runs)"
: >"$BENCH_TMP/ctl.times"
for _ in $(seq 1 "$RUNS"); do
	t0=$(date +%s.%N)
	ESCALE_TOKEN=$ADMIN_TOKEN "$ESCALECTL" --url "$URL" usage --from "$FROM" --to "$TO" --format csv \
		>/dev/null || bench_die "escalectl usage failed"
	t1=$(date +%s.%N)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }' >>"$BENCH_TMP/ctl.times"
done
awk '{ printf "   run %d: %.3f s\n", NR, $1 }' "$BENCH_TMP/ctl.times"
CTL_S=$(bench_median <"$BENCH_TMP/ctl.times" | awk '{ printf "%.3f", $1 }')
echo "   median: $CTL_S s"

# Do exports hold up the kiosks? Heartbeats at the pace of 1000 real kiosks
# (200/s: here KIOSKS kiosks, each waiting KIOSKS/200 s between two), first
# alone, then while CSV exports run back to back.
LOADGEN=$BUILD/tests/bench/loadgen
HB_INTERVAL=$(awk -v k="$KIOSKS" 'BEGIN { printf "%g", k / 200 }')
if [ -x "$LOADGEN" ]; then
	echo
	echo "== heartbeats at 200/s ($KIOSKS kiosks, one every $HB_INTERVAL s each), alone, then during CSV exports"
	lg() {
		"$LOADGEN" --url "$URL" --kiosks "$KIOSKS" --tokens "$BENCH_TMP/tokens" --interval "$HB_INTERVAL" \
			--warmup 1 --seconds 8 --pid "$ADMIND_PID"
	}
	lg >"$BENCH_TMP/hb-alone.txt" 2>&1 || bench_die "loadgen failed: $(tail -n 3 "$BENCH_TMP/hb-alone.txt")"
	lg >"$BENCH_TMP/hb-export.txt" 2>&1 &
	LG_PID=$!
	BENCH_BG_PID=$LG_PID
	: >"$BENCH_TMP/csv-under-load.times"
	sleep 1
	while kill -0 "$LG_PID" 2>/dev/null; do
		curl -sS --max-time 600 -H "$AUTH" -o /dev/null -w '%{time_total}\n' \
			"$URL/api/v1/usage?$Q&format=csv" >>"$BENCH_TMP/csv-under-load.times"
	done
	wait "$LG_PID" || bench_die "loadgen failed: $(tail -n 3 "$BENCH_TMP/hb-export.txt")"
	BENCH_BG_PID=
	for f in alone export; do
		awk -v w="$f" '/^RESULT / {
			for (i = 2; i <= NF; i++) { split($i, kv, "="); r[kv[1]] = kv[2] }
			printf "   %-14s %5.0f heartbeats/s  p50 %6.2f ms  p99 %7.2f ms  max %7.2f ms  errors %s  CPU admind %s other %s\n",
				(w == "alone" ? "alone:" : "during exports:"), r["rps"], r["p50_ms"], r["p99_ms"], r["max_ms"], r["errors"], r["cpu_admind"], r["cpu_other"] }' \
			"$BENCH_TMP/hb-$f.txt"
	done
	N_UL=$(wc -l <"$BENCH_TMP/csv-under-load.times")
	CSV_UL_S=$(bench_median <"$BENCH_TMP/csv-under-load.times" | awk '{ printf "%.3f", $1 }')
	echo "   $N_UL CSV exports meanwhile, median $CSV_UL_S s"
	echo "   ('other': CPU of everything but admind and loadgen, in cores; during exports it includes"
	echo "   curl receiving the CSV, about 0.2; more means other programs disturbed the run)"
	HB_P99_ALONE=$(bench_field p99_ms <"$BENCH_TMP/hb-alone.txt")
	HB_P99_EXPORT=$(bench_field p99_ms <"$BENCH_TMP/hb-export.txt")
	HB_MAX_EXPORT=$(bench_field max_ms <"$BENCH_TMP/hb-export.txt")
fi

RSS_NOW=$(bench_rss_kb "$ADMIND_PID")
HWM=$(awk '/^VmHWM:/ { print $2 }' "/proc/$ADMIND_PID/status")
echo
echo "escale-admind RSS after the exports: $RSS_NOW kB (peak $HWM kB)"
echo "RESULT export_sessions=$SESSIONS csv_mb=$CSV_MB median_s=$CSV_S json_mb=$JSON_MB json_median_s=$JSON_S escalectl_median_s=$CTL_S admind_peak_rss_kb=$HWM hb_p99_ms_alone=${HB_P99_ALONE:-} hb_p99_ms_during_export=${HB_P99_EXPORT:-} hb_max_ms_during_export=${HB_MAX_EXPORT:-} csv_median_s_under_hb=${CSV_UL_S:-}"
