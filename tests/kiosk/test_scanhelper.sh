#!/usr/bin/env bash
# escale-kiosk-scan with SANE's "test" backend as the scanner: two pages (colour, grey) make
# one PDF of two pages (qpdf --show-npages), each page under 1 MB; a missing scanner, a
# scanner that jams mid-page and a page file that is not the helper's JPEG give their error
# word and no file; print refuses hostile arguments and files (the e2e test prints for real:
# tests/e2e/test_print_e2e.py, ScanPrint).
set -euo pipefail
scan=$ESCALE_KIOSK_SCAN
command -v qpdf >/dev/null || {
	echo "qpdf is missing: apt-get install qpdf"
	exit 77
}
[ -e /usr/lib/x86_64-linux-gnu/sane/libsane-test.so.1 ] || ls /usr/lib/*/sane/libsane-test.so.1 \
	>/dev/null 2>&1 || {
	echo "SANE's test backend is missing: apt-get install libsane1"
	exit 77
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Only the test backend (Debian ships it commented out in /etc/sane.d/dll.conf).
mkdir "$tmp/conf" "$tmp/out"
echo test >"$tmp/conf/dll.conf"
export SANE_CONFIG_DIR=$tmp/conf
# SANE's test backend reads in a thread of its own that can still allocate its 64 KiB
# buffer while sane_exit() unloads the backend: LeakSanitizer then reports, now and then,
# a leak from an unknown module, which no suppression can name. Scans against it run
# without leak detection; the helper's own PDF making (below, no SANE) keeps it.
sane_scan() {
	ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" "$scan" scan "$@"
}
fails=0
check() {
	if ! eval "$1"; then
		echo "FAIL: $1"
		fails=$((fails + 1))
	fi
}

out=$(sane_scan --device test:0 --resolution 150 --mode color --out "$tmp/out/page-1")
check '[ "$(tail -1 <<<"$out")" = "done 1181 1181" ]'
check 'grep -q "^progress [1-9]" <<<"$out"'
out=$(sane_scan --device test:0 --resolution 200 --mode gray --out "$tmp/out/page-2")
check '[ "$(tail -1 <<<"$out")" = "done 1574 1574" ]'
for p in 1 2; do
	check '[ -s "$tmp/out/page-$p.jpg" ] && [ -s "$tmp/out/page-$p.png" ]'
	check '[ "$(stat -c %s "$tmp/out/page-$p.jpg")" -lt 1000000 ]'
done
out=$("$scan" pdf "$tmp/out/document-1.pdf" "$tmp/out/page-1.jpg" "$tmp/out/page-2.jpg")
check '[ "$(tail -1 <<<"$out")" = "done 2 $(stat -c %s "$tmp/out/document-1.pdf")" ]'
check '[ "$(qpdf --show-npages "$tmp/out/document-1.pdf")" = 2 ]'
# 150 dpi, 1181 pixels: a page 200 mm wide (567 points) in the PDF, at the scan's size.
box=$(qpdf --qdf --object-streams=disable "$tmp/out/document-1.pdf" - | grep -a -A4 MediaBox | # the closing "]" is on the 5th line
	tr -d ' \n')
check '[ "$box" = "/MediaBox[00566.88566.88--/MediaBox[00566.64566.64" ]'

# Errors: a word, exit status 1, no file.
set +e
out=$(sane_scan --device nosuch:0 --out "$tmp/out/x")
rc=$?
check '[ $rc = 1 ] && [ "$(tail -1 <<<"$out")" = "error missing" ]'
out=$(sane_scan --device test:0 --option read-return-value=SANE_STATUS_JAMMED \
	--out "$tmp/out/j")
rc=$?
check '[ $rc = 1 ] && [ "$(tail -1 <<<"$out")" = "error jammed" ] && [ ! -e "$tmp/out/j.jpg" ]'
out=$(sane_scan --device test:0 --option read-return-value=SANE_STATUS_DEVICE_BUSY \
	--out "$tmp/out/b")
check '[ "$(tail -1 <<<"$out")" = "error busy" ]'
out=$(sane_scan --device test:0 --resolution 5000 --out "$tmp/out/r")
check '[ "$(tail -1 <<<"$out")" = "error usage" ]'
# Not the helper's JPEG (a PDF page file replaced by something else): refused.
printf 'not a jpeg' >"$tmp/out/bad.jpg"
head -c 100 /dev/urandom >"$tmp/out/rand.jpg"
ln -s /etc/passwd "$tmp/out/link.jpg"
for f in bad rand link; do
	out=$("$scan" pdf "$tmp/out/$f.pdf" "$tmp/out/page-1.jpg" "$tmp/out/$f.jpg")
	rc=$?
	check '[ $rc = 1 ] && [ "$(tail -1 <<<"$out")" = "error format" ] && [ ! -e "$tmp/out/$f.pdf" ]'
done
# The output is never written through an existing file or symlink.
out=$(sane_scan --device test:0 --out "$tmp/out/page-1")
check '[ "$(tail -1 <<<"$out")" = "error io" ]'
# print: hostile arguments are refused before anything is sent; only the kiosk's own PDF,
# never through a link, never a file that is not a PDF; no print server: "unreachable".
pdf=$tmp/out/document-1.pdf
for args in "--server" "--server h --port 631 --queue q $pdf" \
	"--server h --port 0 --queue q --title t $pdf" "--server h --port 70000 --queue q --title t $pdf" \
	"--server h --port 6x1 --queue q --title t $pdf" "--server h --port 631 --queue q --title t" \
	"--server h --port 631 --queue q --queue r --title t $pdf" "--port 631 --queue q --title t $pdf" \
	"--server h --port 631 --queue q --title t --bogus x $pdf"; do
	# shellcheck disable=SC2086 # word splitting wanted
	out=$("$scan" print $args)
	rc=$?
	check '[ $rc = 1 ] && [ "$(tail -1 <<<"$out")" = "error usage" ]'
done
for bad in "bad host" "$(printf 'h\tx')" "$(head -c 300 /dev/zero | tr '\0' h)"; do
	out=$("$scan" print --server "$bad" --port 631 --queue q --title t "$pdf")
	check '[ "$(tail -1 <<<"$out")" = "error usage" ]'
	out=$("$scan" print --server h --port 631 --queue "$bad" --title t "$pdf")
	check '[ "$(tail -1 <<<"$out")" = "error usage" ]'
done
out=$("$scan" print --server h --port 631 --queue q --title "$(printf 'a\nb')" "$pdf")
check '[ "$(tail -1 <<<"$out")" = "error usage" ]'
ln -s "$pdf" "$tmp/out/link.pdf"
for f in "$tmp/out/bad.jpg" "$tmp/out/link.pdf" "$tmp/out/nosuch.pdf" "$tmp/out"; do
	out=$("$scan" print --server 127.0.0.1 --port 9 --queue q --title t "$f")
	check '[ "$(tail -1 <<<"$out")" = "error format" ]'
done
# Port 1 of loopback: nothing listens, the connection is refused at once.
out=$("$scan" print --server 127.0.0.1 --port 1 --queue q --user escale-kiosk.poste-1 \
	--title "document-1.pdf" "$pdf")
rc=$?
check '[ $rc = 1 ] && [ "$(tail -1 <<<"$out")" = "error unreachable" ]'
set -e
[ $fails = 0 ] && echo "escale-kiosk-scan ok"
exit $fails
