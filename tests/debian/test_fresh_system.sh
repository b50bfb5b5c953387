#!/usr/bin/env bash
# The Debian packages in a fresh Debian 12: built from this tree (an older
# version too), installed with apt into a clean root, booted with systemd
# (systemd-nspawn, no network but loopback), escale-admind started from its
# unit at boot; then its API, escalectl, the staff page, an upgrade that keeps
# the codes, the sessions, the keys and an edited config, and a purge that
# leaves nothing. The clean root is cached as a tarball in the build
# directory (debroot/), with the downloaded packages.
#
# usage: test_fresh_system.sh BUILD_ROOT
set -euo pipefail
build=$(cd "${1:?usage: test_fresh_system.sh BUILD_ROOT}" && pwd)
src=$(cd "$(dirname "$0")/../.." && pwd)

skip() {
	echo "skipped: $*"
	exit 77
}
[ "$(id -u)" -eq 0 ] || skip "needs root (systemd-nspawn)"
for tool in mmdebstrap systemd-nspawn dpkg-buildpackage lintian nsenter; do
	command -v "$tool" >/dev/null || skip "$tool missing (scripts/lib.sh ESCALE_DEB_PKGS)"
done

cache=$build/debroot
work=$build/fresh-system
root=$work/root
mkdir -p "$cache/archives/partial" "$work"
nspawn_pid=""
cleanup() {
	if [ -n "$nspawn_pid" ] && kill -0 "$nspawn_pid" 2>/dev/null; then
		kill -TERM "$nspawn_pid"
		# A halt that hangs: the second SIGTERM ends the container at once.
		timeout 30 tail --pid="$nspawn_pid" -f /dev/null || kill -TERM "$nspawn_pid" || true
		wait "$nspawn_pid" 2>/dev/null || true
	fi
	rm -rf "$root"
}
trap cleanup EXIT
step() { printf '\n== %s (%ss)\n' "$*" "$SECONDS"; }
fail() {
	echo "FAIL: $*" >&2
	exit 1
}

step "packages: the current version and an older one to upgrade from"
version=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)
"$src/scripts/build-debs" --out "$work/new"
"$src/scripts/build-debs" --out "$work/old" --version "$version~prev" --no-lintian >/dev/null

