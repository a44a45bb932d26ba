#include "dns.h"
#include "buf.h"
#include "config.h"
#include "err.h"
#include "file.h"
#include "ipam.h"
#include "say.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define DNS_TTL 10
#define T_A 1
#define T_AAAA 28

/* Read a (non-compressed) question name at q[*off] into out as dotted
 * lowercase text. */
static int read_qname(const unsigned char *q, size_t len, size_t *off, char *out,
		      size_t outlen)
{
	size_t o = *off, w = 0;

	for (;;) {
		unsigned l;

		if (o >= len)
			return -1;
		l = q[o++];
		if (l == 0)
			break;
		if (l > 63 || o + l > len || w + l + 2 > outlen)
			return -1;
		if (w)
			out[w++] = '.';
		while (l--) {
			unsigned char c = q[o++];

			out[w++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		}
	}
	out[w] = 0;
	*off = o;
	return 0;
}

static void put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

/* ct_dns_answer's lookup, for ct_dns_answer46 */
struct v4only {
	int (*lookup)(const char *name, uint32_t *ip, void *arg);
	void *arg;
};

static int v4only_lookup(const char *name, uint32_t *ip, struct ct_ip6 *ip6, void *arg)
{
	struct v4only *v = arg;

	memset(ip6, 0, sizeof *ip6);
	return v->lookup(name, ip, v->arg);
}

int ct_dns_answer(const unsigned char *q, size_t qlen, unsigned char *out,
		  size_t outlen, const char *domain,
		  int (*lookup)(const char *name, uint32_t *ip, void *arg), void *arg)
{
	struct v4only v = { lookup, arg };

	return ct_dns_answer46(q, qlen, out, outlen, domain, v4only_lookup, &v);
}

int ct_dns_answer46(const unsigned char *q, size_t qlen, unsigned char *out,
		    size_t outlen, const char *domain,
		    int (*lookup)(const char *name, uint32_t *ip, struct ct_ip6 *ip6,
				  void *arg), void *arg)
{
	char name[256];
	size_t off = 12, end, dl = strlen(domain), nl;
	unsigned qtype, flags;
	int in_domain, found;
	uint32_t ip = 0;
	struct ct_ip6 ip6;

	if (qlen < 12 || (q[2] & 0x80) || ((q[2] >> 3) & 15) != 0 ||
	    q[4] != 0 || q[5] != 1)
		return -1;
	if (read_qname(q, qlen, &off, name, sizeof name) < 0 || off + 4 > qlen)
		return -1;
	qtype = (unsigned)q[off] << 8 | q[off + 1];
	end = off + 4;
	if (end + 28 > outlen)
		return -1;
	memset(&ip6, 0, sizeof ip6);
	nl = strlen(name);
	in_domain = !strchr(name, '.');
	if (dl && nl > dl + 1 && name[nl - dl - 1] == '.' && !strcmp(name + nl - dl, domain)) {
		name[nl - dl - 1] = 0;
		in_domain = 1;
	} else if (dl && !strcmp(name, domain)) {
		in_domain = 1;
	}
	found = *name && lookup(name, &ip, &ip6, arg);
	if (!found && !in_domain)
		return 0;
	memcpy(out, q, end);
	/* QR, AA, keep RD, RA */
	flags = 0x8000 | 0x0400 | ((unsigned)q[2] << 8 & 0x0100) | 0x0080;
	if (!found)
		flags |= 3;	/* NXDOMAIN */
	put16(out + 2, flags);
	put16(out + 6, 0);
	put16(out + 8, 0);
	put16(out + 10, 0);
	if (found && qtype == T_A) {
		unsigned char *a = out + end;

		put16(out + 6, 1);
		put16(a, 0xc00c);	/* the name in the question */
		put16(a + 2, T_A);
		put16(a + 4, 1);	/* IN */
		put16(a + 6, 0);
		put16(a + 8, DNS_TTL);
		put16(a + 10, 4);
		a[12] = (unsigned char)(ip >> 24);
		a[13] = (unsigned char)(ip >> 16);
		a[14] = (unsigned char)(ip >> 8);
		a[15] = (unsigned char)ip;
		end += 16;
	} else if (found && qtype == T_AAAA && !ct_ip6_is_zero(&ip6)) {
		unsigned char *a = out + end;

		put16(out + 6, 1);
		put16(a, 0xc00c);
		put16(a + 2, T_AAAA);
		put16(a + 4, 1);
		put16(a + 6, 0);
		put16(a + 8, DNS_TTL);
		put16(a + 10, 16);
		memcpy(a + 12, ip6.b, 16);
		end += 28;
	}
	return (int)end;
}

/* ---- upstream servers --------------------------------------------------- */

static size_t nameservers(const char *path, uint32_t *v, size_t n, size_t max, int *stub)
{
	struct ct_buf b = CT_BUF_INIT;
	char *line, *save = NULL;

	if (ct_read_file(path, &b, 1 << 16, NULL) < 0 || !b.data) {
		ct_buf_free(&b);
		return n;
	}
	for (line = strtok_r(b.data, "\n", &save); line && n < max;
	     line = strtok_r(NULL, "\n", &save)) {
		char addr[64];
		uint32_t ip;

		if (sscanf(line, "nameserver %63s", addr) != 1 || ct_ip_parse(addr, &ip, NULL) < 0)
			continue;
		if ((ip >> 24) == 127) {
			*stub = 1;
			continue;
		}
		v[n++] = ip;
	}
	ct_buf_free(&b);
	return n;
}

size_t ct_dns_upstreams(const char *resolv, uint32_t *v, size_t max)
{
	int stub = 0, stub2 = 0;
	size_t n = nameservers(resolv ? resolv : "/etc/resolv.conf", v, 0, max, &stub);

	if (stub)
		n = nameservers("/run/systemd/resolve/resolv.conf", v, n, max, &stub2);
	return n;
}

/* ---- the daemon ----------------------------------------------------------- */

struct member {
	char *id;	/* the container's */
	char *name;
	uint32_t ip;
	struct ct_ip6 ip6;	/* zero: none */
	char *state;	/* BUNDLE/state.ini: a stopped container has no name */
	char *ctini;	/* BUNDLE/ct.ini, for the container-name entry: a
			 * renamed container answers to its new name */
};

struct table {
	struct member *m;
	size_t n;
	char *cur_id;
	uint32_t cur_ip;
	struct ct_ip6 cur_ip6;
	char *cur_bundle;
	char *cur_name;
	char **names;
	size_t nnames;
	const char *path;	/* networks/<name>.ini, ours */
	uint32_t client;	/* who asks (network byte order), over IPv4 */
	struct ct_ip6 client6;	/* or over IPv6 (client 0) */
};

static void table_add(struct table *t, const char *name, uint32_t ip)
{
	t->m = ct_xrealloc(t->m, (t->n + 1) * sizeof *t->m);
	t->m[t->n].id = ct_xstrdup(t->cur_id);
	t->m[t->n].name = ct_xstrdup(name);
	t->m[t->n].state = t->cur_bundle && *t->cur_bundle ?
		ct_xasprintf("%s/state.ini", t->cur_bundle) : NULL;
	t->m[t->n].ctini = t->cur_bundle && *t->cur_bundle && t->cur_name &&
		!strcmp(name, t->cur_name) ? ct_xasprintf("%s/ct.ini", t->cur_bundle) : NULL;
	for (char *p = t->m[t->n].name; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p + 32);
	t->m[t->n].ip = ip;
	t->m[t->n].ip6 = t->cur_ip6;
	t->n++;
}

static void table_flush(struct table *t)
{
	size_t i;

	if (t->cur_id && t->cur_ip) {
		char shortid[13];

		table_add(t, t->cur_id, t->cur_ip);
		snprintf(shortid, sizeof shortid, "%.12s", t->cur_id);
		table_add(t, shortid, t->cur_ip);
		for (i = 0; i < t->nnames; i++)
			table_add(t, t->names[i], t->cur_ip);
	}
	for (i = 0; i < t->nnames; i++)
		free(t->names[i]);
	free(t->names);
	t->names = NULL;
	t->nnames = 0;
	free(t->cur_id);
	t->cur_id = NULL;
	t->cur_ip = 0;
	memset(&t->cur_ip6, 0, sizeof t->cur_ip6);
	free(t->cur_bundle);
	t->cur_bundle = NULL;
	free(t->cur_name);
	t->cur_name = NULL;
}

static void table_clear(struct table *t)
{
	size_t i;

	table_flush(t);
	for (i = 0; i < t->n; i++) {
		free(t->m[i].id);
		free(t->m[i].name);
		free(t->m[i].state);
		free(t->m[i].ctini);
	}
	free(t->m);
	t->m = NULL;
	t->n = 0;
}

static int table_handler(void *user, const char *section, const char *key,
			 const char *value)
{
	struct table *t = user;

	if (strcmp(section, "endpoint"))
		return 1;
	if (!strcmp(key, "id")) {	/* the first key of each endpoint */
		table_flush(t);
		t->cur_id = ct_xstrdup(value);
		return 1;
	}
	if (!strcmp(key, "ip"))
		ct_ip_parse(value, &t->cur_ip, NULL);
	else if (!strcmp(key, "ip6"))
		ct_ip6_parse(value, &t->cur_ip6, NULL);
	else if (!strcmp(key, "bundle")) {
		free(t->cur_bundle);
		t->cur_bundle = ct_xstrdup(value);
	} else if (!strcmp(key, "name") || !strcmp(key, "aliases")) {
		if (!strcmp(key, "name")) {
			free(t->cur_name);
			t->cur_name = ct_xstrdup(value);
		}
		char *s = ct_xstrdup(value), *tok, *save = NULL;

		for (tok = strtok_r(s, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
			t->names = ct_xrealloc(t->names, (t->nnames + 1) * sizeof *t->names);
			t->names[t->nnames++] = ct_xstrdup(tok);
		}
		free(s);
	}
	return 1;
}

static int state_handler(void *user, const char *section, const char *key,
			 const char *value)
{
	if (!strcmp(section, "state") && !strcmp(key, "status") && !strcmp(value, "stopped"))
		*(int *)user = 1;
	return 1;
}

/* ct-spawn's state.ini says the container stopped (it keeps its address
 * until detach or prune, but its name goes at once, as in Docker) */
static int stopped(const char *state)
{
	FILE *f;
	int s = 0;

	if (!state || !(f = fopen(state, "re")))
		return 0;
	ini_parse_file(f, state_handler, &s);
	fclose(f);
	return s;
}

static int name_handler(void *user, const char *section, const char *key,
			const char *value)
{
	char *out = user;

	if (!strcmp(section, "container") && !strcmp(key, "name"))
		snprintf(out, 256, "%s", value);
	return 1;
}

/* the member's name now: ct.ini's (ct rename changes it there), else the
 * one the network file has */
static int name_is(const struct member *m, const char *name)
{
	char cur[256] = "";
	FILE *f;

	if (m->ctini && (f = fopen(m->ctini, "re"))) {
		ini_parse_file(f, name_handler, cur);
		fclose(f);
		if (*cur)
			return !strcasecmp(cur, name);
	}
	return !strcmp(m->name, name);
}

static int lookup_in(const struct table *t, const char *name, uint32_t *ip,
		     struct ct_ip6 *ip6)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (name_is(&t->m[i], name) && !stopped(t->m[i].state)) {
			*ip = t->m[i].ip;
			*ip6 = t->m[i].ip6;
			return 1;
		}
	return 0;
}

static void table_load(struct table *t, const char *path);

/* A container on several networks resolves the members of all of them
 * (as in Docker), though its resolv.conf names only one responder: a name
 * not on this network is looked up on the other networks the asking
 * container is on. */
static int lookup_elsewhere(const struct table *t, const char *name, uint32_t *ip,
			    struct ct_ip6 *ip6)
{
	const char *id = NULL, *slash = strrchr(t->path, '/');
	char *dir, *p;
	struct dirent *de;
	size_t i;
	int found = 0;
	DIR *d;

	for (i = 0; i < t->n && !id; i++)
		if (t->client ? htonl(t->m[i].ip) == t->client
			      : !ct_ip6_is_zero(&t->m[i].ip6) && ct_ip6_eq(&t->m[i].ip6, &t->client6))
			id = t->m[i].id;
	if (!id || !slash)
		return 0;
	dir = ct_xstrndup(t->path, (size_t)(slash - t->path));
	d = opendir(dir);
	while (d && !found && (de = readdir(d))) {
		struct table o = { 0 };
		int member = 0;

		if (de->d_name[0] == '.' || !ct_has_suffix(de->d_name, ".ini"))
			continue;
		p = ct_xasprintf("%s/%s", dir, de->d_name);
		if (strcmp(p, t->path)) {
			table_load(&o, p);
			for (i = 0; i < o.n && !member; i++)
				member = !strcmp(o.m[i].id, id);
			found = member && lookup_in(&o, name, ip, ip6);
			table_clear(&o);
		}
		free(p);
	}
	if (d)
		closedir(d);
	free(dir);
	return found;
}

static int table_lookup(const char *name, uint32_t *ip, struct ct_ip6 *ip6, void *arg)
{
	struct table *t = arg;

	return lookup_in(t, name, ip, ip6) || lookup_elsewhere(t, name, ip, ip6);
}

static void table_load(struct table *t, const char *path)
{
	FILE *f = fopen(path, "re");

	table_clear(t);
	if (!f)
		return;
	ini_parse_file(f, table_handler, t);
	fclose(f);
	table_flush(t);
}

static size_t servfail(const unsigned char *q, size_t qlen, unsigned char *out)
{
	size_t n = qlen < 12 ? qlen : 12;

	memcpy(out, q, n);
	if (n < 12)
		return 0;
	out[2] = (unsigned char)(0x80 | (q[2] & 0x01));
	out[3] = 0x82;	/* RA, SERVFAIL */
	memset(out + 4, 0, 8);
	return 12;
}

static int same_file(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec && a->st_size == b->st_size;
}

/* A query forwarded upstream and not answered yet: its own socket, so
 * replies find their client; one slow upstream stalls no other query. */
struct pending {
	int fd;			/* -1: free slot */
	int lfd;		/* the listening socket it came in on */
	struct sockaddr_storage from;
	socklen_t fromlen;
	unsigned char q[512];
	size_t qlen;
	size_t next_up;		/* the upstream to try after this one */
	struct timespec sent;
};

#define MAX_PENDING 64
#define FORWARD_MS 2000

static long ms_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t->tv_sec) * 1000 + (now.tv_nsec - t->tv_nsec) / 1000000;
}

