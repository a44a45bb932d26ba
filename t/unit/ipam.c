/* Unit tests for lib/ipam: address and subnet arithmetic, allocation,
 * MACs and published-port specs. */
#include "ipam.h"
#include "err.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

static uint32_t ip(const char *s)
{
	uint32_t v = 0;

	ct_ip_parse(s, &v, NULL);
	return v;
}

static struct ct_cidr cidr(const char *s)
{
	struct ct_cidr c = { 0, 0 };

	ct_cidr_parse(s, &c, NULL);
	return c;
}

static void test_parse(void)
{
	static const char *bad[] = { "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4",
				     "a.b.c.d", "1.2.3.4 ", "1..2.3", NULL };
	struct ct_err e;
	char out[CT_CIDR_STR];
	struct ct_cidr c;
	uint32_t v;
	int i;

	ok(ct_ip_parse("10.77.0.1", &v, &e) == 0 && v == 0x0a4d0001, "parse 10.77.0.1");
	ct_ip_format(0xc0a80101, out);
	is_str(out, "192.168.1.1", "format an address");
	for (i = 0; bad[i]; i++)
		ok(ct_ip_parse(bad[i], &v, &e) < 0, "refuse address '%s'", bad[i]);
	ok(ct_cidr_parse("10.1.2.0/24", &c, &e) == 0 && c.prefix == 24, "parse a CIDR");
	ct_cidr_format(&c, out);
	is_str(out, "10.1.2.0/24", "format a CIDR");
	ok(ct_cidr_parse("10.1.2.3/24", &c, &e) < 0 && strstr(e.msg, "10.1.2.0/24"),
	   "host bits set: refused, with the network suggested (%s)", e.msg);
	ok(ct_cidr_parse("10.1.2.0/33", &c, &e) < 0, "prefix over 32 refused");
	ok(ct_cidr_parse("10.1.2.0", &c, &e) < 0, "missing prefix refused");
}

static void test_overlap(void)
{
	struct ct_cidr a = cidr("10.0.0.0/8"), b = cidr("10.88.0.0/16"),
		       c = cidr("172.17.0.0/16"), d = cidr("10.88.1.0/24");

	ok(ct_cidr_overlap(&a, &b) && ct_cidr_overlap(&b, &a), "a /8 overlaps a /16 inside it");
	ok(!ct_cidr_overlap(&b, &c), "disjoint subnets do not overlap");
	ok(ct_cidr_overlap(&b, &d), "a /24 inside a /16 overlaps");
	ok(ct_cidr_contains(&b, ip("10.88.255.255")) && !ct_cidr_contains(&b, ip("10.89.0.0")),
	   "contains checks the mask");
	is_int(ct_cidr_broadcast(&d), ip("10.88.1.255"), "broadcast of a /24");
}

static void test_pick(void)
{
	struct ct_cidr n = cidr("10.5.0.0/30"), big = cidr("10.6.0.0/24");
	uint32_t gw = ip("10.5.0.1"), used[256], out = 0;
	struct ct_err e;
	size_t k;

	ok(ct_ipam_pick(&n, gw, NULL, 0, &out, &e) == 0 && out == ip("10.5.0.2"),
	   "a /30 gives .2 first");
	used[0] = out;
	ok(ct_ipam_pick(&n, gw, used, 1, &out, &e) < 0 && strstr(e.msg, "no free address"),
	   "a /30 with one container is full: %s", e.msg);
	for (k = 0; k < 60; k++)
		ok(ct_ipam_pick(&big, ip("10.6.0.1"), used, k, &used[k], &e) == 0, "pick %zu", k);
	ok(used[59] == ip("10.6.0.61"), "60 picks are consecutive after the gateway");
	used[3] = 0;
	ok(ct_ipam_pick(&big, ip("10.6.0.1"), used, 60, &out, &e) == 0 && out == ip("10.6.0.5"),
	   "a released address is reused first");
	ok(ct_ipam_check(&big, ip("10.6.0.1"), used, 60, ip("10.6.0.200"), &e) == 0,
	   "a free static address is accepted");
	ok(ct_ipam_check(&big, ip("10.6.0.1"), used, 60, ip("10.6.0.2"), &e) < 0 &&
	   strstr(e.msg, "in use"), "a used static address is refused");
	ok(ct_ipam_check(&big, ip("10.6.0.1"), used, 60, ip("10.6.0.1"), &e) < 0 &&
	   strstr(e.msg, "gateway"), "the gateway is refused");
	ok(ct_ipam_check(&big, ip("10.6.0.1"), used, 60, ip("10.6.0.255"), &e) < 0,
	   "the broadcast address is refused");
	ok(ct_ipam_check(&big, ip("10.6.0.1"), used, 60, ip("10.7.0.2"), &e) < 0 &&
	   strstr(e.msg, "not in subnet"), "an address outside is refused");
}

