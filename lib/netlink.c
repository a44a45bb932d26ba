#include "netlink.h"
#include "buf.h"
#include "err.h"
#include "ipam.h"
#include "say.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define NL_BUF 8192

struct nl_msg {
	union {
		struct nlmsghdr h;
		char buf[NL_BUF];
	} u;
};

int ct_nl_open(struct ct_nl *nl, struct ct_err *e)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	nl->seq = 1;
	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (nl->fd < 0)
		return ct_err(e, errno, "socket(AF_NETLINK, NETLINK_ROUTE)");
	if (bind(nl->fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		ct_err(e, errno, "bind netlink socket");
		close(nl->fd);
		nl->fd = -1;
		return -1;
	}
	return 0;
}

int ct_nl_open_in(struct ct_nl *nl, int nsfd, struct ct_err *e)
{
	int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC), r;

	if (self < 0)
		return ct_err(e, errno, "open /proc/self/ns/net");
	if (setns(nsfd, CLONE_NEWNET) < 0) {
		ct_err(e, errno, "setns(CLONE_NEWNET) into the container");
		close(self);
		return -1;
	}
	r = ct_nl_open(nl, e);
	if (setns(self, CLONE_NEWNET) < 0) {
		/* cannot go on in the wrong namespace */
		ct_err(e, errno, "setns(CLONE_NEWNET) back to our namespace");
		if (r == 0)
			ct_nl_close(nl);
		close(self);
		return -1;
	}
	close(self);
	return r;
}

void ct_nl_close(struct ct_nl *nl)
{
	if (nl->fd >= 0)
		close(nl->fd);
	nl->fd = -1;
}

static void msg_init(struct nl_msg *m, uint16_t type, uint16_t flags, size_t hdrlen)
{
	memset(m, 0, NLMSG_SPACE(hdrlen) + 16);
	m->u.h.nlmsg_len = (uint32_t)NLMSG_LENGTH(hdrlen);
	m->u.h.nlmsg_type = type;
	m->u.h.nlmsg_flags = (uint16_t)(NLM_F_REQUEST | flags);
}

static void *msg_data(struct nl_msg *m)
{
	return NLMSG_DATA(&m->u.h);
}

static struct rtattr *attr_add(struct nl_msg *m, unsigned short type,
			       const void *data, size_t len)
{
	size_t off = NLMSG_ALIGN(m->u.h.nlmsg_len);
	struct rtattr *a = (struct rtattr *)(m->u.buf + off);

	if (off + RTA_SPACE(len) > sizeof m->u.buf)
		abort();	/* our own messages are small: a bug, not input */
	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(a), data, len);
	m->u.h.nlmsg_len = (uint32_t)(off + RTA_SPACE(len));
	return a;
}

static void attr_str(struct nl_msg *m, unsigned short type, const char *s)
{
	attr_add(m, type, s, strlen(s) + 1);
}

static void attr_u32(struct nl_msg *m, unsigned short type, uint32_t v)
{
	attr_add(m, type, &v, sizeof v);
}

static struct rtattr *nest_begin(struct nl_msg *m, unsigned short type)
{
	return attr_add(m, type, NULL, 0);
}

static void nest_end(struct nl_msg *m, struct rtattr *a)
{
	a->rta_len = (unsigned short)(m->u.buf + m->u.h.nlmsg_len - (char *)a);
}

/* Send m and wait for its acknowledgement. what names the request. */
static int nl_talk(struct ct_nl *nl, struct nl_msg *m, struct ct_err *e,
		   const char *what)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	char rbuf[NL_BUF];
	uint32_t seq = ++nl->seq;
	ssize_t n;

	m->u.h.nlmsg_seq = seq;
	m->u.h.nlmsg_flags |= NLM_F_ACK;
	if (sendto(nl->fd, m->u.buf, m->u.h.nlmsg_len, 0, (struct sockaddr *)&sa,
		   sizeof sa) < 0)
		return ct_err(e, errno, "netlink send (%s)", what);
	for (;;) {
		struct nlmsghdr *h;

		n = recv(nl->fd, rbuf, sizeof rbuf, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return ct_err(e, errno, "netlink receive (%s)", what);
		}
		for (h = (struct nlmsghdr *)rbuf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *er = NLMSG_DATA(h);

				if (er->error == 0)
					return 0;
				ct_err(e, -er->error, "%s", what);
				if (-er->error == EPERM)
					ct_err_hint(e, "ct-net needs root (CAP_NET_ADMIN)");
				return -1;
			}
		}
	}
}