/* Send p's query to upstream up[p->next_up++]; -1 when none is left. */
static int pending_send(struct pending *p, const uint32_t *up, size_t nup)
{
	while (p->next_up < nup) {
		struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(53) };
		int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

		if (fd < 0)
			return -1;
		sa.sin_addr.s_addr = htonl(up[p->next_up++]);
		if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0 &&
		    send(fd, p->q, p->qlen, 0) == (ssize_t)p->qlen) {
			if (p->fd >= 0)
				close(p->fd);
			p->fd = fd;
			clock_gettime(CLOCK_MONOTONIC, &p->sent);
			return 0;
		}
		close(fd);
	}
	return -1;
}

static void pending_fail(struct pending *p)
{
	int fd = p->lfd;
	unsigned char out[12];
	size_t n = servfail(p->q, p->qlen, out);

	if (n)
		sendto(fd, out, n, 0, (struct sockaddr *)&p->from, p->fromlen);
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
}

/* Our own address is never an upstream: that would loop. */
static size_t upstreams_but(const char *resolv, uint32_t self, uint32_t *up, size_t max)
{
	size_t n = ct_dns_upstreams(resolv, up, max), i, k = 0;

	for (i = 0; i < n; i++)
		if (up[i] != self)
			up[k++] = up[i];
	return k;
}

