#!/usr/bin/env bash
# The documentation stands alone: nothing in the tree points at a document outside
# it, and every docs/NAME.md, image and man page the README and docs/ name exists.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
cd "$src"
status=0
fail() {
	echo "FAIL: $*" >&2
	status=1
}
files=$(grep -rIl --exclude-dir=.git --exclude-dir='build*' --exclude-dir=var --exclude=test_docs.sh -e . . | sort)
# The design notes the project started from live outside the repository.
outside=$(grep -nE '\.\./shared|\b(DESIGN|PRINTING|LOCKDOWN|STYLE)\.md' $files || true)
[ -z "$outside" ] || fail "references to documents outside the repository:
$outside"
# Every docs/NAME.md (and docs/img/...) named anywhere exists.
for ref in $(grep -ohE 'docs/[A-Za-z0-9._/-]+\.(md|png)' $files | sort -u); do
	[ -f "$ref" ] || fail "$ref is named but does not exist"
done
# Every man page the README and docs/ name has its source in docs/.
for page in $(grep -ohE '\bescale[a-z.-]*\([158]\)' README.md docs/*.md | sort -u); do
	name=${page%(*}
	[ -f "docs/$name.md" ] || fail "$page is named but docs/$name.md does not exist"
	head -1 "docs/$name.md" | grep -qxF "# $page" || fail "docs/$name.md is not $page"
done
# Every MESSAGE_ID a technician may grep for is in docs/operations.md.
for id in $(sed -n 's/^#define LOG_ID_[A-Z_]* *"\([0-9a-f]*\)".*/\1/p' common/log.h); do
	grep -q "$id" docs/operations.md || fail "MESSAGE_ID $id (common/log.h) is not in docs/operations.md"
done
# The README stays short: a newcomer reads it in three minutes.
words=$(wc -w <README.md)
[ "$words" -le 800 ] || fail "README.md has $words words (at most 800: move the rest to docs/)"
[ $status -eq 0 ] && echo "docs ok"
exit $status