/* Dump request: calls fn for each reply message until NLMSG_DONE. */
static int nl_dump(struct ct_nl *nl, struct nl_msg *m, const char *what,
		   int (*fn)(struct nlmsghdr *h, void *arg), void *arg, struct ct_err *e)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	char rbuf[32768];
	uint32_t seq = ++nl->seq;
	ssize_t n;

	m->u.h.nlmsg_seq = seq;
	m->u.h.nlmsg_flags |= NLM_F_DUMP;
	if (sendto(nl->fd, m->u.buf, m->u.h.nlmsg_len, 0, (struct sockaddr *)&sa,
		   sizeof sa) < 0)
		return ct_err(e, errno, "netlink send (%s)", what);
	for (;;) {
		struct nlmsghdr *h;

		n = recv(nl->fd, rbuf, sizeof rbuf, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return ct_err(e, errno, "netlink receive (%s)", what);
		}
		for (h = (struct nlmsghdr *)rbuf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *er = NLMSG_DATA(h);

				if (er->error)
					return ct_err(e, -er->error, "%s", what);
				continue;
			}
			if (fn(h, arg) < 0)
				return ct_err(e, 0, "%s: bad reply", what);
		}
	}
}

int ct_nl_ifindex(struct ct_nl *nl, const char *name, struct ct_err *e)
{
	struct nl_msg m;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	char rbuf[NL_BUF];
	struct ifinfomsg *ifi;
	uint32_t seq = ++nl->seq;
	ssize_t n;

	msg_init(&m, RTM_GETLINK, 0, sizeof *ifi);
	ifi = msg_data(&m);
	ifi->ifi_family = AF_UNSPEC;
	attr_str(&m, IFLA_IFNAME, name);
	m.u.h.nlmsg_seq = seq;
	if (sendto(nl->fd, m.u.buf, m.u.h.nlmsg_len, 0, (struct sockaddr *)&sa,
		   sizeof sa) < 0)
		return ct_err(e, errno, "netlink send (RTM_GETLINK %s)", name);
	for (;;) {
		struct nlmsghdr *h;

		n = recv(nl->fd, rbuf, sizeof rbuf, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return ct_err(e, errno, "netlink receive (RTM_GETLINK %s)", name);
		}
		for (h = (struct nlmsghdr *)rbuf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *er = NLMSG_DATA(h);

				if (er->error == -ENODEV)
					return 0;
				return ct_err(e, -er->error, "RTM_GETLINK %s", name);
			}
			if (h->nlmsg_type == RTM_NEWLINK) {
				ifi = NLMSG_DATA(h);
				return ifi->ifi_index;
			}
		}
	}
}

int ct_nl_bridge_add(struct ct_nl *nl, const char *name, struct ct_err *e)
{
	struct nl_msg m;
	struct ifinfomsg *ifi;
	struct rtattr *li;
	char what[64];

	ct_say("ip link add %s type bridge", name);
	msg_init(&m, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof *ifi);
	ifi = msg_data(&m);
	ifi->ifi_family = AF_UNSPEC;
	attr_str(&m, IFLA_IFNAME, name);
	li = nest_begin(&m, IFLA_LINKINFO);
	attr_str(&m, IFLA_INFO_KIND, "bridge");
	nest_end(&m, li);
	snprintf(what, sizeof what, "create bridge %s", name);
	return nl_talk(nl, &m, e, what);
}

