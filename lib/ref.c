#include "ref.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define QUOTE_MAX 400
#define LEGACY_DEFAULT_DOMAIN "index.docker.io"
#define OFFICIAL_PREFIX "library/"
#define DOCKER_HUB_HOST "registry-1.docker.io"

/* A piece of the input: in[off] .. in[off + len - 1]. */
struct span {
	size_t off, len;
};

/* The input cut at its separators, before any checking. */
struct ref_parts {
	const char *in;
	struct span name, tag, digest;
	int has_tag, has_digest;
	struct span domain, path;   /* domain.len == 0: none written */
};

/* ---- messages ---- */

/* Copy len bytes of s into buf for an error message: bytes outside
 * printable ASCII as \xNN, '"' and '\' escaped, cut short with "...". */
static const char *quote_n(const char *s, size_t len, char *buf, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		char tmp[5];
		size_t k;

		if (c == '"' || c == '\\')
			k = (size_t)snprintf(tmp, sizeof tmp, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			k = (size_t)snprintf(tmp, sizeof tmp, "\\x%02x", c);
		else
			k = (size_t)snprintf(tmp, sizeof tmp, "%c", c);
		if (o + k + 4 > n) {
			memcpy(buf + o, "...", 4);
			return buf;
		}
		memcpy(buf + o, tmp, k);
		o += k;
	}
	buf[o] = '\0';
	return buf;
}

/* 'c' for a printable character, '\xNN' for anything else. */
static const char *show_char(char ch, char buf[8])
{
	unsigned char c = (unsigned char)ch;

	if (c == '\'' || c == '\\')
		snprintf(buf, 8, "'\\%c'", c);
	else if (c < 0x20 || c >= 0x7f)
		snprintf(buf, 8, "'\\x%02x'", c);
	else
		snprintf(buf, 8, "'%c'", c);
	return buf;
}

/* "invalid reference "<in>": <why>". Returns -1. */
__attribute__((format(printf, 3, 4)))
static int invalid_ref(const char *in, struct ct_err *e, const char *fmt, ...)
{
	char q[QUOTE_MAX], why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	return ct_err(e, 0, "invalid reference \"%s\": %s",
		      quote_n(in, strlen(in), q, sizeof q), why);
}

/* Put "invalid reference "<in>": " before a message from a sub-check. */
static int wrap_invalid_ref(const char *in, struct ct_err *e)
{
	char q[QUOTE_MAX];

	return ct_err_wrap(e, "invalid reference \"%s\"",
			   quote_n(in, strlen(in), q, sizeof q));
}

/* ---- character classes ---- */

static int is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static int is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static int is_alnum(char c)
{
	return is_lower_alnum(c) || is_upper(c);
}

static int is_word_char(char c)
{
	return is_alnum(c) || c == '_';
}

static int is_path_separator_char(char c)
{
	return c == '.' || c == '_' || c == '-';
}

