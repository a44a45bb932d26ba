/* http: HTTP/1.1 client over TCP or BearSSL. See http.h. */
#include "http.h"

#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <ctype.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "auth.h"
#include "buf.h"
#include "err.h"
#include "file.h"
#include "say.h"
#include "tls.h"

#define RBUF_SIZE 65536
#define HEADER_MAX (64u << 10)
#define DRAIN_MAX (256u << 10)

/* --- URLs ------------------------------------------------------------------ */

int ct_url_parse(const char *s, struct ct_url *u, struct ct_err *e)
{
	const char *p, *hs, *he, *slash;
	char *end;
	long port;

	memset(u, 0, sizeof *u);
	if (!strncasecmp(s, "https://", 8)) {
		strcpy(u->scheme, "https");
		u->port = 443;
		p = s + 8;
	} else if (!strncasecmp(s, "http://", 7)) {
		strcpy(u->scheme, "http");
		u->port = 80;
		p = s + 7;
	} else {
		return ct_err(e, 0, "invalid URL \"%s\": want http:// or https://", s);
	}
	slash = p + strcspn(p, "/?#");
	if (*p == '[') {
		hs = p + 1;
		he = memchr(hs, ']', (size_t)(slash - hs));
		if (!he)
			return ct_err(e, 0, "invalid URL \"%s\": unclosed '['", s);
		p = he + 1;
	} else {
		hs = p;
		he = p + strcspn(p, ":/?#");
		if (he > slash)
			he = slash;
		p = he;
	}
	if (he == hs)
		return ct_err(e, 0, "invalid URL \"%s\": no host", s);
	if (*p == ':' && p + 1 < slash) {
		errno = 0;
		port = strtol(p + 1, &end, 10);
		if (end != slash || port <= 0 || port > 65535)
			return ct_err(e, 0, "invalid URL \"%s\": bad port", s);
		u->port = (int)port;
	} else if (p != slash && !(*p == ':' && p + 1 == slash)) {
		return ct_err(e, 0, "invalid URL \"%s\": bad host", s);
	}
	u->host = ct_xstrndup(hs, (size_t)(he - hs));
	if (*slash == '/')
		u->path = ct_xstrndup(slash, strcspn(slash, "#"));
	else if (*slash == '?')
		u->path = ct_xasprintf("/%.*s", (int)strcspn(slash, "#"), slash);
	else
		u->path = ct_xstrdup("/");
	return 0;
}

void ct_url_free(struct ct_url *u)
{
	free(u->host);
	free(u->path);
	memset(u, 0, sizeof *u);
}

char *ct_url_resolve(const char *base, const char *ref)
{
	const char *p, *q;

	if (!strncasecmp(ref, "http://", 7) || !strncasecmp(ref, "https://", 8))
		return ct_xstrdup(ref);
	p = strstr(base, "://");
	p = p ? p + 3 : base;
	if (ref[0] == '/' && ref[1] == '/')      /* scheme-relative */
		return ct_xasprintf("%.*s%s", (int)(p - base - 2), base, ref);
	q = p + strcspn(p, "/?#");               /* end of authority */
	if (ref[0] == '/')
		return ct_xasprintf("%.*s%s", (int)(q - base), base, ref);
	/* relative path: replace the last segment of base's path */
	{
		const char *pe = q + strcspn(q, "?#");
		const char *ls = pe;
		while (ls > q && ls[-1] != '/')
			ls--;
		if (ls == q)
			return ct_xasprintf("%.*s/%s", (int)(q - base), base, ref);
		return ct_xasprintf("%.*s%s", (int)(ls - base), base, ref);
	}
}

/* --- connections ----------------------------------------------------------- */

void ct_http_conn_init(struct ct_http_conn *c, const struct ct_http_opts *o)
{
	memset(c, 0, sizeof *c);
	if (o)
		c->opts = *o;
	if (c->opts.connect_timeout_ms <= 0)
		c->opts.connect_timeout_ms = 30000;
	if (c->opts.read_timeout_ms <= 0)
		c->opts.read_timeout_ms = 60000;
	c->fd = -1;
}