/* One query from a client on listening socket fd: answer it, or hand it
 * to a free pending slot for forwarding. */
static void serve_query(int fd, struct table *t, const char *domain, struct pending *pend,
			const char *resolv, uint32_t self, uint32_t *up, size_t *nup)
{
	struct sockaddr_storage from;
	socklen_t fl = sizeof from;
	unsigned char q[1500], out[1500];
	ssize_t n;
	size_t i;
	int r;

	n = recvfrom(fd, q, sizeof q, 0, (struct sockaddr *)&from, &fl);
	if (n <= 0)
		return;
	t->client = 0;
	memset(&t->client6, 0, sizeof t->client6);
	if (from.ss_family == AF_INET)
		t->client = ((struct sockaddr_in *)&from)->sin_addr.s_addr;
	else if (from.ss_family == AF_INET6)
		memcpy(t->client6.b, &((struct sockaddr_in6 *)&from)->sin6_addr, 16);
	r = ct_dns_answer46(q, (size_t)n, out, sizeof out, domain, table_lookup, t);
	if (r > 0) {
		sendto(fd, out, (size_t)r, 0, (struct sockaddr *)&from, fl);
		return;
	}
	if (r < 0)
		return;
	for (i = 0; i < MAX_PENDING && pend[i].fd >= 0; i++)
		;
	if (i == MAX_PENDING || (size_t)n > sizeof pend[i].q) {
		size_t k = servfail(q, (size_t)n, out);

		if (k)
			sendto(fd, out, k, 0, (struct sockaddr *)&from, fl);
		return;
	}
	*nup = upstreams_but(resolv, self, up, 3);	/* the file may have changed */
	memcpy(pend[i].q, q, (size_t)n);
	pend[i].qlen = (size_t)n;
	pend[i].lfd = fd;
	pend[i].from = from;
	pend[i].fromlen = fl;
	pend[i].next_up = 0;
	if (pending_send(&pend[i], up, *nup) < 0)
		pending_fail(&pend[i]);
}

