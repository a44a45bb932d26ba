/* Unit tests for lib/imgfmt: Docker's human sizes and durations, RFC 3339
 * times, ellipsis, tabwriter-shaped tables and the inspect document. */
#include "imgfmt.h"
#include "json.h"
#include "store.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

static void size_is(int64_t n, const char *want)
{
	char buf[32];

	is_str(ct_fmt_size(n, buf, sizeof buf), want, "size %lld", (long long)n);
}

static void since_is(int64_t s, const char *want)
{
	char buf[64];

	is_str(ct_fmt_since(s, buf, sizeof buf), want, "since %lld s", (long long)s);
}

static void time_is(const char *s, long long want)
{
	int64_t t = 0;
	int rc = ct_fmt_parse_time(s, &t);

	if (want < 0)
		ok(rc < 0, "time \"%s\" refused", s);
	else
		ok(rc == 0 && t == want, "time \"%s\" = %lld (got %lld)", s, want, (long long)t);
}

static void ellipsis_is(const char *s, size_t max, const char *want)
{
	char *got = ct_fmt_ellipsis(s, max);

	is_str(got, want, "ellipsis \"%s\" %zu", s, max);
	free(got);
}

static void test_table(void)
{
	struct ct_table t;
	const char *hdr[] = { "REPOSITORY", "TAG", "IMAGE ID", "SIZE" };
	const char *r1[] = { "busybox", "latest", "0123456789ab", "1.2MB" };
	const char *r2[] = { "localhost:5000/some/long/name", "v1", "ba9876543210", "3kB" };
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	ct_table_init(&t, 4);
	ct_table_add(&t, hdr);
	ct_table_add(&t, r1);
	ct_table_add(&t, r2);
	ct_table_print(&t, f);
	fclose(f);
	is_str(out,
	       "REPOSITORY                      TAG       IMAGE ID       SIZE\n"
	       "busybox                         latest    0123456789ab   1.2MB\n"
	       "localhost:5000/some/long/name   v1        ba9876543210   3kB\n",
	       "table: columns padded by 3, at least 10 wide, last column bare");
	ct_table_free(&t);
	free(out);
}

static void test_inspect(void)
{
	struct ct_image img;
	struct ct_store_layer layer;
	const char *tags[] = { "busybox:latest" };
	const char *digests[] = { "busybox@sha256:" "aa" };
	json_t *doc;
	char *s;

	memset(&img, 0, sizeof img);
	memset(&layer, 0, sizeof layer);
	ct_digest_buf("layer", 5, &layer.diff_id);
	layer.size = 100;
	ct_digest_buf("config", 6, &img.config_digest);
	ct_digest_buf("manifest", 8, &img.top_digest);
	img.manifest_media_type = (char *)CT_MT_OCI_MANIFEST;
	img.manifest = json_pack("{s:{s:I}}", "config", "size", (json_int_t)23);
	img.config = json_pack("{s:s, s:s, s:s, s:{s:[s]}, s:[{s:s}]}",
			       "created", "2024-01-02T03:04:05Z", "architecture", "amd64",
			       "os", "linux", "config", "Cmd", "sh",
			       "history", "comment", "Imported from -");
	img.nlayers = 1;
	img.layers = &layer;
	is_int(ct_fmt_image_size(&img), 123, "image size: config + layers");
	doc = ct_fmt_inspect(&img, tags, 1, digests, 1, 123);
	is_str(json_string_value(json_object_get(doc, "Id")), img.config_digest.str, "inspect Id");
	is_str(json_string_value(json_array_get(json_object_get(doc, "RepoTags"), 0)),
	       "busybox:latest", "inspect RepoTags");
	is_str(json_string_value(json_object_get(doc, "Comment")), "Imported from -",
	       "inspect Comment from the last history entry");
	is_str(json_string_value(json_array_get(ct_json_path(doc, "RootFS.Layers"), 0)),
	       layer.diff_id.str, "inspect RootFS.Layers");
	is_int(json_integer_value(json_object_get(doc, "Size")), 123, "inspect Size");
	s = json_dumps(json_object_get(doc, "Config"), JSON_COMPACT);
	is_str(s, "{\"Cmd\":[\"sh\"]}", "inspect Config is the image config's config");
	ok(json_object_get(doc, "Variant") == NULL, "no Variant when the config has none");
	free(s);
	json_decref(doc);
	json_decref(img.manifest);
	json_decref(img.config);
}

int main(void)
{
	char buf[64];

	size_is(0, "0B");
	size_is(999, "999B");
	size_is(1000, "1kB");
	size_is(1500, "1.5kB");
	size_is(4261888, "4.26MB");
	size_is(123456789, "123MB");
	size_is(1999999999, "2GB");
	size_is(77800000000000LL, "77.8TB");

	since_is(0, "Less than a second");
	since_is(1, "1 second");
	since_is(59, "59 seconds");
	since_is(60, "About a minute");
	since_is(119, "About a minute");
	since_is(120, "2 minutes");
	since_is(3599, "59 minutes");
	since_is(3600, "About an hour");
	since_is(5399, "About an hour");
	since_is(5400, "2 hours");
	since_is(47 * 3600, "47 hours");
	since_is(48 * 3600, "2 days");
	since_is(13 * 86400, "13 days");
	since_is(14 * 86400, "2 weeks");
	since_is(59 * 86400, "8 weeks");
	since_is(60 * 86400, "2 months");
	since_is(729 * 86400, "24 months");
	since_is(730 * 86400, "2 years");

	time_is("1970-01-01T00:00:00Z", 0);
	time_is("2024-01-02T03:04:05Z", 1704164645);
	time_is("2024-01-02T03:04:05.123456789Z", 1704164645);
	time_is("2024-01-02T04:04:05+01:00", 1704164645);
	time_is("2024-01-02T02:04:05-01:00", 1704164645);
	time_is("2024-01-02 03:04:05Z", 1704164645);
	time_is("2024-01-02T03:04:05", -1);
	time_is("2024-13-02T03:04:05Z", -1);
	time_is("yesterday", -1);
	time_is("", -1);
	ok(ct_fmt_parse_time(NULL, &(int64_t){ 0 }) < 0, "time NULL refused");
	is_str(ct_fmt_time(1704164645, buf, sizeof buf), "2024-01-02T03:04:05Z", "format time");

	ellipsis_is("short", 45, "short");
	ellipsis_is("abcdef", 6, "abcdef");
	ellipsis_is("abcdefg", 6, "abcde\xe2\x80\xa6");
	ellipsis_is("\xc3\xa4\xc3\xb6\xc3\xbc\xc3\xa4", 3, "\xc3\xa4\xc3\xb6\xe2\x80\xa6");

	test_table();
	test_inspect();
	return tap_done();
}