int ct_nl_veth_add(struct ct_nl *nl, const char *name, const char *peer,
		   int peer_nsfd, struct ct_err *e)
{
	struct nl_msg m;
	struct ifinfomsg *ifi, pifi;
	struct rtattr *li, *data, *pe;
	char what[96];

	ct_say("ip link add %s type veth peer name %s%s", name, peer,
	       peer_nsfd >= 0 ? " netns <container>" : "");
	msg_init(&m, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof *ifi);
	ifi = msg_data(&m);
	ifi->ifi_family = AF_UNSPEC;
	attr_str(&m, IFLA_IFNAME, name);
	li = nest_begin(&m, IFLA_LINKINFO);
	attr_str(&m, IFLA_INFO_KIND, "veth");
	data = nest_begin(&m, IFLA_INFO_DATA);
	pe = nest_begin(&m, VETH_INFO_PEER);
	memset(&pifi, 0, sizeof pifi);
	pifi.ifi_family = AF_UNSPEC;
	/* the peer's ifinfomsg is raw payload of VETH_INFO_PEER */
	memcpy(m.u.buf + m.u.h.nlmsg_len, &pifi, sizeof pifi);
	m.u.h.nlmsg_len += NLMSG_ALIGN(sizeof pifi);
	attr_str(&m, IFLA_IFNAME, peer);
	if (peer_nsfd >= 0)
		attr_u32(&m, IFLA_NET_NS_FD, (uint32_t)peer_nsfd);
	nest_end(&m, pe);
	nest_end(&m, data);
	nest_end(&m, li);
	snprintf(what, sizeof what, "create veth pair %s / %s", name, peer);
	return nl_talk(nl, &m, e, what);
}

int ct_nl_link_del(struct ct_nl *nl, const char *name, struct ct_err *e)
{
	struct nl_msg m;
	struct ifinfomsg *ifi;
	char what[64];

	ct_say("ip link del %s", name);
	msg_init(&m, RTM_DELLINK, 0, sizeof *ifi);
	ifi = msg_data(&m);
	ifi->ifi_family = AF_UNSPEC;
	attr_str(&m, IFLA_IFNAME, name);
	snprintf(what, sizeof what, "delete link %s", name);
	return nl_talk(nl, &m, e, what);
}

int ct_nl_link_set(struct ct_nl *nl, const char *name, const struct ct_nl_link *l,
		   struct ct_err *e)
{
	struct nl_msg m;
	struct ifinfomsg *ifi;
	struct ct_buf say = CT_BUF_INIT;
	char what[160];
	int idx, r;

	idx = ct_nl_ifindex(nl, name, e);
	if (idx < 0)
		return -1;
	if (idx == 0)
		return ct_err(e, ENODEV, "ip link set %s", name);
	msg_init(&m, RTM_NEWLINK, 0, sizeof *ifi);
	ifi = msg_data(&m);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = idx;
	ct_buf_printf(&say, "ip link set %s", name);
	if (l->rename) {
		attr_str(&m, IFLA_IFNAME, l->rename);
		ct_buf_printf(&say, " name %s", l->rename);
	}
	if (l->master) {
		attr_u32(&m, IFLA_MASTER, (uint32_t)l->master);
		ct_buf_printf(&say, " master #%d", l->master);
	}
	if (l->mtu) {
		attr_u32(&m, IFLA_MTU, l->mtu);
		ct_buf_printf(&say, " mtu %u", l->mtu);
	}
	if (l->mac) {
		char s[CT_MAC_STR];

		attr_add(&m, IFLA_ADDRESS, l->mac, 6);
		ct_mac_format(l->mac, s);
		ct_buf_printf(&say, " address %s", s);
	}
	if (l->nsfd >= 0) {
		attr_u32(&m, IFLA_NET_NS_FD, (uint32_t)l->nsfd);
		ct_buf_puts(&say, " netns <container>");
	}
	if (l->up >= 0) {
		ifi->ifi_change = IFF_UP;
		ifi->ifi_flags = l->up ? IFF_UP : 0;
		ct_buf_puts(&say, l->up ? " up" : " down");
	}
	ct_say("%s", ct_buf_str(&say));
	snprintf(what, sizeof what, "%s", ct_buf_str(&say));
	ct_buf_free(&say);
	r = nl_talk(nl, &m, e, what);
	return r;
}

struct mtu_arg {
	unsigned mtu;
};

static int mtu_cb(struct nlmsghdr *h, void *arg)
{
	struct ifinfomsg *ifi = NLMSG_DATA(h);
	struct rtattr *a = IFLA_RTA(ifi);
	int len = (int)IFLA_PAYLOAD(h);

	for (; RTA_OK(a, len); a = RTA_NEXT(a, len))
		if (a->rta_type == IFLA_MTU)
			((struct mtu_arg *)arg)->mtu = *(uint32_t *)RTA_DATA(a);
	return 0;
}

