#!/usr/bin/env bash
# config/nftables/escale-kiosk.nft is what escale-kiosk --nft-rules prints for the example
# kiosk.conf (comments aside): the copy in the tree never drifts from the generator.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
want=$(grep -v '^#' "$root/config/nftables/escale-kiosk.nft")
got=$("$ESCALE_KIOSK" -c "$root/config/kiosk.conf" --nft-rules | grep -v '^#')
if [ "$want" != "$got" ]; then
	echo "config/nftables/escale-kiosk.nft differs from escale-kiosk --nft-rules:"
	diff <(printf '%s\n' "$want") <(printf '%s\n' "$got") || true
	echo "regenerate it from config/kiosk.conf"
	exit 1
fi
echo "config/nftables/escale-kiosk.nft ok"
