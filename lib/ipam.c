#include "ipam.h"
#include "buf.h"
#include "err.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ct_ip_parse(const char *s, uint32_t *ip, struct ct_err *e)
{
	unsigned long part;
	uint32_t v = 0;
	const char *p = s;
	char *end;
	int i;

	for (i = 0; i < 4; i++) {
		if (*p < '0' || *p > '9')
			goto bad;
		part = strtoul(p, &end, 10);
		if (part > 255 || end - p > 3 || (end - p > 1 && *p == '0'))
			goto bad;
		v = v << 8 | (uint32_t)part;
		p = end;
		if (i < 3) {
			if (*p != '.')
				goto bad;
			p++;
		}
	}
	if (*p)
		goto bad;
	*ip = v;
	return 0;
bad:
	return ct_err(e, 0, "invalid IPv4 address '%s' (want a.b.c.d)", s);
}

void ct_ip_format(uint32_t ip, char out[CT_IP_STR])
{
	snprintf(out, CT_IP_STR, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255,
		 (ip >> 8) & 255, ip & 255);
}

uint32_t ct_cidr_mask(int prefix)
{
	return prefix <= 0 ? 0 : prefix >= 32 ? 0xffffffffu : ~(0xffffffffu >> prefix);
}

int ct_cidr_parse(const char *s, struct ct_cidr *c, struct ct_err *e)
{
	char ip[CT_IP_STR], *end;
	const char *slash = strchr(s, '/');
	unsigned long pre;
	uint32_t a;

	if (!slash || (size_t)(slash - s) >= sizeof ip)
		return ct_err(e, 0, "invalid subnet '%s' (want a.b.c.d/N)", s);
	memcpy(ip, s, (size_t)(slash - s));
	ip[slash - s] = 0;
	if (ct_ip_parse(ip, &a, e) < 0)
		return ct_err_wrap(e, "subnet %s", s);
	if (slash[1] < '0' || slash[1] > '9')
		return ct_err(e, 0, "invalid subnet '%s' (want a.b.c.d/N)", s);
	pre = strtoul(slash + 1, &end, 10);
	if (*end || pre > 32)
		return ct_err(e, 0, "invalid prefix length in '%s' (want 0 to 32)", s);
	if (a & ~ct_cidr_mask((int)pre)) {
		char net[CT_IP_STR];

		ct_ip_format(a & ct_cidr_mask((int)pre), net);
		return ct_err(e, 0, "subnet '%s' has host bits set; did you mean %s/%lu?",
			      s, net, pre);
	}
	c->addr = a;
	c->prefix = (int)pre;
	return 0;
}

void ct_cidr_format(const struct ct_cidr *c, char out[CT_CIDR_STR])
{
	char ip[CT_IP_STR];

	ct_ip_format(c->addr, ip);
	snprintf(out, CT_CIDR_STR, "%s/%d", ip, c->prefix);
}

int ct_cidr_contains(const struct ct_cidr *c, uint32_t ip)
{
	return (ip & ct_cidr_mask(c->prefix)) == c->addr;
}

int ct_cidr_overlap(const struct ct_cidr *a, const struct ct_cidr *b)
{
	int p = a->prefix < b->prefix ? a->prefix : b->prefix;
	uint32_t m = ct_cidr_mask(p);

	return (a->addr & m) == (b->addr & m);
}

uint32_t ct_cidr_broadcast(const struct ct_cidr *c)
{
	return c->addr | ~ct_cidr_mask(c->prefix);
}

static int is_used(uint32_t ip, const uint32_t *used, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (used[i] == ip)
			return 1;
	return 0;
}