int ct_nl_link_mtu(struct ct_nl *nl, const char *name, unsigned *mtu, struct ct_err *e)
{
	struct nl_msg m;
	struct ifinfomsg *ifi;
	struct mtu_arg a = { 0 };
	int idx = ct_nl_ifindex(nl, name, e);

	if (idx <= 0)
		return idx < 0 ? -1 : ct_err(e, ENODEV, "link %s", name);
	msg_init(&m, RTM_GETLINK, 0, sizeof *ifi);
	ifi = msg_data(&m);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = idx;
	/* a single GETLINK reply comes without NLMSG_DONE; read it directly */
	{
		struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
		char rbuf[NL_BUF];
		ssize_t n;
		uint32_t seq = ++nl->seq;

		m.u.h.nlmsg_seq = seq;
		if (sendto(nl->fd, m.u.buf, m.u.h.nlmsg_len, 0, (struct sockaddr *)&sa,
			   sizeof sa) < 0)
			return ct_err(e, errno, "netlink send (RTM_GETLINK %s)", name);
		for (;;) {
			struct nlmsghdr *h;

			n = recv(nl->fd, rbuf, sizeof rbuf, 0);
			if (n < 0) {
				if (errno == EINTR)
					continue;
				return ct_err(e, errno, "netlink receive");
			}
			for (h = (struct nlmsghdr *)rbuf; NLMSG_OK(h, (size_t)n);
			     h = NLMSG_NEXT(h, n)) {
				if (h->nlmsg_seq != seq)
					continue;
				if (h->nlmsg_type == NLMSG_ERROR) {
					struct nlmsgerr *er = NLMSG_DATA(h);

					return ct_err(e, -er->error, "RTM_GETLINK %s", name);
				}
				mtu_cb(h, &a);
				*mtu = a.mtu;
				return 0;
			}
		}
	}
}

int ct_nl_addr_add(struct ct_nl *nl, const char *name, uint32_t ip, int prefix,
		   struct ct_err *e)
{
	struct nl_msg m;
	struct ifaddrmsg *ifa;
	uint32_t be = htonl(ip), bc;
	char s[CT_IP_STR], what[96];
	int idx = ct_nl_ifindex(nl, name, e);

	if (idx <= 0)
		return idx < 0 ? -1 : ct_err(e, ENODEV, "ip addr add on %s", name);
	ct_ip_format(ip, s);
	ct_say("ip addr add %s/%d dev %s", s, prefix, name);
	msg_init(&m, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, sizeof *ifa);
	ifa = msg_data(&m);
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = (unsigned char)prefix;
	ifa->ifa_index = (unsigned)idx;
	attr_add(&m, IFA_LOCAL, &be, 4);
	attr_add(&m, IFA_ADDRESS, &be, 4);
	if (prefix < 31) {
		bc = htonl(ip | ~ct_cidr_mask(prefix));
		attr_add(&m, IFA_BROADCAST, &bc, 4);
	}
	snprintf(what, sizeof what, "ip addr add %s/%d dev %s", s, prefix, name);
	return nl_talk(nl, &m, e, what);
}

int ct_nl_route_add(struct ct_nl *nl, uint32_t dst, int prefix, uint32_t gw,
		    const char *dev, struct ct_err *e)
{
	struct nl_msg m;
	struct rtmsg *rt;
	uint32_t bdst = htonl(dst), bgw = htonl(gw);
	char d[CT_IP_STR], g[CT_IP_STR], what[128];
	int idx = ct_nl_ifindex(nl, dev, e);

	if (idx <= 0)
		return idx < 0 ? -1 : ct_err(e, ENODEV, "ip route add dev %s", dev);
	ct_ip_format(dst, d);
	ct_ip_format(gw, g);
	if (prefix == 0)
		snprintf(what, sizeof what, "ip route add default via %s dev %s", g, dev);
	else
		snprintf(what, sizeof what, "ip route add %s/%d%s%s dev %s", d, prefix,
			 gw ? " via " : "", gw ? g : "", dev);
	ct_say("%s", what);
	msg_init(&m, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, sizeof *rt);
	rt = msg_data(&m);
	rt->rtm_family = AF_INET;
	rt->rtm_dst_len = (unsigned char)prefix;
	rt->rtm_table = RT_TABLE_MAIN;
	rt->rtm_protocol = RTPROT_BOOT;
	rt->rtm_scope = gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	rt->rtm_type = RTN_UNICAST;
	if (prefix)
		attr_add(&m, RTA_DST, &bdst, 4);
	if (gw)
		attr_add(&m, RTA_GATEWAY, &bgw, 4);
	attr_u32(&m, RTA_OIF, (uint32_t)idx);
	return nl_talk(nl, &m, e, what);
}

