/* json: parsing with useful errors, atomic writes, getters. */
#include "buf.h"
#include "err.h"
#include "file.h"
#include "json.h"
#include "tap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	char dir[] = "/tmp/ct-unit-json.XXXXXX";
	char path[256];
	struct ct_buf deep = CT_BUF_INIT;
	struct ct_err e;
	const char *s;
	json_t *j, *k;
	int i;

	if (!mkdtemp(dir)) {
		printf("1..0 # SKIP mkdtemp: %s\n", strerror(errno));
		return 0;
	}
	j = ct_json_parse("{\"config\":{\"Env\":[\"A=1\"],\"User\":\"ct\"},\"n\":3}", 44, "cfg", &e);
	ok(j != NULL, "parse");
	is_str(ct_json_str(ct_json_path(j, "config"), "User"), "ct", "path + str");
	ok(json_is_array(ct_json_path(j, "config.Env")), "dotted path");
	ok(ct_json_path(j, "config.Nope.x") == NULL, "missing path is NULL");
	is_int(ct_json_int(j, "n", -1), 3, "int getter");
	is_int(ct_json_int(j, "config", -1), -1, "int getter: wrong type gives default");
	ok(ct_json_need_str(j, "n", "manifest", &s, &e) < 0 && !strcmp(e.msg, "manifest: \"n\" is not a string"),
	   "need_str wrong type: %s", e.msg);
	ok(ct_json_need_str(j, "mediaType", "manifest", &s, &e) < 0 && strstr(e.msg, "missing \"mediaType\""),
	   "need_str missing: %s", e.msg);

	snprintf(path, sizeof path, "%s/x.json", dir);
	ok(ct_json_write_file(path, j, JSON_COMPACT | JSON_SORT_KEYS, 0644, &e) == 0, "write atomically");
	json_decref(j);
	j = ct_json_load_file(path, 1 << 20, &e);
	ok(j && ct_json_int(j, "n", 0) == 3, "load it back");
	json_decref(j);

	ok(ct_json_parse("{\"a\":1,}", 8, "index.json", &e) == NULL &&
	   strstr(e.msg, "index.json: invalid JSON at line 1"), "syntax error has name and line: %s", e.msg);
	ok(ct_json_parse("{\"a\":1,\"a\":2}", 13, "m", &e) == NULL, "duplicate keys refused: %s", e.msg);
	ok(ct_json_parse("", 0, "empty", &e) == NULL, "empty text refused");
	for (i = 0; i < 100; i++)
		ct_buf_putc(&deep, '[');
	for (i = 0; i < 100; i++)
		ct_buf_putc(&deep, ']');
	k = ct_json_parse(deep.data, deep.len, "deep", &e);
	ok(k == NULL && strstr(e.msg, "deeper than"), "nesting bomb refused: %s", e.msg);
	ct_buf_free(&deep);

	ct_write_file_atomic(path, "{\"big\":\"xxxxxxxx\"}", 18, 0644, &e);
	ok(ct_json_load_file(path, 10, &e) == NULL && strstr(e.msg, "larger than"), "size cap: %s", e.msg);

	unlink(path);
	rmdir(dir);
	return tap_done();
}
