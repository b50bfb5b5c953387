#!/usr/bin/env bash
# Every string of every catalogue po/LINGUAS lists (and French, the source: po/escale.pot's
# msgids through po/en.po) renders with the installed fonts, without a missing glyph
# (docs/kiosk.md, "Languages": fonts-dejavu-core covers the nine). A text with a glyph no
# font has must fail: shown first.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
prog=${ESCALE_TEST_OVERFLOW:?}
command -v msgexec >/dev/null || { echo "gettext missing: skipped"; exit 77; }
if printf 'un hiéroglyphe \xf0\x93\x80\x80\0' | "$prog" --glyphs >/dev/null 2>&1; then
	echo "a missing glyph was not caught"
	exit 1
fi
strings() { msgexec -i "$1" sh -c 'cat; printf "\0"'; }
failed=0
echo "fr (msgids)"
msgen "$root/po/en.po" | strings /dev/stdin | "$prog" --glyphs || failed=1
for l in $(sed -e 's/#.*//' "$root/po/LINGUAS"); do
	echo "$l"
	strings "$root/po/$l.po" | "$prog" --glyphs || failed=1
done
exit $failed
