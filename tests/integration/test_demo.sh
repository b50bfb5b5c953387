#!/usr/bin/env bash
# The demo as the README runs it: it must print a code, and that code must
# open a session on a kiosk (checked here again, independently of the demo).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=$(dirname "$ESCALE_ADMIND")
build=$(dirname "$bin")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
ESCALE_DEMO_ONCE=1 ESCALE_DEMO_XVFB=1 ESCALE_DEMO_BUILD="$build" ESCALE_DEMO_VAR="$tmp/var" ESCALE_DEMO_PORT=$port \
	"$root/scripts/demo" >"$tmp/out" 2>"$tmp/err" || { cat "$tmp/out" "$tmp/err"; exit 1; }
cat "$tmp/out"
# Run once, it says that it stopped what it started.
grep -q "the demo has stopped escale-admind and the kiosk" "$tmp/out" ||
	{ echo "ESCALE_DEMO_ONCE=1 did not say it stopped"; exit 1; }
code=$(sed -n 's/^  Access code: *\([0-9]\{4\} [0-9]\{4\}\) .*/\1/p' "$tmp/out")
[ -n "$code" ] || { echo "no access code in the demo's output"; exit 1; }
# The kiosk's welcome screen was captured (a PNG of the whole 1280x800 screen).
python3 - "$tmp/var/kiosk-welcome.png" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
assert d[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
w, h = struct.unpack(">II", d[16:24])
assert (w, h) == (1280, 800), (w, h)
assert len(d) > 10000, "an empty screen"
print("welcome screenshot %dx%d, %d bytes" % (w, h, len(d)))
PY

# Start the demo's admind again on its state and open a session with the code.
"$bin/escale-admind" -c "$tmp/var/admind.conf" >"$tmp/admind.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
status=$(curl -s -o "$tmp/reply" -w '%{http_code}' -H "Authorization: Bearer $(cat "$tmp/var/kiosk.token")" \
	-d "{\"code\": \"$code\"}" "http://127.0.0.1:$port/api/v1/kiosk/sessions")
cat "$tmp/reply"; echo
[ "$status" = 201 ] || { echo "the demo code did not open a session: HTTP $status"; exit 1; }
grep -q '"seconds_left":3600' "$tmp/reply" || { echo "the demo code lost time"; exit 1; }
echo "demo code $code opened a session with its full hour"

# The desk's page is served, and the demo's "accueil" account signs in with
# the password the demo printed.
pw=$(sed -n 's/^    sign in as "accueil" with the password \(.*\)$/\1/p' "$tmp/out")
[ -n "$pw" ] || { echo "no desk password in the demo's output"; exit 1; }
curl -fs -o "$tmp/page" "http://127.0.0.1:$port/" && grep -qi '<!doctype html>' "$tmp/page" ||
	{ echo "no desk page at /"; exit 1; }
status=$(curl -s -o "$tmp/login" -w '%{http_code}' -H 'Content-Type: application/json' \
	-d "{\"name\": \"accueil\", \"password\": \"$pw\"}" "http://127.0.0.1:$port/api/v1/login")
[ "$status" = 200 ] && grep -q '"role":"secretariat"' "$tmp/login" ||
	{ cat "$tmp/login"; echo "the demo's desk account did not sign in: HTTP $status"; exit 1; }
echo "desk page served; accueil signed in"

# The demo's admind started with the catalogue of services (the tickets name them).
ESCALE_URL="http://127.0.0.1:$port" ESCALE_TOKEN=$(cat "$tmp/var/admin.token") \
	"$bin/escalectl" service list >"$tmp/services"
grep -q '^caf	CAF	' "$tmp/services" ||
	{ cat "$tmp/services"; echo "the demo has no catalogue of services"; exit 1; }
echo "the catalogue's $(wc -l <"$tmp/services") services are served"