static void conn_drop(struct ct_http_conn *c)
{
	if (c->tls)
		ct_tls_free(c->tls);
	c->tls = NULL;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	free(c->host);
	c->host = NULL;
	free(c->proxy_auth);
	c->proxy_auth = NULL;
	c->proxy_abs = 0;
	c->rpos = c->rlen = 0;
	c->reused = 0;
}

void ct_http_conn_close(struct ct_http_conn *c)
{
	conn_drop(c);
	free(c->rbuf);
	c->rbuf = NULL;
}

static int connect_timed(int fd, const struct sockaddr *sa, socklen_t len, int ms)
{
	int fl = fcntl(fd, F_GETFL), r, soerr = 0;
	socklen_t sl = sizeof soerr;
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -1;
	r = connect(fd, sa, len);
	if (r < 0 && errno != EINPROGRESS)
		return -1;
	if (r < 0) {
		do {
			r = poll(&pfd, 1, ms);
		} while (r < 0 && errno == EINTR);
		if (r == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (r < 0)
			return -1;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0)
			return -1;
		if (soerr) {
			errno = soerr;
			return -1;
		}
	}
	return fcntl(fd, F_SETFL, fl);
}

/* --- proxies ------------------------------------------------------------------ */

static int read_head(struct ct_http_conn *c, struct ct_http_resp *rs, int head,
		     struct ct_err *e);
static void resp_free(struct ct_http_resp *rs);

static const char *env2(const char *a, const char *b)
{
	const char *v = getenv(a);

	if (!v || !*v)
		v = getenv(b);
	return v && *v ? v : NULL;
}

/* IPv4/IPv6 address s inside CIDR net/bits. */
static int in_cidr(const char *host, const char *cidr)
{
	unsigned char a[16], n[16];
	char net[64];
	const char *slash = strchr(cidr, '/');
	int fam, len, bits, i;

	if (!slash || (size_t)(slash - cidr) >= sizeof net)
		return 0;
	memcpy(net, cidr, (size_t)(slash - cidr));
	net[slash - cidr] = 0;
	fam = strchr(net, ':') ? AF_INET6 : AF_INET;
	len = fam == AF_INET ? 4 : 16;
	{
		char *end;
		long b = strtol(slash + 1, &end, 10);
		if (end == slash + 1 || *end || b < 0 || b > 128)
			return 0;
		bits = (int)b;
	}
	if ( bits > len * 8 || inet_pton(fam, host, a) != 1 ||
	    inet_pton(fam, net, n) != 1)
		return 0;
	for (i = 0; i < len && bits > 0; i++, bits -= 8) {
		int m = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
		if ((a[i] & m) != (n[i] & m))
			return 0;
	}
	return 1;
}

/* NO_PROXY as Go (and so Docker) reads it: comma-separated entries, "*"
 * for all, IP addresses and CIDR ranges, "example.com" for that name and
 * its subdomains, ".example.com" for subdomains only, each with an
 * optional ":port". */
int ct_http_no_proxy(const char *list, const char *host, int port)
{
	char *copy, *save = NULL, *ent;
	int hit = 0;

	if (!list || !host)
		return 0;
	copy = ct_xstrdup(list);

	for (ent = strtok_r(copy, ", ", &save); ent && !hit; ent = strtok_r(NULL, ", ", &save)) {
		char *colon = strrchr(ent, ':'), *h = ent;
		size_t hl, el;

		if (!strcmp(ent, "*")) {
			hit = 1;
			break;
		}
		if (strchr(ent, '/')) {
			hit = in_cidr(host, ent);
			continue;
		}
		if (*h == '[') {                /* [v6]:port */
			char *rb = strchr(h, ']');
			if (!rb)
				continue;
			*rb = 0;
			h++;
			colon = rb[1] == ':' ? rb + 1 : NULL;
		} else if (colon && strchr(ent, ':') != colon) {
			colon = NULL;           /* a bare IPv6 address */
		}
		if (colon) {
			*colon = 0;
			char *end;
			long pn = strtol(colon + 1, &end, 10);
			if (end == colon + 1 || *end || pn != port)
				continue;
		}
		hl = strlen(host);
		el = strlen(h);
		if (*h == '.')
			hit = hl > el && !strcasecmp(host + hl - el, h);
		else if (!strncmp(h, "*.", 2))
			hit = hl > el - 1 && !strcasecmp(host + hl - (el - 1), h + 1);
		else
			hit = !strcasecmp(host, h) ||
			      (hl > el && host[hl - el - 1] == '.' &&
			       !strcasecmp(host + hl - el, h));
	}
	free(copy);
	return hit;
}

