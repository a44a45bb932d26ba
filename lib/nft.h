/* nft: ct's firewall rules, all in one table of its own (`table ip ctnet`),
 * generated whole from the networks' state and loaded atomically by
 * feeding `nft -f -` through a pipe. Rules of other tables (Docker's,
 * iptables-nft's, the host's) are never read or touched.
 *
 * What the table holds:
 *   prerouting/output (nat)  published ports: DNAT from any local address
 *                            (127.0.0.1 included) to the container
 *   postrouting (nat)        masquerade of each bridge subnet going out
 *                            (not for --internal), hairpin and loopback-
 *                            sourced DNAT traffic masqueraded on the bridge
 *   forward (filter)         drop between different ct bridges; --internal
 *                            bridges talk only to themselves
 * and, for dual-stack networks, `table ip6 ctnet`: the masquerade of each
 * IPv6 subnet going out (not --internal) and the same forward drops. */
#ifndef CT_NFT_H
#define CT_NFT_H

#include <stddef.h>

struct ct_err;
struct ct_network;

#define CT_NFT_TABLE "ctnet"

/* The script for `nft -f -`: replaces the table (or deletes it when there
 * are no networks). Caller frees. */
char *ct_nft_ruleset(const struct ct_network *v, size_t n);
/* The same; without with_ip6 (a kernel without IPv6, where nft has no ip6
 * family to load) the ip6 table is left out. */
char *ct_nft_ruleset_ex(const struct ct_network *v, size_t n, int with_ip6);
/* Run nft -f - with text on its stdin; nft's complaint goes into e. */
int ct_nft_load(const char *text, struct ct_err *e);

#endif
