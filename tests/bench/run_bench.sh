#!/usr/bin/env bash
# run_bench.sh [BUILD_DIR]: heartbeat and session throughput of escale-admind.
#
# Starts a throw-away escale-admind (temporary directory, free loopback port),
# creates kiosks and codes through the API, then runs tests/bench/loadgen:
#   heartbeat mode at K = 100 and K = 1000 kiosks (closed loop: as fast as
#   admind answers), sessions mode at K = 100, and 1000 kiosks at the pace of
#   real ones (a heartbeat every 5 s each, one connection each),
# RUNS times each, and prints the median requests/s, p50 and p99 of the runs,
# and admind's RSS idle and under load. It builds nothing: build first.
#
# Environment (all optional):
#   RUNS=3  SECONDS_RUN=10  WARMUP=2     runs per scenario, measured and warm-up seconds
#   HB_KIOSKS="100 1000"  SESSION_KIOSKS="100"   the kiosk counts to run
#   PACED_KIOSKS="1000"  PACED_INTERVAL=5        kiosks at a real pace ("" skips)
#   MAX_CONN=N        connections (requests in flight) for loadgen; default: its own
#   IN_SESSION=PCT    heartbeat mode: share of kiosks with an open session (default 50)
#   BENCH_KEEP=1      keep the temporary directory (database, logs, loadgen output)
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=$(cd "${1:-$HERE/../../build}" 2>/dev/null && pwd) || {
	echo "bench: build directory ${1:-$HERE/../../build} not found" >&2
	exit 1
}
# shellcheck source-path=SCRIPTDIR source=bench_lib.sh
. "$HERE/bench_lib.sh"

RUNS=${RUNS:-3}
SECONDS_RUN=${SECONDS_RUN:-10}
WARMUP=${WARMUP:-2}
HB_KIOSKS=${HB_KIOSKS:-100 1000}
SESSION_KIOSKS=${SESSION_KIOSKS:-100}
IN_SESSION=${IN_SESSION:-50}
PACED_KIOSKS=${PACED_KIOSKS-1000}
PACED_INTERVAL=${PACED_INTERVAL:-5}
LOADGEN=$BUILD/tests/bench/loadgen

bench_check_build
[ -x "$LOADGEN" ] || bench_die "$LOADGEN not found: build first (ninja -C $BUILD)"

bench_tmp
# admind and loadgen may each hold a thousand connections
ulimit -n 8192 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
NCPU=$(nproc 2>/dev/null || echo '?')
echo "== escale-admind benchmark: $(date '+%Y-%m-%d %H:%M:%S'), $(uname -srm), $NCPU CPU cores"
echo "   $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //')"
echo "   loadgen and escale-admind run on the same machine and share its $NCPU cores."
echo "   load average before the benchmark: $(cut -d' ' -f1-3 /proc/loadavg) (other programs running disturb the figures)"
echo "   runs per scenario: $RUNS x (${WARMUP} s warm-up + ${SECONDS_RUN} s measured); figures are medians of the runs"

bench_admin_token
bench_start_admind
RSS_START=$(bench_rss_kb "$ADMIND_PID")
echo "   escale-admind pid $ADMIND_PID on $URL, database $DB"
echo "   RSS at start: ${RSS_START} kB"

MAXK=0
for k in $HB_KIOSKS $SESSION_KIOSKS $PACED_KIOSKS; do
	if [ "$k" -gt "$MAXK" ]; then MAXK=$k; fi
done
t0=$(date +%s.%N)
bench_make_kiosks "$MAXK" "$BENCH_TMP/tokens"
t1=$(date +%s.%N)
bench_make_codes "$MAXK" "$BENCH_TMP/codes" 600
t2=$(date +%s.%N)
printf '   setup: %d kiosks in %.1f s, %d codes in %.1f s (through the API)\n' \
	"$MAXK" "$(awk "BEGIN { print $t1 - $t0 }")" "$(wc -l <"$BENCH_TMP/codes")" "$(awk "BEGIN { print $t2 - $t1 }")"
RSS_IDLE=$(bench_rss_kb "$ADMIND_PID")
echo "   RSS idle after setup: ${RSS_IDLE} kB"

SUMMARY=$BENCH_TMP/summary
: >"$SUMMARY"

