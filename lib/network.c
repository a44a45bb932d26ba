#include "network.h"
#include "buf.h"
#include "config.h"
#include "digest.h"
#include "dns.h"
#include "err.h"
#include "file.h"
#include "json.h"
#include "lock.h"
#include "netlink.h"
#include "nft.h"
#include "say.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_SUBNET "10.77.0.0/16"
#define DEFAULT_BRIDGE "ct0"
#define DEFAULT_POOL "10.78.0.0/16"
#define DEFAULT_POOL_PREFIX 24

/* ---- state files ------------------------------------------------------- */

char *ct_net_dir(const char *root)
{
	return ct_xasprintf("%s/networks", root);
}

static char *net_path(const char *root, const char *name)
{
	return ct_xasprintf("%s/networks/%s.ini", root, name);
}

int ct_net_lock(const char *root, struct ct_err *e)
{
	char *dir = ct_net_dir(root), *p;
	int fd;

	if (ct_mkdir_p(dir, 0755, e) < 0) {
		free(dir);
		return -1;
	}
	p = ct_xasprintf("%s/.lock", dir);
	fd = ct_lock(p, CT_LOCK_EXCLUSIVE, 0, e);
	free(p);
	free(dir);
	return fd;
}

int ct_net_valid_name(const char *name, struct ct_err *e)
{
	size_t i, n = strlen(name);

	if (n == 0 || n > 64)
		goto bad;
	for (i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || (i && (c == '-' || c == '_' || c == '.'))))
			goto bad;
	}
	return 0;
bad:
	return ct_err(e, 0, "invalid network name '%s' (letters, digits, '-', '_', '.'; "
		      "1 to 64, starting with a letter or digit)", name);
}

struct load_ctx {
	struct ct_network *n;
	struct ct_endpoint *cur;
	const char *path;
	int bad;
	struct ct_err *e;
};

static int load_handler(void *user, const char *section, const char *key,
			const char *value)
{
	struct load_ctx *c = user;
	struct ct_network *n = c->n;

	if (!strcmp(section, "network")) {
		if (!strcmp(key, "name"))
			n->name = ct_xstrdup(value);
		else if (!strcmp(key, "id"))
			n->id = ct_xstrdup(value);
		else if (!strcmp(key, "bridge"))
			n->bridge = ct_xstrdup(value);
		else if (!strcmp(key, "created"))
			n->created = ct_xstrdup(value);
		else if (!strcmp(key, "subnet"))
			c->bad |= ct_cidr_parse(value, &n->subnet, c->e) < 0;
		else if (!strcmp(key, "gateway"))
			c->bad |= ct_ip_parse(value, &n->gateway, c->e) < 0;
		else if (!strcmp(key, "internal"))
			n->internal = !strcmp(value, "true");
		else if (!strcmp(key, "dns"))
			n->dns = !strcmp(value, "true");
		else if (!strcmp(key, "ipv6"))
			n->ipv6 = !strcmp(value, "true");
		else if (!strcmp(key, "subnet6"))
			c->bad |= ct_cidr6_parse(value, &n->subnet6, c->e) < 0;
		else if (!strcmp(key, "gateway6"))
			c->bad |= ct_ip6_parse(value, &n->gateway6, c->e) < 0;
		else if (!strcmp(key, "label")) {
			n->labels = ct_xrealloc(n->labels, (n->nlabels + 1) * sizeof *n->labels);
			n->labels[n->nlabels++] = ct_xstrdup(value);
		}
		return 1;
	}
	/* One [endpoint] section per container, its id the first key: inih
	 * (as Debian builds it) cuts section names at 50 bytes, too short
	 * for a 64-hex id. */
	if (!strcmp(section, "endpoint")) {
		struct ct_endpoint *ep;

		if (!strcmp(key, "id")) {
			n->ep = ct_xrealloc(n->ep, (n->nep + 1) * sizeof *n->ep);
			ep = &n->ep[n->nep++];
			memset(ep, 0, sizeof *ep);
			ep->id = ct_xstrdup(value);
			c->cur = ep;
			return 1;
		}
		if (!c->cur) {
			c->bad = 1;
			ct_err(c->e, 0, "an [endpoint] section without an id first");
			return 1;
		}
		ep = c->cur;
		if (!strcmp(key, "name"))
			ep->name = ct_xstrdup(value);
		else if (!strcmp(key, "bundle"))
			ep->bundle = ct_xstrdup(value);
		else if (!strcmp(key, "netns"))
			ep->netns = ct_xstrdup(value);
		else if (!strcmp(key, "veth"))
			ep->veth = ct_xstrdup(value);
		else if (!strcmp(key, "ifname"))
			ep->ifname = ct_xstrdup(value);
		else if (!strcmp(key, "aliases"))
			ep->aliases = ct_xstrdup(value);
		else if (!strcmp(key, "ip"))
			c->bad |= ct_ip_parse(value, &ep->ip, c->e) < 0;
		else if (!strcmp(key, "ip6"))
			c->bad |= ct_ip6_parse(value, &ep->ip6, c->e) < 0;
		else if (!strcmp(key, "port")) {
			/* one port a line: lines are cut at 200 bytes */
			ep->ports = ct_xrealloc(ep->ports, (ep->nports + 1) * sizeof *ep->ports);
			if (ct_port_load(value, &ep->ports[ep->nports], c->e) < 0)
				c->bad = 1;
			else
				ep->nports++;
		}
	}
	return 1;
}