static int is_loopback(const char *host)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (!host)
		return 0;
	if (!strcasecmp(host, "localhost"))
		return 1;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6);
	return 0;
}

static char *pct_decode(const char *s, size_t n)
{
	char *out = ct_xmalloc(n + 1), *o = out;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && isxdigit((unsigned char)s[i + 1]) &&
		    isxdigit((unsigned char)s[i + 2])) {
			char hex[3] = { s[i + 1], s[i + 2], 0 };
			*o++ = (char)strtol(hex, NULL, 16);
			i += 2;
		} else {
			*o++ = s[i];
		}
	}
	*o = 0;
	return out;
}

/* The proxy for u from HTTPS_PROXY / HTTP_PROXY (or lower case) unless
 * NO_PROXY names the host; localhost and loopback addresses never go
 * through a proxy (as in Go, so as in Docker). 1 with *pu (and *auth for
 * a proxy URL with user:password@), 0 for a direct connection. */
static int proxy_for(const struct ct_url *u, struct ct_url *pu, char **auth, struct ct_err *e)
{
	const char *v = !strcmp(u->scheme, "https") ? env2("HTTPS_PROXY", "https_proxy") :
						      env2("HTTP_PROXY", "http_proxy");
	const char *np = env2("NO_PROXY", "no_proxy"), *at, *rest;
	char *url;
	int rc;

	*auth = NULL;
	if (!v || is_loopback(u->host) || (np && ct_http_no_proxy(np, u->host, u->port)))
		return 0;
	rest = strstr(v, "://") ? strstr(v, "://") + 3 : v;
	if (strstr(v, "://") && strncasecmp(v, "http://", 7))
		return ct_err(e, 0, "proxy \"%s\": only http:// proxies are supported", v);
	at = strchr(rest, '@');
	if (at && at < rest + strcspn(rest, "/")) {
		const char *colon = memchr(rest, ':', (size_t)(at - rest));
		char *user = pct_decode(rest, colon ? (size_t)(colon - rest) : (size_t)(at - rest));
		char *pass = colon ? pct_decode(colon + 1, (size_t)(at - colon - 1)) : ct_xstrdup("");
		*auth = ct_auth_basic(user, pass);
		free(user);
		free(pass);
		rest = at + 1;
	}
	url = ct_xasprintf("http://%s", rest);
	rc = ct_url_parse(url, pu, e);
	free(url);
	if (rc < 0) {
		free(*auth);
		*auth = NULL;
		return ct_err_wrap(e, "proxy setting");
	}
	return 1;
}

/* Ask the proxy on c->fd for a tunnel to u (CONNECT host:port). */
static int proxy_connect(struct ct_http_conn *c, const struct ct_url *u, const struct ct_url *pu,
			 const char *auth, struct ct_err *e)
{
	struct ct_buf rq = CT_BUF_INIT;
	struct ct_http_resp rs;
	char hp[300];
	int rc = -1;

	snprintf(hp, sizeof hp, strchr(u->host, ':') ? "[%s]:%d" : "%s:%d", u->host, u->port);
	ct_buf_printf(&rq, "CONNECT %s HTTP/1.1\r\nHost: %s\r\n", hp, hp);
	if (auth)
		ct_buf_printf(&rq, "Proxy-Authorization: %s\r\n", auth);
	ct_buf_puts(&rq, "\r\n");
	if (ct_write_all(c->fd, rq.data, rq.len) < 0) {
		ct_err(e, errno, "write to the proxy %s:%d", pu->host, pu->port);
		goto out;
	}
	if (read_head(c, &rs, 1, e) < 0) {
		ct_err_wrap(e, "CONNECT %s through the proxy %s:%d", hp, pu->host, pu->port);
		goto out;
	}
	ct_say("proxy %s:%d: CONNECT %s → %d %s", pu->host, pu->port, hp, rs.status, rs.reason);
	if (rs.status / 100 != 2) {
		ct_err(e, 0, "the proxy %s:%d refused CONNECT %s: %d %s", pu->host, pu->port, hp,
		       rs.status, rs.reason);
		c->no_retry = 1;
		if (rs.status == 407)
			ct_err_hint(e, "put the proxy's user:password in HTTPS_PROXY "
				    "(http://user:password@host:port)");
		else
			ct_err_hint(e, "check HTTPS_PROXY, or name the registry in NO_PROXY");
		resp_free(&rs);
		goto out;
	}
	resp_free(&rs);
	c->rpos = c->rlen = 0;
	rc = 0;
out:
	ct_buf_free(&rq);
	return rc;
}

