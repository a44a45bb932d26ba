/* buf: growable byte buffers and small string helpers.
 *
 * Running out of memory is fatal in ct (as in toybox and git): the x*
 * allocators print "PROG: out of memory" and exit, so callers need no
 * error path for allocation. Everything else reports through ct_err. */
#ifndef CT_BUF_H
#define CT_BUF_H

#include <stddef.h>
#include <stdint.h>

struct ct_buf {
	char *data;	/* always NUL-terminated when non-NULL */
	size_t len;
	size_t cap;
};

#define CT_BUF_INIT { NULL, 0, 0 }

void ct_buf_grow(struct ct_buf *b, size_t extra);
void ct_buf_add(struct ct_buf *b, const void *data, size_t len);
void ct_buf_puts(struct ct_buf *b, const char *s);
void ct_buf_putc(struct ct_buf *b, char c);
void ct_buf_printf(struct ct_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void ct_buf_reset(struct ct_buf *b);	/* len = 0, keeps the memory */
void ct_buf_free(struct ct_buf *b);
/* Hand the string over to the caller (who frees it); b is left empty. */
char *ct_buf_detach(struct ct_buf *b);
const char *ct_buf_str(struct ct_buf *b);	/* "" for an empty buffer */

void *ct_xmalloc(size_t n);
void *ct_xcalloc(size_t n, size_t size);
void *ct_xrealloc(void *p, size_t n);
char *ct_xstrdup(const char *s);
char *ct_xstrndup(const char *s, size_t n);
char *ct_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Copy src into dst[n]; returns 0, or -1 if it did not fit (dst is then
 * truncated but NUL-terminated). */
int ct_strlcpy(char *dst, const char *src, size_t n);
int ct_has_prefix(const char *s, const char *prefix);
int ct_has_suffix(const char *s, const char *suffix);

struct ct_err;
/* "42" -> 42, with range check; errors name the text and what was wanted. */
int ct_parse_u64(const char *s, uint64_t max, uint64_t *out, struct ct_err *e);
/* Docker-style sizes: "512", "512b", "64k", "10m", "1.5g" (binary units,
 * case-insensitive) -> bytes. */
int ct_parse_size(const char *s, uint64_t *out, struct ct_err *e);

#endif