static int is_hex_digit(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

/* ---- splitting ---- */

/* name [":" tag] ["@" digest]: the tag's ':' is the first one after the
 * last '/' of the name, so a registry port is never taken for a tag. */
static void split_reference(const char *in, struct ref_parts *p)
{
	const char *at = strchr(in, '@');
	size_t name_end = at ? (size_t)(at - in) : strlen(in);
	size_t i, after_slash = 0;

	memset(p, 0, sizeof *p);
	p->in = in;
	for (i = 0; i < name_end; i++)
		if (in[i] == '/')
			after_slash = i + 1;
	p->name.len = name_end;
	for (i = after_slash; i < name_end; i++) {
		if (in[i] == ':') {
			p->has_tag = 1;
			p->name.len = i;
			p->tag.off = i + 1;
			p->tag.len = name_end - i - 1;
			break;
		}
	}
	if (at) {
		p->has_digest = 1;
		p->digest.off = name_end + 1;
		p->digest.len = strlen(at + 1);
	}
}

/* Docker's rule: a first component is a domain if it holds '.' or ':' or
 * an uppercase letter, or is "localhost". */
static int looks_like_domain(const char *c, size_t len)
{
	size_t i;

	if (len == strlen("localhost") && memcmp(c, "localhost", len) == 0)
		return 1;
	for (i = 0; i < len; i++)
		if (c[i] == '.' || c[i] == ':' || is_upper(c[i]))
			return 1;
	return 0;
}

static void split_domain(struct ref_parts *p)
{
	const char *name = p->in + p->name.off;
	const char *slash = memchr(name, '/', p->name.len);
	size_t first = slash ? (size_t)(slash - name) : 0;

	if (slash && looks_like_domain(name, first)) {
		p->domain.off = p->name.off;
		p->domain.len = first;
		p->path.off = p->name.off + first + 1;
		p->path.len = p->name.len - first - 1;
	} else {
		p->path = p->name;
	}
}

/* ---- the domain ---- */

static int check_port(const char *in, size_t b, size_t end, struct ct_err *e)
{
	char cb[8];
	size_t i;

	if (b == end)
		return invalid_ref(in, e, "empty port number after ':' at "
				   "position %zu", b);
	for (i = b; i < end; i++)
		if (in[i] < '0' || in[i] > '9')
			return invalid_ref(in, e, "invalid character %s at "
					   "position %zu in port number",
					   show_char(in[i], cb), i + 1);
	return 0;
}

/* '[' [a-fA-F0-9:]+ ']' at in[b]; *host_end is set past the ']'. */
static int check_ipv6_host(const char *in, size_t b, size_t end,
			   size_t *host_end, struct ct_err *e)
{
	char cb[8];
	size_t i;

	for (i = b + 1; i < end && in[i] != ']'; i++)
		if (!is_hex_digit(in[i]) && in[i] != ':')
			return invalid_ref(in, e, "invalid character %s at "
					   "position %zu in IPv6 address",
					   show_char(in[i], cb), i + 1);
	if (i == end)
		return invalid_ref(in, e, "missing ']' after the IPv6 address "
				   "that starts at position %zu", b + 1);
	if (i == b + 1)
		return invalid_ref(in, e, "empty IPv6 address at position %zu",
				   b + 1);
	*host_end = i + 1;
	if (*host_end < end && in[*host_end] != ':')
		return invalid_ref(in, e, "unexpected %s at position %zu after "
				   "the IPv6 address; want ':port' or '/'",
				   show_char(in[*host_end], cb), *host_end + 1);
	return 0;
}

/* [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9] */
static int check_domain_component(const char *in, size_t b, size_t end,
				  struct ct_err *e)
{
	char cb[8];
	size_t i;

	if (b == end)
		return invalid_ref(in, e, "empty domain component at position "
				   "%zu", b + 1);
	for (i = b; i < end; i++)
		if (!is_alnum(in[i]) && in[i] != '-')
			return invalid_ref(in, e, "invalid character %s at "
					   "position %zu in domain",
					   show_char(in[i], cb), i + 1);
	if (in[b] == '-')
		return invalid_ref(in, e, "domain component cannot start with "
				   "'-' (position %zu)", b + 1);
	if (in[end - 1] == '-')
		return invalid_ref(in, e, "domain component cannot end with "
				   "'-' (position %zu)", end);
	return 0;
}

/* component ('.' component)* up to the first ':' or end. */
static int check_domain_name(const char *in, size_t b, size_t end,
			     size_t *host_end, struct ct_err *e)
{
	const char *colon = memchr(in + b, ':', end - b);
	size_t stop = colon ? (size_t)(colon - in) : end, start = b, i;

	if (stop == b)
		return invalid_ref(in, e, "missing host name before ':' at "
				   "position %zu", b + 1);
	for (i = b; i <= stop; i++) {
		if (i < stop && in[i] != '.')
			continue;
		if (check_domain_component(in, start, i, e) < 0)
			return -1;
		start = i + 1;
	}
	*host_end = stop;
	return 0;
}

/* host [':' port-number] */
static int check_domain(const char *in, struct span d, struct ct_err *e)
{
	size_t end = d.off + d.len, host_end = end;
	int r;

	if (in[d.off] == '[')
		r = check_ipv6_host(in, d.off, end, &host_end, e);
	else
		r = check_domain_name(in, d.off, end, &host_end, e);
	if (r < 0)
		return -1;
	if (host_end < end)
		return check_port(in, host_end + 1, end, e);
	return 0;
}

/* ---- the repository path ---- */

static int check_lowercase(const char *in, struct span path, struct ct_err *e)
{
	char cb[8];
	size_t i;

	for (i = path.off; i < path.off + path.len; i++)
		if (is_upper(in[i]))
			return invalid_ref(in, e, "repository name must be "
					   "lowercase (%s at position %zu)",
					   show_char(in[i], cb), i + 1);
	return 0;
}

static int is_valid_path_separator(const char *s, size_t len)
{
	size_t i;

	if (len == 1)
		return 1;                               /* . _ - */
	if (len == 2 && s[0] == '_' && s[1] == '_')
		return 1;                               /* __ */
	for (i = 0; i < len; i++)
		if (s[i] != '-')
			return 0;
	return 1;                                       /* -+ */
}

/* [a-z0-9]+ (separator [a-z0-9]+)* in in[b..end), b < end. */
static int check_path_component(const char *in, size_t b, size_t end,
				struct ct_err *e)
{
	char cb[8];
	size_t i, run;

	for (i = b; i < end; i++)
		if (!is_lower_alnum(in[i]) && !is_path_separator_char(in[i]))
			return invalid_ref(in, e, "invalid character %s at "
				"position %zu in repository name (allowed: "
				"a-z, 0-9 and the separators '.', '_', '__', "
				"'-')", show_char(in[i], cb), i + 1);
	if (is_path_separator_char(in[b]))
		return invalid_ref(in, e, "path component cannot start with %s "
				   "(position %zu)", show_char(in[b], cb), b + 1);
	if (is_path_separator_char(in[end - 1]))
		return invalid_ref(in, e, "path component cannot end with %s "
				   "(position %zu)", show_char(in[end - 1], cb),
				   end);
	for (i = b; i < end; i += run ? run : 1) {
		for (run = 0; i + run < end; run++)
			if (!is_path_separator_char(in[i + run]))
				break;
		if (run && !is_valid_path_separator(in + i, run))
			return invalid_ref(in, e, "invalid separator \"%.*s\" "
				"at position %zu (use one '.', one or two '_', "
				"or dashes)", (int)run, in + i, i + 1);
	}
	return 0;
}

/* path-component ('/' path-component)* */
static int check_path(const char *in, struct span path, struct ct_err *e)
{
	size_t end = path.off + path.len, start = path.off, i;

	for (i = path.off; i <= end; i++) {
		if (i < end && in[i] != '/')
			continue;
		if (i > start) {
			if (check_path_component(in, start, i, e) < 0)
				return -1;
		} else if (i == 0) {
			return invalid_ref(in, e, "reference cannot start with '/'");
		} else if (i == end) {
			return invalid_ref(in, e, "repository name cannot end "
					   "with '/' (position %zu)", i);
		} else {
			return invalid_ref(in, e, "empty path component ('//') "
					   "at position %zu", i);
		}
		start = i + 1;
	}
	return 0;
}

/* ---- tag and digest ---- */

__attribute__((format(printf, 4, 5)))
static int invalid_tag(const char *t, size_t len, struct ct_err *e,
		       const char *fmt, ...)
{
	char q[QUOTE_MAX], why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	return ct_err(e, 0, "invalid tag \"%s\": %s",
		      quote_n(t, len, q, sizeof q), why);
}

/* [\w][\w.-]{0,127} over the len bytes at t. */
static int check_tag(const char *t, size_t len, struct ct_err *e)
{
	char cb[8];
	size_t i;

	if (len == 0)
		return invalid_tag(t, len, e, "empty");
	if (!is_word_char(t[0]))
		return invalid_tag(t, len, e, "first character %s must be a "
				   "letter, digit or '_'", show_char(t[0], cb));
	for (i = 1; i < len; i++)
		if (!is_word_char(t[i]) && t[i] != '.' && t[i] != '-')
			return invalid_tag(t, len, e, "invalid character %s at "
				"position %zu (allowed: letters, digits, '_', "
				"'.' and '-')", show_char(t[i], cb), i + 1);
	if (len > CT_REF_TAG_MAX)
		return invalid_tag(t, len, e, "longer than %d characters (it "
				   "has %zu)", CT_REF_TAG_MAX, len);
	return 0;
}

int ct_ref_check_tag(const char *tag, struct ct_err *e)
{
	return check_tag(tag ? tag : "", tag ? strlen(tag) : 0, e);
}

static int check_tag_part(const struct ref_parts *p, struct ct_err *e)
{
	if (!p->has_tag)
		return 0;
	if (p->tag.len == 0)
		return invalid_ref(p->in, e, "empty tag after ':' (position "
				   "%zu)", p->tag.off);
	if (check_tag(p->in + p->tag.off, p->tag.len, e) < 0)
		return wrap_invalid_ref(p->in, e);
	return 0;
}

static int check_digest_part(const struct ref_parts *p, struct ct_err *e)
{
	if (!p->has_digest)
		return 0;
	if (p->digest.len == 0)
		return invalid_ref(p->in, e, "empty digest after '@' (position "
				   "%zu)", p->digest.off);
	/* The digest runs to the end of the input, so it is a C string. */
	if (ct_digest_parse(p->in + p->digest.off, NULL, e) < 0)
		return wrap_invalid_ref(p->in, e);
	return 0;
}

/* ---- normalisation ---- */

static int is_default_domain(const struct ref_parts *p)
{
	const char *d = p->in + p->domain.off;
	size_t n = p->domain.len;

	return n == 0 ||
	       (n == strlen(CT_REF_DEFAULT_DOMAIN) &&
		memcmp(d, CT_REF_DEFAULT_DOMAIN, n) == 0) ||
	       (n == strlen(LEGACY_DEFAULT_DOMAIN) &&
		memcmp(d, LEGACY_DEFAULT_DOMAIN, n) == 0);
}

static int needs_official_prefix(const struct ref_parts *p)
{
	return is_default_domain(p) &&
	       !memchr(p->in + p->path.off, '/', p->path.len);
}

/* domain '/' path, after normalisation, is at most 255 characters. */
static int check_name_length(const struct ref_parts *p, struct ct_err *e)
{
	int hub = is_default_domain(p);
	const char *prefix = needs_official_prefix(p) ? OFFICIAL_PREFIX : "";
	size_t dlen = hub ? strlen(CT_REF_DEFAULT_DOMAIN) : p->domain.len;
	size_t total = dlen + 1 + strlen(prefix) + p->path.len;

	if (total <= CT_REF_NAME_MAX)
		return 0;
	return invalid_ref(p->in, e, "name longer than %d characters: %.*s/%s "
			   "+ %zu characters = %zu", CT_REF_NAME_MAX,
			   (int)dlen, hub ? CT_REF_DEFAULT_DOMAIN :
			   p->in + p->domain.off, prefix, p->path.len, total);
}

static void copy_span(char *dst, const char *in, struct span s)
{
	memcpy(dst, in + s.off, s.len);
	dst[s.len] = '\0';
}

/* Fill *r from checked parts; every piece fits by now. */
static void store_ref(const struct ref_parts *p, struct ct_ref *r)
{
	const char *prefix = needs_official_prefix(p) ? OFFICIAL_PREFIX : "";
	size_t plen = strlen(prefix);

	if (is_default_domain(p))
		strcpy(r->domain, CT_REF_DEFAULT_DOMAIN);
	else
		copy_span(r->domain, p->in, p->domain);
	memcpy(r->path, prefix, plen);
	copy_span(r->path + plen, p->in, p->path);
	if (p->has_tag)
		copy_span(r->tag, p->in, p->tag);
	else if (p->has_digest)
		r->tag[0] = '\0';
	else
		strcpy(r->tag, CT_REF_DEFAULT_TAG);
	if (p->has_digest)
		copy_span(r->digest, p->in, p->digest);
	else
		r->digest[0] = '\0';
}

/* ---- parsing ---- */

/* Exactly 64 lowercase hex digits: an image ID, not a name. */
static int is_image_id(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return i == CT_SHA256_HEX_LEN;
}

static int check_name(const struct ref_parts *p, struct ct_err *e)
{
	const char *in = p->in;

	if (p->name.len == 0)
		return invalid_ref(in, e, "missing repository name before %s",
				   p->has_tag ? "':'" : "'@'");
	if (p->domain.len && check_domain(in, p->domain, e) < 0)
		return -1;
	if (p->path.len == 0)
		return invalid_ref(in, e, "repository name cannot end with '/' "
				   "(position %zu)", p->path.off);
	if (check_lowercase(in, p->path, e) < 0 || check_path(in, p->path, e) < 0)
		return -1;
	return 0;
}

int ct_ref_parse(const char *s, struct ct_ref *r, struct ct_err *e)
{
	struct ref_parts p;

	if (!s || !*s)
		return invalid_ref("", e, "empty; want a name such as alpine "
				   "or ghcr.io/owner/app:1.0");
	if (is_image_id(s))
		return invalid_ref(s, e, "cannot specify 64-byte hexadecimal "
				   "strings; that is an image ID, not a "
				   "repository name");
	split_reference(s, &p);
	split_domain(&p);
	if (check_name(&p, e) < 0 || check_tag_part(&p, e) < 0 ||
	    check_digest_part(&p, e) < 0 || check_name_length(&p, e) < 0)
		return -1;
	store_ref(&p, r);
	return 0;
}

/* ---- formatting and questions ---- */

static int is_docker_hub(const struct ct_ref *r)
{
	return strcmp(r->domain, CT_REF_DEFAULT_DOMAIN) == 0;
}

static int format_with(const struct ct_ref *r, const char *domain,
		       const char *path, char *buf, size_t n)
{
	return snprintf(buf, n, "%s%s%s%s%s%s%s", domain, *domain ? "/" : "",
			path, *r->tag ? ":" : "", r->tag,
			*r->digest ? "@" : "", r->digest);
}

int ct_ref_format(const struct ct_ref *r, char *buf, size_t n)
{
	return format_with(r, r->domain, r->path, buf, n);
}

const char *ct_ref_familiar(const struct ct_ref *r, char *buf, size_t n)
{
	const char *path = r->path;
	size_t plen = strlen(OFFICIAL_PREFIX);

	if (!is_docker_hub(r)) {
		format_with(r, r->domain, path, buf, n);
		return buf;
	}
	if (strncmp(path, OFFICIAL_PREFIX, plen) == 0 && !strchr(path + plen, '/'))
		path += plen;
	format_with(r, "", path, buf, n);
	return buf;
}

const char *ct_ref_name(const struct ct_ref *r, char *buf, size_t n)
{
	snprintf(buf, n, "%s/%s", r->domain, r->path);
	return buf;
}

const char *ct_ref_manifest_ref(const struct ct_ref *r)
{
	return *r->digest ? r->digest : r->tag;
}

const char *ct_ref_registry_host(const struct ct_ref *r)
{
	return is_docker_hub(r) ? DOCKER_HUB_HOST : r->domain;
}

static int is_loopback_ipv6(const char *addr)
{
	struct in6_addr a;

	if (inet_pton(AF_INET6, addr, &a) != 1)
		return 0;
	return IN6_IS_ADDR_LOOPBACK(&a) ||
	       (IN6_IS_ADDR_V4MAPPED(&a) && a.s6_addr[12] == 127);
}

static int is_loopback_ipv4(const char *addr)
{
	struct in_addr a;

	if (inet_pton(AF_INET, addr, &a) != 1)
		return 0;
	return ((const unsigned char *)&a.s_addr)[0] == 127;
}

int ct_ref_is_insecure_default(const struct ct_ref *r)
{
	char host[CT_REF_NAME_MAX + 1];
	const char *d = r->domain, *end;

	if (*d == '[') {
		end = strchr(d, ']');
		if (!end)
			return 0;
		d++;
	} else {
		end = strchr(d, ':');
		if (!end)
			end = d + strlen(d);
	}
	if ((size_t)(end - d) >= sizeof host)
		return 0;
	memcpy(host, d, (size_t)(end - d));
	host[end - d] = '\0';
	if (*r->domain == '[')
		return is_loopback_ipv6(host);
	return strcasecmp(host, "localhost") == 0 || is_loopback_ipv4(host);
}
