/* netlink: the rtnetlink requests ct-net needs, over its own NETLINK_ROUTE
 * socket (no libnl): bridges, veth pairs, link settings, addresses, routes.
 *
 * A socket belongs to the network namespace it was opened in; to act inside
 * a container, open one while setns()'d into its namespace
 * (ct_nl_open_in). Every request is acknowledged; errors name the request,
 * the interface and the kernel's errno text. */
#ifndef CT_NETLINK_H
#define CT_NETLINK_H

#include <stddef.h>
#include <stdint.h>

struct ct_err;
struct ct_cidr;

struct ct_nl {
	int fd;
	uint32_t seq;
};

int ct_nl_open(struct ct_nl *nl, struct ct_err *e);
/* Open a socket inside the network namespace nsfd, coming back to the
 * caller's namespace before returning. */
int ct_nl_open_in(struct ct_nl *nl, int nsfd, struct ct_err *e);
void ct_nl_close(struct ct_nl *nl);

/* The ifindex of name, 0 when there is no such link, -1 on error. */
int ct_nl_ifindex(struct ct_nl *nl, const char *name, struct ct_err *e);
int ct_nl_bridge_add(struct ct_nl *nl, const char *name, struct ct_err *e);
/* A veth pair: name here, peer named peer inside the namespace peer_nsfd
 * (-1: here too). */
int ct_nl_veth_add(struct ct_nl *nl, const char *name, const char *peer,
		   int peer_nsfd, struct ct_err *e);
int ct_nl_link_del(struct ct_nl *nl, const char *name, struct ct_err *e);

/* Link changes; fields left at their "unset" value are not touched. */
struct ct_nl_link {
	int up;			/* 1 up, 0 down, -1 unchanged */
	int master;		/* ifindex of the bridge, 0 unchanged */
	unsigned mtu;		/* 0 unchanged */
	const unsigned char *mac;	/* NULL unchanged */
	const char *rename;	/* NULL unchanged */
	int nsfd;		/* move into this namespace; -1 unchanged */
};
#define CT_NL_LINK_INIT { -1, 0, 0, NULL, NULL, -1 }
int ct_nl_link_set(struct ct_nl *nl, const char *name, const struct ct_nl_link *l,
		   struct ct_err *e);
int ct_nl_link_mtu(struct ct_nl *nl, const char *name, unsigned *mtu, struct ct_err *e);

int ct_nl_addr_add(struct ct_nl *nl, const char *name, uint32_t ip, int prefix,
		   struct ct_err *e);
/* Route dst/prefix (0/0: default) via gw (0: on-link) out of dev. */
int ct_nl_route_add(struct ct_nl *nl, uint32_t dst, int prefix, uint32_t gw,
		    const char *dev, struct ct_err *e);
/* The IPv4 destinations of the main routing table (default routes left
 * out), appended to *v. */
int ct_nl_routes(struct ct_nl *nl, struct ct_cidr **v, size_t *n, struct ct_err *e);
/* IPv6 (added for dual-stack networks; the requests above are untouched):
 * an address with IFA_F_NODAD (usable at once, no duplicate detection),
 * a route (dst NULL: the default route) via gw (NULL: on-link), the
 * IPv6 destinations of the main table (default and fe80::/64 left out). */
struct ct_ip6;
struct ct_cidr6;
int ct_nl_addr6_add(struct ct_nl *nl, const char *name, const struct ct_ip6 *ip,
		    int prefix, struct ct_err *e);
int ct_nl_route6_add(struct ct_nl *nl, const struct ct_cidr6 *dst,
		     const struct ct_ip6 *gw, const char *dev, struct ct_err *e);
int ct_nl_routes6(struct ct_nl *nl, struct ct_cidr6 **v, size_t *n, struct ct_err *e);

/* Names of every link, appended to *v (each allocated). */
int ct_nl_links(struct ct_nl *nl, char ***v, size_t *n, struct ct_err *e);

#endif