static void test_subnet_pick(void)
{
	struct ct_cidr pool = cidr("10.78.0.0/16"), taken[3], out;
	char s[CT_CIDR_STR];
	struct ct_err e;

	taken[0] = cidr("10.78.0.0/24");
	taken[1] = cidr("10.78.1.0/25");
	taken[2] = cidr("10.0.0.0/8");
	ok(ct_subnet_pick(&pool, 24, taken, 2, &out, &e) == 0, "pick a subnet");
	ct_cidr_format(&out, s);
	is_str(s, "10.78.2.0/24", "skips taken and partly taken subnets");
	ok(ct_subnet_pick(&pool, 24, taken, 3, &out, &e) < 0, "a pool covered by a route is full");
	ok(ct_subnet_pick(&pool, 8, taken, 0, &out, &e) < 0, "a prefix wider than the pool is refused");
}

static void test_mac(void)
{
	unsigned char mac[6];
	char s[CT_MAC_STR];

	ct_mac_from_ip(ip("10.77.0.2"), mac);
	ct_mac_format(mac, s);
	is_str(s, "02:42:0a:4d:00:02", "MAC from address, locally administered");
}

static void test_ports(void)
{
	struct ct_port *v = NULL;
	size_t n = 0;
	struct ct_err e;
	char s[64];
	struct ct_port p;

	ok(ct_port_parse("8080:80", &v, &n, &e) == 0 && n == 1 && v[0].host_port == 8080 &&
	   v[0].ctr_port == 80 && !v[0].udp && v[0].host_ip == 0, "8080:80");
	ok(ct_port_parse("127.0.0.1:5353:53/udp", &v, &n, &e) == 0 && n == 2 && v[1].udp &&
	   v[1].host_ip == ip("127.0.0.1"), "IP:HOST:CTR/udp");
	ok(ct_port_parse("80", &v, &n, &e) == 0 && n == 3 && v[2].host_port == 0,
	   "CONTAINER alone: random host port");
	ok(ct_port_parse("127.0.0.1::80", &v, &n, &e) == 0 && n == 4 && v[3].host_port == 0,
	   "IP::CONTAINER: random host port");
	ok(ct_port_parse("8000-8002:9000-9002", &v, &n, &e) == 0 && n == 7 &&
	   v[6].host_port == 8002 && v[6].ctr_port == 9002, "ranges expand");
	ok(ct_port_parse("8000-8002:80", &v, &n, &e) < 0, "range length mismatch refused");
	ok(ct_port_parse("80/sctp", &v, &n, &e) < 0 && strstr(e.msg, "sctp"), "unknown protocol refused");
	ok(ct_port_parse("0:80", &v, &n, &e) < 0, "port 0 refused");
	ok(ct_port_parse("70000:80", &v, &n, &e) < 0, "port over 65535 refused");
	ok(ct_port_parse("a:b:c:d", &v, &n, &e) < 0, "too many fields refused");
	ct_port_format(&v[0], s, sizeof s);
	is_str(s, "80/tcp -> 0.0.0.0:8080", "docker port format");
	ct_port_store(&v[1], s, sizeof s);
	is_str(s, "udp:127.0.0.1:5353:53", "stored form");
	ok(ct_port_load(s, &p, &e) == 0 && p.udp && p.host_port == 5353 && p.ctr_port == 53 &&
	   p.host_ip == ip("127.0.0.1"), "stored form reads back");
	ok(ct_port_load("tcp:x:1:2", &p, &e) < 0, "bad stored form refused");
	free(v);
}

static struct ct_ip6 ip6(const char *s)
{
	struct ct_ip6 v;

	memset(&v, 0, sizeof v);
	ct_ip6_parse(s, &v, NULL);
	return v;
}

static struct ct_cidr6 cidr6(const char *s)
{
	struct ct_cidr6 c;

	memset(&c, 0, sizeof c);
	ct_cidr6_parse(s, &c, NULL);
	return c;
}

static void test_ip6(void)
{
	static const char *bad[] = { "", "1.2.3.4", "fd00::1::2", "fd00:::1", "gd00::1",
				     "fd00::1%eth0", "fd00::1 ", NULL };
	struct ct_err e;
	struct ct_ip6 v;
	struct ct_cidr6 c, d;
	char out[CT_CIDR6_STR];
	int i;

	ok(ct_ip6_parse("fd00:1::2", &v, &e) == 0 && v.b[0] == 0xfd && v.b[3] == 1 &&
	   v.b[15] == 2, "parse fd00:1::2");
	ct_ip6_format(&v, out);
	is_str(out, "fd00:1::2", "format it back (compressed)");
	for (i = 0; bad[i]; i++)
		ok(ct_ip6_parse(bad[i], &v, &e) < 0, "refuse IPv6 address '%s'", bad[i]);
	ok(ct_is_ip6_text("fd00::/64") && !ct_is_ip6_text("10.0.0.0/8"), "v6 text told apart");
	ok(ct_cidr6_parse("fd00:aa::/64", &c, &e) == 0 && c.prefix == 64, "parse a v6 CIDR");
	ct_cidr6_format(&c, out);
	is_str(out, "fd00:aa::/64", "format a v6 CIDR");
	ok(ct_cidr6_parse("fd00:aa::1/64", &c, &e) < 0 && strstr(e.msg, "fd00:aa::/64"),
	   "v6 host bits set: refused, the network suggested (%s)", e.msg);
	ok(ct_cidr6_parse("fd00:aa::/129", &c, &e) < 0, "prefix over 128 refused");
	ok(ct_cidr6_parse("10.0.0.0/8", &c, &e) < 0, "a v4 subnet is not a v6 one");
	ok(ct_cidr6_parse("fd00:0:0:f::/61", &c, &e) < 0, "host bits in a partial byte refused");
	ok(ct_cidr6_parse("fd00:0:0:8::/61", &c, &e) == 0, "a /61 on its boundary");
	d = cidr6("fd00:0:0:f::/64");
	ok(ct_cidr6_overlap(&c, &d) && ct_cidr6_overlap(&d, &c), "a /64 inside a /61 overlaps");
	d = cidr6("fd00:0:0:10::/64");
	ok(!ct_cidr6_overlap(&c, &d), "the /64 after it does not");
	v = ip6("fd00:0:0:f::99");
	ok(ct_cidr6_contains(&c, &v), "contains");
	c = cidr6("fd00::/64");
	ct_ip6_nth(&c, 0x1ff, &v);
	ct_ip6_format(&v, out);
	is_str(out, "fd00::1ff", "nth address carries across bytes");
}