static int conn_open(struct ct_http_conn *c, const struct ct_url *u, struct ct_err *e)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_family = AF_UNSPEC };
	struct addrinfo *res, *ai;
	struct ct_url pu = { 0 };
	const struct ct_url *to = u;
	char port[16], *pauth = NULL;
	int r, fd = -1, err = 0, one = 1, proto_err, proxied;
	struct timeval tv;

	conn_drop(c);
	c->tls_not_tls = 0;
	c->no_retry = 0;
	proxied = proxy_for(u, &pu, &pauth, e);
	if (proxied < 0) {
		c->no_retry = 1;
		return -1;
	}
	if (proxied) {
		to = &pu;
		ct_say2("%s://%s:%d through the proxy %s:%d", u->scheme, u->host, u->port,
			pu.host, pu.port);
	}
	snprintf(port, sizeof port, "%d", to->port);
	r = getaddrinfo(to->host, port, &hints, &res);
	if (r != 0) {
		ct_err(e, 0, "resolve %s%s: %s", proxied ? "the proxy " : "", to->host,
		       r == EAI_SYSTEM ? strerror(errno) : gai_strerror(r));
		goto fail;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0) {
			err = errno;
			continue;
		}
		if (connect_timed(fd, ai->ai_addr, ai->ai_addrlen,
				  c->opts.connect_timeout_ms) == 0)
			break;
		err = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		ct_err(e, err, "connect to %s%s port %d", proxied ? "the proxy " : "",
		       to->host, to->port);
		if (err == ECONNREFUSED)
			ct_err_hint(e, proxied ? "is the proxy running (HTTPS_PROXY, HTTP_PROXY)?" :
				    "is the registry running, and is the port right?");
		goto fail;
	}
	ct_say2("connect %s:%d (tcp)", to->host, to->port);
	tv.tv_sec = c->opts.read_timeout_ms / 1000;
	tv.tv_usec = (c->opts.read_timeout_ms % 1000) * 1000;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) < 0 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0) {
		ct_err(e, errno, "setsockopt on the connection to %s", to->host);
		close(fd);
		goto fail;
	}
	c->fd = fd;
	c->host = ct_xstrdup(u->host);
	if (!c->rbuf)
		c->rbuf = ct_xmalloc(RBUF_SIZE);
	if (proxied && !strcmp(u->scheme, "https")) {
		if (proxy_connect(c, u, &pu, pauth, e) < 0) {
			conn_drop(c);
			goto fail;
		}
	} else if (proxied) {
		/* plain http: requests go to the proxy in absolute form */
		c->proxy_abs = 1;
		c->proxy_auth = pauth;
		pauth = NULL;
	}
	if (proxied)
		ct_url_free(&pu);
	free(pauth);
	pauth = NULL;
	if (!strcmp(u->scheme, "https")) {
		if (c->opts.anchors_load && c->opts.anchors_load(c->opts.anchors_arg, e) < 0) {
			conn_drop(c);
			return -1;
		}
		if (!c->opts.anchors) {
			conn_drop(c);
			return ct_err(e, 0, "https://%s: no trust anchors loaded", u->host);
		}
		c->tls = ct_tls_start(fd, u->host, c->opts.anchors, &proto_err, e);
		c->tls_not_tls = proto_err;
		if (!c->tls) {
			conn_drop(c);
			return -1;
		}
	}
	strcpy(c->scheme, u->scheme);
	c->port = u->port;
	return 0;
fail:
	if (proxied)
		ct_url_free(&pu);
	free(pauth);
	return -1;
}

static int conn_matches(const struct ct_http_conn *c, const struct ct_url *u)
{
	return c->fd >= 0 && c->host && u->host &&
	       !strcmp(c->scheme, u->scheme) && !strcasecmp(c->host, u->host) &&
	       c->port == u->port;
}

