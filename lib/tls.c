/* tls: BearSSL client connections and PEM trust anchors. See tls.h. */
#include "tls.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "err.h"
#include "file.h"
#include "say.h"

#define PEM_MAX (16u << 20)

struct ct_tls {
	br_ssl_client_context cc;
	br_x509_minimal_context xc;
	br_sslio_context io;
	int fd;
	int io_errno;           /* errno of the last failed read/write */
	int eof;                /* the peer closed the TCP stream */
	unsigned char iobuf[BR_SSL_BUFSIZE_BIDI];
};

/* --- trust anchors ------------------------------------------------------ */

struct der_acc {
	struct ct_buf der;
};

static void der_append(void *ctx, const void *data, size_t len)
{
	struct der_acc *d = ctx;
	ct_buf_add(&d->der, data, len);
}

static void dn_append(void *ctx, const void *data, size_t len)
{
	ct_buf_add(ctx, data, len);
}

static void *dup_mem(const void *p, size_t n)
{
	void *q = ct_xmalloc(n ? n : 1);
	if (n)
		memcpy(q, p, n);
	return q;
}

/* Decode one DER certificate into a trust anchor; 0 ok, -1 skipped. */
static int add_der(struct ct_tls_anchors *a, const unsigned char *der, size_t len)
{
	br_x509_decoder_context dc;
	struct ct_buf dn = CT_BUF_INIT;
	br_x509_pkey *pk;
	br_x509_trust_anchor *ta;

	br_x509_decoder_init(&dc, dn_append, &dn);
	br_x509_decoder_push(&dc, der, len);
	pk = br_x509_decoder_get_pkey(&dc);
	if (!pk || br_x509_decoder_last_error(&dc) != 0) {
		ct_buf_free(&dn);
		return -1;
	}
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 64;
		a->v = ct_xrealloc(a->v, a->cap * sizeof *a->v);
	}
	ta = &a->v[a->n];
	memset(ta, 0, sizeof *ta);
	ta->dn.data = dup_mem(dn.data, dn.len);
	ta->dn.len = dn.len;
	ct_buf_free(&dn);
	ta->flags = br_x509_decoder_isCA(&dc) ? BR_X509_TA_CA : 0;
	ta->pkey.key_type = pk->key_type;
	if (pk->key_type == BR_KEYTYPE_RSA) {
		ta->pkey.key.rsa.n = dup_mem(pk->key.rsa.n, pk->key.rsa.nlen);
		ta->pkey.key.rsa.nlen = pk->key.rsa.nlen;
		ta->pkey.key.rsa.e = dup_mem(pk->key.rsa.e, pk->key.rsa.elen);
		ta->pkey.key.rsa.elen = pk->key.rsa.elen;
	} else if (pk->key_type == BR_KEYTYPE_EC) {
		ta->pkey.key.ec.curve = pk->key.ec.curve;
		ta->pkey.key.ec.q = dup_mem(pk->key.ec.q, pk->key.ec.qlen);
		ta->pkey.key.ec.qlen = pk->key.ec.qlen;
	} else {
		free(ta->dn.data);
		return -1;
	}
	a->n++;
	return 0;
}

/* Add the certificates of PEM text; returns how many. */
static size_t add_pem(struct ct_tls_anchors *a, const char *pem, size_t len)
{
	br_pem_decoder_context pc;
	struct der_acc acc = { CT_BUF_INIT };
	int in_cert = 0;
	size_t added = 0;

	br_pem_decoder_init(&pc);
	while (len > 0) {
		size_t k = br_pem_decoder_push(&pc, pem, len);
		pem += k;
		len -= k;
		switch (br_pem_decoder_event(&pc)) {
		case BR_PEM_BEGIN_OBJ:
			in_cert = !strcmp(br_pem_decoder_name(&pc), "CERTIFICATE") ||
				  !strcmp(br_pem_decoder_name(&pc), "X509 CERTIFICATE");
			ct_buf_reset(&acc.der);
			br_pem_decoder_setdest(&pc, in_cert ? der_append : NULL, &acc);
			break;
		case BR_PEM_END_OBJ:
			if (in_cert && acc.der.len &&
			    add_der(a, (unsigned char *)acc.der.data, acc.der.len) == 0)
				added++;
			in_cert = 0;
			break;
		case BR_PEM_ERROR:
			/* resynchronise: skip the rest of this line */
			br_pem_decoder_init(&pc);
			while (len > 0 && *pem != '\n') {
				pem++;
				len--;
			}
			break;
		default:
			break;
		}
	}
	ct_buf_free(&acc.der);
	return added;
}

