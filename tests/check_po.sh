#!/usr/bin/env bash
# Every French text of the kiosk has its translation in each catalogue po/LINGUAS lists: the
# sources' strings are extracted again and merged into each po/LANG.po; nothing may come out
# untranslated or fuzzy, and msgfmt -c must accept it (docs/translating.md).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
command -v xgettext >/dev/null || { echo "gettext missing: skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
xgettext --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=ngettext:1,2 -f po/POTFILES \
	-o "$tmp/escale.pot" --package-name=escale
mapfile -t langs < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' po/LINGUAS | grep -v '^$')
[ ${#langs[@]} -gt 0 ] || { echo "po/LINGUAS lists no language"; exit 1; }
failed=0
for l in "${langs[@]}"; do
	if [ ! -f "po/$l.po" ]; then
		echo "$l: po/LINGUAS lists it, but po/$l.po is missing"
		failed=1
		continue
	fi
	msgmerge -q --no-fuzzy-matching "po/$l.po" "$tmp/escale.pot" -o "$tmp/$l.po"
	if ! msgfmt -c -o /dev/null "$tmp/$l.po"; then
		echo "$l: msgfmt -c refuses po/$l.po"
		failed=1
		continue
	fi
	stats=$(msgfmt --statistics -o /dev/null "$tmp/$l.po" 2>&1)
	echo "$l: $stats"
	case $stats in *untranslated* | *fuzzy*)
		msgattrib --untranslated "$tmp/$l.po" | grep -A1 '^msgid' | head -20
		failed=1
		;;
	esac
done
# A catalogue that po/LINGUAS does not list is never built: say so.
for f in po/*.po; do
	l=$(basename "$f" .po)
	printf '%s\n' "${langs[@]}" | grep -qx "$l" || { echo "$f: not in po/LINGUAS"; failed=1; }
done
exit $failed
