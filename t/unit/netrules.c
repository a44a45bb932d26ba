/* Unit tests for lib/nft (the generated ruleset) and lib/dns (answers). */
#include "dns.h"
#include "ipam.h"
#include "network.h"
#include "nft.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

static void test_ruleset(void)
{
	struct ct_port ports[2] = { { 0, 0, 8080, 80 }, { 1, 0x7f000001, 5353, 53 } };
	struct ct_endpoint ep = { 0 };
	struct ct_network v[2];
	char *r;

	memset(v, 0, sizeof v);
	v[0].name = "a";
	v[0].bridge = "ct-aaaa";
	ct_cidr_parse("10.78.0.0/24", &v[0].subnet, NULL);
	v[1].name = "b";
	v[1].bridge = "ct-bbbb";
	v[1].internal = 1;
	ct_cidr_parse("10.78.1.0/24", &v[1].subnet, NULL);
	ep.ip = 0x0a4e0002;
	ep.ports = ports;
	ep.nports = 2;
	v[0].ep = &ep;
	v[0].nep = 1;

	r = ct_nft_ruleset(v, 0);
	is_str(r, "table ip ctnet\ndelete table ip ctnet\n"
	       "table ip6 ctnet\ndelete table ip6 ctnet\n", "no networks: the tables go");
	free(r);
	r = ct_nft_ruleset_ex(v, 2, 0);
	ok(strstr(r, "ip6") == NULL, "no IPv6 in the kernel: no ip6 table at all");
	free(r);
	r = ct_nft_ruleset(v, 2);
	ok(strstr(r, "table ip ctnet\ndelete table ip ctnet\ntable ip ctnet {") == r,
	   "the table is replaced in one transaction");
	ok(strstr(r, "\t\ttcp dport 8080 dnat to 10.78.0.2:80\n") != NULL, "DNAT for 8080:80");
	ok(strstr(r, "\t\tip daddr 127.0.0.1 udp dport 5353 dnat to 10.78.0.2:53\n") != NULL,
	   "DNAT bound to a host address, udp");
	ok(strstr(r, "ip saddr 10.78.0.0/24 oifname != \"ct-aaaa\" masquerade") != NULL,
	   "outbound masquerade for a normal network");
	ok(strstr(r, "ip saddr 10.78.1.0/24 oifname != \"ct-bbbb\" masquerade") == NULL,
	   "no masquerade for an internal network");
	ok(strstr(r, "iifname \"ct-bbbb\" oifname != \"ct-bbbb\" drop") != NULL,
	   "an internal network cannot send out");
	ok(strstr(r, "iifname \"ct-aaaa\" oifname \"ct-bbbb\" drop") != NULL &&
	   strstr(r, "iifname \"ct-bbbb\" oifname \"ct-aaaa\" drop") != NULL,
	   "networks are isolated both ways");
	ok(strstr(r, "oifname \"ct-aaaa\" ip saddr 127.0.0.0/8 masquerade") != NULL,
	   "loopback-sourced DNAT traffic is masqueraded on the bridge");
	ok(strstr(r, "fib daddr type local jump publish") != NULL, "DNAT only for local addresses");
	ok(strstr(r, "table ip6 ctnet {") == NULL && strstr(r, "delete table ip6 ctnet\n"),
	   "no dual-stack network: no ip6 table, an old one goes");
	free(r);

	/* dual stack: a is v6 too, b internal and v6, c v4 only */
	v[0].ipv6 = 1;
	ct_cidr6_parse("fd00:a::/64", &v[0].subnet6, NULL);
	v[1].ipv6 = 1;
	ct_cidr6_parse("fd00:b::/64", &v[1].subnet6, NULL);
	ct_ip6_parse("fd00:a::2", &ep.ip6, NULL);
	r = ct_nft_ruleset(v, 2);
	ok(strstr(r, "\t\ttcp dport 8080 dnat to [fd00:a::2]:80\n") != NULL,
	   "v6 DNAT of a port published on every address");
	ok(strstr(r, "dnat to [fd00:a::2]:53") == NULL,
	   "none for a port bound to an IPv4 host address");
	ok(strstr(r, "ip6 daddr != ::1 fib daddr type local jump publish") != NULL,
	   "::1 is not DNAT'ed (no route_localnet in IPv6)");
	ok(strstr(r, "delete table ip6 ctnet\ntable ip6 ctnet {") != NULL,
	   "the ip6 table is replaced in the same transaction");
	ok(strstr(r, "ip6 saddr fd00:a::/64 oifname != \"ct-aaaa\" masquerade") != NULL,
	   "IPv6 masquerade for a dual-stack network");
	ok(strstr(r, "ip6 saddr fd00:b::/64 oifname") == NULL, "none for an internal one");
	{
		const char *t6 = strstr(r, "table ip6 ctnet {");

		ok(t6 && strstr(t6, "iifname \"ct-aaaa\" oifname \"ct-bbbb\" drop") &&
		   strstr(t6, "iifname \"ct-bbbb\" oifname \"ct-aaaa\" drop") &&
		   strstr(t6, "iifname \"ct-bbbb\" oifname != \"ct-bbbb\" drop"),
		   "IPv6 isolation and --internal in the ip6 table");
	}
	free(r);
}