static int conn_write(struct ct_http_conn *c, const void *buf, size_t n, struct ct_err *e)
{
	if (c->tls)
		return ct_tls_write_all(c->tls, buf, n, e);
	if (ct_write_all(c->fd, buf, n) < 0)
		return ct_err(e, errno == EAGAIN ? ETIMEDOUT : errno, "write to %s", c->host);
	return 0;
}

/* Fill the read buffer; returns bytes added, 0 at EOF, -1. */
static ssize_t conn_fill(struct ct_http_conn *c, struct ct_err *e)
{
	ssize_t n;

	if (c->rpos == c->rlen)
		c->rpos = c->rlen = 0;
	if (c->rpos > 0 && c->rlen == RBUF_SIZE) {
		memmove(c->rbuf, c->rbuf + c->rpos, c->rlen - c->rpos);
		c->rlen -= c->rpos;
		c->rpos = 0;
	}
	if (c->tls)
		return (n = ct_tls_read(c->tls, c->rbuf + c->rlen, RBUF_SIZE - c->rlen, e)) > 0 ?
			(c->rlen += (size_t)n, n) : n;
	do {
		n = read(c->fd, c->rbuf + c->rlen, RBUF_SIZE - c->rlen);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return ct_err(e, errno == EAGAIN ? ETIMEDOUT : errno, "read from %s", c->host);
	c->rlen += (size_t)n;
	return n;
}

/* One line (CRLF or LF stripped) into b; -1 on EOF/error/too long. */
static int conn_line(struct ct_http_conn *c, struct ct_buf *b, struct ct_err *e)
{
	ct_buf_reset(b);
	for (;;) {
		unsigned char *nl = memchr(c->rbuf + c->rpos, '\n', c->rlen - c->rpos);
		size_t take = nl ? (size_t)(nl - (c->rbuf + c->rpos)) + 1 : c->rlen - c->rpos;
		ssize_t n;

		ct_buf_add(b, c->rbuf + c->rpos, take);
		c->rpos += take;
		if (nl)
			break;
		if (b->len > HEADER_MAX)
			return ct_err(e, 0, "%s: response header line too long", c->host);
		n = conn_fill(c, e);
		if (n < 0)
			return -1;
		if (n == 0) {
			errno = 0;
			return ct_err(e, 0, "%s closed the connection", c->host);
		}
	}
	while (b->len && (b->data[b->len - 1] == '\n' || b->data[b->len - 1] == '\r'))
		b->data[--b->len] = 0;
	return 0;
}

/* --- responses --------------------------------------------------------------- */

const char *ct_http_header(const struct ct_http_resp *rs, const char *name)
{
	size_t i;

	for (i = 0; i < rs->nh; i++)
		if (!strcasecmp(rs->h[i].name, name))
			return rs->h[i].value;
	return NULL;
}

static void resp_free(struct ct_http_resp *rs)
{
	size_t i;

	for (i = 0; i < rs->nh; i++) {
		free(rs->h[i].name);
		free(rs->h[i].value);
	}
	free(rs->h);
	free(rs->reason);
	free(rs->url);
	memset(rs, 0, sizeof *rs);
}

static int read_head(struct ct_http_conn *c, struct ct_http_resp *rs, int head,
		     struct ct_err *e)
{
	struct ct_buf line = CT_BUF_INIT;
	size_t total = 0;
	const char *v;
	char *sp;

	memset(rs, 0, sizeof *rs);
	rs->length = -1;
	rs->head = head;
	do {   /* skip 1xx interim answers */
		if (conn_line(c, &line, e) < 0)
			goto fail;
		if (strncmp(ct_buf_str(&line), "HTTP/1.", 7) || line.len < 12) {
			ct_err(e, 0, "%s: not an HTTP response: \"%.40s\"", c->host, ct_buf_str(&line));
			goto fail;
		}
		rs->status = (int)strtol(line.data + 9, NULL, 10);
		free(rs->reason);
		sp = line.data + 12;
		rs->reason = ct_xstrdup(*sp == ' ' ? sp + 1 : sp);
		rs->conn_close = line.data[7] == '0';
		for (;;) {
			char *colon, *val, *end;

			if (conn_line(c, &line, e) < 0)
				goto fail;
			if (line.len == 0)
				break;
			total += line.len;
			if (total > HEADER_MAX) {
				ct_err(e, 0, "%s: response headers too large", c->host);
				goto fail;
			}
			colon = strchr(line.data, ':');
			if (!colon)
				continue;
			*colon = 0;
			val = colon + 1;
			while (*val == ' ' || *val == '\t')
				val++;
			end = val + strlen(val);
			while (end > val && (end[-1] == ' ' || end[-1] == '\t'))
				*--end = 0;
			if (rs->status >= 100 && rs->status < 200)
				continue;
			rs->h = ct_xrealloc(rs->h, (rs->nh + 1) * sizeof *rs->h);
			rs->h[rs->nh].name = ct_xstrdup(line.data);
			rs->h[rs->nh].value = ct_xstrdup(val);
			rs->nh++;
		}
	} while (rs->status >= 100 && rs->status < 200);
	ct_buf_free(&line);

	if ((v = ct_http_header(rs, "Connection")) && strcasestr(v, "close"))
		rs->conn_close = 1;
	if ((v = ct_http_header(rs, "Content-Length"))) {
		char *end;
		long long n = strtoll(v, &end, 10);
		if (*v < '0' || *v > '9' || *end || n < 0) {
			return ct_err(e, 0, "%s: bad Content-Length \"%s\"", c->host, v);
		}
		rs->length = n;
	}
	if ((v = ct_http_header(rs, "Transfer-Encoding")) && strcasestr(v, "chunked"))
		rs->chunked = 1;
	if (head || rs->status == 204 || rs->status == 304) {
		rs->done = 1;
	} else if (rs->chunked) {
		rs->left = 0;
	} else if (rs->length >= 0) {
		rs->left = (uint64_t)rs->length;
		rs->done = rs->length == 0;
	} else {
		rs->until_close = 1;
		rs->conn_close = 1;
	}
	return 0;
fail:
	ct_buf_free(&line);
	return -1;
}

static int chunk_header(struct ct_http_conn *c, struct ct_http_resp *rs, struct ct_err *e)
{
	struct ct_buf line = CT_BUF_INIT;
	char *end;
	unsigned long long n;

	if (conn_line(c, &line, e) < 0)
		goto fail;
	errno = 0;
	n = strtoull(ct_buf_str(&line), &end, 16);
	if (end == line.data || errno || (*end && *end != ';' && *end != ' ')) {
		ct_err(e, 0, "%s: bad chunk size \"%.20s\"", c->host, ct_buf_str(&line));
		goto fail;
	}
	rs->left = n;
	if (n == 0) {   /* trailers up to the empty line */
		do {
			if (conn_line(c, &line, e) < 0)
				goto fail;
		} while (line.len);
		rs->done = 1;
	}
	ct_buf_free(&line);
	return 0;
fail:
	ct_buf_free(&line);
	rs->conn_close = 1;
	return -1;
}

ssize_t ct_http_read(struct ct_http_conn *c, struct ct_http_resp *rs, void *buf,
		     size_t n, struct ct_err *e)
{
	size_t have, take;
	ssize_t r;

	if (rs->done)
		return 0;
	if (rs->chunked && rs->left == 0) {
		if (chunk_header(c, rs, e) < 0)
			return -1;
		if (rs->done)
			return 0;
	}
	if (c->rpos == c->rlen && n >= RBUF_SIZE / 4 && !rs->chunked) {
		/* a large read with nothing buffered: straight into buf */
		size_t want = !rs->until_close && rs->left < n ? (size_t)rs->left : n;
		if (c->tls) {
			r = ct_tls_read(c->tls, buf, want, e);
		} else {
			do {
				r = read(c->fd, buf, want);
			} while (r < 0 && errno == EINTR);
			if (r < 0)
				ct_err(e, errno == EAGAIN ? ETIMEDOUT : errno, "read from %s", c->host);
		}
		if (r > 0) {
			if (!rs->until_close) {
				rs->left -= (uint64_t)r;
				rs->done = rs->left == 0;
			}
			return r;
		}
		if (r < 0) {
			rs->conn_close = 1;
			return -1;
		}
		rs->conn_close = 1;
		if (rs->until_close) {
			rs->done = 1;
			return 0;
		}
		errno = 0;
		return ct_err(e, 0, "%s closed the connection in the middle of the body", c->host);
	}
	if (c->rpos == c->rlen) {
		r = conn_fill(c, e);
		if (r < 0) {
			rs->conn_close = 1;
			return -1;
		}
		if (r == 0) {
			rs->conn_close = 1;
			if (rs->until_close) {
				rs->done = 1;
				return 0;
			}
			errno = 0;
			return ct_err(e, 0, "%s closed the connection in the middle of the body",
				      c->host);
		}
	}
	have = c->rlen - c->rpos;
	take = n < have ? n : have;
	if (!rs->until_close && take > rs->left)
		take = (size_t)rs->left;
	memcpy(buf, c->rbuf + c->rpos, take);
	c->rpos += take;
	if (!rs->until_close) {
		rs->left -= take;
		if (rs->left == 0) {
			if (rs->chunked) {
				struct ct_buf crlf = CT_BUF_INIT;
				int rc = conn_line(c, &crlf, e);
				ct_buf_free(&crlf);
				if (rc < 0) {
					rs->conn_close = 1;
					return -1;
				}
			} else {
				rs->done = 1;
			}
		}
	}
	return (ssize_t)take;
}

int ct_http_read_all(struct ct_http_conn *c, struct ct_http_resp *rs, struct ct_buf *b,
		     size_t max, struct ct_err *e)
{
	char tmp[16384];
	ssize_t n;

	if (rs->length > 0 && (uint64_t)rs->length > max)
		return ct_err(e, 0, "%s: response of %lld bytes is over the limit of %zu",
			      rs->url ? rs->url : c->host, (long long)rs->length, max);
	while ((n = ct_http_read(c, rs, tmp, sizeof tmp, e)) > 0) {
		if (b->len + (size_t)n > max) {
			rs->conn_close = 1;
			return ct_err(e, 0, "%s: response is over the limit of %zu bytes",
				      rs->url ? rs->url : c->host, max);
		}
		ct_buf_add(b, tmp, (size_t)n);
	}
	if (!b->data)
		ct_buf_grow(b, 1);
	return n < 0 ? -1 : 0;
}

void ct_http_resp_done(struct ct_http_conn *c, struct ct_http_resp *rs)
{
	char tmp[8192];
	size_t drained = 0;
	ssize_t n;

	if (!rs->done && !rs->conn_close && !rs->until_close &&
	    (rs->chunked || rs->left <= DRAIN_MAX)) {
		while (drained <= DRAIN_MAX &&
		       (n = ct_http_read(c, rs, tmp, sizeof tmp, NULL)) > 0)
			drained += (size_t)n;
	}
	if (!rs->done || rs->conn_close)
		conn_drop(c);
	resp_free(rs);
}

/* --- requests ------------------------------------------------------------------ */

static int send_request(struct ct_http_conn *c, const struct ct_http_req *rq,
			const struct ct_url *u, int with_auth, const char *method,
			struct ct_err *e)
{
	struct ct_buf h = CT_BUF_INIT;
	int rc = -1;
	int has_body = rq->body_len > 0 || !strcmp(method, "PUT") ||
		       !strcmp(method, "POST") || !strcmp(method, "PATCH");
	char hostport[300];

	if ((!strcmp(u->scheme, "https") && u->port == 443) ||
	    (!strcmp(u->scheme, "http") && u->port == 80))
		snprintf(hostport, sizeof hostport, strchr(u->host, ':') ? "[%s]" : "%s", u->host);
	else
		snprintf(hostport, sizeof hostport, strchr(u->host, ':') ? "[%s]:%d" : "%s:%d",
			 u->host, u->port);
	ct_buf_printf(&h, "%s %s%s%s HTTP/1.1\r\nHost: %s\r\nUser-Agent: %s\r\n", method,
		      c->proxy_abs ? "http://" : "", c->proxy_abs ? hostport : "", u->path,
		      hostport, c->opts.user_agent ? c->opts.user_agent : "ct/" CT_VERSION);
	if (c->proxy_abs && c->proxy_auth)
		ct_buf_printf(&h, "Proxy-Authorization: %s\r\n", c->proxy_auth);
	if (with_auth && rq->auth)
		ct_buf_printf(&h, "Authorization: %s\r\n", rq->auth);
	if (rq->headers)
		ct_buf_puts(&h, rq->headers);
	if (has_body)
		ct_buf_printf(&h, "Content-Length: %llu\r\n", (unsigned long long)rq->body_len);
	ct_buf_puts(&h, "\r\n");
	ct_say2("> %s %s (Host: %s%s)", method, u->path, hostport,
		with_auth && rq->auth ? ", with Authorization" : "");
	if (rq->body && rq->body_len && rq->body_len < 65536) {
		ct_buf_add(&h, rq->body, (size_t)rq->body_len);
		rc = conn_write(c, h.data, h.len, e);
		goto out;
	}
	if (conn_write(c, h.data, h.len, e) < 0)
		goto out;
	if (rq->body && rq->body_len) {
		rc = conn_write(c, rq->body, (size_t)rq->body_len, e);
		goto out;
	}
	if (rq->body_len) {
		uint64_t left = rq->body_len;
		char *buf = ct_xmalloc(65536);
		while (left) {
			ssize_t n = read(rq->body_fd, buf, left < 65536 ? (size_t)left : 65536);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				ct_err(e, n < 0 ? errno : 0, "read the request body%s",
				       n == 0 ? ": file shorter than expected" : "");
				free(buf);
				goto out;
			}
			if (conn_write(c, buf, (size_t)n, e) < 0) {
				free(buf);
				goto out;
			}
			left -= (uint64_t)n;
			if (rq->progress)
				rq->progress(rq->progress_arg, rq->body_len - left);
		}
		free(buf);
	}
	rc = 0;
out:
	ct_buf_free(&h);
	return rc;
}

