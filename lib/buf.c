#include "buf.h"
#include "err.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void oom(void)
{
	static const char msg[] = ": out of memory\n";
	const char *p = ct_prog();

	/* no stdio: it may need memory itself */
	if (write(2, p, strlen(p)) < 0 || write(2, msg, sizeof msg - 1) < 0)
		_exit(CT_EXIT_FAIL);
	_exit(CT_EXIT_FAIL);
}

void *ct_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom();
	return p;
}

void *ct_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		oom();
	return p;
}

void *ct_xrealloc(void *old, size_t n)
{
	void *p = realloc(old, n ? n : 1);

	if (!p)
		oom();
	return p;
}

char *ct_xstrdup(const char *s)
{
	return ct_xstrndup(s, strlen(s));
}

char *ct_xstrndup(const char *s, size_t n)
{
	char *p;
	size_t len = strnlen(s, n);

	p = ct_xmalloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *ct_xasprintf(const char *fmt, ...)
{
	struct ct_buf b = CT_BUF_INIT;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom();
	ct_buf_grow(&b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b.data, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b.len = (size_t)n;
	return ct_buf_detach(&b);
}

void ct_buf_grow(struct ct_buf *b, size_t extra)
{
	size_t want;

	if (extra > SIZE_MAX / 2 - b->len)
		oom();
	want = b->len + extra + 1;
	if (want <= b->cap)
		return;
	if (want < b->cap * 2)
		want = b->cap * 2;
	if (want < 64)
		want = 64;
	b->data = ct_xrealloc(b->data, want);
	b->cap = want;
	b->data[b->len] = '\0';
}

void ct_buf_add(struct ct_buf *b, const void *data, size_t len)
{
	ct_buf_grow(b, len);
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void ct_buf_puts(struct ct_buf *b, const char *s)
{
	ct_buf_add(b, s, strlen(s));
}

void ct_buf_putc(struct ct_buf *b, char c)
{
	ct_buf_add(b, &c, 1);
}

void ct_buf_printf(struct ct_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom();
	ct_buf_grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void ct_buf_reset(struct ct_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void ct_buf_free(struct ct_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

char *ct_buf_detach(struct ct_buf *b)
{
	char *s = b->data ? b->data : ct_xstrdup("");

	b->data = NULL;
	b->len = b->cap = 0;
	return s;
}

const char *ct_buf_str(struct ct_buf *b)
{
	return b->data ? b->data : "";
}

int ct_strlcpy(char *dst, const char *src, size_t n)
{
	size_t len = strlen(src);

	if (n == 0)
		return -1;
	if (len >= n) {
		memcpy(dst, src, n - 1);
		dst[n - 1] = '\0';
		return -1;
	}
	memcpy(dst, src, len + 1);
	return 0;
}

int ct_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int ct_has_suffix(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

int ct_parse_u64(const char *s, uint64_t max, uint64_t *out, struct ct_err *e)
{
	unsigned long long v;
	char *end;

	if (!s || !*s || !isdigit((unsigned char)*s))
		return ct_err(e, 0, "\"%s\" is not a number", s ? s : "");
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == ERANGE || v > max)
		return ct_err(e, 0, "\"%s\" is too large (at most %llu)", s,
			      (unsigned long long)max);
	if (*end)
		return ct_err(e, 0, "\"%s\" is not a number (stray \"%s\")", s, end);
	*out = v;
	return 0;
}

int ct_parse_size(const char *s, uint64_t *out, struct ct_err *e)
{
	unsigned long long whole = 0, frac = 0, fdiv = 1, mult = 1;
	const char *p = s;

	if (!s || !isdigit((unsigned char)*p))
		return ct_err(e, 0, "invalid size \"%s\": want a number with an optional unit b, k, m, g (e.g. 512m)",
			      s ? s : "");
	for (; isdigit((unsigned char)*p); p++) {
		if (whole > (UINT64_MAX - 9) / 10)
			return ct_err(e, 0, "invalid size \"%s\": too large", s);
		whole = whole * 10 + (unsigned)(*p - '0');
	}
	if (*p == '.') {
		for (p++; isdigit((unsigned char)*p); p++)
			if (fdiv < 1000000000ULL) {
				frac = frac * 10 + (unsigned)(*p - '0');
				fdiv *= 10;
			}
	}
	switch (tolower((unsigned char)*p)) {
	case '\0': break;
	case 'b': mult = 1; p++; break;
	case 'k': mult = 1ULL << 10; p++; break;
	case 'm': mult = 1ULL << 20; p++; break;
	case 'g': mult = 1ULL << 30; p++; break;
	case 't': mult = 1ULL << 40; p++; break;
	default:
		return ct_err(e, 0, "invalid size \"%s\": unknown unit \"%s\" (use b, k, m, g or t)", s, p);
	}
	/* "10mb" and "10MiB" are accepted as Docker does */
	if (mult > 1 && (*p == 'b' || *p == 'B'))
		p++;
	else if (mult > 1 && (*p == 'i' || *p == 'I') && (p[1] == 'b' || p[1] == 'B'))
		p += 2;
	if (*p)
		return ct_err(e, 0, "invalid size \"%s\": stray \"%s\"", s, p);
	if (whole > UINT64_MAX / mult)
		return ct_err(e, 0, "invalid size \"%s\": too large", s);
	*out = whole * mult + frac * mult / fdiv;
	return 0;
}