static int lookup(const char *name, uint32_t *ip, void *arg)
{
	(void)arg;
	if (!strcmp(name, "web") || !strcmp(name, "frontend")) {
		*ip = 0x0a4e0002;
		return 1;
	}
	return 0;
}

static int lookup46(const char *name, uint32_t *ip, struct ct_ip6 *ip6, void *arg)
{
	(void)arg;
	memset(ip6, 0, sizeof *ip6);
	if (!strcmp(name, "web6")) {
		*ip = 0x0a4e0002;
		ct_ip6_parse("fd00:a::2", ip6, NULL);
		return 1;
	}
	return lookup(name, ip, NULL);
}

static size_t query(unsigned char *q, const char *name, unsigned type)
{
	size_t n = 12;
	const char *p = name;

	memset(q, 0, 12);
	q[0] = 0x12;
	q[1] = 0x34;
	q[2] = 0x01;	/* RD */
	q[5] = 1;	/* one question */
	while (*p) {
		const char *dot = strchr(p, '.');
		size_t l = dot ? (size_t)(dot - p) : strlen(p);

		q[n++] = (unsigned char)l;
		memcpy(q + n, p, l);
		n += l;
		p += l;
		if (*p == '.')
			p++;
	}
	q[n++] = 0;
	q[n++] = 0;
	q[n++] = (unsigned char)type;
	q[n++] = 0;
	q[n++] = 1;
	return n;
}

static void test_dns(void)
{
	unsigned char q[512], a[512];
	size_t n;
	int r;

	n = query(q, "web", 1);
	r = ct_dns_answer(q, n, a, sizeof a, "app", lookup, NULL);
	ok(r == (int)n + 16, "A for a member: one answer record");
	ok(a[0] == 0x12 && a[1] == 0x34, "the id is kept");
	ok((a[2] & 0x80) && (a[2] & 0x04) && (a[2] & 0x01) && (a[3] & 0x0f) == 0,
	   "QR, AA, RD kept, NOERROR");
	ok(a[7] == 1 && !memcmp(a + r - 4, "\x0a\x4e\x00\x02", 4), "the address 10.78.0.2");

	n = query(q, "WEB.app", 1);
	r = ct_dns_answer(q, n, a, sizeof a, "app", lookup, NULL);
	ok(r == (int)n + 16, "case-insensitive, with the network's domain");

	n = query(q, "frontend", 28);
	r = ct_dns_answer(q, n, a, sizeof a, "app", lookup, NULL);
	ok(r == (int)n && (a[3] & 0x0f) == 0 && a[7] == 0, "AAAA for a member: empty NOERROR");

	n = query(q, "nosuch", 1);
	r = ct_dns_answer(q, n, a, sizeof a, "app", lookup, NULL);
	ok(r == (int)n && (a[3] & 0x0f) == 3, "an unknown single label: NXDOMAIN");

	n = query(q, "nosuch.app", 1);
	r = ct_dns_answer(q, n, a, sizeof a, "app", lookup, NULL);
	ok(r == (int)n && (a[3] & 0x0f) == 3, "an unknown name in the domain: NXDOMAIN");

	n = query(q, "example.com", 1);
	ok(ct_dns_answer(q, n, a, sizeof a, "app", lookup, NULL) == 0,
	   "other names are forwarded");

	ok(ct_dns_answer(q, 5, a, sizeof a, "app", lookup, NULL) < 0, "a short packet is dropped");
	n = query(q, "web", 1);
	q[2] |= 0x80;
	ok(ct_dns_answer(q, n, a, sizeof a, "app", lookup, NULL) < 0, "a response is dropped");
	n = query(q, "web", 1);
	q[12] = 70;
	ok(ct_dns_answer(q, n, a, sizeof a, "app", lookup, NULL) < 0, "a bad label is dropped");

	n = query(q, "web6", 28);
	r = ct_dns_answer46(q, n, a, sizeof a, "app", lookup46, NULL);
	ok(r == (int)n + 28 && a[7] == 1 && a[n + 3] == 28 && a[n + 11] == 16 &&
	   !memcmp(a + r - 16, "\xfd\x00\x00\x0a\0\0\0\0\0\0\0\0\0\0\0\x02", 16),
	   "AAAA for a dual-stack member: fd00:a::2");
	n = query(q, "web6.app", 1);
	r = ct_dns_answer46(q, n, a, sizeof a, "app", lookup46, NULL);
	ok(r == (int)n + 16 && !memcmp(a + r - 4, "\x0a\x4e\x00\x02", 4),
	   "its A record too");
	n = query(q, "web", 28);
	r = ct_dns_answer46(q, n, a, sizeof a, "app", lookup46, NULL);
	ok(r == (int)n && a[7] == 0 && (a[3] & 0x0f) == 0, "AAAA, no IPv6: empty NOERROR");
}

int main(void)
{
	test_ruleset();
	test_dns();
	return tap_done();
}
