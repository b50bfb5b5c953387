# Shared by scripts/check and scripts/demo: Debian packages and the build.
# shellcheck shell=bash

# What building and testing escale needs on Debian 12.
ESCALE_BUILD_PKGS=(
	meson ninja-build pkg-config gcc
	libmicrohttpd-dev libjansson-dev libsqlite3-dev libconfig-dev libsodium-dev
	libsystemd-dev libcurl4-openssl-dev libcups2-dev libqpdf-dev libevent-dev libgnutls28-dev
	libxcb1-dev libxcb-randr0-dev libxcb-screensaver0-dev libxcb-xkb-dev libxcb-xtest0-dev
	libxkbcommon-x11-dev libcairo2-dev libpango1.0-dev gettext libseccomp-dev scdoc
	libsane-dev libjpeg-dev
)
ESCALE_TEST_PKGS=(python3 sqlite3 curl ca-certificates libsodium23 openssl clang-format systemd
	libreoffice-calc-nogui xvfb xdotool xauth fonts-dejavu-core chromium chromium-l10n bubblewrap
	chromium-driver python3-selenium poppler-utils
	cups-daemon cups-client cups-ipp-utils qpdf x11-xkb-utils groff-base
	nftables iproute2 libnss3-tools libsane1 mtools dosfstools
	exfatprogs exfat-fuse ntfs-3g fuse3)
# What the benchmarks compare with (tests/bench/README.md): installed by hand.
ESCALE_BENCH_PKGS=(tinyproxy-bin)
# What building the Debian packages needs (scripts/build-debs), and what
# the fresh-system test adds (tests/debian): installed where those run.
ESCALE_DEB_PKGS=(debhelper dpkg-dev fakeroot lintian)
ESCALE_DEB_TEST_PKGS=(mmdebstrap systemd-container debian-archive-keyring)

escale_root() {
	cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd
}

# Installs the packages that are missing (idempotent: nothing to do, no apt).
escale_install() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "escale: installing ${missing[*]}" >&2
	local sudo=()
	[ "$(id -u)" -eq 0 ] || sudo=(sudo)
	"${sudo[@]}" apt-get update -qq
	DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
		"${missing[@]}" >/dev/null
}

# escale_build DIR [meson options...]: configures once, then builds.
escale_build() {
	local dir=$1
	shift
	if [ ! -f "$dir/build.ninja" ]; then
		meson setup "$dir" "$@" >"$dir.setup.log" 2>&1 || {
			cat "$dir.setup.log" >&2
			return 1
		}
	elif [ $# -gt 0 ]; then
		# An existing directory takes this caller's options too.
		meson configure "$dir" "$@" >"$dir.setup.log" 2>&1 || {
			cat "$dir.setup.log" >&2
			return 1
		}
	fi
	ninja -C "$dir" >"$dir.ninja.log" 2>&1 || {
		cat "$dir.ninja.log" >&2
		return 1
	}
}
