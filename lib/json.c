#include "json.h"
#include "buf.h"
#include "err.h"
#include "file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CT_JSON_MAX_DEPTH 64

static int too_deep(const json_t *j, int depth)
{
	const char *key;
	json_t *v;
	size_t i;

	if (depth > CT_JSON_MAX_DEPTH)
		return 1;
	if (json_is_object(j)) {
		json_object_foreach((json_t *)j, key, v)
			if (too_deep(v, depth + 1))
				return 1;
	} else if (json_is_array(j)) {
		json_array_foreach(j, i, v)
			if (too_deep(v, depth + 1))
				return 1;
	}
	return 0;
}

json_t *ct_json_parse(const char *text, size_t len, const char *what, struct ct_err *e)
{
	json_error_t je;
	json_t *j;

	j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!j) {
		ct_err(e, 0, "%s: invalid JSON at line %d column %d: %s", what,
		       je.line, je.column, je.text);
		return NULL;
	}
	if (too_deep(j, 0)) {
		json_decref(j);
		ct_err(e, 0, "%s: JSON nested deeper than %d levels", what, CT_JSON_MAX_DEPTH);
		return NULL;
	}
	return j;
}

json_t *ct_json_load_file(const char *path, size_t max, struct ct_err *e)
{
	struct ct_buf b = CT_BUF_INIT;
	json_t *j;

	if (ct_read_file(path, &b, max, e) < 0) {
		ct_buf_free(&b);
		return NULL;
	}
	j = ct_json_parse(ct_buf_str(&b), b.len, path, e);
	ct_buf_free(&b);
	return j;
}

static int write_json(const char *path, const json_t *j, size_t flags,
		      mode_t mode, int sync, struct ct_err *e)
{
	char *text = json_dumps(j, flags);
	struct ct_buf b = CT_BUF_INIT;
	int rc;

	if (!text)
		return ct_err(e, ENOMEM, "serialise JSON for %s", path);
	ct_buf_puts(&b, text);
	ct_buf_putc(&b, '\n');
	free(text);
	rc = sync ? ct_write_file_atomic(path, b.data, b.len, mode, e)
		  : ct_write_file_volatile(path, b.data, b.len, mode, e);
	ct_buf_free(&b);
	return rc;
}

int ct_json_write_file(const char *path, const json_t *j, size_t flags,
		       mode_t mode, struct ct_err *e)
{
	return write_json(path, j, flags, mode, 1, e);
}

int ct_json_write_file_volatile(const char *path, const json_t *j, size_t flags,
				mode_t mode, struct ct_err *e)
{
	return write_json(path, j, flags, mode, 0, e);
}

const char *ct_json_str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

json_int_t ct_json_int(const json_t *obj, const char *key, json_int_t def)
{
	json_t *v = json_object_get(obj, key);

	return json_is_integer(v) ? json_integer_value(v) : def;
}

json_t *ct_json_path(const json_t *obj, const char *path)
{
	char key[256];
	const char *dot;
	json_t *cur = (json_t *)obj;

	while (cur && *path) {
		size_t n;

		dot = strchr(path, '.');
		n = dot ? (size_t)(dot - path) : strlen(path);
		if (n >= sizeof key)
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		cur = json_object_get(cur, key);
		path += n + (dot ? 1 : 0);
	}
	return cur;
}

int ct_json_need_str(const json_t *obj, const char *key, const char *what,
		     const char **out, struct ct_err *e)
{
	json_t *v = json_object_get(obj, key);

	if (!v)
		return ct_err(e, 0, "%s: missing \"%s\"", what, key);
	if (!json_is_string(v))
		return ct_err(e, 0, "%s: \"%s\" is not a string", what, key);
	*out = json_string_value(v);
	return 0;
}