/* fd: the IPv4 listener, fd6 the IPv6 one (-1: none) */
static void serve(int fd, int fd6, const char *path, const char *domain, uint32_t self)
{
	struct table t = { 0 };
	struct stat seen = { 0 }, now;
	uint32_t up[3];
	size_t nup = 0, i;
	struct ct_config cfg = { 0 };
	const char *resolv = NULL;
	struct pending *pend = ct_xcalloc(MAX_PENDING, sizeof *pend);
	struct pollfd pfd[MAX_PENDING + 2];
	unsigned char out[1500];

	/* [network] resolv_conf of ct.conf names the host's resolver file */
	if (ct_config_load(&cfg, NULL) == 0)
		resolv = ct_config_get(&cfg, "network", "resolv_conf");
	for (i = 0; i < MAX_PENDING; i++)
		pend[i].fd = -1;
	for (;;) {
		ssize_t n;
		int r;

		pfd[0].fd = fd;
		pfd[0].events = POLLIN;
		pfd[0].revents = 0;
		pfd[1].fd = fd6;
		pfd[1].events = POLLIN;
		pfd[1].revents = 0;
		for (i = 0; i < MAX_PENDING; i++) {
			pfd[i + 2].fd = pend[i].fd;
			pfd[i + 2].events = POLLIN;
			pfd[i + 2].revents = 0;
		}
		r = poll(pfd, MAX_PENDING + 2, 250);
		if (stat(path, &now) < 0)
			break;	/* the network is gone */
		/* upstream answers, and the ones that took too long */
		for (i = 0; i < MAX_PENDING; i++) {
			struct pending *p = &pend[i];

			if (p->fd < 0)
				continue;
			if (r > 0 && (pfd[i + 2].revents & POLLIN)) {
				n = recv(p->fd, out, sizeof out, 0);
				if (n >= 12 && out[0] == p->q[0] && out[1] == p->q[1]) {
					sendto(p->lfd, out, (size_t)n, 0, (struct sockaddr *)&p->from,
					       p->fromlen);
					close(p->fd);
					p->fd = -1;
					continue;
				}
			}
			if ((pfd[i + 2].revents & (POLLERR | POLLHUP)) ||
			    ms_since(&p->sent) > FORWARD_MS) {
				if (pending_send(p, up, nup) < 0)
					pending_fail(p);
			}
		}
		if (r <= 0 || !((pfd[0].revents | pfd[1].revents) & POLLIN))
			continue;
		if (!same_file(&seen, &now)) {
			table_load(&t, path);
			seen = now;
		}
		t.path = path;
		if (pfd[0].revents & POLLIN)
			serve_query(fd, &t, domain, pend, resolv, self, up, &nup);
		if (pfd[1].revents & POLLIN)
			serve_query(fd6, &t, domain, pend, resolv, self, up, &nup);
	}
	for (i = 0; i < MAX_PENDING; i++)
		if (pend[i].fd >= 0)
			close(pend[i].fd);
	free(pend);
	table_clear(&t);
	ct_config_free(&cfg);
}

