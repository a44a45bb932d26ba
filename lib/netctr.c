/* netctr: the container side of ct-net (attach, detach, connect,
 * disconnect, port, prune). Declared in network.h. */
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
#include "say.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

struct ctr {
	char *id;
	char *name;
	char *bundle;
	char *hostname;
	char *mode;
	char *netns;
};

static void ctr_free(struct ctr *c)
{
	free(c->id);
	free(c->name);
	free(c->bundle);
	free(c->hostname);
	free(c->mode);
	free(c->netns);
	memset(c, 0, sizeof *c);
}

struct kv_ctx {
	const char *section;
	const char **keys;
	char **vals;
};

static int kv_handler(void *user, const char *section, const char *key, const char *value)
{
	struct kv_ctx *c = user;
	size_t i;

	if (strcmp(section, c->section))
		return 1;
	for (i = 0; c->keys[i]; i++)
		if (!strcmp(key, c->keys[i])) {
			free(c->vals[i]);
			c->vals[i] = ct_xstrdup(value);
		}
	return 1;
}

/* Read keys of one section of an INI file; missing file: all NULL, 0. */
static int ini_get(const char *path, const char *section, const char **keys,
		   char **vals, struct ct_err *e)
{
	struct kv_ctx c = { section, keys, vals };
	FILE *f = fopen(path, "re");
	int r;

	if (!f)
		return errno == ENOENT ? 0 : ct_err(e, errno, "open %s", path);
	r = ini_parse_file(f, kv_handler, &c);
	fclose(f);
	if (r)
		return ct_err(e, 0, "%s:%d: INI syntax error", path, r);
	return 0;
}

static char *record_path(const char *root, const char *id, const char *ext)
{
	return ct_xasprintf("%s/netns/%s%s", root, id, ext);
}

static int record_load(const char *root, const char *id, struct ctr *c, struct ct_err *e)
{
	static const char *keys[] = { "id", "name", "bundle", "hostname", "mode", "netns", NULL };
	char *vals[6] = { 0 };
	char *p = record_path(root, id, ".ini");
	int r = ini_get(p, "container", keys, vals, e);

	free(p);
	c->id = vals[0];
	c->name = vals[1];
	c->bundle = vals[2];
	c->hostname = vals[3];
	c->mode = vals[4];
	c->netns = vals[5];
	if (r == 0 && !c->id) {
		ctr_free(c);
		return ct_err(e, 0, "container %s is not attached to any network", id);
	}
	if (r < 0) {
		ctr_free(c);
		return -1;
	}
	return 0;
}

/* The next readable container record in the open netns/ directory d
 * (NAME.ini), loaded into c; 0 when there is none left. */
static int next_record(DIR *d, const char *root, struct ctr *c)
{
	struct dirent *de;

	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);

		if (de->d_name[0] == '.' || l < 5 || strcmp(de->d_name + l - 4, ".ini"))
			continue;
		de->d_name[l - 4] = 0;
		if (record_load(root, de->d_name, c, NULL) == 0)
			return 1;
	}
	return 0;
}

/* netns/<id>.ini describes a network namespace, which no reboot keeps:
 * replaced by rename but not synced (the addresses it holds are kept,
 * durably, in networks/<name>.ini, which is what prune reclaims by) */
static int record_save(const char *root, const struct ctr *c, struct ct_err *e)
{
	char *p = record_path(root, c->id, ".ini");
	char *text = ct_xasprintf("[container]\nid = %s\nname = %s\nbundle = %s\n"
				  "hostname = %s\nmode = %s\nnetns = %s\n",
				  c->id, c->name, c->bundle, c->hostname, c->mode,
				  c->netns ? c->netns : "");
	int r = ct_write_file_volatile(p, text, strlen(text), 0644, e);

	free(text);
	free(p);
	return r;
}

/* The container a bundle holds: id and name from its ct.ini (ct-mount),
 * else the directory's base name for both. */
static int bundle_ids(const char *bundle, char **id, char **name, struct ct_err *e)
{
	static const char *keys[] = { "id", "name", NULL };
	char *vals[2] = { 0 }, *p = ct_xasprintf("%s/ct.ini", bundle);
	const char *base = strrchr(bundle, '/');
	int r = ini_get(p, "container", keys, vals, e);

	free(p);
	if (r < 0)
		return -1;
	base = base ? base + 1 : bundle;
	*id = vals[0] ? vals[0] : ct_xstrdup(base);
	*name = vals[1] && *vals[1] ? vals[1] : ct_xstrdup(*id);
	if (vals[1] && !*vals[1])
		free(vals[1]);
	return 0;
}

/* ID -> the attached container's record: id, unique prefix, name, bundle path. */
static int ctr_resolve(const char *root, const char *want, struct ctr *out, struct ct_err *e)
{
	char *dir = ct_xasprintf("%s/netns", root), *match = NULL;
	int nmatch = 0, exact = 0;
	struct ctr c;
	DIR *d;

	memset(out, 0, sizeof *out);
	if (strchr(want, '/')) {
		char *id, *name;
		char *real = realpath(want, NULL);
		int r;

		if (!real) {
			free(dir);
			return ct_err(e, errno, "bundle %s", want);
		}
		r = bundle_ids(real, &id, &name, e);
		free(real);
		if (r == 0) {
			r = record_load(root, id, out, e);
			free(id);
			free(name);
		}
		free(dir);
		return r;
	}
	d = opendir(dir);
	if (!d) {
		free(dir);
		ct_err(e, 0, "no container '%s' is attached to a network", want);
		return -1;
	}
	while (next_record(d, root, &c)) {
		if (!c.id)
			goto next;
		if (!strcmp(c.id, want) || (c.name && !strcmp(c.name, want))) {
			free(match);
			match = ct_xstrdup(c.id);
			exact = 1;
			nmatch = 1;
		} else if (!exact && !strncmp(c.id, want, strlen(want))) {
			free(match);
			match = ct_xstrdup(c.id);
			nmatch++;
		}
next:
		ctr_free(&c);
	}
	closedir(d);
	free(dir);
	if (nmatch != 1) {
		free(match);
		if (nmatch > 1)
			return ct_err(e, 0, "'%s' matches more than one container; give more of the id",
				      want);
		return ct_err(e, 0, "no container '%s' is attached to a network", want);
	}
	nmatch = record_load(root, match, out, e);
	free(match);
	return nmatch;
}

/* ---- network namespaces ------------------------------------------------------ */

