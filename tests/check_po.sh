#!/usr/bin/env bash
# Every French text of the kiosk has its English translation: the sources' strings are
# extracted again and merged into po/en.po; nothing may come out untranslated or fuzzy.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
command -v xgettext >/dev/null || { echo "gettext missing: skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
xgettext --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=ngettext:1,2 -f po/POTFILES \
	-o "$tmp/escale.pot" --package-name=escale
msgmerge -q --no-fuzzy-matching "po/en.po" "$tmp/escale.pot" -o "$tmp/en.po"
msgfmt -c -o /dev/null "$tmp/en.po"
stats=$(msgfmt --statistics -o /dev/null "$tmp/en.po" 2>&1)
echo "$stats"
case $stats in *untranslated* | *fuzzy*)
	msgattrib --untranslated "$tmp/en.po" | grep -A1 '^msgid' | head -20
	exit 1
	;;
esac
