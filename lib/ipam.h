/* ipam: IPv4 address arithmetic for ct-net, pure logic (no system calls),
 * so it is unit-tested on its own: CIDR parsing, overlap, picking the lowest
 * free address in a subnet, picking a free subnet from a pool, the MAC
 * derived from an address (02:42:a:b:c:d, as Docker does), and published
 * port specs (-p [IP:][HOST:]CONTAINER[/tcp|/udp], with ranges).
 *
 * Addresses are uint32_t in host byte order. */
#ifndef CT_IPAM_H
#define CT_IPAM_H

#include <stddef.h>
#include <stdint.h>

struct ct_err;

#define CT_IP_STR 16
#define CT_CIDR_STR 20
#define CT_MAC_STR 18

struct ct_cidr {
	uint32_t addr;	/* the network address (host bits cleared) */
	int prefix;	/* 0..32 */
};

int ct_ip_parse(const char *s, uint32_t *ip, struct ct_err *e);
void ct_ip_format(uint32_t ip, char out[CT_IP_STR]);
/* "10.1.2.0/24"; host bits set ("10.1.2.3/24") are refused, as Docker does */
int ct_cidr_parse(const char *s, struct ct_cidr *c, struct ct_err *e);
void ct_cidr_format(const struct ct_cidr *c, char out[CT_CIDR_STR]);
uint32_t ct_cidr_mask(int prefix);
int ct_cidr_contains(const struct ct_cidr *c, uint32_t ip);
int ct_cidr_overlap(const struct ct_cidr *a, const struct ct_cidr *b);
uint32_t ct_cidr_broadcast(const struct ct_cidr *c);

/* The lowest usable address of net that is not the network or broadcast
 * address, not gw and not in used[n]. Fails with a message naming the
 * subnet when it is full. */
int ct_ipam_pick(const struct ct_cidr *net, uint32_t gw, const uint32_t *used,
		 size_t n, uint32_t *out, struct ct_err *e);
/* A requested (--ip) address: inside net, usable, not gw, not in use. */
int ct_ipam_check(const struct ct_cidr *net, uint32_t gw, const uint32_t *used,
		  size_t n, uint32_t ip, struct ct_err *e);
/* The first subnet of the given prefix inside pool that overlaps none of
 * taken[n]. */
int ct_subnet_pick(const struct ct_cidr *pool, int prefix,
		   const struct ct_cidr *taken, size_t n, struct ct_cidr *out,
		   struct ct_err *e);

void ct_mac_from_ip(uint32_t ip, unsigned char mac[6]);
void ct_mac_format(const unsigned char mac[6], char out[CT_MAC_STR]);

/* ---- IPv6 (dual-stack networks) ----
 * Addresses are 16 bytes in network order; an all-zero address means none. */
#define CT_IP6_STR 46
#define CT_CIDR6_STR 50

struct ct_ip6 {
	unsigned char b[16];
};

struct ct_cidr6 {
	struct ct_ip6 addr;	/* host bits cleared */
	int prefix;		/* 0..128 */
};

/* Whether s looks like an IPv6 address or CIDR (has a ':'). */
int ct_is_ip6_text(const char *s);
int ct_ip6_parse(const char *s, struct ct_ip6 *ip, struct ct_err *e);
void ct_ip6_format(const struct ct_ip6 *ip, char out[CT_IP6_STR]);
int ct_ip6_is_zero(const struct ct_ip6 *ip);
int ct_ip6_eq(const struct ct_ip6 *a, const struct ct_ip6 *b);
/* "fd00:1::/64"; host bits set are refused */
int ct_cidr6_parse(const char *s, struct ct_cidr6 *c, struct ct_err *e);
void ct_cidr6_format(const struct ct_cidr6 *c, char out[CT_CIDR6_STR]);
int ct_cidr6_contains(const struct ct_cidr6 *c, const struct ct_ip6 *ip);
int ct_cidr6_overlap(const struct ct_cidr6 *a, const struct ct_cidr6 *b);
/* net's address plus k (k < 2^64), within the subnet's host part */
void ct_ip6_nth(const struct ct_cidr6 *net, uint64_t k, struct ct_ip6 *out);
/* The lowest address after the subnet-router anycast address (net::0)
 * that is not gw and not in used[n]. */
int ct_ipam6_pick(const struct ct_cidr6 *net, const struct ct_ip6 *gw,
		  const struct ct_ip6 *used, size_t n, struct ct_ip6 *out,
		  struct ct_err *e);
/* A requested (--ip6) address: inside net, not net::0, not gw, not in use. */
int ct_ipam6_check(const struct ct_cidr6 *net, const struct ct_ip6 *gw,
		   const struct ct_ip6 *used, size_t n, const struct ct_ip6 *ip,
		   struct ct_err *e);
/* A unique local /64 (RFC 4193: fd + 40-bit global id + subnet 0) whose
 * global id comes from seed (the low 40 bits; seed + k * a large odd step
 * for the k-th try), overlapping none of taken[n]. */
int ct_ula_pick(uint64_t seed, const struct ct_cidr6 *taken, size_t n,
		struct ct_cidr6 *out, struct ct_err *e);

/* One published port after range expansion. host_port 0: pick a free one. */
struct ct_port {
	int udp;		/* 0 tcp, 1 udp */
	uint32_t host_ip;	/* 0 = every address */
	uint16_t host_port;
	uint16_t ctr_port;
};

/* Parse one -p spec, appending to *v (grown with ct_xrealloc):
 *   80  8080:80  127.0.0.1:8080:80  127.0.0.1::80  8000-8001:8000-8001  53/udp
 * Range lengths must match (a single host port with a container range is
 * refused). */
int ct_port_parse(const char *spec, struct ct_port **v, size_t *n, struct ct_err *e);
/* "80/tcp -> 0.0.0.0:8080" (the docker port format) */
void ct_port_format(const struct ct_port *p, char *out, size_t len);
/* "tcp:0.0.0.0:8080:80" (how ports are stored) and back */
void ct_port_store(const struct ct_port *p, char *out, size_t len);
int ct_port_load(const char *s, struct ct_port *p, struct ct_err *e);

#endif