static void ep_fill(struct ct_endpoint *ep)
{
	if (!ep->name)
		ep->name = ct_xstrdup(ep->id);
	if (!ep->bundle)
		ep->bundle = ct_xstrdup("");
	if (!ep->netns)
		ep->netns = ct_xstrdup("");
	if (!ep->veth)
		ep->veth = ct_xstrdup("");
	if (!ep->ifname)
		ep->ifname = ct_xstrdup("eth0");
	if (!ep->aliases)
		ep->aliases = ct_xstrdup("");
}

int ct_net_load(const char *root, const char *name, struct ct_network *n,
		struct ct_err *e)
{
	char *path = net_path(root, name);
	struct load_ctx c;
	FILE *f;
	int r;
	size_t i;

	memset(n, 0, sizeof *n);
	c = (struct load_ctx){ n, NULL, path, 0, e };
	f = fopen(path, "re");
	if (!f) {
		int err = errno;

		if (err == ENOENT) {
			ct_err(e, 0, "no network named '%s'", name);
			ct_err_hint(e, "see 'ct-net ls', or create it with 'ct-net create %s'", name);
		} else {
			ct_err(e, err, "open %s", path);
		}
		free(path);
		return -1;
	}
	r = ini_parse_file(f, load_handler, &c);
	fclose(f);
	if (r != 0 || c.bad || !n->name || !n->bridge || !n->id) {
		if (r > 0 || !c.bad)
			ct_err(e, 0, "%s:%d: not a valid network file", path, r > 0 ? r : 0);
		else
			ct_err_wrap(e, "%s", path);
		ct_net_free(n);
		free(path);
		return -1;
	}
	if (!n->created)
		n->created = ct_xstrdup("");
	for (i = 0; i < n->nep; i++)
		ep_fill(&n->ep[i]);
	free(path);
	return 0;
}

