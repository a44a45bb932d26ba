/* json: the few helpers ct needs over jansson. Parsing errors name the
 * file (or what the text was) with line and column. */
#ifndef CT_JSON_H
#define CT_JSON_H

#include <jansson.h>
#include <stddef.h>
#include <sys/types.h>

struct ct_err;

/* Parse len bytes; what names the text in errors ("manifest sha256:…").
 * Documents deeper than 64 levels or with duplicate keys are refused. */
json_t *ct_json_parse(const char *text, size_t len, const char *what, struct ct_err *e);
/* Read and parse a file of at most max bytes. */
json_t *ct_json_load_file(const char *path, size_t max, struct ct_err *e);
/* Serialise (compact if flags has JSON_COMPACT) and replace path atomically. */
int ct_json_write_file(const char *path, const json_t *j, size_t flags,
		       mode_t mode, struct ct_err *e);
/* The same without the fsyncs, for a throw-away container's files
 * (ct_write_file_volatile). */
int ct_json_write_file_volatile(const char *path, const json_t *j, size_t flags,
				mode_t mode, struct ct_err *e);

/* Typed getters; NULL / def when missing or of the wrong type. */
const char *ct_json_str(const json_t *obj, const char *key);
json_int_t ct_json_int(const json_t *obj, const char *key, json_int_t def);
/* Dotted path lookup: ct_json_path(cfg, "config.Env") */
json_t *ct_json_path(const json_t *obj, const char *path);

/* Required fields, with errors naming what and the key. */
int ct_json_need_str(const json_t *obj, const char *key, const char *what,
		     const char **out, struct ct_err *e);

#endif
