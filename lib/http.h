/* http: an HTTP/1.1 client, plain TCP or TLS (lib/tls), for registries.
 *
 * One struct ct_http_conn is one connection at a time, kept alive between
 * requests to the same scheme://host:port and reopened when the next
 * request goes elsewhere (or the server closed it). Bodies come with
 * Content-Length, chunked, or until close; they are read incrementally so a
 * blob streams to disk. GET and HEAD follow redirects (at most 10); the
 * Authorization header is sent only to the host the request was made for,
 * never to the host of a redirect (registries redirect blobs to CDNs).
 *
 *     struct ct_http_conn c;  ct_http_conn_init(&c, &opts);
 *     struct ct_http_req rq = { .method = "GET", .url = u };
 *     struct ct_http_resp rs;
 *     if (ct_http_request(&c, &rq, &rs, &e) < 0) ...
 *     while ((n = ct_http_read(&c, &rs, buf, sizeof buf, &e)) > 0) ...
 *     ct_http_resp_done(&c, &rs);        (the connection may be reused)
 *     ct_http_conn_close(&c);
 *
 * Proxies come from HTTPS_PROXY / HTTP_PROXY (or lower case; http://
 * proxies, optionally with user:password@) unless NO_PROXY names the host;
 * localhost and loopback addresses always go direct, as in Go (and so in
 * Docker). https goes through a CONNECT tunnel, plain http in absolute
 * form. With -v each exchange is told: "GET https://h/v2/ → 401 Unauthorized".
 */
#ifndef CT_HTTP_H
#define CT_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct ct_err;
struct ct_buf;
struct ct_tls;
struct ct_tls_anchors;

#define CT_HTTP_MAX_REDIRECTS 10

struct ct_url {
	char scheme[8];         /* "http" or "https" */
	char *host;             /* without brackets for IPv6 */
	int port;
	char *path;             /* "/v2/…?query", at least "/" */
};

/* Parse an absolute http(s) URL. */
int ct_url_parse(const char *s, struct ct_url *u, struct ct_err *e);
void ct_url_free(struct ct_url *u);
/* ref resolved against base (absolute URL, "/path", or relative), allocated. */
char *ct_url_resolve(const char *base, const char *ref);

struct ct_http_opts {
	int connect_timeout_ms;         /* 0: 30 s */
	int read_timeout_ms;            /* 0: 60 s */
	const struct ct_tls_anchors *anchors;   /* for https; NULL: refused */
	/* called before each TLS handshake, to fill *anchors the first time
	 * (reading the system's CA bundle costs ~20 ms: plain-HTTP registries
	 * on localhost never pay it); NULL: anchors are ready */
	int (*anchors_load)(void *arg, struct ct_err *e);
	void *anchors_arg;
	const char *user_agent;         /* NULL: "ct/VERSION" */
};

struct ct_http_header {
	char *name;
	char *value;
};

struct ct_http_resp {
	int status;
	char *reason;
	char *url;              /* the URL that answered (after redirects) */
	struct ct_http_header *h;
	size_t nh;
	int64_t length;         /* Content-Length, -1 when none */
	/* body state, private */
	int chunked, until_close, conn_close, done;
	uint64_t left;          /* in this chunk / of the body */
	int head;               /* response to HEAD: no body */
};

struct ct_http_conn {
	struct ct_http_opts opts;
	char scheme[8];
	char *host;
	int port;
	int fd;
	struct ct_tls *tls;
	int reused;             /* this connection has served a request */
	int tls_not_tls;        /* the last TLS handshake met a non-TLS server */
	int no_retry;           /* the last failure will not change on retry */
	int proxy_abs;          /* plain http through a proxy: absolute-form requests */
	char *proxy_auth;       /* its Proxy-Authorization value, or NULL */
	unsigned char *rbuf;
	size_t rpos, rlen;
};

struct ct_http_req {
	const char *method;
	const char *url;
	const char *auth;       /* Authorization value; never sent to another host */
	const char *headers;    /* more "Name: value\r\n" lines, or NULL */
	const void *body;       /* request body in memory, or */
	int body_fd;            /* ... read from this fd (when body_len > 0 and body NULL) */
	uint64_t body_len;
	int no_redirect;        /* return 3xx to the caller */
	/* called as an fd body is sent, with the bytes sent so far */
	void (*progress)(void *arg, uint64_t sent);
	void *progress_arg;
};

void ct_http_conn_init(struct ct_http_conn *c, const struct ct_http_opts *o);
void ct_http_conn_close(struct ct_http_conn *c);

/* Send the request and read the status line and headers. Any status is
 * success here; -1 only for network/protocol errors (naming the URL). */
int ct_http_request(struct ct_http_conn *c, const struct ct_http_req *rq,
		    struct ct_http_resp *rs, struct ct_err *e);
/* Read body bytes: >0, 0 at its end, -1. */
ssize_t ct_http_read(struct ct_http_conn *c, struct ct_http_resp *rs, void *buf,
		     size_t n, struct ct_err *e);
/* Read the whole body into b; more than max bytes is an error. */
int ct_http_read_all(struct ct_http_conn *c, struct ct_http_resp *rs, struct ct_buf *b,
		     size_t max, struct ct_err *e);
/* Finish with a response: a small unread rest is drained so the connection
 * stays usable, else the connection is closed. Frees rs. */
void ct_http_resp_done(struct ct_http_conn *c, struct ct_http_resp *rs);

/* 1 when host:port is named by list, a NO_PROXY value: comma-separated
 * "*", IP addresses, CIDR ranges, names (matching their subdomains too),
 * ".names" (subdomains only), each with an optional ":port". */
int ct_http_no_proxy(const char *list, const char *host, int port);

/* First header of that name (case-insensitive), or NULL. */
const char *ct_http_header(const struct ct_http_resp *rs, const char *name);

#endif
