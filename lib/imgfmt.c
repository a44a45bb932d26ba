#include "imgfmt.h"
#include "buf.h"
#include "json.h"
#include "store.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *ct_fmt_size(int64_t bytes, char *buf, size_t n)
{
	static const char *const units[] = {
		"B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB",
	};
	double size = (double)bytes;
	size_t i = 0;

	while (size >= 1000.0 && i < sizeof units / sizeof units[0] - 1) {
		size /= 1000.0;
		i++;
	}
	snprintf(buf, n, "%.3g%s", size, units[i]);
	return buf;
}

const char *ct_fmt_since(int64_t seconds, char *buf, size_t n)
{
	int64_t minutes = seconds / 60;
	/* hours are rounded to the nearest, as Go's d.Hours() + 0.5 */
	int64_t hours = (seconds + 1800) / 3600;

	if (seconds < 1)
		snprintf(buf, n, "Less than a second");
	else if (seconds == 1)
		snprintf(buf, n, "1 second");
	else if (seconds < 60)
		snprintf(buf, n, "%lld seconds", (long long)seconds);
	else if (minutes == 1)
		snprintf(buf, n, "About a minute");
	else if (minutes < 60)
		snprintf(buf, n, "%lld minutes", (long long)minutes);
	else if (hours == 1)
		snprintf(buf, n, "About an hour");
	else if (hours < 48)
		snprintf(buf, n, "%lld hours", (long long)hours);
	else if (hours < 24 * 7 * 2)
		snprintf(buf, n, "%lld days", (long long)(hours / 24));
	else if (hours < 24 * 30 * 2)
		snprintf(buf, n, "%lld weeks", (long long)(hours / 24 / 7));
	else if (hours < 24 * 365 * 2)
		snprintf(buf, n, "%lld months", (long long)(hours / 24 / 30));
	else
		snprintf(buf, n, "%lld years", (long long)(seconds / 3600 / 24 / 365));
	return buf;
}

static int digits(const char **p, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)**p))
			return -1;
		v = v * 10 + (**p - '0');
		(*p)++;
	}
	*out = v;
	return 0;
}

static int expect(const char **p, const char *set)
{
	if (!**p || !strchr(set, **p))
		return -1;
	(*p)++;
	return 0;
}

int ct_fmt_parse_time(const char *s, int64_t *out)
{
	struct tm tm = { 0 };
	int y, mo, d, h, mi, sec, oh, om;
	int64_t offset = 0;
	const char *p = s;
	time_t t;

	if (!s || digits(&p, 4, &y) || expect(&p, "-") || digits(&p, 2, &mo) ||
	    expect(&p, "-") || digits(&p, 2, &d) || expect(&p, "Tt ") ||
	    digits(&p, 2, &h) || expect(&p, ":") || digits(&p, 2, &mi) ||
	    expect(&p, ":") || digits(&p, 2, &sec))
		return -1;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p == '-' ? -1 : 1;

		p++;
		if (digits(&p, 2, &oh) || expect(&p, ":") || digits(&p, 2, &om))
			return -1;
		offset = sign * (oh * 3600 + om * 60);
	} else {
		return -1;
	}
	if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm);
	*out = (int64_t)t - offset;
	return 0;
}

const char *ct_fmt_time(int64_t t, char *buf, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm))
		snprintf(buf, n, "1970-01-01T00:00:00Z");
	else
		strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