static int is_redirect(int status)
{
	return status == 301 || status == 302 || status == 303 || status == 307 ||
	       status == 308;
}

int ct_http_request(struct ct_http_conn *c, const struct ct_http_req *rq,
		    struct ct_http_resp *rs, struct ct_err *e)
{
	char *url = ct_xstrdup(rq->url);
	struct ct_url first, u;
	const char *method = rq->method;
	int hops = 0, tries;

	if (ct_url_parse(url, &first, e) < 0) {
		free(url);
		return -1;
	}
	for (;;) {
		int with_auth, rc = -1;

		if (ct_url_parse(url, &u, e) < 0)
			goto fail;
		/* the credentials belong to the first host only */
		with_auth = u.host && first.host && !strcasecmp(u.host, first.host) &&
			    u.port == first.port &&
			    !strcmp(u.scheme, first.scheme);
		for (tries = 0; tries < 2; tries++) {
			int reused;
			if (!conn_matches(c, &u) && conn_open(c, &u, e) < 0)
				break;
			reused = c->reused;
			rc = send_request(c, rq, &u, with_auth, method, e);
			if (rc == 0)
				rc = read_head(c, rs, !strcmp(method, "HEAD"), e);
			if (rc == 0)
				break;
			conn_drop(c);
			/* a kept-alive connection the server had closed: once more */
			if (!reused || (rq->body_len && !rq->body))
				break;
			ct_say2("connection to %s was closed by the server; reconnecting", u.host);
		}
		if (rc < 0) {
			ct_err_wrap(e, "%s %s", method, url);
			ct_url_free(&u);
			goto fail;
		}
		c->reused = 1;
		ct_say("%s %s → %d %s", method, url, rs->status, rs->reason);
		rs->url = ct_xstrdup(url);
		ct_url_free(&u);
		if (!is_redirect(rs->status) || rq->no_redirect ||
		    (strcmp(method, "GET") && strcmp(method, "HEAD")))
			break;
		{
			const char *loc = ct_http_header(rs, "Location");
			char *next;
			if (!loc)
				break;
			if (++hops > CT_HTTP_MAX_REDIRECTS) {
				ct_err(e, 0, "%s %s: more than %d redirects", method, rq->url,
				       CT_HTTP_MAX_REDIRECTS);
				ct_http_resp_done(c, rs);
				goto fail;
			}
			next = ct_url_resolve(url, loc);
			ct_http_resp_done(c, rs);
			free(url);
			url = next;
		}
	}
	ct_url_free(&first);
	free(url);
	return 0;
fail:
	ct_url_free(&first);
	free(url);
	return -1;
}