static char *pid_path(const char *root, const char *name)
{
	return ct_xasprintf("%s/networks/%s.dns.pid", root, name);
}

/* The IPv6 listener on [gw6]:53 (v6 only; free-bind, should the address
 * not be ready yet). */
static int listen6(const struct ct_ip6 *gw6, struct ct_err *e)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_port = htons(53) };
	char ip[CT_IP6_STR];
	int fd, one = 1;

	ct_ip6_format(gw6, ip);
	ct_say("dns: listen on [%s]:53/udp too", ip);
	fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return ct_err(e, errno, "socket(AF_INET6) for the DNS responder");
	memcpy(&sa.sin6_addr, gw6->b, 16);
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_FREEBIND, &one, sizeof one) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		ct_err(e, errno, "bind [%s]:53/udp for the DNS responder", ip);
		close(fd);
		return -1;
	}
	return fd;
}

int ct_dns_start(const char *root, const char *name, uint32_t gw,
		 const struct ct_ip6 *gw6, struct ct_err *e)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(53) };
	char ip[CT_IP_STR], *pp, *text;
	int fd, fd6 = -1, r;
	pid_t pid;

	ct_ip_format(gw, ip);
	ct_say("dns: listen on %s:53/udp for network %s (a forked responder)", ip, name);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return ct_err(e, errno, "socket for the DNS responder");
	sa.sin_addr.s_addr = htonl(gw);
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		ct_err(e, errno, "bind %s:53/udp for the DNS responder", ip);
		close(fd);
		return -1;
	}
	if (gw6 && (fd6 = listen6(gw6, e)) < 0) {
		close(fd);
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		close(fd);
		if (fd6 >= 0)
			close(fd6);
		return ct_err(e, errno, "fork the DNS responder");
	}
	if (pid == 0) {
		char *path = ct_xasprintf("%s/networks/%s.ini", root, name);
		int nul = open("/dev/null", O_RDWR), i;

		setsid();
		prctl(PR_SET_NAME, "ct-net-dns", 0, 0, 0);
		signal(SIGPIPE, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		if (nul >= 0) {
			dup2(nul, 0);
			dup2(nul, 1);
			dup2(nul, 2);
		}
		/* no lock fd, no pipe of the caller may stay open here */
		for (i = 3; i < 1024; i++)
			if (i != fd && i != fd6)
				close(i);
		if (chdir("/") < 0)
			_exit(1);
		serve(fd, fd6, path, name, gw);
		_exit(0);
	}
	close(fd);
	if (fd6 >= 0)
		close(fd6);
	pp = pid_path(root, name);
	text = ct_xasprintf("%d\n", (int)pid);
	r = ct_write_file_atomic(pp, text, strlen(text), 0644, e);
	free(text);
	free(pp);
	return r;
}

