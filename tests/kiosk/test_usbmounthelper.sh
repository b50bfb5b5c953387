#!/usr/bin/env bash
# escale-kiosk-usbmount (docs/kiosk.md, "USB keys in production"): hostile requests and
# devices are refused before any driver runs; as root with /dev/fuse and losetup (CI), an
# NTFS image on a loop device, presented as a USB disk "sdz1", is mounted by the helper
# running as nobody (fusermount3's setuid does the mount: no NoNewPrivileges in its unit),
# read, and unmounted by a second request.
set -uo pipefail
helper=$ESCALE_KIOSK_USBMOUNT
tmp=$(mktemp -d)
chmod 755 "$tmp"
loops=()
cleanup() {
	fusermount3 -u -z "$tmp/mnt" 2>/dev/null
	for l in "${loops[@]}"; do losetup -d "$l" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
fails=0
check() {
	if ! eval "$1"; then
		echo "FAIL: $1"
		fails=$((fails + 1))
	fi
}
export ESCALE_USB_MOUNT_DIR=$tmp/mnt ESCALE_USB_DEV_DIR=$tmp/dev ESCALE_USB_SYS_DIR=$tmp/sys
mkdir -p "$tmp/dev" "$tmp/sys" "$tmp/devices/pci0/usb1/1-1/block/sdz/sdz1" \
	"$tmp/devices/pci0/ata1/block/sdy/sdy1"
ask() { printf '%s\n' "$1" | timeout 20 "$helper"; }

# Requests: only "mount exfat|ntfs sdXN" and "umount", exactly.
for line in "" "mount" "mount exfat" "mount ext4 sdz1" "mount exfat sdz0" "mount exfat sda1x" \
	"mount exfat ../../etc/shadow" "mount exfat /dev/sdz1" "mount exfat sdz1 -o rw" \
	"mount  exfat sdz1" "MOUNT exfat sdz1" "mount exfat sdabc1" "mount exfat sdz1234" \
	"umount now" "$(head -c 200 /dev/zero | tr '\0' a)" "$(printf 'mount exfat sd\tz1')"; do
	out=$(ask "$line")
	check '[ "$out" = "error usage" ]'
done
# NUL in the line, and a client that never ends its line: no answer, no wait past 5 s.
out=$(printf 'umount\0x\n' | "$helper")
check '[ "$out" = "error usage" ]'
start=$(date +%s)
(printf 'umount'; sleep 7) | { "$helper" >"$tmp/silent"; date +%s >"$tmp/silent.end"; }
check '[ ! -s "$tmp/silent" ] && [ $(($(cat "$tmp/silent.end") - start)) -lt 7 ]'
# Devices: none, a regular file, a link, a block device not on the USB bus.
out=$(ask "mount ntfs sdz1")
check '[ "$out" = "error device" ]'
: >"$tmp/dev/sdz1"
ln -s "$tmp/devices/pci0/usb1/1-1/block/sdz/sdz1" "$tmp/sys/sdz1"
out=$(ask "mount ntfs sdz1")
check '[ "$out" = "error device" ]'
rm "$tmp/dev/sdz1"
ln -s /dev/null "$tmp/dev/sdz1"
out=$(ask "mount ntfs sdz1")
check '[ "$out" = "error device" ]'
rm "$tmp/dev/sdz1"
# Nothing mounted: umount says ok.
out=$(ask "umount")
check '[ "$out" = "ok" ]'

if [ "$(id -u)" != 0 ] || [ ! -c /dev/fuse ] || ! command -v losetup >/dev/null ||
	! command -v mkntfs >/dev/null || ! command -v setpriv >/dev/null; then
	echo "not root, or no /dev/fuse, losetup, mkntfs, setpriv: the mount itself skipped"
	[ $fails = 0 ] && exit 77
	exit $fails
fi
truncate -s 16M "$tmp/ntfs.img" "$tmp/exfat.img"
mkntfs -F -q "$tmp/ntfs.img" >/dev/null 2>&1
mkfs.exfat "$tmp/exfat.img" >/dev/null 2>&1
mkdir "$tmp/w"
ntfs-3g "$tmp/ntfs.img" "$tmp/w" && echo "%PDF-1.4 attestation" >"$tmp/w/attestation.pdf" &&
	fusermount3 -u "$tmp/w" || check false
ntfs=$(losetup -f --show -r "$tmp/ntfs.img") && loops+=("$ntfs")
exfat=$(losetup -f --show -r "$tmp/exfat.img") && loops+=("$exfat")
# The loop devices as USB disks: device nodes the helper's user may read.
mknod "$tmp/dev/sdz1" b "$((0x$(stat -c %t "$ntfs")))" "$((0x$(stat -c %T "$ntfs")))"
mknod "$tmp/dev/sdy1" b "$((0x$(stat -c %t "$exfat")))" "$((0x$(stat -c %T "$exfat")))"
ln -s "$tmp/devices/pci0/ata1/block/sdy/sdy1" "$tmp/sys/sdy1"
chown nobody "$tmp/dev/sdz1" "$tmp/dev/sdy1"
chown nobody "$tmp"
as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
# Not on the USB bus: refused although it is a readable block device.
out=$(printf 'mount exfat sdy1\n' | as_nobody "$helper")
check '[ "$out" = "error device" ]'
# The file system is not the one asked for.
out=$(printf 'mount exfat sdz1\n' | as_nobody "$helper")
check '[ "$out" = "error fs" ]'
# NTFS, as nobody: mounted read-only; the helper stays while it is.
printf 'mount ntfs sdz1\n' | as_nobody "$helper" >"$tmp/answer" &
pid=$!
for _ in $(seq 100); do [ -s "$tmp/answer" ] && break; sleep 0.1; done
check '[ "$(cat "$tmp/answer")" = "ok" ]'
check 'grep -q " $tmp/mnt fuseblk ro,nosuid,nodev,noexec" /proc/mounts'
check '[ "$(as_nobody cat "$tmp/mnt/attestation.pdf")" = "%PDF-1.4 attestation" ]'
check '! as_nobody touch "$tmp/mnt/x" 2>/dev/null'
check 'kill -0 $pid'
out=$(printf 'umount\n' | as_nobody "$helper")
check '[ "$out" = "ok" ]'
for _ in $(seq 50); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
check '! kill -0 $pid 2>/dev/null'
check '! grep -q " $tmp/mnt " /proc/mounts'
[ $fails = 0 ] && echo "escale-kiosk-usbmount ok"
exit $fails