int ct_net_save(const char *root, const struct ct_network *n, struct ct_err *e)
{
	struct ct_buf b = CT_BUF_INIT;
	char sub[CT_CIDR_STR], gw[CT_IP_STR], ip[CT_IP_STR], port[64];
	char *path = net_path(root, n->name);
	size_t i, k;
	int r;

	ct_cidr_format(&n->subnet, sub);
	ct_ip_format(n->gateway, gw);
	ct_buf_printf(&b, "# ct-net state: written under networks/.lock, read by ct-net\n"
		      "[network]\nname = %s\nid = %s\ndriver = bridge\nsubnet = %s\n"
		      "gateway = %s\nbridge = %s\ninternal = %s\ndns = %s\ncreated = %s\n",
		      n->name, n->id, sub, gw, n->bridge, n->internal ? "true" : "false",
		      n->dns ? "true" : "false", n->created);
	if (n->ipv6) {
		char s6[CT_CIDR6_STR], g6[CT_IP6_STR];

		ct_cidr6_format(&n->subnet6, s6);
		ct_ip6_format(&n->gateway6, g6);
		ct_buf_printf(&b, "ipv6 = true\nsubnet6 = %s\ngateway6 = %s\n", s6, g6);
	}
	for (i = 0; i < n->nlabels; i++)
		ct_buf_printf(&b, "label = %s\n", n->labels[i]);
	for (i = 0; i < n->nep; i++) {
		const struct ct_endpoint *ep = &n->ep[i];
		unsigned char mac[6];
		char m[CT_MAC_STR];

		ct_ip_format(ep->ip, ip);
		ct_mac_from_ip(ep->ip, mac);
		ct_mac_format(mac, m);
		ct_buf_printf(&b, "\n[endpoint]\nid = %s\nname = %s\nbundle = %s\nnetns = %s\n"
			      "veth = %s\nifname = %s\nip = %s\nmac = %s\naliases = %s\n",
			      ep->id, ep->name, ep->bundle, ep->netns, ep->veth, ep->ifname,
			      ip, m, ep->aliases);
		if (!ct_ip6_is_zero(&ep->ip6)) {
			char i6[CT_IP6_STR];

			ct_ip6_format(&ep->ip6, i6);
			ct_buf_printf(&b, "ip6 = %s\n", i6);
		}
		for (k = 0; k < ep->nports; k++) {
			ct_port_store(&ep->ports[k], port, sizeof port);
			ct_buf_printf(&b, "port = %s\n", port);
		}
	}
	r = ct_write_file_atomic(path, b.data, b.len, 0644, e);
	ct_buf_free(&b);
	free(path);
	return r;
}

void ct_net_endpoint_free(struct ct_endpoint *ep)
{
	free(ep->id);
	free(ep->name);
	free(ep->bundle);
	free(ep->netns);
	free(ep->veth);
	free(ep->ifname);
	free(ep->aliases);
	free(ep->ports);
}

void ct_net_free(struct ct_network *n)
{
	size_t i;

	for (i = 0; i < n->nep; i++)
		ct_net_endpoint_free(&n->ep[i]);
	free(n->ep);
	for (i = 0; i < n->nlabels; i++)
		free(n->labels[i]);
	free(n->labels);
	free(n->name);
	free(n->id);
	free(n->bridge);
	free(n->created);
	memset(n, 0, sizeof *n);
}

void ct_net_free_all(struct ct_network *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		ct_net_free(&v[i]);
	free(v);
}

static int cmp_net(const void *a, const void *b)
{
	return strcmp(((const struct ct_network *)a)->name,
		      ((const struct ct_network *)b)->name);
}

int ct_net_load_all(const char *root, struct ct_network **v, size_t *n,
		    struct ct_err *e)
{
	char *dir = ct_net_dir(root);
	DIR *d = opendir(dir);
	struct dirent *de;

	*v = NULL;
	*n = 0;
	if (!d) {
		free(dir);
		return errno == ENOENT ? 0 : ct_err(e, errno, "opendir %s/networks", root);
	}
	while ((de = readdir(d))) {
		char *name;

		if (de->d_name[0] == '.' || !ct_has_suffix(de->d_name, ".ini"))
			continue;
		name = ct_xstrndup(de->d_name, strlen(de->d_name) - 4);
		*v = ct_xrealloc(*v, (*n + 1) * sizeof **v);
		if (ct_net_load(root, name, &(*v)[*n], e) < 0) {
			free(name);
			closedir(d);
			free(dir);
			ct_net_free_all(*v, *n);
			*v = NULL;
			*n = 0;
			return -1;
		}
		(*n)++;
		free(name);
	}
	closedir(d);
	free(dir);
	if (*n)
		qsort(*v, *n, sizeof **v, cmp_net);
	return 0;
}