static void note_source(struct ct_tls_anchors *a, const char *path)
{
	if (!a->source) {
		a->source = ct_xstrdup(path);
	} else {
		char *s = ct_xasprintf("%s, %s", a->source, path);
		free(a->source);
		a->source = s;
	}
}

static int add_file(struct ct_tls_anchors *a, const char *path, size_t *added,
		    struct ct_err *e)
{
	struct ct_buf b = CT_BUF_INIT;

	if (ct_read_file(path, &b, PEM_MAX, e) < 0)
		return -1;
	*added = add_pem(a, b.data ? b.data : "", b.len);
	ct_buf_free(&b);
	return 0;
}

int ct_tls_anchors_add_file(struct ct_tls_anchors *a, const char *path, struct ct_err *e)
{
	size_t added;

	if (add_file(a, path, &added, e) < 0)
		return -1;
	if (added == 0)
		return ct_err(e, 0, "%s: no PEM certificate in it", path);
	ct_say2("tls: %zu CA certificates from %s", added, path);
	note_source(a, path);
	return 0;
}

static int add_dir(struct ct_tls_anchors *a, const char *dir, struct ct_err *e)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t total = 0;

	if (!d)
		return ct_err(e, errno, "opendir %s", dir);
	while ((de = readdir(d))) {
		size_t added = 0;
		char *p;

		if (de->d_name[0] == '.' ||
		    !(ct_has_suffix(de->d_name, ".pem") || ct_has_suffix(de->d_name, ".crt")))
			continue;
		p = ct_xasprintf("%s/%s", dir, de->d_name);
		if (add_file(a, p, &added, NULL) == 0)
			total += added;
		free(p);
	}
	closedir(d);
	if (total == 0)
		return ct_err(e, 0, "%s: no PEM certificate (*.pem, *.crt) in it", dir);
	ct_say2("tls: %zu CA certificates from %s", total, dir);
	note_source(a, dir);
	return 0;
}

int ct_tls_anchors_add_system(struct ct_tls_anchors *a, struct ct_err *e)
{
	static const char *const bundles[] = {
		"/etc/ssl/certs/ca-certificates.crt",           /* Debian, Alpine */
		"/etc/pki/tls/certs/ca-bundle.crt",             /* Fedora, RHEL */
		"/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
		"/etc/ssl/ca-bundle.pem",                       /* openSUSE */
		"/etc/ssl/cert.pem",                            /* Alpine, BSDs */
	};
	const char *f = getenv("SSL_CERT_FILE");
	const char *d = getenv("SSL_CERT_DIR");
	size_t i;

	if (f && *f)
		return ct_tls_anchors_add_file(a, f, e);
	if (d && *d)
		return add_dir(a, d, e);
	for (i = 0; i < sizeof bundles / sizeof bundles[0]; i++)
		if (access(bundles[i], R_OK) == 0)
			return ct_tls_anchors_add_file(a, bundles[i], e);
	ct_err(e, 0, "no CA certificates found (looked at SSL_CERT_FILE, SSL_CERT_DIR, "
	       "/etc/ssl/certs/ca-certificates.crt and the other usual places)");
	return ct_err_hint(e, "install ca-certificates or set SSL_CERT_FILE");
}

void ct_tls_anchors_free(struct ct_tls_anchors *a)
{
	size_t i;

	for (i = 0; i < a->n; i++) {
		br_x509_trust_anchor *ta = &a->v[i];
		free(ta->dn.data);
		if (ta->pkey.key_type == BR_KEYTYPE_RSA) {
			free(ta->pkey.key.rsa.n);
			free(ta->pkey.key.rsa.e);
		} else {
			free(ta->pkey.key.ec.q);
		}
	}
	free(a->v);
	free(a->source);
	memset(a, 0, sizeof *a);
}