struct routes_arg {
	struct ct_cidr **v;
	size_t *n;
};

static int routes_cb(struct nlmsghdr *h, void *arg)
{
	struct routes_arg *ra = arg;
	struct rtmsg *rt = NLMSG_DATA(h);
	struct rtattr *a = RTM_RTA(rt);
	int len = (int)RTM_PAYLOAD(h);
	uint32_t dst = 0;

	if (h->nlmsg_type != RTM_NEWROUTE || rt->rtm_family != AF_INET ||
	    rt->rtm_table != RT_TABLE_MAIN || rt->rtm_dst_len == 0)
		return 0;
	for (; RTA_OK(a, len); a = RTA_NEXT(a, len))
		if (a->rta_type == RTA_DST)
			dst = ntohl(*(uint32_t *)RTA_DATA(a));
	*ra->v = ct_xrealloc(*ra->v, (*ra->n + 1) * sizeof **ra->v);
	(*ra->v)[*ra->n].addr = dst & ct_cidr_mask(rt->rtm_dst_len);
	(*ra->v)[*ra->n].prefix = rt->rtm_dst_len;
	(*ra->n)++;
	return 0;
}

int ct_nl_routes(struct ct_nl *nl, struct ct_cidr **v, size_t *n, struct ct_err *e)
{
	struct nl_msg m;
	struct rtmsg *rt;
	struct routes_arg a = { v, n };

	msg_init(&m, RTM_GETROUTE, 0, sizeof *rt);
	rt = msg_data(&m);
	rt->rtm_family = AF_INET;
	return nl_dump(nl, &m, "dump IPv4 routes", routes_cb, &a, e);
}

struct links_arg {
	char ***v;
	size_t *n;
};

static int links_cb(struct nlmsghdr *h, void *arg)
{
	struct links_arg *la = arg;
	struct ifinfomsg *ifi = NLMSG_DATA(h);
	struct rtattr *a = IFLA_RTA(ifi);
	int len = (int)IFLA_PAYLOAD(h);

	if (h->nlmsg_type != RTM_NEWLINK)
		return 0;
	for (; RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == IFLA_IFNAME) {
			*la->v = ct_xrealloc(*la->v, (*la->n + 1) * sizeof **la->v);
			(*la->v)[(*la->n)++] = ct_xstrndup(RTA_DATA(a), RTA_PAYLOAD(a));
		}
	}
	return 0;
}

int ct_nl_links(struct ct_nl *nl, char ***v, size_t *n, struct ct_err *e)
{
	struct nl_msg m;
	struct ifinfomsg *ifi;
	struct links_arg a = { v, n };

	msg_init(&m, RTM_GETLINK, 0, sizeof *ifi);
	ifi = msg_data(&m);
	ifi->ifi_family = AF_UNSPEC;
	return nl_dump(nl, &m, "dump links", links_cb, &a, e);
}

/* ---- IPv6 ----------------------------------------------------------------- */

