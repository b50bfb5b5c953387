#!/usr/bin/env bash
# What `meson install` puts down works where it lands: the installed example configs,
# units and compiled-in defaults name paths that the install itself created, for this
# build's prefix (not the /usr of the Debian packages).
set -euo pipefail
: "${ESCALE_BUILD_ROOT:?}" "${ESCALE_PREFIX:?}" "${ESCALE_WEBDIR:?}" "${ESCALE_LIBEXECDIR:?}"
: "${ESCALE_UNITDIR:?}" "${ESCALE_SRC_ROOT:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/dest
meson install -C "$ESCALE_BUILD_ROOT" --no-rebuild --quiet --destdir "$dest" >"$tmp/install.log" 2>&1 ||
	{ cat "$tmp/install.log"; exit 1; }
fail() { echo "FAIL: $*" >&2; exit 1; }
examples=$dest$ESCALE_PREFIX/share/doc/escale/examples

# The example admind.conf serves the installed staff pages.
root=$(sed -n 's/^ *root = "\([^"]*\)";.*/\1/p' "$examples/admind.conf")
[ "$root" = "$ESCALE_WEBDIR" ] || fail "admind.conf web.root is '$root', not $ESCALE_WEBDIR"
[ -f "$dest$root/index.html" ] || fail "no staff page at $root/index.html"
# (The compiled-in default is ESCALE_WEBDIR too: tests/unit/test_admind_config.c.)

# Its catalogue of services is installed where it says, and admind's check reads it.
cat=$(sed -n 's/^ *catalogue = "\([^"]*\)";.*/\1/p' "$examples/admind.conf")
[ "$cat" = "$ESCALE_PREFIX/share/escale/services.conf" ] || fail "admind.conf catalogue is '$cat'"
[ -f "$dest$cat" ] || fail "no catalogue of services at $cat"
printf 'listen = "127.0.0.1:1";\ndatabase = "%s/x.db";\nservices = { catalogue = "%s"; };\n' \
	"$tmp" "$dest$cat" >"$tmp/cat.conf"
"$ESCALE_BUILD_ROOT/admin/escale-admind" -c "$tmp/cat.conf" -n >/dev/null ||
	fail "escale-admind -n refuses the installed catalogue"

# The example kiosk.conf runs the installed browser wrapper.
wrapper=$(sed -n '/^browser = {/,/^};/s/^ *command = \[ "\([^"]*\)".*/\1/p' \
	"$examples/kiosk.conf")
[ "$wrapper" = "$ESCALE_LIBEXECDIR/escale-browser" ] || fail "kiosk.conf browser is '$wrapper'"
[ -x "$dest$wrapper" ] || fail "$wrapper not installed executable"
[ -x "$dest$ESCALE_LIBEXECDIR/escale-kiosk-net" ] || fail "escale-kiosk-net not in $ESCALE_LIBEXECDIR"

# Every program a unit starts from the package is installed where the unit says.
# (A command under /bin/sh -c counts too: escale-nftables generates its rules so.)
for unit in escale-admind.service escale-kiosk.service escale-proxy.service \
	escale-nftables.service escale-kiosk-usbmount@.service; do
	f=$dest$ESCALE_UNITDIR/$unit
	[ -f "$f" ] || fail "$unit not in $ESCALE_UNITDIR"
	progs=$(grep -Eo "^Exec[A-Za-z]*=(/bin/sh -c ')?[^ ']*" "$f" | sed "s/.*[=']//" |
		grep escale || true)
	[ -n "$progs" ] || fail "$unit starts no escale program"
	for p in $progs; do
		[ -x "$dest$p" ] || fail "$unit runs $p, which is not installed"
	done
done
# The USB mount helper's units pass systemd's own check (their program as installed here),
# and the udev rule that lets the kiosk's user read USB keys is installed.
[ -f "$dest$ESCALE_UNITDIR/escale-kiosk-usbmount.socket" ] || fail "no escale-kiosk-usbmount.socket"
if command -v systemd-analyze >/dev/null; then
	mkdir "$tmp/units"
	for unit in escale-kiosk-usbmount.socket escale-kiosk-usbmount@.service; do
		sed "s|=$ESCALE_LIBEXECDIR/|=$dest$ESCALE_LIBEXECDIR/|" "$dest$ESCALE_UNITDIR/$unit" \
			>"$tmp/units/$unit"
	done
	systemd-analyze verify --man=no "$tmp/units/escale-kiosk-usbmount.socket" \
		"$tmp/units/escale-kiosk-usbmount@.service" >"$tmp/verify.log" 2>&1 ||
		{ cat "$tmp/verify.log"; fail "systemd-analyze verify refuses the USB mount units"; }
	! grep -q . "$tmp/verify.log" || { cat "$tmp/verify.log"; fail "systemd-analyze warns"; }
fi
rules=$dest$ESCALE_PREFIX/lib/udev/rules.d/60-escale-kiosk-usb.rules
[ -f "$rules" ] || fail "no udev rule for USB keys"
grep -q '^ENV{ID_FS_TYPE}=="vfat|exfat|ntfs", GROUP="escale-kiosk", MODE="0640"$' "$rules" ||
	fail "the udev rule gives USB keys to someone else"
for pkg in escale-admind escale-kiosk; do
	[ -f "$dest$ESCALE_PREFIX/lib/sysusers.d/$pkg.conf" ] || fail "no sysusers file for $pkg"
	[ -f "$dest$ESCALE_PREFIX/lib/tmpfiles.d/$pkg.conf" ] || fail "no tmpfiles file for $pkg"
done
# Every document, the README's links included, with the man pages.
docdir=$dest$ESCALE_PREFIX/share/doc/escale
[ -f "$docdir/README.md" ] || fail "README.md not installed"
for f in "$ESCALE_SRC_ROOT"/docs/*.md; do
	[ -f "$docdir/$(basename "$f")" ] || fail "docs/$(basename "$f") not installed in $docdir"
done
for page in man1/escalectl.1 man5/escale-admind.conf.5 man5/escale-kiosk.conf.5 \
	man8/escale-admind.8 man8/escale-kiosk.8 man8/escale-proxy.8 man8/escale-setup-print-host.8; do
	[ -f "$dest$ESCALE_PREFIX/share/man/$page" ] || fail "$page not installed"
done
echo "ok: installed under $ESCALE_PREFIX"
