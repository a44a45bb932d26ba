/* tls: TLS client connections over BearSSL, with the trust anchors they
 * verify against.
 *
 * Trust anchors come from PEM files: the system bundle (SSL_CERT_FILE, else
 * SSL_CERT_DIR, else the first of the usual Debian/Alpine/Fedora paths) and
 * any extra CA file (a registry's own CA, from ct.conf). The server's
 * certificate chain is verified by BearSSL's x509_minimal engine, and its
 * name against the host we connect to (SNI is sent with it). BearSSL matches
 * dNSName entries only: a TLS registry must be named by a DNS name
 * ("localhost", not "127.0.0.1").
 *
 *     struct ct_tls_anchors a = CT_TLS_ANCHORS_INIT;
 *     ct_tls_anchors_load_system(&a, &e);
 *     struct ct_tls *t = ct_tls_start(fd, "registry.example", &a, &e);
 *     ct_tls_write_all(t, req, len, &e);  n = ct_tls_read(t, buf, sizeof buf, &e);
 *     ct_tls_free(t);   (closes nothing: the fd stays the caller's)
 */
#ifndef CT_TLS_H
#define CT_TLS_H

#include <stddef.h>
#include <sys/types.h>

#include <bearssl.h>

struct ct_err;

struct ct_tls_anchors {
	br_x509_trust_anchor *v;
	size_t n, cap;
	char *source;           /* the files they came from, for messages */
};
#define CT_TLS_ANCHORS_INIT { NULL, 0, 0, NULL }

/* Add every CERTIFICATE of a PEM file. A file without any is an error. */
int ct_tls_anchors_add_file(struct ct_tls_anchors *a, const char *path, struct ct_err *e);
/* Add the system's CAs (see above). None found is an error saying where
 * ct looked and how to point it elsewhere. */
int ct_tls_anchors_add_system(struct ct_tls_anchors *a, struct ct_err *e);
void ct_tls_anchors_free(struct ct_tls_anchors *a);

struct ct_tls;

/* Handshake as a client on the connected socket fd, verifying host. An
 * error names the host and BearSSL's reason ("certificate is not trusted
 * by any CA in …"). *proto_err is set to 1 when the peer did not speak TLS
 * at all (a plain HTTP server), so a caller may fall back. */
struct ct_tls *ct_tls_start(int fd, const char *host, const struct ct_tls_anchors *a,
			    int *proto_err, struct ct_err *e);
/* Read up to n bytes: >0, 0 at a clean end (close_notify or EOF), -1. */
ssize_t ct_tls_read(struct ct_tls *t, void *buf, size_t n, struct ct_err *e);
int ct_tls_write_all(struct ct_tls *t, const void *buf, size_t n, struct ct_err *e);
void ct_tls_free(struct ct_tls *t);

/* BearSSL's error code as words ("certificate has expired"). */
const char *ct_tls_strerror(int code);

#endif
