#!/usr/bin/env bash
# Every C file follows .clang-format (docs/architecture.md: ".clang-format ... checked by a test").
# Fix with: clang-format -i $(git ls-files '*.c' '*.h')
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
command -v clang-format >/dev/null || { echo "clang-format missing: skipped"; exit 77; }
mapfile -t files < <(find common admin kiosk tests -name '*.[ch]' 2>/dev/null | sort)
clang-format --dry-run --Werror "${files[@]}"
echo "${#files[@]} files formatted"
