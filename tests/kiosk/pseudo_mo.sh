#!/usr/bin/env bash
# pseudo_mo.sh EN_PO DIR STAMP: a pseudo-language "xx" for test_overflow, never installed:
# po/en.po with every vowel doubled (texts a third longer than English, longer than most
# French), compiled into DIR/xx/LC_MESSAGES/escale.mo.
set -euo pipefail
en=$1 dir=$2 stamp=$3
mkdir -p "$dir/xx/LC_MESSAGES"
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
msgfilter -i "$en" -o "$tmp" --keep-header sed -e 's/\([aeiouyAEIOUY]\)/\1\1/g'
msgfmt -c -o "$dir/xx/LC_MESSAGES/escale.mo" "$tmp"
touch "$stamp"