int ct_ipam_check(const struct ct_cidr *net, uint32_t gw, const uint32_t *used,
		  size_t n, uint32_t ip, struct ct_err *e)
{
	char s[CT_IP_STR], c[CT_CIDR_STR];

	ct_ip_format(ip, s);
	ct_cidr_format(net, c);
	if (!ct_cidr_contains(net, ip))
		return ct_err(e, 0, "address %s is not in subnet %s", s, c);
	if (ip == net->addr || (net->prefix < 31 && ip == ct_cidr_broadcast(net)))
		return ct_err(e, 0, "address %s is the network or broadcast address of %s", s, c);
	if (ip == gw)
		return ct_err(e, 0, "address %s is the gateway of %s", s, c);
	if (is_used(ip, used, n))
		return ct_err(e, 0, "address %s is already in use on %s", s, c);
	return 0;
}

int ct_ipam_pick(const struct ct_cidr *net, uint32_t gw, const uint32_t *used,
		 size_t n, uint32_t *out, struct ct_err *e)
{
	uint32_t ip, last = ct_cidr_broadcast(net);
	char c[CT_CIDR_STR];

	if (net->prefix >= 31)
		last++;
	for (ip = net->addr + 1; ip < last; ip++) {
		if (ip != gw && !is_used(ip, used, n)) {
			*out = ip;
			return 0;
		}
	}
	ct_cidr_format(net, c);
	ct_err(e, 0, "no free address left in %s (%zu in use)", c, n);
	return ct_err_hint(e, "remove a container, run 'ct-net prune', or use a larger --subnet");
}

int ct_subnet_pick(const struct ct_cidr *pool, int prefix,
		   const struct ct_cidr *taken, size_t n, struct ct_cidr *out,
		   struct ct_err *e)
{
	uint64_t step, a, end;
	char p[CT_CIDR_STR];
	size_t i;

	ct_cidr_format(pool, p);
	if (prefix < pool->prefix || prefix > 30)
		return ct_err(e, 0, "cannot cut /%d subnets out of pool %s", prefix, p);
	step = (uint64_t)1 << (32 - prefix);
	end = (uint64_t)ct_cidr_broadcast(pool) + 1;
	for (a = pool->addr; a < end; a += step) {
		struct ct_cidr c = { (uint32_t)a, prefix };

		for (i = 0; i < n; i++)
			if (ct_cidr_overlap(&c, &taken[i]))
				break;
		if (i == n) {
			*out = c;
			return 0;
		}
	}
	ct_err(e, 0, "every /%d subnet of pool %s is taken or overlaps a route", prefix, p);
	return ct_err_hint(e, "give --subnet, or set [network] pool in ct.conf");
}

void ct_mac_from_ip(uint32_t ip, unsigned char mac[6])
{
	mac[0] = 0x02;
	mac[1] = 0x42;
	mac[2] = (unsigned char)(ip >> 24);
	mac[3] = (unsigned char)(ip >> 16);
	mac[4] = (unsigned char)(ip >> 8);
	mac[5] = (unsigned char)ip;
}