static void test_pick6(void)
{
	struct ct_cidr6 net = cidr6("fd00:5::/64"), tiny = cidr6("fd00:5::/126");
	struct ct_ip6 gw = ip6("fd00:5::1"), got, used[3];
	struct ct_err e;
	char s[CT_IP6_STR];

	ok(ct_ipam6_pick(&net, &gw, NULL, 0, &got, &e) == 0, "pick in an empty /64");
	ct_ip6_format(&got, s);
	is_str(s, "fd00:5::2", "the first address after the gateway");
	used[0] = ip6("fd00:5::2");
	used[1] = ip6("fd00:5::3");
	ok(ct_ipam6_pick(&net, &gw, used, 2, &got, &e) == 0, "pick with two in use");
	ct_ip6_format(&got, s);
	is_str(s, "fd00:5::4", "the lowest free one");
	used[0] = ip6("fd00:5::3");
	ok(ct_ipam6_pick(&net, &gw, used, 1, &got, &e) == 0 && got.b[15] == 2,
	   "a released address is reused");
	/* /126: ::0 (router), ::1 gw, ::2, ::3 */
	used[0] = ip6("fd00:5::2");
	used[1] = ip6("fd00:5::3");
	ok(ct_ipam6_pick(&tiny, &gw, used, 2, &got, &e) < 0 && strstr(e.msg, "no free"),
	   "a full /126 refuses clearly (%s)", e.msg);
	got = ip6("fd00:5::9");
	ok(ct_ipam6_check(&net, &gw, used, 2, &got, &e) == 0, "--ip6 free address accepted");
	ok(ct_ipam6_check(&net, &gw, used, 2, &used[1], &e) < 0 && strstr(e.msg, "in use"),
	   "--ip6 address in use refused");
	ok(ct_ipam6_check(&net, &gw, used, 2, &gw, &e) < 0 && strstr(e.msg, "gateway"),
	   "--ip6 gateway refused");
	got = ip6("fd00:6::9");
	ok(ct_ipam6_check(&net, &gw, used, 2, &got, &e) < 0 && strstr(e.msg, "not in"),
	   "--ip6 outside the subnet refused");
	ok(ct_ipam6_check(&net, &gw, used, 2, &net.addr, &e) < 0, "--ip6 net::0 refused");
}

static void test_ula(void)
{
	struct ct_cidr6 a, b, taken[2];
	struct ct_err e;
	char s[CT_CIDR6_STR];

	ok(ct_ula_pick(0x0102030405ULL, NULL, 0, &a, &e) == 0, "ULA pick");
	ct_cidr6_format(&a, s);
	is_str(s, "fd01:203:405::/64", "fd + the 40-bit id + subnet 0, a /64");
	ok(ct_ula_pick(0xff0102030405ULL, NULL, 0, &b, &e) == 0 && ct_cidr6_overlap(&a, &b),
	   "only 40 bits of the seed count");
	taken[0] = a;
	ok(ct_ula_pick(0x0102030405ULL, taken, 1, &b, &e) == 0 && !ct_cidr6_overlap(&a, &b) &&
	   b.addr.b[0] == 0xfd && b.prefix == 64, "a taken one is skipped");
	taken[0] = cidr6("fd00::/8");
	ok(ct_ula_pick(1, taken, 1, &b, &e) < 0 && strstr(e.msg, "no free"),
	   "fd00::/8 all routed: refused clearly");
	taken[0] = cidr6("fc00::/7");
	ok(ct_ula_pick(1, taken, 1, &b, &e) < 0, "a covering route counts too");
}

int main(void)
{
	test_ip6();
	test_pick6();
	test_ula();
	test_parse();
	test_overlap();
	test_pick();
	test_subnet_pick();
	test_mac();
	test_ports();
	return tap_done();
}
