# shellcheck shell=bash
# bench_lib.sh: what run_bench.sh and export_bench.sh share (sourced, not run).
# Starts a throw-away escale-admind on a free loopback port with its database
# in a temporary directory, and talks to its API with curl.
#
# Uses: BUILD (build directory). Sets: ADMIND, ESCALECTL, BENCH_TMP, PORT,
# URL, DB, CONF, ADMIN_TOKEN, ADMIND_PID.

ADMIND_PID=
BENCH_TMP=

bench_die() {
	echo "bench: $*" >&2
	exit 1
}

# Finds the programs in the build directory -> ADMIND, ESCALECTL.
bench_check_build() {
	ADMIND=$BUILD/admin/escale-admind
	ESCALECTL=$BUILD/admin/escalectl
	[ -x "$ADMIND" ] || ADMIND=$BUILD/escale-admind
	[ -x "$ESCALECTL" ] || ESCALECTL=$BUILD/escalectl
	[ -x "$ADMIND" ] || bench_die "escale-admind not found in $BUILD/admin: build first (ninja -C $BUILD)"
	[ -x "$ESCALECTL" ] || bench_die "escalectl not found in $BUILD/admin: build first (ninja -C $BUILD)"
	command -v curl >/dev/null || bench_die "curl (the command) is needed"
}

bench_cleanup() {
	set +e
	if [ -n "${BENCH_BG_PID:-}" ]; then
		kill "$BENCH_BG_PID" 2>/dev/null
		wait "$BENCH_BG_PID" 2>/dev/null
	fi
	if [ -n "$ADMIND_PID" ] && kill -0 "$ADMIND_PID" 2>/dev/null; then
		kill "$ADMIND_PID" 2>/dev/null || true
		for _ in $(seq 1 50); do
			kill -0 "$ADMIND_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "$ADMIND_PID" 2>/dev/null || true
		wait "$ADMIND_PID" 2>/dev/null || true
	fi
	ADMIND_PID=
	if [ -n "$BENCH_TMP" ] && [ -d "$BENCH_TMP" ]; then
		if [ -n "${BENCH_KEEP:-}" ]; then
			echo "bench: kept $BENCH_TMP" >&2
		else
			rm -rf "$BENCH_TMP"
		fi
	fi
}

bench_tmp() {
	BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/escale-bench.XXXXXX") || bench_die "mktemp failed"
	DB=$BENCH_TMP/escale.db
	CONF=$BENCH_TMP/admind.conf
	trap bench_cleanup EXIT
	trap 'exit 130' INT TERM
}

# A TCP port on 127.0.0.1 that no socket uses right now (not even in
# TIME-WAIT), below the kernel's ephemeral range so that client connections
# do not take it meanwhile.
bench_free_port() {
	local p lo
	lo=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
	[ "$lo" -gt 11000 ] || lo=61000
	for _ in $(seq 1 100); do
		if [ "$lo" -eq 61000 ]; then
			p=$((61000 + RANDOM % 4000))
		else
			p=$((10000 + RANDOM % (lo - 10000)))
		fi
		if command -v ss >/dev/null; then
			[ -z "$(ss -tanH "( sport = :$p )" 2>/dev/null)" ] || continue
		elif (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			continue
		fi
		echo "$p"
		return 0
	done
	bench_die "no free port found"
}

# Writes $CONF; BENCH_CONF_EXTRA (optional) is appended (libconfig lines).
bench_write_conf() {
	cat >"$CONF" <<EOF
# written by tests/bench (throw-away)
listen = "127.0.0.1:$PORT";
database = "$DB";
# benchmark codes are typed again and again: never lock a kiosk out
login = { max_failures = 1000000; };
# cheapest offline verifiers: creating thousands of codes stays quick
# (only code creation pays this cost, not heartbeats or sessions)
offline = { opslimit = 1; memlimit_kib = 8192; };
# every simulated kiosk connects from 127.0.0.1
max_connections_per_ip = 0;
EOF
	if [ -n "${BENCH_CONF_EXTRA:-}" ]; then
		printf '%s\n' "$BENCH_CONF_EXTRA" >>"$CONF"
	fi
}

# Creates the admin user on the database (before admind starts) -> ADMIN_TOKEN.
bench_admin_token() {
	local out
	out=$("$ESCALECTL" --db "$DB" user add bench --role admin) ||
		bench_die "escalectl --db $DB user add bench --role admin failed"
	ADMIN_TOKEN=$(printf '%s\n' "$out" | tail -n 1)
	case "$ADMIN_TOKEN" in
	est_*) ;;
	*) bench_die "no staff token in the output of escalectl user add: $out" ;;
	esac
}