/* Characters (not bytes) of UTF-8 text: continuation bytes do not count. */
static size_t utf8_len(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

char *ct_fmt_ellipsis(const char *s, size_t max)
{
	struct ct_buf b = CT_BUF_INIT;
	size_t chars = 0;
	const char *p;

	if (utf8_len(s) <= max)
		return ct_xstrdup(s);
	if (max == 0)
		return ct_xstrdup("");
	for (p = s; *p; p++) {
		if (((unsigned char)*p & 0xc0) != 0x80 && chars++ == max - 1)
			break;
		ct_buf_putc(&b, *p);
	}
	ct_buf_puts(&b, "\xe2\x80\xa6");
	return ct_buf_detach(&b);
}

void ct_table_init(struct ct_table *t, size_t ncols)
{
	memset(t, 0, sizeof *t);
	t->ncols = ncols;
}

void ct_table_add(struct ct_table *t, const char *const *row)
{
	if (t->nrows == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->cells = ct_xrealloc(t->cells, t->cap * t->ncols * sizeof *t->cells);
	}
	for (size_t c = 0; c < t->ncols; c++)
		t->cells[t->nrows * t->ncols + c] = ct_xstrdup(row[c] ? row[c] : "");
	t->nrows++;
}

void ct_table_print(const struct ct_table *t, FILE *out)
{
	size_t *width = ct_xcalloc(t->ncols ? t->ncols : 1, sizeof *width);

	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c + 1 < t->ncols; c++) {
			size_t w = utf8_len(t->cells[r * t->ncols + c]) + 3;

			if (w > width[c])
				width[c] = w;
		}
	for (size_t c = 0; c + 1 < t->ncols; c++)
		if (width[c] < 10)
			width[c] = 10;
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			const char *cell = t->cells[r * t->ncols + c];

			fputs(cell, out);
			if (c + 1 < t->ncols)
				fprintf(out, "%*s", (int)(width[c] - utf8_len(cell)), "");
		}
		fputc('\n', out);
	}
	free(width);
}

void ct_table_free(struct ct_table *t)
{
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	memset(t, 0, sizeof *t);
}

static json_t *str_array(const char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *str_or_empty(const json_t *obj, const char *key)
{
	const char *s = ct_json_str(obj, key);

	return json_string(s ? s : "");
}

int64_t ct_fmt_image_size(const struct ct_image *img)
{
	int64_t size = ct_json_int(ct_json_path(img->manifest, "config"), "size", 0);

	for (size_t i = 0; i < img->nlayers; i++)
		size += img->layers[i].size;
	return size;
}

json_t *ct_fmt_inspect(const struct ct_image *img, const char *const *tags, size_t ntags,
		       const char *const *digests, size_t ndigests, int64_t size)
{
	const json_t *cfg = img->config;
	json_t *o = json_object(), *rootfs, *layers, *c;
	const char *variant = ct_json_str(cfg, "variant");
	const char *comment = NULL;
	json_t *hist = json_object_get(cfg, "history");

	/* Docker shows the comment of the last history entry (import, commit) */
	if (json_is_array(hist) && json_array_size(hist) > 0)
		comment = ct_json_str(json_array_get(hist, json_array_size(hist) - 1), "comment");

	json_object_set_new(o, "Id", json_string(img->config_digest.str));
	json_object_set_new(o, "RepoTags", str_array(tags, ntags));
	json_object_set_new(o, "RepoDigests", str_array(digests, ndigests));
	json_object_set_new(o, "Parent", json_string(""));
	json_object_set_new(o, "Comment", json_string(comment ? comment : ""));
	json_object_set_new(o, "Created", str_or_empty(cfg, "created"));
	json_object_set_new(o, "DockerVersion", str_or_empty(cfg, "docker_version"));
	json_object_set_new(o, "Author", str_or_empty(cfg, "author"));
	c = json_object_get(cfg, "config");
	json_object_set_new(o, "Config", json_is_object(c) ? json_deep_copy(c) : json_object());
	json_object_set_new(o, "Architecture", str_or_empty(cfg, "architecture"));
	if (variant)
		json_object_set_new(o, "Variant", json_string(variant));
	json_object_set_new(o, "Os", str_or_empty(cfg, "os"));
	json_object_set_new(o, "Size", json_integer(size));
	rootfs = json_object();
	json_object_set_new(rootfs, "Type", json_string("layers"));
	layers = json_array();
	for (size_t i = 0; i < img->nlayers; i++)
		json_array_append_new(layers, json_string(img->layers[i].diff_id.str));
	json_object_set_new(rootfs, "Layers", layers);
	json_object_set_new(o, "RootFS", rootfs);
	json_object_set_new(o, "Descriptor", json_pack("{s:s, s:s}",
		"mediaType", img->manifest_media_type ? img->manifest_media_type : "",
		"digest", img->top_digest.str));
	return o;
}