/* The responder's pid when it runs (checked by its name, so a recycled
 * pid is never taken for it, and not a zombie), else 0. */
static int dns_pid(const char *root, const char *name)
{
	char *pp = pid_path(root, name), st[128] = "", *cp;
	struct ct_buf b = CT_BUF_INIT;
	int pid = 0, fd;
	ssize_t r;

	if (ct_read_file(pp, &b, 64, NULL) == 0 && b.data)
		pid = (int)strtol(b.data, NULL, 10);
	ct_buf_free(&b);
	free(pp);
	if (pid <= 0)
		return 0;
	cp = ct_xasprintf("/proc/%d/stat", pid);
	fd = open(cp, O_RDONLY | O_CLOEXEC);
	free(cp);
	if (fd < 0)
		return 0;
	r = read(fd, st, sizeof st - 1);
	close(fd);
	/* "PID (ct-net-dns) S ..." */
	cp = r > 0 ? strstr(st, "(ct-net-dns) ") : NULL;
	return cp && cp[13] != 'Z' && cp[13] != 'X' ? pid : 0;
}

int ct_dns_running(const char *root, const char *name)
{
	return dns_pid(root, name) > 0;
}

void ct_dns_stop(const char *root, const char *name)
{
	char *pp = pid_path(root, name);
	int pid = dns_pid(root, name);

	if (pid > 0) {
		ct_say("dns: stop the responder of %s (kill %d)", name, pid);
		kill(pid, SIGTERM);
	}
	unlink(pp);
	free(pp);
}