# Starts admind in the background on a free port; waits for /healthz.
bench_start_admind() {
	local try
	for try in 1 2 3 4 5; do
		PORT=$(bench_free_port)
		URL=http://127.0.0.1:$PORT
		bench_write_conf
		"$ADMIND" -c "$CONF" >>"$BENCH_TMP/admind.log" 2>&1 &
		ADMIND_PID=$!
		for _ in $(seq 1 100); do
			if curl -sf -o /dev/null --max-time 1 "$URL/healthz"; then
				return 0
			fi
			kill -0 "$ADMIND_PID" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "$ADMIND_PID" 2>/dev/null; then
			kill "$ADMIND_PID"
			wait "$ADMIND_PID" 2>/dev/null || true
			ADMIND_PID=
			tail -n 20 "$BENCH_TMP/admind.log" >&2
			bench_die "escale-admind did not answer /healthz within 10 s"
		fi
		wait "$ADMIND_PID" 2>/dev/null || true
		ADMIND_PID=
		echo "bench: escale-admind exited at start (try $try, port $PORT):" >&2
		tail -n 5 "$BENCH_TMP/admind.log" >&2
	done
	bench_die "escale-admind would not start"
}

bench_stop_admind() {
	if [ -n "$ADMIND_PID" ]; then
		kill "$ADMIND_PID" 2>/dev/null || true
		wait "$ADMIND_PID" 2>/dev/null || true
		ADMIND_PID=
	fi
}

bench_rss_kb() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null
}

# bench_api METHOD PATH [JSON]: prints the body; dies unless 2xx.
bench_api() {
	local out code
	out=$(curl -sS --max-time 600 -X "$1" -H "Authorization: Bearer $ADMIN_TOKEN" \
		-H 'Content-Type: application/json' ${3:+--data "$3"} -w '\n%{http_code}' "$URL$2") ||
		bench_die "$1 $2: curl failed"
	code=${out##*$'\n'}
	out=${out%$'\n'*}
	case "$code" in
	2??) printf '%s\n' "$out" ;;
	*) bench_die "$1 $2: HTTP $code: $out" ;;
	esac
}

# bench_make_kiosks N FILE [SITES]: creates kiosks k0001..kN (spread over
# SITES sites "site-01"..., default none), one token a line in FILE.
# All requests go through one curl process (keep-alive), from a config file.
bench_make_kiosks() {
	local n=$1 file=$2 sites=${3:-0} cfg=$BENCH_TMP/kiosks.curl i site
	: >"$cfg"
	for i in $(seq 1 "$n"); do
		site=
		if [ "$sites" -gt 0 ]; then
			site=$(printf ',\\"site\\":\\"site-%02d\\"' $(((i - 1) % sites + 1)))
		fi
		printf 'url = "%s/api/v1/kiosks"\nrequest = "POST"\nheader = "Authorization: Bearer %s"\nheader = "Content-Type: application/json"\ndata = "{\\"name\\":\\"k%04d\\"%s}"\nwrite-out = "\\n"\n' \
			"$URL" "$ADMIN_TOKEN" "$i" "$site" >>"$cfg"
		if [ "$i" -lt "$n" ]; then echo next >>"$cfg"; fi
	done
	curl -sS --max-time 600 -K "$cfg" |
		sed -n 's/.*"token"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' >"$file"
	local got
	got=$(wc -l <"$file")
	[ "$got" -eq "$n" ] || bench_die "created $got kiosk tokens out of $n (is POST /api/v1/kiosks working?)"
}

# bench_make_codes N FILE [MINUTES]: at least N codes, one a line in FILE.
bench_make_codes() {
	local n=$1 file=$2 minutes=${3:-600} left batch
	: >"$file"
	left=$n
	while [ "$left" -gt 0 ]; do
		batch=$((left > 500 ? 500 : left))
		bench_api POST /api/v1/codes "{\"count\":$batch,\"minutes\":$minutes,\"pages\":0,\"days\":1}" |
			grep -o '"code"[[:space:]]*:[[:space:]]*"[^"]*"' |
			sed 's/.*:[[:space:]]*"\([^"]*\)"/\1/' >>"$file"
		left=$((left - batch))
	done
	local got
	got=$(wc -l <"$file")
	[ "$got" -ge "$n" ] || bench_die "got $got codes out of $n (is POST /api/v1/codes working?)"
}

# Median of the numbers on stdin, one a line.
bench_median() {
	sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print a[(NR + 1) / 2]; else printf "%g\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# bench_field NAME: the value of NAME=... in each RESULT line on stdin.
bench_field() {
	awk -v k="$1" '/^RESULT / { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) print kv[2] } }'
}