/* --- connections ---------------------------------------------------------- */

static int low_read(void *ctx, unsigned char *buf, size_t len)
{
	struct ct_tls *t = ctx;
	for (;;) {
		ssize_t n = read(t->fd, buf, len);
		if (n > 0)
			return (int)n;
		if (n == 0) {
			t->eof = 1;
			return -1;
		}
		if (errno != EINTR) {
			t->io_errno = errno;
			return -1;
		}
	}
}

static int low_write(void *ctx, const unsigned char *buf, size_t len)
{
	struct ct_tls *t = ctx;
	for (;;) {
		ssize_t n = write(t->fd, buf, len);
		if (n >= 0)
			return (int)n;
		if (errno != EINTR) {
			t->io_errno = errno;
			return -1;
		}
	}
}

const char *ct_tls_strerror(int code)
{
	switch (code) {
	case BR_ERR_OK: return "connection closed";
	case BR_ERR_BAD_VERSION: case BR_ERR_UNSUPPORTED_VERSION:
		return "the server does not speak TLS 1.0-1.2 (or is not a TLS server)";
	case BR_ERR_BAD_LENGTH: case BR_ERR_UNKNOWN_TYPE: case BR_ERR_TOO_LARGE:
		return "the server's answer is not TLS (a plain HTTP port?)";
	case BR_ERR_BAD_MAC: return "record MAC check failed";
	case BR_ERR_NO_RANDOM: return "no random source";
	case BR_ERR_BAD_HANDSHAKE: case BR_ERR_UNEXPECTED:
		return "handshake failed";
	case BR_ERR_BAD_CIPHER_SUITE: return "no cipher suite in common";
	case BR_ERR_BAD_SIGNATURE: return "bad signature in the handshake";
	case BR_ERR_IO: return "connection lost";
	case BR_ERR_X509_EXPIRED: return "certificate has expired or is not yet valid";
	case BR_ERR_X509_BAD_SERVER_NAME:
		return "certificate does not match the host name";
	case BR_ERR_X509_NOT_TRUSTED:
		return "certificate is not signed by a trusted CA";
	case BR_ERR_X509_NOT_CA: return "an issuer in the chain is not a CA";
	case BR_ERR_X509_EMPTY_CHAIN: return "the server sent no certificate";
	case BR_ERR_X509_WEAK_PUBLIC_KEY: return "certificate key is too weak";
	case BR_ERR_X509_CRITICAL_EXTENSION:
		return "certificate has an unsupported critical extension";
	case BR_ERR_X509_UNSUPPORTED: return "certificate uses an unsupported algorithm";
	case BR_ERR_X509_BAD_SIGNATURE: return "certificate signature is invalid";
	case BR_ERR_X509_TIME_UNKNOWN: return "the current time is unknown";
	default: break;
	}
	if (code >= BR_ERR_RECV_FATAL_ALERT && code < BR_ERR_SEND_FATAL_ALERT)
		return "the server sent a fatal alert";
	if (code >= BR_ERR_SEND_FATAL_ALERT)
		return "fatal alert sent to the server";
	if (code >= BR_ERR_X509_OK)
		return "certificate could not be decoded";
	return "TLS protocol error";
}

static int tls_fail(struct ct_tls *t, const char *what, const char *host, struct ct_err *e)
{
	int code = br_ssl_engine_last_error(&t->cc.eng);

	if ((code == BR_ERR_IO || code == BR_ERR_OK) && t->io_errno)
		return ct_err(e, t->io_errno == EAGAIN ? ETIMEDOUT : t->io_errno,
			      "TLS %s %s", what, host);
	if (code == BR_ERR_IO && t->eof)
		return ct_err(e, 0, "TLS %s %s: the server closed the connection", what, host);
	return ct_err(e, 0, "TLS %s %s: %s (BearSSL error %d)", what, host,
		      ct_tls_strerror(code), code);
}

