/* auth: WWW-Authenticate, Basic, base64. See auth.h. */
#include "auth.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "err.h"

static const char b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *ct_base64_encode(const void *data, size_t len)
{
	const unsigned char *p = data;
	char *out = ct_xmalloc((len + 2) / 3 * 4 + 1), *o = out;
	size_t i;

	for (i = 0; i + 2 < len; i += 3) {
		*o++ = b64[p[i] >> 2];
		*o++ = b64[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
		*o++ = b64[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)];
		*o++ = b64[p[i + 2] & 63];
	}
	if (len - i == 1) {
		*o++ = b64[p[i] >> 2];
		*o++ = b64[(p[i] & 3) << 4];
		*o++ = '=';
		*o++ = '=';
	} else if (len - i == 2) {
		*o++ = b64[p[i] >> 2];
		*o++ = b64[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
		*o++ = b64[(p[i + 1] & 15) << 2];
		*o++ = '=';
	}
	*o = 0;
	return out;
}

static int b64val(int c)
{
	const char *p = c ? strchr(b64, c) : NULL;
	return p ? (int)(p - b64) : -1;
}

char *ct_base64_decode(const char *s, size_t *len)
{
	size_t n = strlen(s), i, o = 0;
	unsigned acc = 0;
	int bits = 0;
	char *out;

	while (n > 0 && s[n - 1] == '=')
		n--;
	if (strlen(s) - n > 2 || n % 4 == 1)
		return NULL;
	out = ct_xmalloc(n * 3 / 4 + 1);
	for (i = 0; i < n; i++) {
		int v = b64val((unsigned char)s[i]);
		if (v < 0) {
			free(out);
			return NULL;
		}
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)((acc >> bits) & 0xff);
		}
	}
	out[o] = 0;
	*len = o;
	return out;
}

char *ct_auth_basic(const char *user, const char *pass)
{
	char *up = ct_xasprintf("%s:%s", user, pass);
	char *enc = ct_base64_encode(up, strlen(up));
	char *r = ct_xasprintf("Basic %s", enc);

	free(up);
	free(enc);
	return r;
}

char *ct_url_escape(const char *s)
{
	struct ct_buf b = CT_BUF_INIT;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~')
			ct_buf_putc(&b, (char)c);
		else
			ct_buf_printf(&b, "%%%02X", c);
	}
	if (!b.data)
		return ct_xstrdup("");
	return ct_buf_detach(&b);
}

void ct_auth_challenge_free(struct ct_auth_challenge *c)
{
	free(c->realm);
	free(c->service);
	free(c->scope);
	free(c->error);
	memset(c, 0, sizeof *c);
}

/* token68 / auth-param list: name=value or name="quoted\"value", comma-separated */
int ct_auth_parse_challenge(const char *value, struct ct_auth_challenge *c,
			    struct ct_err *e)
{
	const char *p = value;
	size_t n;

	memset(c, 0, sizeof *c);
	while (*p == ' ')
		p++;
	n = strcspn(p, " \t");
	if (n == 0 || n >= sizeof c->scheme)
		return ct_err(e, 0, "invalid WWW-Authenticate \"%s\": no scheme", value);
	memcpy(c->scheme, p, n);
	c->scheme[n] = 0;
	p += n;
	for (;;) {
		struct ct_buf name = CT_BUF_INIT, val = CT_BUF_INIT;
		char **slot = NULL;

		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (!*p)
			break;
		n = strcspn(p, "= \t,");
		ct_buf_add(&name, p, n);
		p += n;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != '=') {
			/* another challenge starts (scheme token): stop at the first */
			ct_buf_free(&name);
			break;
		}
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '"') {
			p++;
			while (*p && *p != '"') {
				if (*p == '\\' && p[1])
					p++;
				ct_buf_putc(&val, *p++);
			}
			if (*p != '"') {
				ct_buf_free(&name);
				ct_buf_free(&val);
				ct_auth_challenge_free(c);
				return ct_err(e, 0, "invalid WWW-Authenticate \"%s\": unclosed quote",
					      value);
			}
			p++;
		} else {
			n = strcspn(p, ", \t");
			ct_buf_add(&val, p, n);
			p += n;
		}
		if (!strcasecmp(ct_buf_str(&name), "realm"))
			slot = &c->realm;
		else if (!strcasecmp(ct_buf_str(&name), "service"))
			slot = &c->service;
		else if (!strcasecmp(ct_buf_str(&name), "scope"))
			slot = &c->scope;
		else if (!strcasecmp(ct_buf_str(&name), "error"))
			slot = &c->error;
		if (slot) {
			free(*slot);
			*slot = ct_xstrdup(ct_buf_str(&val));
		}
		ct_buf_free(&name);
		ct_buf_free(&val);
	}
	return 0;
}