static int netns_create(const char *path, struct ct_err *e)
{
	int self, fd;

	ct_say("unshare(CLONE_NEWNET); mount --bind /proc/self/ns/net %s", path);
	fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
	if (fd < 0) {
		if (errno == EEXIST)
			return ct_err(e, EEXIST, "network namespace %s", path);
		return ct_err(e, errno, "create %s", path);
	}
	close(fd);
	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0) {
		ct_err(e, errno, "open /proc/self/ns/net");
		goto fail;
	}
	if (unshare(CLONE_NEWNET) < 0) {
		ct_err(e, errno, "unshare(CLONE_NEWNET)");
		close(self);
		goto fail;
	}
	if (mount("/proc/self/ns/net", path, NULL, MS_BIND, NULL) < 0) {
		ct_err(e, errno, "mount --bind /proc/self/ns/net %s", path);
		if (setns(self, CLONE_NEWNET) < 0)
			abort();
		close(self);
		goto fail;
	}
	if (setns(self, CLONE_NEWNET) < 0) {
		/* we would carry on in the container's namespace: stop here */
		ct_err(e, errno, "setns back to our network namespace");
		abort();
	}
	close(self);
	return 0;
fail:
	unlink(path);
	return -1;
}

static void netns_remove(const char *path)
{
	if (!path || !*path)
		return;
	ct_say("umount %s; rm %s", path, path);
	umount2(path, MNT_DETACH);
	unlink(path);
}

/* ---- files in the bundle ---------------------------------------------------- */

/* hosts, resolv.conf, hostname: replaced whole by a rename, so a reader
 * sees the old file or the new one, but not fsync'd: they are derived
 * from the durable state (networks/<name>.ini, netns/<id>.ini) and made
 * again by every attach, and the fsyncs were most of attach's time. */
static int write_text(const char *dir, const char *name, const char *text, struct ct_err *e)
{
	char *p = ct_xasprintf("%s/%s", dir, name);
	int r;

	ct_say("write %s", p);
	r = ct_write_file_volatile(p, text, strlen(text), 0644, e);
	free(p);
	return r;
}

static int is_loopback_ns(const char *line)
{
	return ct_has_prefix(line, "nameserver 127.") || ct_has_prefix(line, "nameserver ::1");
}

/* The host's resolv.conf with loopback stub resolvers replaced by the
 * upstream servers (a container cannot reach the host's 127.0.0.53). */
static char *host_resolv(const char *path)
{
	struct ct_buf in = CT_BUF_INIT, out = CT_BUF_INIT;
	char *line, *save = NULL;
	int had_stub = 0, have_ns = 0;

	if (ct_read_file(path, &in, 1 << 16, NULL) < 0)
		ct_buf_puts(&in, "");
	for (line = strtok_r(in.data ? in.data : (char *)"", "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (is_loopback_ns(line)) {
			had_stub = 1;
			continue;
		}
		if (ct_has_prefix(line, "nameserver"))
			have_ns = 1;
		ct_buf_printf(&out, "%s\n", line);
	}
	if (had_stub || !have_ns) {
		uint32_t up[3];
		size_t i, n = ct_dns_upstreams(path, up, 3);
		char s[CT_IP_STR];

		for (i = 0; i < n; i++) {
			ct_ip_format(up[i], s);
			ct_buf_printf(&out, "nameserver %s\n", s);
			have_ns = 1;
		}
		if (!have_ns)
			ct_buf_puts(&out, "nameserver 8.8.8.8\nnameserver 8.8.4.4\n");
	}
	ct_buf_free(&in);
	return ct_buf_detach(&out);
}