static int is_aes_gcm(uint16_t s)
{
	return s == BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 ||
	       s == BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 ||
	       s == BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 ||
	       s == BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 ||
	       s == BR_TLS_RSA_WITH_AES_128_GCM_SHA256 ||
	       s == BR_TLS_RSA_WITH_AES_256_GCM_SHA384;
}

/* BearSSL's full profile offers ChaCha20-Poly1305 first, which servers
 * then pick (Go's does). With AES-NI and PCLMULQDQ, AES-GCM is several
 * times faster: offer it first, keeping the order otherwise. */
static void prefer_aes_gcm(br_ssl_engine_context *eng)
{
	uint16_t v[BR_MAX_CIPHER_SUITES];
	size_t n = 0, i;

	if (!br_aes_x86ni_ctr_get_vtable() || !br_ghash_pclmul_get())
		return;
	for (i = 0; i < eng->suites_num; i++)
		if (is_aes_gcm(eng->suites_buf[i]))
			v[n++] = eng->suites_buf[i];
	for (i = 0; i < eng->suites_num; i++)
		if (!is_aes_gcm(eng->suites_buf[i]))
			v[n++] = eng->suites_buf[i];
	br_ssl_engine_set_suites(eng, v, n);
}

struct ct_tls *ct_tls_start(int fd, const char *host, const struct ct_tls_anchors *a,
			    int *proto_err, struct ct_err *e)
{
	struct ct_tls *t = ct_xcalloc(1, sizeof *t);
	int code;

	*proto_err = 0;
	t->fd = fd;
	br_ssl_client_init_full(&t->cc, &t->xc, a->v, a->n);
	prefer_aes_gcm(&t->cc.eng);
	br_ssl_engine_set_buffer(&t->cc.eng, t->iobuf, sizeof t->iobuf, 1);
	if (!br_ssl_client_reset(&t->cc, host, 0)) {
		tls_fail(t, "reset for", host, e);
		free(t);
		return NULL;
	}
	br_sslio_init(&t->io, &t->cc.eng, low_read, t, low_write, t);
	ct_say2("tls: handshake with %s (SNI, %zu trust anchors)", host, a->n);
	/* flushing with nothing to send drives the handshake to its end */
	if (br_sslio_flush(&t->io) < 0 ||
	    !(br_ssl_engine_current_state(&t->cc.eng) & BR_SSL_SENDAPP)) {
		code = br_ssl_engine_last_error(&t->cc.eng);
		if (code == BR_ERR_BAD_VERSION || code == BR_ERR_UNSUPPORTED_VERSION ||
		    code == BR_ERR_BAD_LENGTH || code == BR_ERR_UNKNOWN_TYPE ||
		    code == BR_ERR_TOO_LARGE ||
		    (code == BR_ERR_IO && (t->eof || t->io_errno == ECONNRESET)))
			*proto_err = 1;
		tls_fail(t, "handshake with", host, e);
		if (code >= BR_ERR_X509_OK && code < BR_ERR_RECV_FATAL_ALERT && a->source)
			ct_err_hint(e, "trusted CAs were read from %s; add the registry's CA "
				    "with ca = FILE in its [registry \"%s\"] section of ct.conf",
				    a->source, host);
		free(t);
		return NULL;
	}
	return t;
}

ssize_t ct_tls_read(struct ct_tls *t, void *buf, size_t n, struct ct_err *e)
{
	int r = br_sslio_read(&t->io, buf, n);

	if (r >= 0)
		return r;
	if (br_ssl_engine_last_error(&t->cc.eng) == BR_ERR_OK)
		return 0;               /* close_notify */
	if (br_ssl_engine_last_error(&t->cc.eng) == BR_ERR_IO && t->eof && !t->io_errno)
		return 0;               /* TCP closed without close_notify */
	return tls_fail(t, "read from", "server", e);
}

int ct_tls_write_all(struct ct_tls *t, const void *buf, size_t n, struct ct_err *e)
{
	if (br_sslio_write_all(&t->io, buf, n) < 0 || br_sslio_flush(&t->io) < 0)
		return tls_fail(t, "write to", "server", e);
	return 0;
}

void ct_tls_free(struct ct_tls *t)
{
	free(t);
}