char *ct_net_find(const char *root, const char *want, struct ct_err *e)
{
	struct ct_network *v;
	size_t n, i, l = strlen(want);
	char *path = net_path(root, want), *found = NULL;
	int many = 0;

	if (ct_net_valid_name(want, NULL) == 0 && ct_exists(path)) {
		free(path);
		return ct_xstrdup(want);
	}
	free(path);
	if (ct_net_load_all(root, &v, &n, e) < 0)
		return NULL;
	for (i = 0; l && i < n; i++) {
		if (strncmp(v[i].id, want, l))
			continue;
		if (!strcmp(v[i].id, want)) {	/* a full id wins */
			free(found);
			found = ct_xstrdup(v[i].name);
			many = 0;
			break;
		}
		many += found != NULL;
		if (!found)
			found = ct_xstrdup(v[i].name);
	}
	ct_net_free_all(v, n);
	if (many) {
		free(found);
		ct_err(e, 0, "network %s is ambiguous (%d networks match that id prefix)",
		       want, many + 1);
		return NULL;
	}
	if (!found) {
		ct_err(e, 0, "no network named '%s'", want);
		ct_err_hint(e, "see 'ct-net ls', or create it with 'ct-net create'");
	}
	return found;
}

struct ct_endpoint *ct_net_endpoint(struct ct_network *n, const char *id)
{
	size_t i;

	for (i = 0; i < n->nep; i++)
		if (!strcmp(n->ep[i].id, id))
			return &n->ep[i];
	return NULL;
}

void ct_net_endpoint_del(struct ct_network *n, const char *id)
{
	size_t i;

	for (i = 0; i < n->nep; i++) {
		if (!strcmp(n->ep[i].id, id)) {
			ct_net_endpoint_free(&n->ep[i]);
			memmove(&n->ep[i], &n->ep[i + 1], (n->nep - i - 1) * sizeof *n->ep);
			n->nep--;
			return;
		}
	}
}

/* ---- small system helpers ------------------------------------------------ */

static int sysctl_write(const char *path, const char *val, struct ct_err *e)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	ct_say("echo %s > %s", val, path);
	if (fd < 0)
		return ct_err(e, errno, "open %s", path);
	if (ct_write_all(fd, val, strlen(val)) < 0) {
		ct_err(e, errno, "write %s", path);
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static int sysctl_is(const char *path, const char *val)
{
	char buf[16] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r;

	if (fd < 0)
		return 0;
	r = read(fd, buf, sizeof buf - 1);
	close(fd);
	return r > 0 && !strncmp(buf, val, strlen(val));
}

static char *new_id(void)
{
	unsigned char rnd[32];
	char *hex = ct_xmalloc(65);
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	size_t i;

	if (fd < 0 || ct_read_full(fd, rnd, sizeof rnd) != (ssize_t)sizeof rnd) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		for (i = 0; i < sizeof rnd; i++)
			rnd[i] = (unsigned char)((ts.tv_nsec >> (i % 24)) ^ (getpid() * 31 + (int)i));
	}
	if (fd >= 0)
		close(fd);
	for (i = 0; i < 32; i++)
		sprintf(hex + 2 * i, "%02x", rnd[i]);
	return hex;
}