int ct_nl_addr6_add(struct ct_nl *nl, const char *name, const struct ct_ip6 *ip,
		    int prefix, struct ct_err *e)
{
	struct nl_msg m;
	struct ifaddrmsg *ifa;
	char s[CT_IP6_STR], what[128];
	int idx = ct_nl_ifindex(nl, name, e);

	if (idx <= 0)
		return idx < 0 ? -1 : ct_err(e, ENODEV, "ip -6 addr add on %s", name);
	ct_ip6_format(ip, s);
	snprintf(what, sizeof what, "ip -6 addr add %s/%d dev %s nodad", s, prefix, name);
	ct_say("%s", what);
	msg_init(&m, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, sizeof *ifa);
	ifa = msg_data(&m);
	ifa->ifa_family = AF_INET6;
	ifa->ifa_prefixlen = (unsigned char)prefix;
	ifa->ifa_flags = IFA_F_NODAD | IFA_F_PERMANENT;
	ifa->ifa_index = (unsigned)idx;
	attr_add(&m, IFA_LOCAL, ip->b, 16);
	attr_add(&m, IFA_ADDRESS, ip->b, 16);
	return nl_talk(nl, &m, e, what);
}

int ct_nl_route6_add(struct ct_nl *nl, const struct ct_cidr6 *dst,
		     const struct ct_ip6 *gw, const char *dev, struct ct_err *e)
{
	struct nl_msg m;
	struct rtmsg *rt;
	char d[CT_CIDR6_STR], g[CT_IP6_STR], what[160];
	int idx = ct_nl_ifindex(nl, dev, e);

	if (idx <= 0)
		return idx < 0 ? -1 : ct_err(e, ENODEV, "ip -6 route add dev %s", dev);
	if (dst)
		ct_cidr6_format(dst, d);
	if (gw)
		ct_ip6_format(gw, g);
	snprintf(what, sizeof what, "ip -6 route add %s%s%s dev %s", dst ? d : "default",
		 gw ? " via " : "", gw ? g : "", dev);
	ct_say("%s", what);
	msg_init(&m, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, sizeof *rt);
	rt = msg_data(&m);
	rt->rtm_family = AF_INET6;
	rt->rtm_dst_len = (unsigned char)(dst ? dst->prefix : 0);
	rt->rtm_table = RT_TABLE_MAIN;
	rt->rtm_protocol = RTPROT_BOOT;
	rt->rtm_scope = RT_SCOPE_UNIVERSE;
	rt->rtm_type = RTN_UNICAST;
	if (dst && dst->prefix)
		attr_add(&m, RTA_DST, dst->addr.b, 16);
	if (gw)
		attr_add(&m, RTA_GATEWAY, gw->b, 16);
	attr_u32(&m, RTA_OIF, (uint32_t)idx);
	return nl_talk(nl, &m, e, what);
}

struct routes6_arg {
	struct ct_cidr6 **v;
	size_t *n;
};

static int routes6_cb(struct nlmsghdr *h, void *arg)
{
	struct routes6_arg *ra = arg;
	struct rtmsg *rt = NLMSG_DATA(h);
	struct rtattr *a = RTM_RTA(rt);
	int len = (int)RTM_PAYLOAD(h);
	struct ct_cidr6 c;

	if (h->nlmsg_type != RTM_NEWROUTE || rt->rtm_family != AF_INET6 ||
	    rt->rtm_table != RT_TABLE_MAIN || rt->rtm_dst_len == 0 ||
	    rt->rtm_type != RTN_UNICAST)
		return 0;
	memset(&c, 0, sizeof c);
	for (; RTA_OK(a, len); a = RTA_NEXT(a, len))
		if (a->rta_type == RTA_DST && RTA_PAYLOAD(a) == 16)
			memcpy(c.addr.b, RTA_DATA(a), 16);
	c.prefix = rt->rtm_dst_len;
	if (c.addr.b[0] == 0xfe && (c.addr.b[1] & 0xc0) == 0x80)
		return 0;	/* link-local: every link has fe80::/64 */
	*ra->v = ct_xrealloc(*ra->v, (*ra->n + 1) * sizeof **ra->v);
	(*ra->v)[(*ra->n)++] = c;
	return 0;
}

int ct_nl_routes6(struct ct_nl *nl, struct ct_cidr6 **v, size_t *n, struct ct_err *e)
{
	struct nl_msg m;
	struct rtmsg *rt;
	struct routes6_arg a = { v, n };

	msg_init(&m, RTM_GETROUTE, 0, sizeof *rt);
	rt = msg_data(&m);
	rt->rtm_family = AF_INET6;
	return nl_dump(nl, &m, "dump IPv6 routes", routes6_cb, &a, e);
}