void ct_mac_format(const unsigned char mac[6], char out[CT_MAC_STR])
{
	snprintf(out, CT_MAC_STR, "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

/* "8000" or "8000-8009" (empty: 0-0, a random port) */
static int parse_range(const char *s, const char *spec, unsigned *lo, unsigned *hi,
		       struct ct_err *e)
{
	char *end;
	unsigned long a, b;

	if (!*s) {
		*lo = *hi = 0;
		return 0;
	}
	if (*s < '0' || *s > '9')
		goto bad;
	a = strtoul(s, &end, 10);
	b = a;
	if (*end == '-') {
		if (end[1] < '0' || end[1] > '9')
			goto bad;
		b = strtoul(end + 1, &end, 10);
	}
	if (*end || a < 1 || a > 65535 || b < a || b > 65535)
		goto bad;
	*lo = (unsigned)a;
	*hi = (unsigned)b;
	return 0;
bad:
	return ct_err(e, 0, "invalid port '%s' in -p %s (want 1-65535 or a range LO-HI)",
		      s, spec);
}

int ct_port_parse(const char *spec, struct ct_port **v, size_t *n, struct ct_err *e)
{
	char *s = ct_xstrdup(spec), *proto, *f[3];
	unsigned hlo = 0, hhi = 0, clo = 0, chi = 0, i;
	int nf = 0, udp = 0, r = -1;
	uint32_t hip = 0;
	char *p = s;

	proto = strchr(s, '/');
	if (proto) {
		*proto++ = 0;
		if (!strcmp(proto, "udp"))
			udp = 1;
		else if (strcmp(proto, "tcp")) {
			ct_err(e, 0, "invalid protocol '%s' in -p %s (want tcp or udp)", proto, spec);
			goto out;
		}
	}
	for (;;) {
		char *c = strchr(p, ':');

		if (nf == 3) {
			ct_err(e, 0, "invalid -p %s (want [IP:][HOST:]CONTAINER[/PROTO])", spec);
			goto out;
		}
		f[nf++] = p;
		if (!c)
			break;
		*c = 0;
		p = c + 1;
	}
	if (nf == 3 && ct_ip_parse(f[0], &hip, e) < 0) {
		ct_err_wrap(e, "-p %s", spec);
		goto out;
	}
	if (parse_range(f[nf - 1], spec, &clo, &chi, e) < 0)
		goto out;
	if (!clo) {
		ct_err(e, 0, "invalid -p %s: the container port is missing", spec);
		goto out;
	}
	hlo = hhi = 0;
	if (nf >= 2 && parse_range(f[nf - 2], spec, &hlo, &hhi, e) < 0)
		goto out;
	if (hlo && hhi - hlo != chi - clo) {
		ct_err(e, 0, "invalid -p %s: host and container ranges differ in length", spec);
		goto out;
	}
	for (i = 0; i <= chi - clo; i++) {
		struct ct_port *q;

		*v = ct_xrealloc(*v, (*n + 1) * sizeof **v);
		q = &(*v)[(*n)++];
		q->udp = udp;
		q->host_ip = hip;
		q->host_port = (uint16_t)(hlo ? hlo + i : 0);
		q->ctr_port = (uint16_t)(clo + i);
	}
	r = 0;
out:
	free(s);
	return r;
}

void ct_port_format(const struct ct_port *p, char *out, size_t len)
{
	char ip[CT_IP_STR];

	ct_ip_format(p->host_ip, ip);
	snprintf(out, len, "%u/%s -> %s:%u", p->ctr_port, p->udp ? "udp" : "tcp",
		 ip, p->host_port);
}

void ct_port_store(const struct ct_port *p, char *out, size_t len)
{
	char ip[CT_IP_STR];

	ct_ip_format(p->host_ip, ip);
	snprintf(out, len, "%s:%s:%u:%u", p->udp ? "udp" : "tcp", ip, p->host_port,
		 p->ctr_port);
}

int ct_port_load(const char *s, struct ct_port *p, struct ct_err *e)
{
	char ip[CT_IP_STR], *end;
	const char *c = s + 4, *c2;
	unsigned long h, ctr;

	if ((strncmp(s, "tcp:", 4) && strncmp(s, "udp:", 4)) || !(c2 = strchr(c, ':')) ||
	    (size_t)(c2 - c) >= sizeof ip)
		goto bad;
	memcpy(ip, c, (size_t)(c2 - c));
	ip[c2 - c] = 0;
	if (ct_ip_parse(ip, &p->host_ip, NULL) < 0 || c2[1] < '0' || c2[1] > '9')
		goto bad;
	h = strtoul(c2 + 1, &end, 10);
	if (*end != ':' || end[1] < '0' || end[1] > '9')
		goto bad;
	ctr = strtoul(end + 1, &end, 10);
	if (*end || h > 65535 || ctr > 65535)
		goto bad;
	p->udp = s[0] == 'u';
	p->host_port = (uint16_t)h;
	p->ctr_port = (uint16_t)ctr;
	return 0;
bad:
	return ct_err(e, 0, "bad stored port '%s'", s);
}

/* ---- IPv6 ------------------------------------------------------------- */

int ct_is_ip6_text(const char *s)
{
	return strchr(s, ':') != NULL;
}

int ct_ip6_parse(const char *s, struct ct_ip6 *ip, struct ct_err *e)
{
	struct in6_addr a;

	if (!ct_is_ip6_text(s) || strchr(s, '%') || inet_pton(AF_INET6, s, &a) != 1)
		return ct_err(e, 0, "invalid IPv6 address '%s' (want e.g. fd00:1::2)", s);
	memcpy(ip->b, &a, 16);
	return 0;
}

void ct_ip6_format(const struct ct_ip6 *ip, char out[CT_IP6_STR])
{
	if (!inet_ntop(AF_INET6, ip->b, out, CT_IP6_STR))
		snprintf(out, CT_IP6_STR, "::");
}

int ct_ip6_is_zero(const struct ct_ip6 *ip)
{
	static const struct ct_ip6 z;

	return !memcmp(ip->b, z.b, 16);
}

int ct_ip6_eq(const struct ct_ip6 *a, const struct ct_ip6 *b)
{
	return !memcmp(a->b, b->b, 16);
}

/* the first prefix bits of a and b agree */
static int prefix_eq(const unsigned char *a, const unsigned char *b, int prefix)
{
	int full = prefix / 8, rest = prefix % 8;
	unsigned char m;

	if (memcmp(a, b, (size_t)full))
		return 0;
	if (!rest)
		return 1;
	m = (unsigned char)(0xff << (8 - rest));
	return (a[full] & m) == (b[full] & m);
}

int ct_cidr6_parse(const char *s, struct ct_cidr6 *c, struct ct_err *e)
{
	char ip[CT_IP6_STR], *end;
	const char *slash = strchr(s, '/');
	unsigned long pre;
	struct ct_ip6 a, net;
	int i;

	if (!slash || (size_t)(slash - s) >= sizeof ip)
		return ct_err(e, 0, "invalid IPv6 subnet '%s' (want e.g. fd00:1::/64)", s);
	memcpy(ip, s, (size_t)(slash - s));
	ip[slash - s] = 0;
	memset(&a, 0, sizeof a);
	if (ct_ip6_parse(ip, &a, e) < 0)
		return ct_err_wrap(e, "subnet %s", s);
	if (slash[1] < '0' || slash[1] > '9')
		return ct_err(e, 0, "invalid IPv6 subnet '%s' (want e.g. fd00:1::/64)", s);
	pre = strtoul(slash + 1, &end, 10);
	if (*end || pre > 128)
		return ct_err(e, 0, "invalid prefix length in '%s' (want 0 to 128)", s);
	memset(&net, 0, sizeof net);
	for (i = 0; i < 16; i++) {
		int bits = (int)pre - 8 * i;

		net.b[i] = bits >= 8 ? a.b[i] : bits <= 0 ? 0
			 : (unsigned char)(a.b[i] & (0xff << (8 - bits)));
	}
	if (!ct_ip6_eq(&a, &net)) {
		char n[CT_IP6_STR];

		ct_ip6_format(&net, n);
		return ct_err(e, 0, "subnet '%s' has host bits set; did you mean %s/%lu?",
			      s, n, pre);
	}
	c->addr = a;
	c->prefix = (int)pre;
	return 0;
}

void ct_cidr6_format(const struct ct_cidr6 *c, char out[CT_CIDR6_STR])
{
	char ip[CT_IP6_STR];

	ct_ip6_format(&c->addr, ip);
	snprintf(out, CT_CIDR6_STR, "%s/%d", ip, c->prefix);
}

int ct_cidr6_contains(const struct ct_cidr6 *c, const struct ct_ip6 *ip)
{
	return prefix_eq(c->addr.b, ip->b, c->prefix);
}

int ct_cidr6_overlap(const struct ct_cidr6 *a, const struct ct_cidr6 *b)
{
	return prefix_eq(a->addr.b, b->addr.b, a->prefix < b->prefix ? a->prefix : b->prefix);
}

void ct_ip6_nth(const struct ct_cidr6 *net, uint64_t k, struct ct_ip6 *out)
{
	int i;
	unsigned carry = 0;

	*out = net->addr;
	for (i = 15; i >= 0 && (k || carry); i--) {
		unsigned v = out->b[i] + (unsigned)(k & 0xff) + carry;

		out->b[i] = (unsigned char)v;
		carry = v >> 8;
		k >>= 8;
	}
}

static int is_used6(const struct ct_ip6 *ip, const struct ct_ip6 *used, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ct_ip6_eq(ip, &used[i]))
			return 1;
	return 0;
}

int ct_ipam6_check(const struct ct_cidr6 *net, const struct ct_ip6 *gw,
		   const struct ct_ip6 *used, size_t n, const struct ct_ip6 *ip,
		   struct ct_err *e)
{
	char s[CT_IP6_STR], c[CT_CIDR6_STR];

	ct_ip6_format(ip, s);
	ct_cidr6_format(net, c);
	if (!ct_cidr6_contains(net, ip))
		return ct_err(e, 0, "address %s is not in subnet %s", s, c);
	if (ct_ip6_eq(ip, &net->addr))
		return ct_err(e, 0, "address %s is the subnet-router address of %s", s, c);
	if (gw && ct_ip6_eq(ip, gw))
		return ct_err(e, 0, "address %s is the gateway of %s", s, c);
	if (is_used6(ip, used, n))
		return ct_err(e, 0, "address %s is already in use on %s", s, c);
	return 0;
}

int ct_ipam6_pick(const struct ct_cidr6 *net, const struct ct_ip6 *gw,
		  const struct ct_ip6 *used, size_t n, struct ct_ip6 *out,
		  struct ct_err *e)
{
	int hostbits = 128 - net->prefix;
	uint64_t k, size = hostbits >= 64 ? UINT64_MAX : (uint64_t)1 << hostbits;
	char c[CT_CIDR6_STR];

	/* at most n + 1 addresses are taken: n + 2 candidates always do */
	for (k = 1; k < size && k <= (uint64_t)n + 2; k++) {
		struct ct_ip6 ip;

		ct_ip6_nth(net, k, &ip);
		if ((gw && ct_ip6_eq(&ip, gw)) || is_used6(&ip, used, n))
			continue;
		*out = ip;
		return 0;
	}
	ct_cidr6_format(net, c);
	ct_err(e, 0, "no free IPv6 address left in %s (%zu in use)", c, n);
	return ct_err_hint(e, "remove a container, run 'ct-net prune', or use a larger --subnet6");
}

int ct_ula_pick(uint64_t seed, const struct ct_cidr6 *taken, size_t n,
		struct ct_cidr6 *out, struct ct_err *e)
{
	/* an odd step visits every 40-bit id before it repeats */
	const uint64_t step = 0x9e3779b97fULL, mask = ((uint64_t)1 << 40) - 1;
	int k;
	size_t i;

	for (k = 0; k < 256; k++) {
		uint64_t gid = (seed + (uint64_t)k * step) & mask;
		struct ct_cidr6 c;

		memset(&c, 0, sizeof c);
		c.addr.b[0] = 0xfd;
		c.addr.b[1] = (unsigned char)(gid >> 32);
		c.addr.b[2] = (unsigned char)(gid >> 24);
		c.addr.b[3] = (unsigned char)(gid >> 16);
		c.addr.b[4] = (unsigned char)(gid >> 8);
		c.addr.b[5] = (unsigned char)gid;
		c.prefix = 64;
		for (i = 0; i < n; i++)
			if (ct_cidr6_overlap(&c, &taken[i]))
				break;
		if (i == n) {
			*out = c;
			return 0;
		}
	}
	ct_err(e, 0, "no free unique local /64 found in fd00::/8 (256 tries)");
	return ct_err_hint(e, "give --subnet6");
}