# scenario MODE K [LABEL LOADGEN_ARGS...]
scenario() {
	local mode=$1 k=$2 label=${3:-$1} out=$BENCH_TMP/loadgen-${3:-$1}-$2.txt run warmup=$WARMUP
	shift 2
	if [ $# -gt 0 ]; then shift; fi
	if [ "$label" = paced ]; then
		# one interval to spread the first heartbeats, one second more
		warmup=$(awk -v i="$PACED_INTERVAL" 'BEGIN { print i + 1 }')
	fi
	: >"$out"
	echo
	echo "== $label: $mode mode, $k kiosks ($RUNS runs)"
	for run in $(seq 1 "$RUNS"); do
		kill -0 "$ADMIND_PID" 2>/dev/null || bench_die "escale-admind died (see $BENCH_TMP/admind.log)"
		"$LOADGEN" --url "$URL" --kiosks "$k" --tokens "$BENCH_TMP/tokens" --codes "$BENCH_TMP/codes" \
			--mix "$mode" --seconds "$SECONDS_RUN" --warmup "$warmup" --pid "$ADMIND_PID" \
			${IN_SESSION:+--in-session "$IN_SESSION"} ${MAX_CONN:+--max-conn "$MAX_CONN"} "$@" \
			>"$BENCH_TMP/run.txt" 2>&1 || {
			cat "$BENCH_TMP/run.txt" >&2
			bench_die "loadgen failed"
		}
		if [ "$run" -eq 1 ]; then sed -n '1,/^$/p' "$BENCH_TMP/run.txt" | sed '/^$/d'; fi
		grep '^RESULT ' "$BENCH_TMP/run.txt" >>"$out"
		grep '^RESULT ' "$BENCH_TMP/run.txt" | awk -v r="$run" '{
			for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
			printf "   run %d: %7s req/s  p50 %6.2f ms  p90 %6.2f ms  p99 %6.2f ms  max %7.2f ms  errors %s  RSS %s kB  CPU admind %s loadgen %s other %s\n",
				r, f["rps"], f["p50_ms"], f["p90_ms"], f["p99_ms"], f["max_ms"], f["errors"], f["rss_load_kb"], f["cpu_admind"], f["cpu_loadgen"], f["cpu_other"] }'
		if ! grep -q '^RESULT .* errors=0 ' "$BENCH_TMP/run.txt"; then
			grep -E '^  (errors|statuses|  +curl)' "$BENCH_TMP/run.txt" | sed 's/^/   /'
		fi
		if [ "$mode" = sessions ] && [ "$run" -eq 1 ]; then
			grep -E '^  (sessions|heartbeat|open|end) ' "$BENCH_TMP/run.txt" | sed 's/^/   /'
		fi
	done
	local rps p50 p99 conns errs rss_load other
	rps=$(bench_field rps <"$out" | bench_median)
	p50=$(bench_field p50_ms <"$out" | bench_median)
	p99=$(bench_field p99_ms <"$out" | bench_median)
	errs=$(bench_field errors <"$out" | awk '{ s += $1 } END { print s + 0 }')
	rss_load=$(bench_field rss_load_kb <"$out" | sort -n | tail -n 1)
	conns=$(bench_field conns <"$out" | head -n 1)
	other=$(bench_field cpu_other <"$out" | sort -g | tail -n 1)
	printf '   median: %s req/s, p50 %s ms, p99 %s ms; errors %s; max RSS under load %s kB\n' \
		"$rps" "$p50" "$p99" "$errs" "$rss_load"
	printf '%-9s %5s %5s %9.0f %8.2f %8.2f %7s %10s %7s\n' "$label" "$k" "$conns" "$rps" "$p50" "$p99" "$errs" "$rss_load" "$other" >>"$SUMMARY"
	echo "BENCH scenario=$label mode=$mode kiosks=$k conns=$conns runs=$RUNS rps_median=$rps p50_ms_median=$p50 p99_ms_median=$p99 errors=$errs rss_idle_kb=$RSS_IDLE rss_load_kb=$rss_load cpu_other_max=$other" >>"$SUMMARY.machine"
}

for k in $HB_KIOSKS; do
	scenario heartbeat "$k"
done
for k in $SESSION_KIOSKS; do
	scenario sessions "$k"
done
for k in $PACED_KIOSKS; do
	scenario heartbeat "$k" paced --interval "$PACED_INTERVAL" --max-conn "$k"
done

RSS_END=$(bench_rss_kb "$ADMIND_PID")
echo
echo "== summary (medians of $RUNS runs; latency = request on the wire, see README; $NCPU cores shared by loadgen and admind)"
printf '%-9s %5s %5s %9s %8s %8s %7s %10s %7s\n' scenario K conns 'req/s' 'p50 ms' 'p99 ms' errors 'RSS kB' 'other'
cat "$SUMMARY"
echo "('other': the most CPU, in cores, that other programs used during a run; above 0.2 the figures are disturbed)"
echo "escale-admind RSS: ${RSS_START} kB at start, ${RSS_IDLE} kB idle with $MAXK kiosks and codes, ${RSS_END} kB at the end"
cat "$SUMMARY.machine"