static char *now_rfc3339(void)
{
	time_t t = time(NULL);
	struct tm tm;
	char buf[32];

	gmtime_r(&t, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return ct_xstrdup(buf);
}

/* ---- networks: create, rm ------------------------------------------------ */

static const char *conf(const struct ct_config *cfg, const char *key, const char *def)
{
	const char *v = cfg ? ct_config_get(cfg, "network", key) : NULL;

	return v && *v ? v : def;
}

static int subnet_taken(const struct ct_cidr *s, const struct ct_network *v, size_t n,
			const struct ct_cidr *routes, size_t nr, char *why, size_t wlen)
{
	char c[CT_CIDR_STR];
	size_t i;

	for (i = 0; i < n; i++)
		if (ct_cidr_overlap(s, &v[i].subnet)) {
			snprintf(why, wlen, "network %s", v[i].name);
			return 1;
		}
	for (i = 0; i < nr; i++)
		if (ct_cidr_overlap(s, &routes[i])) {
			ct_cidr_format(&routes[i], c);
			snprintf(why, wlen, "the host route %s", c);
			return 1;
		}
	return 0;
}

/* The v6 side of create: subnet6 given (or a ULA /64 picked from a seed
 * that is the network name's digest), gateway6 (or the subnet's ::1). */
static int create_v6(struct ct_network *n, const struct ct_net_create_opts *o,
		     const struct ct_network *all, size_t nall, struct ct_nl *nl,
		     struct ct_err *e)
{
	struct ct_cidr6 *routes = NULL, *taken;
	size_t nroutes = 0, nt = 0, i;
	char c[CT_CIDR6_STR];
	int r = -1;

	if (ct_nl_routes6(nl, &routes, &nroutes, e) < 0)
		return -1;
	taken = ct_xcalloc(nall + nroutes + 1, sizeof *taken);
	for (i = 0; i < nall; i++)
		if (all[i].ipv6)
			taken[nt++] = all[i].subnet6;
	for (i = 0; i < nroutes; i++)
		taken[nt++] = routes[i];
	if (o->subnet6) {
		if (ct_cidr6_parse(o->subnet6, &n->subnet6, e) < 0)
			goto out;
		if (n->subnet6.prefix > 124) {
			ct_err(e, 0, "IPv6 subnet %s is too small (want /124 or larger)", o->subnet6);
			goto out;
		}
		for (i = 0; i < nall; i++)
			if (all[i].ipv6 && ct_cidr6_overlap(&n->subnet6, &all[i].subnet6)) {
				ct_err(e, 0, "IPv6 subnet %s overlaps network %s", o->subnet6,
				       all[i].name);
				goto out;
			}
		for (i = 0; i < nroutes; i++)
			if (ct_cidr6_overlap(&n->subnet6, &routes[i])) {
				ct_cidr6_format(&routes[i], c);
				ct_err(e, 0, "IPv6 subnet %s overlaps the host route %s",
				       o->subnet6, c);
				goto out;
			}
	} else {
		struct ct_digest d;
		const unsigned char *h;
		uint64_t seed = 0;

		ct_digest_buf(n->name, strlen(n->name), &d);
		h = d.sum;
		for (i = 0; i < 5; i++)
			seed = seed << 8 | h[i];
		if (ct_ula_pick(seed, taken, nt, &n->subnet6, e) < 0)
			goto out;
	}
	if (o->gateway6) {
		if (ct_ip6_parse(o->gateway6, &n->gateway6, e) < 0 ||
		    ct_ipam6_check(&n->subnet6, NULL, NULL, 0, &n->gateway6, e) < 0) {
			ct_err_wrap(e, "--gateway6");
			goto out;
		}
	} else {
		ct_ip6_nth(&n->subnet6, 1, &n->gateway6);
	}
	n->ipv6 = 1;
	ct_cidr6_format(&n->subnet6, c);
	ct_say("ipam: network %s gets IPv6 subnet %s", n->name, c);
	r = 0;
out:
	free(taken);
	free(routes);
	return r;
}

static int bridge_setup(struct ct_nl *nl, const struct ct_network *n, struct ct_err *e)
{
	struct ct_nl_link up = CT_NL_LINK_INIT;
	unsigned char mac[6];
	char *p;
	int idx = ct_nl_ifindex(nl, n->bridge, e), r;

	if (idx < 0)
		return -1;
	if (idx > 0)
		return ct_err(e, EEXIST, "bridge %s", n->bridge);
	if (ct_nl_bridge_add(nl, n->bridge, e) < 0 ||
	    ct_nl_addr_add(nl, n->bridge, n->gateway, n->subnet.prefix, e) < 0)
		goto fail;
	/* a fixed MAC: otherwise the bridge takes the lowest of its ports'
	 * and changes it when that port goes, which leaves the other
	 * containers with a stale ARP entry for the gateway */
	ct_mac_from_ip(n->gateway, mac);
	up.mac = mac;
	up.up = 1;
	if (ct_nl_link_set(nl, n->bridge, &up, e) < 0)
		goto fail;
	/* DNAT of connections to 127.0.0.1 sends loopback-sourced packets out
	 * of the bridge; the kernel drops those as martians unless this is on
	 * (the same switch Docker flips when its userland proxy is off) */
	p = ct_xasprintf("/proc/sys/net/ipv4/conf/%s/route_localnet", n->bridge);
	r = sysctl_write(p, "1", e);
	free(p);
	if (r < 0)
		goto fail;
	if (!sysctl_is("/proc/sys/net/ipv4/ip_forward", "1") &&
	    sysctl_write("/proc/sys/net/ipv4/ip_forward", "1", e) < 0)
		goto fail;
	if (n->ipv6) {
		/* no duplicate detection on the bridge either (the gateway
		 * and its DNS responder are usable at once) */
		p = ct_xasprintf("/proc/sys/net/ipv6/conf/%s/disable_ipv6", n->bridge);
		r = sysctl_is(p, "0") ? 0 : sysctl_write(p, "0", e);
		free(p);
		if (r < 0)
			goto fail;
		p = ct_xasprintf("/proc/sys/net/ipv6/conf/%s/accept_dad", n->bridge);
		r = sysctl_write(p, "0", e);
		free(p);
		if (r < 0 || ct_nl_addr6_add(nl, n->bridge, &n->gateway6, n->subnet6.prefix, e) < 0)
			goto fail;
		if (!sysctl_is("/proc/sys/net/ipv6/conf/all/forwarding", "1") &&
		    sysctl_write("/proc/sys/net/ipv6/conf/all/forwarding", "1", e) < 0)
			goto fail;
	}
	return 0;
fail:
	ct_nl_link_del(nl, n->bridge, NULL);
	return -1;
}

static int create_locked(const char *root, const struct ct_config *cfg,
			 const struct ct_net_create_opts *o, int is_default,
			 struct ct_err *e)
{
	struct ct_network n, *all = NULL;
	struct ct_cidr *routes = NULL;
	size_t nall = 0, nroutes = 0;
	struct ct_nl nl = { -1, 0 };
	char *path = NULL, why[96];
	int r = -1;
	size_t i;

	memset(&n, 0, sizeof n);
	if (ct_net_valid_name(o->name, e) < 0)
		return -1;
	if (!is_default && (!strcmp(o->name, "none") || !strcmp(o->name, "host")))
		return ct_err(e, 0, "'%s' is a network mode, not a network name", o->name);
	path = net_path(root, o->name);
	if (ct_exists(path)) {
		ct_err(e, 0, "network '%s' already exists", o->name);
		goto out;
	}
	if (ct_net_load_all(root, &all, &nall, e) < 0 || ct_nl_open(&nl, e) < 0 ||
	    ct_nl_routes(&nl, &routes, &nroutes, e) < 0)
		goto out;
	n.name = ct_xstrdup(o->name);
	n.id = new_id();
	n.created = now_rfc3339();
	n.internal = o->internal;
	n.dns = !is_default;
	for (i = 0; i < o->nlabels; i++) {
		if (!strchr(o->labels[i], '\n') && *o->labels[i] && *o->labels[i] != '=')
			continue;
		ct_err(e, 0, "invalid label '%s' (want KEY=VALUE on one line)", o->labels[i]);
		goto out;
	}
	n.labels = ct_xcalloc(o->nlabels + 1, sizeof *n.labels);
	for (i = 0; i < o->nlabels; i++)
		n.labels[n.nlabels++] = strchr(o->labels[i], '=') ? ct_xstrdup(o->labels[i])
				   : ct_xasprintf("%s=", o->labels[i]);
	if (o->subnet) {
		if (ct_cidr_parse(o->subnet, &n.subnet, e) < 0)
			goto out;
		if (n.subnet.prefix > 30) {
			ct_err(e, 0, "subnet %s is too small (want /30 or larger)", o->subnet);
			goto out;
		}
		if (subnet_taken(&n.subnet, all, nall, routes, nroutes, why, sizeof why)) {
			ct_err(e, 0, "subnet %s overlaps %s", o->subnet, why);
			goto out;
		}
	} else {
		struct ct_cidr pool, *taken;
		size_t nt = 0;
		uint64_t pre;

		if (ct_cidr_parse(conf(cfg, "pool", DEFAULT_POOL), &pool, e) < 0 ||
		    ct_parse_u64(conf(cfg, "pool_prefix", "24"), 30, &pre, e) < 0) {
			ct_err_wrap(e, "[network] in ct.conf");
			goto out;
		}
		taken = ct_xcalloc(nall + nroutes + 1, sizeof *taken);
		for (i = 0; i < nall; i++)
			taken[nt++] = all[i].subnet;
		for (i = 0; i < nroutes; i++)
			taken[nt++] = routes[i];
		r = ct_subnet_pick(&pool, (int)pre, taken, nt, &n.subnet, e);
		free(taken);
		if (r < 0)
			goto out;
		r = -1;
	}
	if (o->gateway) {
		if (ct_ip_parse(o->gateway, &n.gateway, e) < 0 ||
		    ct_ipam_check(&n.subnet, 0, NULL, 0, n.gateway, e) < 0) {
			ct_err_wrap(e, "--gateway");
			goto out;
		}
	} else {
		n.gateway = n.subnet.addr + 1;
	}
	if (!o->ipv6 && (o->subnet6 || o->gateway6)) {
		ct_err(e, 0, "an IPv6 --subnet or --gateway needs --ipv6");
		goto out;
	}
	if (o->ipv6 && create_v6(&n, o, all, nall, &nl, e) < 0)
		goto out;
	n.bridge = is_default ? ct_xstrdup(conf(cfg, "bridge", DEFAULT_BRIDGE))
			      : ct_xasprintf("ct-%.12s", n.id);
	if (bridge_setup(&nl, &n, e) < 0)
		goto out;
	if (ct_net_save(root, &n, e) < 0) {
		ct_nl_link_del(&nl, n.bridge, NULL);
		goto out;
	}
	if (ct_net_apply_rules(root, e) < 0 ||
	    (n.dns && ct_dns_start(root, n.name, n.gateway, n.ipv6 ? &n.gateway6 : NULL, e) < 0)) {
		struct ct_err e2;

		unlink(path);
		ct_nl_link_del(&nl, n.bridge, NULL);
		ct_net_apply_rules(root, &e2);
		goto out;
	}
	r = 0;
out:
	ct_nl_close(&nl);
	ct_net_free(&n);
	ct_net_free_all(all, nall);
	free(routes);
	free(path);
	return r;
}

int ct_net_create(const char *root, const struct ct_config *cfg,
		  const struct ct_net_create_opts *o, struct ct_err *e)
{
	int lk = ct_net_lock(root, e), r;

	if (lk < 0)
		return -1;
	if (!strcmp(o->name, CT_NET_DEFAULT)) {
		ct_unlock(lk);
		return ct_err(e, 0, "'%s' is the default network; it is created on first use",
			      o->name);
	}
	r = create_locked(root, cfg, o, 0, e);
	ct_unlock(lk);
	return r;
}

int ct_net_ensure_default_locked(const char *root, const struct ct_config *cfg,
				 struct ct_err *e)
{
	struct ct_net_create_opts o;
	char *path = net_path(root, CT_NET_DEFAULT);
	int have = ct_exists(path);

	free(path);
	if (have)
		return 0;
	memset(&o, 0, sizeof o);
	o.name = CT_NET_DEFAULT;
	o.subnet = conf(cfg, "subnet", DEFAULT_SUBNET);
	if (create_locked(root, cfg, &o, 1, e) < 0)
		return ct_err_hint(e, "set [network] subnet in ct.conf to a free range");
	return 0;
}

int ct_net_ensure_default(const char *root, const struct ct_config *cfg,
			  struct ct_err *e)
{
	int lk = ct_net_lock(root, e), r;

	if (lk < 0)
		return -1;
	r = ct_net_ensure_default_locked(root, cfg, e);
	ct_unlock(lk);
	return r;
}

int ct_net_ensure_up(const char *root, const struct ct_network *n, struct ct_err *e)
{
	struct ct_nl nl;
	int idx, r = 0;

	if (ct_nl_open(&nl, e) < 0)
		return -1;
	idx = ct_nl_ifindex(&nl, n->bridge, e);
	if (idx == 0) {
		ct_say("bridge %s of network %s is missing: making it again", n->bridge, n->name);
		if (bridge_setup(&nl, n, e) < 0 || ct_net_apply_rules(root, e) < 0)
			r = -1;
	} else if (idx < 0) {
		r = -1;
	}
	ct_nl_close(&nl);
	if (r == 0 && n->dns && !ct_dns_running(root, n->name))
		r = ct_dns_start(root, n->name, n->gateway, n->ipv6 ? &n->gateway6 : NULL, e);
	return r;
}

int ct_net_apply_rules(const char *root, struct ct_err *e)
{
	struct ct_network *v;
	size_t n;
	char *text;
	int r;

	if (ct_net_load_all(root, &v, &n, e) < 0)
		return -1;
	text = ct_nft_ruleset_ex(v, n, access("/proc/sys/net/ipv6", F_OK) == 0);
	r = ct_nft_load(text, e);
	free(text);
	ct_net_free_all(v, n);
	return r;
}

int ct_net_rm(const char *root, const char *name, struct ct_err *e)
{
	struct ct_network n;
	struct ct_nl nl = { -1, 0 };
	char *path;
	int lk = ct_net_lock(root, e), r = -1;
	size_t i;

	if (lk < 0)
		return -1;
	if (ct_net_load(root, name, &n, e) < 0) {
		ct_unlock(lk);
		return -1;
	}
	if (n.nep) {
		struct ct_buf b = CT_BUF_INIT;

		for (i = 0; i < n.nep; i++)
			ct_buf_printf(&b, "%s%s", i ? ", " : "", n.ep[i].name);
		ct_err(e, 0, "network %s is in use by %zu container%s: %s", name, n.nep,
		       n.nep == 1 ? "" : "s", b.data);
		ct_err_hint(e, "detach or disconnect them first (or 'ct-net prune' if they are gone)");
		ct_buf_free(&b);
		goto out;
	}
	ct_dns_stop(root, name);
	if (ct_nl_open(&nl, e) < 0)
		goto out;
	if (ct_nl_ifindex(&nl, n.bridge, NULL) > 0 && ct_nl_link_del(&nl, n.bridge, e) < 0)
		goto out;
	path = net_path(root, name);
	ct_say("rm %s", path);
	if (unlink(path) < 0) {
		ct_err(e, errno, "unlink %s", path);
		free(path);
		goto out;
	}
	free(path);
	r = ct_net_apply_rules(root, e);
out:
	ct_nl_close(&nl);
	ct_net_free(&n);
	ct_unlock(lk);
	return r;
}
