#!/usr/bin/env bash
# The unit, sysusers and tmpfiles files parse, and the unit names programs
# that exist (the built admind stands in for /usr/sbin/escale-admind).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
command -v systemd-analyze >/dev/null || { echo "systemd-analyze missing: skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed "s|/usr/sbin/escale-admind|$ESCALE_ADMIND|g" "$root/systemd/escale-admind.service" >"$tmp/escale-admind.service"
out=$(SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no "$tmp/escale-admind.service" 2>&1 || true)
# Only complaints about our unit matter; the host's own units are not ours.
ours=$(printf '%s\n' "$out" | grep 'escale-admind.service' || true)
[ -z "$ours" ] || { printf '%s\n' "$ours"; exit 1; }
grep -q '^Type=notify' "$tmp/escale-admind.service"
grep -q '^ProtectSystem=strict' "$tmp/escale-admind.service"
grep -q '^NoNewPrivileges=yes' "$tmp/escale-admind.service"
grep -q '^SystemCallFilter=@system-service' "$tmp/escale-admind.service"
# The kiosk session: xinit is not needed to check the unit (true stands in for it).
if [ -n "${ESCALE_KIOSK:-}" ]; then
	sed -e "s|/usr/bin/escale-kiosk|$ESCALE_KIOSK|g" -e "s|/usr/bin/xinit|/bin/true|g" \
		"$root/systemd/escale-kiosk.service" >"$tmp/escale-kiosk.service"
	out=$(SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no "$tmp/escale-kiosk.service" 2>&1 || true)
	ours=$(printf '%s\n' "$out" | grep 'escale-kiosk.service' || true)
	[ -z "$ours" ] || { printf '%s\n' "$ours"; exit 1; }
	grep -q '^Restart=always' "$tmp/escale-kiosk.service"
	# The lockdown: a delegated cgroup, the capabilities to run the browser as escale-guest
	# and no more, X under access control.
	grep -q '^Delegate=yes' "$tmp/escale-kiosk.service"
	grep -qx 'AmbientCapabilities=CAP_SETUID CAP_SETGID CAP_CHOWN CAP_KILL' "$tmp/escale-kiosk.service"
	grep -qx 'CapabilityBoundingSet=CAP_SETUID CAP_SETGID CAP_CHOWN CAP_KILL' "$tmp/escale-kiosk.service"
	! grep -q '^ProtectControlGroups=yes' "$tmp/escale-kiosk.service"
	grep -q ' -auth /run/escale/kiosk/Xauthority ' "$tmp/escale-kiosk.service"
	grep -Eq '^u +escale-guest .*/usr/sbin/nologin$' "$root/systemd/escale-kiosk.sysusers"
	grep -q 'DontVTSwitch' "$root/config/xorg/10-escale.conf"
	grep -q 'DontZap' "$root/config/xorg/10-escale.conf"
	! grep -Eq '^[^#]*(AllowDeactivateGrabs|AllowClosedownGrabs|break_actions)' "$root/config/xorg/10-escale.conf"
fi
# escale-proxy: its own user, sandboxed, before the kiosk, which wants it.
if [ -n "${ESCALE_PROXY:-}" ]; then
	sed "s|/usr/bin/escale-proxy|$ESCALE_PROXY|g" "$root/systemd/escale-proxy.service" >"$tmp/escale-proxy.service"
	out=$(SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no "$tmp/escale-proxy.service" 2>&1 || true)
	ours=$(printf '%s\n' "$out" | grep 'escale-proxy.service' || true)
	[ -z "$ours" ] || { printf '%s\n' "$ours"; exit 1; }
	for line in User=escale-proxy NoNewPrivileges=yes ProtectSystem=strict PrivateTmp=yes \
		'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6' Before=escale-kiosk.service \
		RuntimeDirectory=escale/proxy RuntimeDirectoryMode=0750 'CapabilityBoundingSet='; do
		grep -qx "$line" "$tmp/escale-proxy.service" || { echo "escale-proxy.service: no $line"; exit 1; }
	done
	grep -q '^MemoryMax=' "$tmp/escale-proxy.service"
	grep -qx 'Wants=escale-proxy.service' "$root/systemd/escale-kiosk.service"
	grep -Eq '^u +escale-proxy .*/usr/sbin/nologin$' "$root/systemd/escale-kiosk.sysusers"
	grep -Eq '^m +escale-kiosk +escale-proxy$' "$root/systemd/escale-kiosk.sysusers"
	! grep -Eq '^m +escale-guest +escale-proxy' "$root/systemd/escale-kiosk.sysusers"
fi
# escale-nftables: the rules generated from kiosk.conf to a file, then loaded; a oneshot that
# stays active, before the kiosk and the proxy; stopping it deletes its table only.
if [ -n "${ESCALE_KIOSK:-}" ]; then
	sed -e "s|/usr/bin/escale-kiosk|$ESCALE_KIOSK|g" \
		"$root/systemd/escale-nftables.service" >"$tmp/escale-nftables.service"
	out=$(SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no "$tmp/escale-nftables.service" 2>&1 || true)
	ours=$(printf '%s
' "$out" | grep 'escale-nftables.service' || true)
	[ -z "$ours" ] || { printf '%s
' "$ours"; exit 1; }
	for line in Type=oneshot RemainAfterExit=yes 'Before=escale-kiosk.service escale-proxy.service' \
		'ExecStop=/usr/sbin/nft delete table inet escale' WantedBy=graphical.target; do
		grep -qx "$line" "$tmp/escale-nftables.service" || { echo "escale-nftables.service: no $line"; exit 1; }
	done
	grep -q "^ExecStart=/bin/sh -c '$ESCALE_KIOSK -c /etc/escale/kiosk.conf --nft-rules > " \
		"$tmp/escale-nftables.service"
	grep -qx 'Wants=escale-nftables.service' "$root/systemd/escale-kiosk.service"
	grep -qx 'After=escale-nftables.service' "$root/systemd/escale-kiosk.service"
fi
if command -v systemd-sysusers >/dev/null; then
	for f in "$root"/systemd/*.sysusers; do
		systemd-sysusers --dry-run "$f" >/dev/null 2>"$tmp/sysusers.err" ||
			{ cat "$tmp/sysusers.err"; exit 1; }
	done
fi
echo "systemd files ok"
