/* dns: the name server ct-net runs for each user-defined network, a small
 * forked daemon listening on the network's gateway address, port 53/udp.
 *
 * It answers A queries for the network's members (container name, id, the
 * 12-hex short id, --alias names) from networks/<name>.ini, re-read
 * whenever that file changes, so a container joining or leaving is seen at
 * once (and one whose BUNDLE/state.ini says stopped has no name; one
 * renamed in BUNDLE/ct.ini answers to its new name); other types for a
 * member name get an empty NOERROR answer (AAAA too on a v4-only
 * network); unknown single-label names and names under "<network>."
 * get NXDOMAIN; AAAA queries are answered for members with an IPv6
 * address (dual-stack networks, whose responder listens on the IPv6
 * gateway too); everything else is forwarded to the host's resolvers (the
 * nameservers of /etc/resolv.conf, or of ct.conf's [network] resolv_conf,
 * loopback stubs replaced by /run/systemd/resolve/resolv.conf), without
 * waiting: each forwarded query has its own socket, 2 s per upstream, then
 * SERVFAIL. It exits when its network file goes. */
#ifndef CT_DNS_H
#define CT_DNS_H

#include <stddef.h>
#include <stdint.h>

struct ct_err;
struct ct_ip6;

/* The answer, pure logic (unit-tested): query q[qlen] is a DNS message;
 * lookup(name, arg) returns 1 and sets *ip for a known name, 0 otherwise.
 * in_domain: the suffix that is ours (the network name).
 * Returns the reply length written to out, 0 when the query must be
 * forwarded, -1 when it is malformed (dropped). */
int ct_dns_answer(const unsigned char *q, size_t qlen, unsigned char *out,
		  size_t outlen, const char *domain,
		  int (*lookup)(const char *name, uint32_t *ip, void *arg), void *arg);

/* The same with AAAA: lookup sets *ip and *ip6 (all zero: no IPv6). */
int ct_dns_answer46(const unsigned char *q, size_t qlen, unsigned char *out,
		    size_t outlen, const char *domain,
		    int (*lookup)(const char *name, uint32_t *ip, struct ct_ip6 *ip6,
				  void *arg), void *arg);

/* Start the responder for network name (bound to gw:53, and [gw6]:53
 * when gw6 is not NULL) in a child that detaches; writes
 * networks/<name>.dns.pid. */
int ct_dns_start(const char *root, const char *name, uint32_t gw,
		 const struct ct_ip6 *gw6, struct ct_err *e);
/* Whether the responder of network name is running. */
int ct_dns_running(const char *root, const char *name);
/* Stop it (kill the pid in the pid file, remove the file). */
void ct_dns_stop(const char *root, const char *name);
/* The upstream servers for forwarding and for the default network's
 * resolv.conf: up to max addresses in host order, from resolv (NULL:
 * /etc/resolv.conf), a loopback stub replaced by the servers in
 * /run/systemd/resolve/resolv.conf. */
size_t ct_dns_upstreams(const char *resolv, uint32_t *v, size_t max);

#endif
