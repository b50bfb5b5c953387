/* nftrules: the nftables ruleset that closes the browser user's network but for the proxy
 * and the print server (docs/network.md), generated from kiosk.conf so that it always
 * matches it (escale-kiosk --nft-rules, loaded by escale-nftables.service). */
#ifndef ESCALE_NFTRULES_H
#define ESCALE_NFTRULES_H

#include <stddef.h>

#include "kconfig.h"

/* At most this many addresses of print.server are allowed. */
#define NFT_MAX_PRINT_ADDRS 16

/* The ruleset for CFG, the print server at ADDRS (N numeric IPv4 or IPv6 addresses, already
 * resolved): a table "inet escale" of its own, replaced whole in one transaction, whose
 * output chain sends the packets of browser.user (meta skuid) to a chain that accepts TCP to
 * proxy.listen and to each ADDRS at print.server's port, and rejects everything else at
 * once: TCP with a reset (connect() says ECONNREFUSED; an ICMPv6 error would leave it to
 * wait for the SYN's retransmission), the rest with icmpx admin-prohibited (a UDP send
 * says EPERM). NULL (ERR filled) when browser.user is empty (nothing to tell the browser's
 * packets from the kiosk's) or an address is not numeric. */
char *nft_rules(const struct kiosk_cfg *cfg, const char *const *addrs, size_t n, char *err,
		size_t errlen);

/* Resolves print.server's host (a name or an address) into at most NFT_MAX_PRINT_ADDRS
 * numeric addresses in OUT (to free with nft_addrs_free); 0 without a print server. -1
 * when the name does not resolve (ERR says so). */
int nft_print_addrs(const struct kiosk_cfg *cfg, char *out[NFT_MAX_PRINT_ADDRS], char *err,
		    size_t errlen);
void nft_addrs_free(char *addrs[], int n);

#endif