step "a clean Debian 12 root"
# The tarball's name follows what it holds, so a change to the list makes a new one.
include=systemd,systemd-sysv,dbus,curl,ca-certificates,man-db
tarball=$cache/bookworm-$(printf %s "$include" | sha256sum | cut -c1-12).tar
if [ ! -f "$tarball" ]; then
	rm -rf "$cache"/*.tar
	# mmdebstrap picks the format from the name's extension: a .tar, then renamed.
	mmdebstrap --variant=minbase --include="$include" --skip=output/dev \
		bookworm "$cache/new.tar" http://deb.debian.org/debian \
		>"$cache/mmdebstrap.log" 2>&1 || { tail -20 "$cache/mmdebstrap.log"; fail "mmdebstrap"; }
	mv "$cache/new.tar" "$tarball"
fi
rm -rf "$root"
mkdir -p "$root"
tar -xf "$tarball" -C "$root"
mkdir -p "$root/root/debs"
cp -r "$work/old" "$work/new" "$root/root/debs/"
cp /etc/resolv.conf "$root/etc/resolv.conf"

step "install the older packages with apt (no systemd running: enabled, started at boot)"
run() { systemd-nspawn -q --register=no --keep-unit -D "$root" "$@"; }
run --bind="$cache/archives:/var/cache/apt/archives" sh -c '
	apt-get update -qq &&
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		/root/debs/old/escale-admind_*.deb /root/debs/old/escale-kiosk_*.deb \
		/root/debs/old/escale-print-backend_*.deb >/tmp/apt.log 2>&1 || { tail -30 /tmp/apt.log; exit 1; }'

step "boot"
systemd-nspawn -q --register=no --keep-unit --private-network -b -D "$root" --console=pipe \
	</dev/null >"$work/console.log" 2>&1 &
nspawn_pid=$!
leader=""
for _ in $(seq 300); do
	leader=$(pgrep -P "$nspawn_pid" -x systemd || true)
	[ -n "$leader" ] && break
	kill -0 "$nspawn_pid" 2>/dev/null || { cat "$work/console.log"; fail "the container did not start"; }
	sleep 0.1
done
[ -n "$leader" ] || fail "no systemd in the container"
inside() { nsenter -t "$leader" -a "$@"; }
# systemd answers once its private socket is up; then --wait returns when the boot
# is over: every unit of multi-user.target started or failed.
for _ in $(seq 300); do
	inside test -S /run/systemd/private 2>/dev/null && break
	sleep 0.1
done
state=$(inside timeout 120 systemctl is-system-running --wait || true)
echo "system: $state"
inside systemctl is-enabled escale-admind >/dev/null || fail "escale-admind not enabled"
inside systemctl is-active escale-admind >/dev/null || {
	inside journalctl -u escale-admind --no-pager | tail -20
	fail "escale-admind did not start at boot"
}

step "escale-admind runs from its unit, hardened, as escale"
pid=$(inside systemctl show -p MainPID --value escale-admind)
uid=$(inside awk '/^Uid:/ { print $2 }' "/proc/$pid/status")
[ "$uid" = "$(inside id -u escale)" ] || fail "escale-admind runs as uid $uid, not escale"
[ "$(inside systemctl show -p ProtectSystem --value escale-admind)" = strict ] ||
	fail "ProtectSystem is not strict"
inside awk '/^NoNewPrivs:/ { exit $2 != 1 }' "/proc/$pid/status" || fail "NoNewPrivileges not set"
[ "$(inside stat -c '%U %a' /var/lib/escale/escale.db.key)" = "escale 600" ] || fail "code key mode"
# grep without -q: it reads the whole answer, so curl never writes into a closed pipe
# (pipefail would turn that SIGPIPE into a failure).
inside curl -fsS http://127.0.0.1:8080/healthz | grep '"ok"' >/dev/null || fail "/healthz"
# The journal has the start by its MESSAGE_ID (common/log.h), with the unit and priority.
started=$(sed -n 's/^#define LOG_ID_ADMIND_STARTED *"\([0-9a-f]*\)"/\1/p' "$src/common/log.h")
[ -n "$started" ] || fail "no LOG_ID_ADMIND_STARTED in common/log.h"
inside journalctl -q -u escale-admind -p info -o cat "MESSAGE_ID=$started" | grep 'listening on' >/dev/null ||
	fail "no start in the journal with MESSAGE_ID=$started"

step "the staff page with the shipped config, then with listen and database only"
inside curl -fsS http://127.0.0.1:8080/ | grep '<title>escale' >/dev/null || fail "staff page (shipped config)"
printf 'listen = "127.0.0.1:8080";\ndatabase = "/var/lib/escale/escale.db";\n' |
	inside tee /etc/escale/admind.conf >/dev/null
inside systemctl restart escale-admind
inside curl -fsS http://127.0.0.1:8080/ | grep '<title>escale' >/dev/null || fail "staff page (minimal config)"
inside curl -fsS http://127.0.0.1:8080/app.js >/dev/null || fail "app.js (minimal config)"

step "escalectl: the first admin, codes, a kiosk, a session"
token=$(inside runuser -u escale -- escalectl --db /var/lib/escale/escale.db user add alice --role admin |
	tail -n 1)
ctl() { inside env ESCALE_TOKEN="$token" escalectl "$@"; }
[ "$(ctl whoami)" = "$(printf 'alice\tadmin')" ] || fail "escalectl whoami"
mapfile -t codes < <(ctl code new --count 2 --minutes 30 --pages 5)
[ ${#codes[@]} -eq 2 ] || fail "escalectl code new printed ${#codes[@]} codes"
ktoken=$(ctl kiosk add pc-1 | tail -n 1)
inside curl -fsS -H "Authorization: Bearer $ktoken" -H 'Content-Type: application/json' \
	-d "{\"code\": \"${codes[0]}\"}" http://127.0.0.1:8080/api/v1/kiosk/sessions |
	grep '"session"' >/dev/null || fail "a kiosk session"
[ "$(ctl code list | tail -n +2 | wc -l)" -eq 2 ] || fail "code list"
[ "$(ctl session list | wc -l)" -eq 1 ] || fail "session list"
inside test -f /usr/share/man/man1/escalectl.1.gz || fail "escalectl(1) not installed"
inside man -w escalectl >/dev/null || fail "man escalectl"
key_sum=$(inside sha256sum /var/lib/escale/escale.db.key)

step "the kiosk and the print backend as installed"
inside getent passwd escale-kiosk >/dev/null || fail "no escale-kiosk user"
inside getent passwd escale-guest >/dev/null || fail "no escale-guest user"
inside getent passwd escale-proxy >/dev/null || fail "no escale-proxy user"
inside id -nG escale-kiosk | grep -w escale-proxy >/dev/null || fail "escale-kiosk not in the escale-proxy group"
! inside id -nG escale-guest | grep -w escale-proxy >/dev/null || fail "escale-guest in the escale-proxy group"
inside escale-proxy -c /etc/escale/kiosk.conf -n || fail "escale-proxy -n on the shipped kiosk.conf"
! inside getent group escale-kiosk | grep escale-guest >/dev/null || fail "escale-guest in the kiosk's group"
! inside systemctl is-enabled escale-kiosk >/dev/null 2>&1 || fail "escale-kiosk enabled unconfigured"
inside escale-kiosk -c /etc/escale/kiosk.conf -n || fail "the shipped kiosk.conf"
# The browser user's firewall: its unit and nft installed, not enabled unconfigured; its rules
# generated from the shipped config (not loaded: the container shares the host's network).
inside test -f /lib/systemd/system/escale-nftables.service || fail "no escale-nftables.service"
inside test -x /usr/sbin/nft || fail "nftables not installed with escale-kiosk"
! inside systemctl is-enabled escale-nftables >/dev/null 2>&1 || fail "escale-nftables enabled unconfigured"
inside escale-kiosk -c /etc/escale/kiosk.conf --nft-rules | grep -F 'meta skuid "escale-guest" jump browser' >/dev/null ||
	fail "escale-kiosk --nft-rules on the shipped kiosk.conf"
inside test -f /etc/X11/xorg.conf.d/10-escale.conf || fail "no Xorg snippet"
inside test -x /usr/libexec/escale/escale-browser || fail "no escale-browser"
[ "$(inside stat -c '%U %a' /usr/lib/cups/backend/escale)" = "root 700" ] || fail "backend mode"
inside test -f /usr/share/escale/escale-pdf.ppd || fail "no escale-pdf.ppd (escale-setup-print-host uses it for a printer that reads PDF)"

step "upgrade to the current version"
old_pid=$(inside systemctl show -p MainPID --value escale-admind)
inside env DEBIAN_FRONTEND=noninteractive sh -c 'dpkg -i /root/debs/new/*.deb' >"$work/upgrade.log" 2>&1 ||
	{ cat "$work/upgrade.log"; fail "dpkg -i (upgrade)"; }
[ "$(inside dpkg-query -W -f '${Version}' escale-admind)" = "$version" ] || fail "not upgraded"
inside systemctl is-active escale-admind >/dev/null || fail "escale-admind not running after the upgrade"
[ "$(inside systemctl show -p MainPID --value escale-admind)" != "$old_pid" ] ||
	fail "escale-admind was not restarted by the upgrade"
inside curl -fsS http://127.0.0.1:8080/healthz | grep '"ok"' >/dev/null || fail "/healthz after the upgrade"
[ "$(ctl code list | tail -n +2 | wc -l)" -eq 2 ] || fail "codes lost in the upgrade"
[ "$(ctl session list | wc -l)" -eq 1 ] || fail "session lost in the upgrade"
[ "$(inside sha256sum /var/lib/escale/escale.db.key)" = "$key_sum" ] || fail "code key changed"
[ "$(inside cat /etc/escale/admind.conf)" = "$(printf 'listen = "127.0.0.1:8080";\ndatabase = "/var/lib/escale/escale.db";')" ] ||
	fail "the edited admind.conf was overwritten"

step "purge leaves nothing"
inside dpkg --purge escale-kiosk escale-print-backend escale-admind >"$work/purge.log" 2>&1 ||
	{ cat "$work/purge.log"; fail "dpkg --purge"; }
left=$(inside find / -xdev \( -path /proc -o -path /sys -o -path /root/debs -o -path /var/log/journal \) \
	-prune -o -name '*escale*' -print)
[ -z "$left" ] || fail "left after purge: $left"
for u in escale escale-kiosk escale-guest escale-proxy; do
	! inside getent passwd "$u" >/dev/null || fail "user $u left after purge"
	! inside getent group "$u" >/dev/null || fail "group $u left after purge"
done
echo "fresh system ok (${SECONDS}s)"