static int write_hosts(const char *bundle, const char *hostname, const char *name,
		       uint32_t ip, const struct ct_ip6 *ip6, const char *aliases,
		       char **add, size_t nadd, struct ct_err *e)
{
	struct ct_buf b = CT_BUF_INIT;
	char s[CT_IP6_STR];
	size_t i;
	int r, k;

	ct_buf_puts(&b, "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
	if (ip6 && !ct_ip6_is_zero(ip6))
		ct_buf_puts(&b, "fe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\n"
			    "ff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n");
	for (k = 0; k < 2; k++) {
		if (k == 0 && !ip)
			continue;
		if (k == 1 && (!ip6 || ct_ip6_is_zero(ip6)))
			continue;
		if (k == 0)
			ct_ip_format(ip, s);
		else
			ct_ip6_format(ip6, s);
		ct_buf_printf(&b, "%s\t%s", s, hostname);
		if (name && strcmp(name, hostname))
			ct_buf_printf(&b, " %s", name);
		if (aliases && *aliases)
			ct_buf_printf(&b, " %s", aliases);
		ct_buf_putc(&b, '\n');
	}
	for (i = 0; i < nadd; i++) {
		const char *c = strchr(add[i], ':');
		uint32_t a;
		struct ct_ip6 a6;

		if (!c || c == add[i] ||
		    (ct_ip_parse(c + 1, &a, NULL) < 0 && ct_ip6_parse(c + 1, &a6, NULL) < 0)) {
			ct_buf_free(&b);
			return ct_err(e, 0, "invalid --add-host '%s' (want NAME:IP)", add[i]);
		}
		ct_buf_printf(&b, "%s\t%.*s\n", c + 1, (int)(c - add[i]), add[i]);
	}
	r = write_text(bundle, "hosts", b.data, e);
	ct_buf_free(&b);
	return r;
}

static void add_mount(json_t *cfg, const char *bundle, const char *file, const char *dest)
{
	json_t *mounts = json_object_get(cfg, "mounts"), *m, *opts;
	size_t i;

	if (!json_is_array(mounts)) {
		mounts = json_array();
		json_object_set_new(cfg, "mounts", mounts);
	}
	json_array_foreach(mounts, i, m) {
		const char *d = ct_json_str(m, "destination");

		if (d && !strcmp(d, dest))
			return;
	}
	m = json_object();
	json_object_set_new(m, "destination", json_string(dest));
	json_object_set_new(m, "type", json_string("bind"));
	json_object_set_new(m, "source", json_sprintf("%s/%s", bundle, file));
	opts = json_array();
	json_array_append_new(opts, json_string("rbind"));
	json_array_append_new(opts, json_string("rprivate"));
	json_object_set_new(m, "options", opts);
	json_array_append_new(mounts, m);
}

/* config.json: the network namespace (path, or none for host mode), the
 * bind mounts of hosts/resolv.conf/hostname, the hostname. */
static int edit_config(const char *bundle, const char *netns, int host_mode,
		       const char *hostname, struct ct_err *e)
{
	char *p = ct_xasprintf("%s/config.json", bundle);
	json_t *cfg = ct_json_load_file(p, 1 << 22, e), *linux_, *nss, *ns;
	size_t i;
	int r, found = 0;

	if (!cfg) {
		free(p);
		return ct_err_hint(e, "is %s an OCI bundle (ct-mount's output)?", bundle);
	}
	linux_ = json_object_get(cfg, "linux");
	if (!json_is_object(linux_)) {
		linux_ = json_object();
		json_object_set_new(cfg, "linux", linux_);
	}
	nss = json_object_get(linux_, "namespaces");
	if (!json_is_array(nss)) {
		nss = json_array();
		json_object_set_new(linux_, "namespaces", nss);
	}
	for (i = 0; i < json_array_size(nss); i++) {
		const char *t;

		ns = json_array_get(nss, i);
		t = ct_json_str(ns, "type");
		if (!t || strcmp(t, "network"))
			continue;
		if (host_mode) {
			json_array_remove(nss, i);
			i--;
			continue;
		}
		json_object_set_new(ns, "path", json_string(netns));
		found = 1;
	}
	if (!found && !host_mode) {
		ns = json_object();
		json_object_set_new(ns, "type", json_string("network"));
		json_object_set_new(ns, "path", json_string(netns));
		json_array_append_new(nss, ns);
	}
	if (!host_mode)
		json_object_set_new(cfg, "hostname", json_string(hostname));
	add_mount(cfg, bundle, "hosts", "/etc/hosts");
	add_mount(cfg, bundle, "resolv.conf", "/etc/resolv.conf");
	if (!host_mode)
		add_mount(cfg, bundle, "hostname", "/etc/hostname");
	ct_say("edit %s: network namespace %s, /etc/{hosts,resolv.conf,hostname} binds",
	       p, host_mode ? "(host)" : netns);
	r = ct_json_write_file(p, cfg, JSON_INDENT(2), 0644, e);
	json_decref(cfg);
	free(p);
	return r;
}

/* EXPOSEd ports: the annotation the OCI image-spec conversion defines,
 * "org.opencontainers.image.exposedPorts": "80/tcp,53/udp". */
static char *exposed_ports(const char *bundle)
{
	char *p = ct_xasprintf("%s/config.json", bundle), *r = NULL;
	json_t *cfg = ct_json_load_file(p, 1 << 22, NULL);
	const char *v;

	free(p);
	if (!cfg)
		return NULL;
	v = ct_json_str(json_object_get(cfg, "annotations"),
			"org.opencontainers.image.exposedPorts");
	if (v)
		r = ct_xstrdup(v);
	json_decref(cfg);
	return r;
}

/* The hostname ct-mount put into config.json (its --hostname), or NULL. */
static char *config_hostname(const char *bundle)
{
	char *p = ct_xasprintf("%s/config.json", bundle), *r = NULL;
	json_t *cfg = ct_json_load_file(p, 1 << 22, NULL);
	const char *v = cfg ? ct_json_str(cfg, "hostname") : NULL;

	if (v && *v)
		r = ct_xstrdup(v);
	json_decref(cfg);
	free(p);
	return r;
}

/* ---- published ports --------------------------------------------------------- */

static int port_clash(const struct ct_port *a, const struct ct_port *b)
{
	return a->udp == b->udp && a->host_port == b->host_port &&
	       (a->host_ip == b->host_ip || !a->host_ip || !b->host_ip);
}

static int port_probe(const struct ct_port *p, uint16_t *got, struct ct_err *e)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof sa;
	int fd = socket(AF_INET, (p->udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
	int one = 1;
	char ip[CT_IP_STR];

	if (fd < 0)
		return ct_err(e, errno, "socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	sa.sin_addr.s_addr = htonl(p->host_ip);
	sa.sin_port = htons(p->host_port);
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		int err = errno;

		close(fd);
		ct_ip_format(p->host_ip, ip);
		ct_err(e, err, "publish %s:%u/%s: bind", ip, p->host_port,
		       p->udp ? "udp" : "tcp");
		if (err == EADDRINUSE)
			ct_err_hint(e, "the port is taken on the host; choose another host port");
		return -1;
	}
	if (getsockname(fd, (struct sockaddr *)&sa, &sl) == 0)
		*got = ntohs(sa.sin_port);
	close(fd);
	return 0;
}

/* On a dual-stack network a port published on every address is DNAT'ed
 * from the host's IPv6 addresses too: [::]:PORT must be free as well. */
static int port_probe6(const struct ct_port *p, uint16_t port, struct ct_err *e)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6 };
	int fd = socket(AF_INET6, (p->udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
	int one = 1;

	if (fd < 0)
		return 0;	/* no IPv6 here: nothing to clash with */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
	sa.sin6_port = htons(port);
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		int err = errno;

		close(fd);
		ct_err(e, err, "publish [::]:%u/%s: bind", port, p->udp ? "udp" : "tcp");
		if (err == EADDRINUSE)
			ct_err_hint(e, "the port is taken on the host (IPv6); choose another host port");
		return -1;
	}
	close(fd);
	return 0;
}

/* Fix random host ports and refuse ports that ct or the host already uses. */
static int ports_settle(struct ct_port *v, size_t n, const struct ct_network *all,
			size_t nall, int v6, struct ct_err *e)
{
	size_t i, j, k, l;

	for (i = 0; i < n; i++) {
		int tries;

		for (tries = 0; tries < 50; tries++) {
			struct ct_port want = v[i];
			uint16_t got = 0;
			int clash = 0;

			if (port_probe(&want, &got, e) < 0)
				return -1;
			if (!v[i].host_port)
				want.host_port = got;
			if (v6 && !want.host_ip && port_probe6(&want, want.host_port, e) < 0) {
				if (v[i].host_port)
					return -1;
				continue;	/* a random one: try another */
			}
			for (j = 0; j < nall && !clash; j++)
				for (k = 0; k < all[j].nep && !clash; k++)
					for (l = 0; l < all[j].ep[k].nports; l++)
						if (port_clash(&want, &all[j].ep[k].ports[l]))
							clash = 1;
			for (j = 0; j < i && !clash; j++)
				if (port_clash(&want, &v[j]))
					clash = 1;
			if (!clash) {
				v[i].host_port = want.host_port;
				break;
			}
			if (v[i].host_port) {
				char s[96];

				ct_port_format(&v[i], s, sizeof s);
				ct_err(e, 0, "publish %s: the host port is already published "
				       "by another container", s);
				return ct_err_hint(e, "choose another host port, or -p %u for a random one",
						   v[i].ctr_port);
			}
		}
		if (tries == 50)
			return ct_err(e, 0, "could not find a free host port");
	}
	return 0;
}

/* "veth" + 11 hex of sha256(id, network): unique per container and network,
 * and within IFNAMSIZ. */
static char *veth_name(const char *id, const char *net)
{
	char *s = ct_xasprintf("%s\n%s", id, net), *v;
	struct ct_digest d;

	ct_digest_buf(s, strlen(s), &d);
	v = ct_xasprintf("veth%.11s", ct_digest_encoded(&d));
	free(s);
	return v;
}

/* ---- endpoints ------------------------------------------------------------------ */

/* The next ethN free inside the container. */
static char *next_ifname(struct ct_nl *cnl, struct ct_err *e)
{
	char **names = NULL;
	size_t n = 0, i;
	int k;

	if (ct_nl_links(cnl, &names, &n, e) < 0)
		return NULL;
	for (k = 0;; k++) {
		char want[16];

		snprintf(want, sizeof want, "eth%d", k);
		for (i = 0; i < n; i++)
			if (!strcmp(names[i], want))
				break;
		if (i == n)
			break;
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return ct_xasprintf("eth%d", k);
}

/* veth pair, host end on the bridge, the other inside named ep->ifname,
 * with address, MAC, MTU, and a default route when want_route. */
static int endpoint_up(struct ct_nl *hnl, struct ct_nl *cnl, int nsfd,
		       const struct ct_network *n, const struct ct_endpoint *ep,
		       int want_route, struct ct_err *e)
{
	struct ct_nl_link host = CT_NL_LINK_INIT, in = CT_NL_LINK_INIT;
	unsigned char mac[6];
	unsigned mtu = 0;
	int br;

	br = ct_nl_ifindex(hnl, n->bridge, e);
	if (br < 0)
		return -1;
	if (br == 0) {
		ct_err(e, ENODEV, "bridge %s of network %s", n->bridge, n->name);
		return ct_err_hint(e, "the host was rebooted or the bridge deleted; "
				   "ct-net rm %s and create it again", n->name);
	}
	if (ct_nl_link_mtu(hnl, n->bridge, &mtu, e) < 0)
		return -1;
	if (ct_nl_veth_add(hnl, ep->veth, ep->ifname, nsfd, e) < 0)
		return -1;
	host.master = br;
	host.mtu = mtu;
	host.up = 1;
	ct_mac_from_ip(ep->ip, mac);
	in.mac = mac;
	in.mtu = mtu;
	in.up = 1;
	if (ct_nl_link_set(hnl, ep->veth, &host, e) < 0 ||
	    ct_nl_link_set(cnl, ep->ifname, &in, e) < 0 ||
	    ct_nl_addr_add(cnl, ep->ifname, ep->ip, n->subnet.prefix, e) < 0)
		goto fail;
	if (want_route && !n->internal &&
	    ct_nl_route_add(cnl, 0, 0, n->gateway, ep->ifname, e) < 0)
		goto fail;
	if (n->ipv6 && !ct_ip6_is_zero(&ep->ip6)) {
		if (ct_nl_addr6_add(cnl, ep->ifname, &ep->ip6, n->subnet6.prefix, e) < 0)
			goto fail;
		if (want_route && !n->internal &&
		    ct_nl_route6_add(cnl, NULL, &n->gateway6, ep->ifname, e) < 0)
			goto fail;
	}
	return 0;
fail:
	ct_nl_link_del(hnl, ep->veth, NULL);
	return -1;
}

static char *join_words(char **v, size_t n)
{
	struct ct_buf b = CT_BUF_INIT;
	size_t i;

	ct_buf_puts(&b, "");
	for (i = 0; i < n; i++)
		ct_buf_printf(&b, "%s%s", i ? " " : "", v[i]);
	return ct_buf_detach(&b);
}

/* The IPv6 address of a new member of the dual-stack network n (the lock
 * is held: the endpoints of n are every address in use). */
static int join_v6(const struct ct_network *n, const char *who, const char *want,
		   struct ct_ip6 *out, struct ct_err *e)
{
	struct ct_ip6 *used = ct_xcalloc(n->nep + 1, sizeof *used);
	char s[CT_IP6_STR];
	size_t i, k = 0;
	int r;

	for (i = 0; i < n->nep; i++)
		if (!ct_ip6_is_zero(&n->ep[i].ip6))
			used[k++] = n->ep[i].ip6;
	if (want)
		r = ct_ip6_parse(want, out, e) < 0 ? -1
		    : ct_ipam6_check(&n->subnet6, &n->gateway6, used, k, out, e);
	else
		r = ct_ipam6_pick(&n->subnet6, &n->gateway6, used, k, out, e);
	free(used);
	if (r < 0)
		return ct_err_wrap(e, "%snetwork %s", want ? "--ip6 on " : "", n->name);
	ct_ip6_format(out, s);
	ct_say("ipam: %s gets %s on %s", who, s, n->name);
	return 0;
}

/* Add container c to network name: IPAM, ports, veth, state. The caller
 * holds the lock. *ipout gets the address. */
static int join_network(const char *root, const struct ctr *c, const char *netname,
			const char *want_ip, const char *want_ip6, char **aliases,
			size_t naliases, struct ct_port *ports, size_t nports,
			int want_route, uint32_t *ipout, struct ct_ip6 *ip6out,
			struct ct_err *e)
{
	struct ct_ip6 ip6;
	struct ct_network n, *all = NULL;
	size_t nall = 0, i;
	struct ct_nl hnl = { -1, 0 }, cnl = { -1, 0 };
	struct ct_endpoint ep;
	uint32_t *used = NULL, ip;
	int nsfd = -1, r = -1;
	char ips[CT_IP_STR];

	memset(&ep, 0, sizeof ep);
	if (ct_net_load(root, netname, &n, e) < 0)
		return -1;
	if (ct_net_endpoint(&n, c->id)) {
		ct_err(e, 0, "container %s is already on network %s", c->name, netname);
		goto out;
	}
	if (ct_net_ensure_up(root, &n, e) < 0)
		goto out;
	used = ct_xcalloc(n.nep + 1, sizeof *used);
	for (i = 0; i < n.nep; i++)
		used[i] = n.ep[i].ip;
	if (want_ip) {
		if (ct_ip_parse(want_ip, &ip, e) < 0 ||
		    ct_ipam_check(&n.subnet, n.gateway, used, n.nep, ip, e) < 0) {
			ct_err_wrap(e, "--ip on network %s", netname);
			goto out;
		}
	} else if (ct_ipam_pick(&n.subnet, n.gateway, used, n.nep, &ip, e) < 0) {
		ct_err_wrap(e, "network %s", netname);
		goto out;
	}
	ct_ip_format(ip, ips);
	ct_say("ipam: %s gets %s on %s", c->name, ips, netname);
	memset(&ip6, 0, sizeof ip6);
	if (want_ip6 && !n.ipv6) {
		ct_err(e, 0, "--ip6 %s: network %s has no IPv6", want_ip6, netname);
		ct_err_hint(e, "create the network with --ipv6");
		goto out;
	}
	if (n.ipv6 && join_v6(&n, c->name, want_ip6, &ip6, e) < 0)
		goto out;
	if (nports) {
		if (ct_net_load_all(root, &all, &nall, e) < 0 ||
		    ports_settle(ports, nports, all, nall, n.ipv6, e) < 0)
			goto out;
	}
	nsfd = open(c->netns, O_RDONLY | O_CLOEXEC);
	if (nsfd < 0) {
		ct_err(e, errno, "open %s", c->netns);
		goto out;
	}
	if (ct_nl_open(&hnl, e) < 0 || ct_nl_open_in(&cnl, nsfd, e) < 0)
		goto out;
	ep.id = ct_xstrdup(c->id);
	ep.name = ct_xstrdup(c->name);
	ep.bundle = ct_xstrdup(c->bundle);
	ep.netns = ct_xstrdup(c->netns);
	ep.veth = veth_name(c->id, netname);
	ep.ifname = next_ifname(&cnl, e);
	if (!ep.ifname)
		goto out;
	ep.ip = ip;
	ep.ip6 = ip6;
	ep.aliases = join_words(aliases, naliases);
	if (nports) {
		ep.ports = ct_xmalloc(nports * sizeof *ports);
		memcpy(ep.ports, ports, nports * sizeof *ports);
		ep.nports = nports;
	}
	if (endpoint_up(&hnl, &cnl, nsfd, &n, &ep, want_route, e) < 0)
		goto out;
	n.ep = ct_xrealloc(n.ep, (n.nep + 1) * sizeof *n.ep);
	n.ep[n.nep++] = ep;
	memset(&ep, 0, sizeof ep);
	if (ct_net_save(root, &n, e) < 0) {
		ct_nl_link_del(&hnl, n.ep[n.nep - 1].veth, NULL);
		goto out;
	}
	if (nports && ct_net_apply_rules(root, e) < 0) {
		ct_nl_link_del(&hnl, n.ep[n.nep - 1].veth, NULL);
		ct_net_endpoint_del(&n, c->id);
		ct_net_save(root, &n, NULL);
		goto out;
	}
	*ipout = ip;
	if (ip6out)
		*ip6out = ip6;
	r = 0;
out:
	ct_net_endpoint_free(&ep);
	if (nsfd >= 0)
		close(nsfd);
	ct_nl_close(&hnl);
	ct_nl_close(&cnl);
	free(used);
	ct_net_free_all(all, nall);
	ct_net_free(&n);
	return r;
}

/* Take container id off network netname: veth, address, rules. Caller
 * holds the lock. Missing links are fine (the namespace may be gone). */
static int leave_network(const char *root, const char *netname, const char *id,
			 struct ct_err *e)
{
	struct ct_network n;
	struct ct_endpoint *ep;
	struct ct_nl nl = { -1, 0 };
	int had_ports, r = -1;

	if (ct_net_load(root, netname, &n, e) < 0)
		return -1;
	ep = ct_net_endpoint(&n, id);
	if (!ep) {
		ct_err(e, 0, "container %s is not on network %s", id, netname);
		goto out;
	}
	had_ports = ep->nports > 0;
	if (ct_nl_open(&nl, e) < 0)
		goto out;
	if (*ep->veth && ct_nl_ifindex(&nl, ep->veth, NULL) > 0 &&
	    ct_nl_link_del(&nl, ep->veth, e) < 0)
		goto out;
	ct_say("ipam: release %s on %s", id, netname);
	ct_net_endpoint_del(&n, id);
	if (ct_net_save(root, &n, e) < 0)
		goto out;
	if (had_ports && ct_net_apply_rules(root, e) < 0)
		goto out;
	r = 0;
out:
	ct_nl_close(&nl);
	ct_net_free(&n);
	return r;
}

/* Leave every network; then the namespace and the record go. */
static int forget_container(const char *root, const struct ctr *c, struct ct_err *e)
{
	struct ct_network *all;
	size_t nall, i;
	char *p;
	int r = 0;

	if (ct_net_load_all(root, &all, &nall, e) < 0)
		return -1;
	for (i = 0; i < nall; i++)
		if (ct_net_endpoint(&all[i], c->id) &&
		    leave_network(root, all[i].name, c->id, e) < 0)
			r = -1;
	ct_net_free_all(all, nall);
	if (r < 0)
		return -1;
	if (c->mode && strcmp(c->mode, "host") && !ct_has_prefix(c->mode, "container:"))
		netns_remove(c->netns);
	p = record_path(root, c->id, ".ini");
	if (unlink(p) < 0 && errno != ENOENT)
		r = ct_err(e, errno, "unlink %s", p);
	free(p);
	return r;
}

static int parse_ports(const struct ct_attach_opts *o, const char *bundle,
		       struct ct_port **v, size_t *n, struct ct_err *e)
{
	size_t i;

	for (i = 0; i < o->nports; i++)
		if (ct_port_parse(o->ports[i], v, n, e) < 0)
			return -1;
	if (o->publish_all) {
		char *ex = exposed_ports(bundle), *tok, *save = NULL;

		for (tok = ex ? strtok_r(ex, ", ", &save) : NULL; tok;
		     tok = strtok_r(NULL, ", ", &save)) {
			if (ct_port_parse(tok, v, n, e) < 0) {
				free(ex);
				return ct_err_wrap(e, "exposed port");
			}
		}
		free(ex);
	}
	return 0;
}

static char *user_resolv(uint32_t gw, const struct ct_ip6 *gw6)
{
	char s[CT_IP_STR], s6[CT_IP6_STR] = "";

	ct_ip_format(gw, s);
	if (gw6)
		ct_ip6_format(gw6, s6);
	return ct_xasprintf("# ct-net: the name server of this network\nnameserver %s\n"
			    "%s%s%soptions ndots:0\n", s, gw6 ? "nameserver " : "", s6,
			    gw6 ? "\n" : "");
}

/* --dns: the host's resolv.conf (search, options) with these name
 * servers in place of its own, as Docker does on its default bridge */
static char *given_resolv(const char *host, char **dns, size_t ndns, struct ct_err *e)
{
	struct ct_buf out = CT_BUF_INIT;
	char *text = host_resolv(host), *line, *save = NULL;
	size_t i;
	uint32_t a;

	for (i = 0; i < ndns; i++) {
		if (ct_ip_parse(dns[i], &a, NULL) < 0 &&
		    (!strchr(dns[i], ':') || strspn(dns[i], "0123456789abcdefABCDEF:.") !=
		     strlen(dns[i]))) {
			free(text);
			ct_err(e, 0, "invalid --dns '%s' (want an IP address)", dns[i]);
			return NULL;
		}
		ct_buf_printf(&out, "nameserver %s\n", dns[i]);
	}
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (!ct_has_prefix(line, "nameserver"))
			ct_buf_printf(&out, "%s\n", line);
	free(text);
	return ct_buf_detach(&out);
}

static int copy_file_to(const char *src, const char *bundle, const char *name,
			struct ct_err *e)
{
	struct ct_buf b = CT_BUF_INIT;
	int r;

	if (ct_read_file(src, &b, 1 << 20, e) < 0)
		return -1;
	ct_buf_puts(&b, "");
	r = write_text(bundle, name, b.data, e);
	ct_buf_free(&b);
	return r;
}

static int lo_up(int nsfd, struct ct_err *e)
{
	struct ct_nl nl;
	struct ct_nl_link up = CT_NL_LINK_INIT;
	int r;

	if (ct_nl_open_in(&nl, nsfd, e) < 0)
		return -1;
	up.up = 1;
	r = ct_nl_link_set(&nl, "lo", &up, e);
	ct_nl_close(&nl);
	return r;
}

static int attach_locked(const char *root, const struct ct_config *cfg,
			 const struct ct_attach_opts *o, const char *bundle,
			 struct ct_err *e)
{
	const char *mode = o->network && *o->network ? o->network : CT_NET_DEFAULT;
	const char *resolv = cfg ? ct_config_get(cfg, "network", "resolv_conf") : NULL;
	struct ct_port *ports = NULL;
	size_t nports = 0;
	struct ctr c;
	char *rec, *text = NULL, *dir;
	int r = -1, made_ns = 0, joined = 0, nsfd;
	uint32_t ip = 0;
	struct ct_ip6 ip6, gw6;
	int has6 = 0;

	memset(&c, 0, sizeof c);
	memset(&ip6, 0, sizeof ip6);
	memset(&gw6, 0, sizeof gw6);
	if (bundle_ids(bundle, &c.id, &c.name, e) < 0)
		return -1;
	c.bundle = ct_xstrdup(bundle);
	c.mode = ct_xstrdup(mode);
	c.hostname = o->hostname ? ct_xstrdup(o->hostname) : config_hostname(bundle);
	if (!c.hostname)
		c.hostname = ct_xstrndup(c.id, 12);
	rec = record_path(root, c.id, ".ini");
	if (ct_exists(rec)) {
		ct_err(e, 0, "container %s is already attached", c.name);
		ct_err_hint(e, "use 'ct-net connect' for another network, or 'ct-net detach' first");
		goto out;
	}
	if (parse_ports(o, bundle, &ports, &nports, e) < 0)
		goto out;
	if (!strcmp(mode, "host") || ct_has_prefix(mode, "container:")) {
		if (nports || o->ip || o->ip6 || o->naliases) {
			ct_err(e, 0, "-p, --ip, --ip6 and --alias do not apply to --network %s",
			       mode);
			goto out;
		}
	}
	if (!strcmp(mode, "host")) {
		if (copy_file_to("/etc/hosts", bundle, "hosts", e) < 0)
			goto out;
		/* the host's own namespace: its stub resolver is reachable */
		if (copy_file_to(resolv ? resolv : "/etc/resolv.conf", bundle,
				 "resolv.conf", e) < 0 ||
		    edit_config(bundle, NULL, 1, c.hostname, e) < 0)
			goto out;
	} else if (ct_has_prefix(mode, "container:")) {
		struct ctr other;
		char *src;

		if (ctr_resolve(root, mode + 10, &other, e) < 0)
			goto out;
		if (!other.netns || !*other.netns) {
			ct_err(e, 0, "container %s has no network namespace of its own (%s)",
			       other.name, other.mode);
			ctr_free(&other);
			goto out;
		}
		c.netns = ct_xstrdup(other.netns);
		free(c.hostname);
		c.hostname = ct_xstrdup(other.hostname);
		src = ct_xasprintf("%s/hosts", other.bundle);
		r = copy_file_to(src, bundle, "hosts", e);
		free(src);
		if (r == 0) {
			src = ct_xasprintf("%s/resolv.conf", other.bundle);
			r = copy_file_to(src, bundle, "resolv.conf", e);
			free(src);
		}
		ctr_free(&other);
		if (r < 0)
			goto out;
		r = -1;
	} else {
		int is_none = !strcmp(mode, "none");
		int dns = 0;
		uint32_t gw = 0;

		dir = ct_xasprintf("%s/netns", root);
		if (ct_mkdir_p(dir, 0755, e) < 0) {
			free(dir);
			goto out;
		}
		c.netns = ct_xasprintf("%s/%s", dir, c.id);
		free(dir);
		if (!is_none) {
			struct ct_network n;

			if (!strcmp(mode, CT_NET_DEFAULT) &&
			    ct_net_ensure_default_locked(root, cfg, e) < 0)
				goto out;
			if (ct_net_load(root, mode, &n, e) < 0)
				goto out;
			dns = n.dns;
			gw = n.gateway;
			has6 = n.ipv6;
			gw6 = n.gateway6;
			ct_net_free(&n);
		} else if (o->ip || o->ip6 || nports) {
			ct_err(e, 0, "-p, --ip and --ip6 do not apply to --network none");
			goto out;
		}
		if (netns_create(c.netns, e) < 0)
			goto out;
		made_ns = 1;
		nsfd = open(c.netns, O_RDONLY | O_CLOEXEC);
		if (nsfd < 0) {
			ct_err(e, errno, "open %s", c.netns);
			goto out;
		}
		r = lo_up(nsfd, e);
		close(nsfd);
		if (r < 0)
			goto out;
		r = -1;
		if (!is_none) {
			/* the record first: join_network's peers look it up */
			if (join_network(root, &c, mode, o->ip, o->ip6, o->aliases,
					 o->naliases, ports, nports, 1, &ip, &ip6, e) < 0)
				goto out;
			joined = 1;
		}
		text = join_words(o->aliases, o->naliases);
		r = write_hosts(bundle, c.hostname, c.name, ip, &ip6, text, o->add_hosts,
				o->nadd_hosts, e);
		free(text);
		text = NULL;
		if (r < 0)
			goto out;
		r = -1;
		if (dns && o->ndns) {
			char g[CT_IP_STR];

			ct_ip_format(gw, g);
			ct_warn("--dns is not used on network %s: its resolver %s answers "
				"(the members' names; other names go to the host's resolvers)",
				mode, g);
		}
		if (dns)
			text = user_resolv(gw, has6 ? &gw6 : NULL);
		else if (o->ndns && !(text = given_resolv(resolv ? resolv : "/etc/resolv.conf",
							 o->dns, o->ndns, e)))
			goto out;
		else if (!o->ndns)
			text = host_resolv(resolv ? resolv : "/etc/resolv.conf");
		if (write_text(bundle, "resolv.conf", text, e) < 0)
			goto out;
	}
	if (strcmp(mode, "host")) {
		char *h = ct_xasprintf("%s\n", c.hostname);

		r = write_text(bundle, "hostname", h, e);
		free(h);
		if (r < 0)
			goto out;
		r = -1;
		if (edit_config(bundle, c.netns, 0, c.hostname, e) < 0)
			goto out;
	}
	if (record_save(root, &c, e) < 0)
		goto out;
	r = 0;
out:
	if (r < 0) {
		if (joined)
			leave_network(root, mode, c.id, NULL);
		if (made_ns)
			netns_remove(c.netns);
	}
	free(text);
	free(rec);
	free(ports);
	ctr_free(&c);
	return r;
}

int ct_net_attach(const char *root, const struct ct_config *cfg,
		  const struct ct_attach_opts *o, struct ct_err *e)
{
	char *bundle = realpath(o->bundle, NULL);
	int lk, r;

	if (!bundle)
		return ct_err(e, errno, "bundle %s", o->bundle);
	lk = ct_net_lock(root, e);
	if (lk < 0) {
		free(bundle);
		return -1;
	}
	r = attach_locked(root, cfg, o, bundle, e);
	ct_unlock(lk);
	free(bundle);
	return r;
}

int ct_net_detach(const char *root, const char *id, struct ct_err *e)
{
	struct ctr c;
	int lk = ct_net_lock(root, e), r;

	if (lk < 0)
		return -1;
	r = ctr_resolve(root, id, &c, e);
	if (r == 0) {
		r = forget_container(root, &c, e);
		ctr_free(&c);
	}
	ct_unlock(lk);
	return r;
}

static int on_networks(const char *root, const char *id, struct ct_err *e)
{
	struct ct_network *all;
	size_t nall, i;
	int k = 0;

	if (ct_net_load_all(root, &all, &nall, e) < 0)
		return -1;
	for (i = 0; i < nall; i++)
		k += ct_net_endpoint(&all[i], id) != NULL;
	ct_net_free_all(all, nall);
	return k;
}

/* resolv.conf is bind-mounted into a running container: rewrite it in
 * place (a rename would leave the container with the old file). */
static int resolv_rewrite(const char *bundle, const char *text, struct ct_err *e)
{
	char *p = ct_xasprintf("%s/resolv.conf", bundle);
	int fd, r = 0;

	ct_say("write %s (in place: the container has it bind-mounted)", p);
	fd = open(p, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0 || ct_write_all(fd, text, strlen(text)) < 0)
		r = ct_err(e, errno, "write %s", p);
	if (fd >= 0)
		close(fd);
	free(p);
	return r;
}

/* After connect or disconnect, the container's names follow: resolv.conf
 * names the responder of a user network the container is on (the one it
 * names now while it is still on it, else the first), or, on no such
 * network any more, the host's resolvers again. */
static int resolv_follow(const char *root, const struct ctr *c, struct ct_err *e)
{
	struct ct_network *all;
	struct ct_buf cur = CT_BUF_INIT;
	size_t nall, i;
	uint32_t first = 0;
	struct ct_ip6 first6 = { { 0 } };
	int first_has6 = 0;
	char *p, *text = NULL, line[64], gw[CT_IP_STR];
	int r = 0, keep = 0;

	if (!c->bundle || !*c->bundle)
		return 0;
	p = ct_xasprintf("%s/resolv.conf", c->bundle);
	if (ct_read_file(p, &cur, 1 << 16, NULL) < 0) {
		free(p);
		return 0;	/* none to follow (host or container: mode) */
	}
	free(p);
	ct_buf_puts(&cur, "");
	if (ct_net_load_all(root, &all, &nall, e) < 0) {
		ct_buf_free(&cur);
		return -1;
	}
	for (i = 0; i < nall; i++) {
		if (!all[i].dns || !ct_net_endpoint(&all[i], c->id))
			continue;
		if (!first) {
			first = all[i].gateway;
			first6 = all[i].gateway6;
			first_has6 = all[i].ipv6;
		}
		ct_ip_format(all[i].gateway, gw);
		snprintf(line, sizeof line, "nameserver %s\n", gw);
		keep |= strstr(cur.data, line) != NULL;
	}
	ct_net_free_all(all, nall);
	if (keep)
		;
	else if (first)
		text = user_resolv(first, first_has6 ? &first6 : NULL);
	else if (ct_has_prefix(cur.data, "# ct-net: the name server of this network")) {
		struct ct_config cfg;
		const char *host = NULL;

		memset(&cfg, 0, sizeof cfg);
		if (ct_config_load(&cfg, NULL) == 0)
			host = ct_config_get(&cfg, "network", "resolv_conf");
		text = host_resolv(host ? host : "/etc/resolv.conf");
		ct_config_free(&cfg);
	}
	if (text)
		r = resolv_rewrite(c->bundle, text, e);
	free(text);
	ct_buf_free(&cur);
	return r;
}

int ct_net_connect(const char *root, const char *net, const char *id,
		   const char *ip, const char *ip6, char **aliases, size_t naliases,
		   struct ct_err *e)
{
	struct ctr c;
	uint32_t got;
	int lk = ct_net_lock(root, e), r = -1, k;

	if (lk < 0)
		return -1;
	if (ctr_resolve(root, id, &c, e) < 0)
		goto out_unlock;
	if (!c.mode || !strcmp(c.mode, "host") || ct_has_prefix(c.mode, "container:")) {
		ct_err(e, 0, "container %s uses --network %s; it cannot join other networks",
		       c.name, c.mode);
		goto out;
	}
	k = on_networks(root, c.id, e);
	if (k < 0)
		goto out;
	r = join_network(root, &c, net, ip, ip6, aliases, naliases, NULL, 0, k == 0, &got,
			 NULL, e);
	if (r == 0 && resolv_follow(root, &c, e) < 0)
		r = -1;
out:
	ctr_free(&c);
out_unlock:
	ct_unlock(lk);
	return r;
}

int ct_net_disconnect(const char *root, const char *net, const char *id,
		      struct ct_err *e)
{
	struct ctr c;
	int lk = ct_net_lock(root, e), r = -1;

	if (lk < 0)
		return -1;
	if (ctr_resolve(root, id, &c, e) == 0) {
		r = leave_network(root, net, c.id, e);
		if (r == 0 && resolv_follow(root, &c, e) < 0)
			r = -1;
		ctr_free(&c);
	}
	ct_unlock(lk);
	return r;
}

int ct_net_port(const char *root, const char *id, struct ct_err *e)
{
	struct ct_network *all;
	size_t nall, i, k;
	struct ctr c;

	if (ctr_resolve(root, id, &c, e) < 0)
		return -1;
	if (ct_net_load_all(root, &all, &nall, e) < 0) {
		ctr_free(&c);
		return -1;
	}
	for (i = 0; i < nall; i++) {
		struct ct_endpoint *ep = ct_net_endpoint(&all[i], c.id);

		for (k = 0; ep && k < ep->nports; k++) {
			char s[96];

			ct_port_format(&ep->ports[k], s, sizeof s);
			printf("%s\n", s);
		}
	}
	ct_net_free_all(all, nall);
	ctr_free(&c);
	return 0;
}

/* A container is gone when its bundle is, or its state.ini (ct-spawn) says
 * it stopped, or names a pid that no longer exists. */
static int ctr_gone(const char *bundle, int removed_only)
{
	static const char *keys[] = { "status", "pid", NULL };
	char *vals[2] = { 0 }, *p;
	int gone = 0;

	if (!bundle || !*bundle)
		return 0;
	if (!ct_exists(bundle))
		return 1;
	if (removed_only)
		return 0;
	p = ct_xasprintf("%s/state.ini", bundle);
	if (ini_get(p, "state", keys, vals, NULL) == 0) {
		if (vals[0] && !strcmp(vals[0], "stopped"))
			gone = 1;
		else if (vals[1]) {
			long pid = strtol(vals[1], NULL, 10);

			if (pid > 0 && kill((pid_t)pid, 0) < 0 && errno == ESRCH)
				gone = 1;
		}
	}
	free(vals[0]);
	free(vals[1]);
	free(p);
	return gone;
}

int ct_net_bundle_live(const char *bundle)
{
	static const char *keys[] = { "status", NULL };
	char *vals[1] = { 0 }, *p;
	int live = !ctr_gone(bundle, 0);

	if (live && bundle && *bundle) {
		p = ct_xasprintf("%s/state.ini", bundle);
		if (ini_get(p, "state", keys, vals, NULL) == 0 && vals[0] &&
		    strcmp(vals[0], "running") && strcmp(vals[0], "paused"))
			live = 0;	/* created, stopped, ... */
		free(vals[0]);
		free(p);
	}
	return live;
}

int ct_net_mode_members(const char *root, const char *mode, struct ct_member **v,
			size_t *n, struct ct_err *e)
{
	char *dir = ct_xasprintf("%s/netns", root);
	DIR *d = opendir(dir);
	struct ctr c;

	*v = NULL;
	*n = 0;
	if (!d) {
		int err = errno;

		free(dir);
		return err == ENOENT ? 0 : ct_err(e, err, "opendir %s/netns", root);
	}
	while (next_record(d, root, &c)) {
		if (c.mode && !strcmp(c.mode, mode) && ct_net_bundle_live(c.bundle)) {
			*v = ct_xrealloc(*v, (*n + 1) * sizeof **v);
			(*v)[*n].id = c.id;
			(*v)[*n].name = c.name ? c.name : ct_xstrdup(c.id);
			c.id = c.name = NULL;
			(*n)++;
		}
		ctr_free(&c);
	}
	closedir(d);
	free(dir);
	return 0;
}

int ct_net_prune(const char *root, int removed_only, struct ct_err *e)
{
	char *dir = ct_xasprintf("%s/netns", root);
	int lk = ct_net_lock(root, e), r = 0;
	struct ct_network *all = NULL;
	size_t nall = 0, i, k;
	struct ctr c;
	DIR *d;

	if (lk < 0) {
		free(dir);
		return -1;
	}
	/* containers with a record */
	d = opendir(dir);
	while (d && next_record(d, root, &c)) {
		if (ctr_gone(c.bundle, removed_only)) {
			ct_say("prune: container %s (%s) is gone", c.name, c.id);
			if (forget_container(root, &c, e) < 0)
				r = -1;
			else
				printf("%s\n", c.id);
		}
		ctr_free(&c);
	}
	if (d)
		closedir(d);
	/* endpoints whose record is gone too */
	if (r == 0 && ct_net_load_all(root, &all, &nall, e) == 0) {
		for (i = 0; i < nall; i++) {
			for (k = 0; k < all[i].nep; k++) {
				char *rec = record_path(root, all[i].ep[k].id, ".ini");
				int orphan = !ct_exists(rec) && ctr_gone(all[i].ep[k].bundle, removed_only);

				free(rec);
				if (!orphan)
					continue;
				if (leave_network(root, all[i].name, all[i].ep[k].id, e) < 0) {
					r = -1;
					continue;
				}
				netns_remove(all[i].ep[k].netns);
				printf("%s\n", all[i].ep[k].id);
			}
		}
		ct_net_free_all(all, nall);
	} else if (r == 0) {
		r = -1;
	}
	ct_unlock(lk);
	free(dir);
	return r;
}
