#include "imgcfg.h"
#include "buf.h"
#include "err.h"
#include "json.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct words {
	char **v;
	size_t n;
};

static void words_free(struct words *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->v[i]);
	free(w->v);
	memset(w, 0, sizeof *w);
}

/* Split s at blanks, removing quotes and backslashes as a shell would. */
static int split_words(const char *s, struct words *w, const char *line, struct ct_err *e)
{
	struct ct_buf b = CT_BUF_INIT;

	memset(w, 0, sizeof *w);
	while (*s) {
		int have = 0;

		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			break;
		while (*s && !isspace((unsigned char)*s)) {
			char q = *s;

			have = 1;
			if (q == '"' || q == '\'') {
				s++;
				while (*s && *s != q) {
					if (q == '"' && *s == '\\' && s[1])
						s++;
					ct_buf_putc(&b, *s++);
				}
				if (*s != q) {
					ct_buf_free(&b);
					words_free(w);
					return ct_err(e, 0, "change \"%s\": unterminated %c quote", line, q);
				}
				s++;
			} else {
				if (q == '\\' && s[1])
					s++;
				ct_buf_putc(&b, *s++);
			}
		}
		if (have) {
			w->v = ct_xrealloc(w->v, (w->n + 1) * sizeof *w->v);
			w->v[w->n++] = b.data ? ct_buf_detach(&b) : ct_xstrdup("");
		}
	}
	ct_buf_free(&b);
	return 0;
}

/* The JSON form ["a","b"] or, for the shell form, ["/bin/sh","-c",s]. */
static json_t *exec_form(const char *s, const char *line, struct ct_err *e)
{
	json_t *a, *v;
	size_t i;

	if (*s != '[')
		return json_pack("[s,s,s]", "/bin/sh", "-c", s);
	a = ct_json_parse(s, strlen(s), "change", NULL);
	if (!json_is_array(a)) {
		json_decref(a);
		ct_err(e, 0, "change \"%s\": not a JSON array of strings", line);
		return NULL;
	}
	json_array_foreach(a, i, v) {
		if (!json_is_string(v)) {
			json_decref(a);
			ct_err(e, 0, "change \"%s\": element %zu is not a string", line, i + 1);
			return NULL;
		}
	}
	return a;
}

static json_t *object_at(json_t *cfg, const char *key)
{
	json_t *o = json_object_get(cfg, key);

	if (!json_is_object(o)) {
		o = json_object();
		json_object_set_new(cfg, key, o);
	}
	return o;
}

static void set_env(json_t *cfg, const char *key, const char *value)
{
	json_t *env = json_object_get(cfg, "Env"), *v;
	char *pair = ct_xasprintf("%s=%s", key, value);
	size_t i, kl = strlen(key);

	if (!json_is_array(env)) {
		env = json_array();
		json_object_set_new(cfg, "Env", env);
	}
	json_array_foreach(env, i, v) {
		const char *s = json_string_value(v);

		if (s && !strncmp(s, key, kl) && s[kl] == '=') {
			json_array_set_new(env, i, json_string(pair));
			free(pair);
			return;
		}
	}
	json_array_append_new(env, json_string(pair));
	free(pair);
}

/* KEY=VALUE words (or, with legacy, "KEY rest of line") → fn. */
static int pairs(json_t *cfg, const char *rest, int legacy, const char *line,
		 void (*fn)(json_t *, const char *, const char *), struct ct_err *e)
{
	struct words w;

	if (split_words(rest, &w, line, e) < 0)
		return -1;
	if (w.n == 0) {
		words_free(&w);
		return ct_err(e, 0, "change \"%s\": needs KEY=VALUE", line);
	}
	if (legacy && !strchr(w.v[0], '=')) {
		const char *p = rest;

		/* ENV KEY the rest of the line, as written */
		while (isspace((unsigned char)*p))
			p++;
		p += strcspn(p, " \t");
		while (isspace((unsigned char)*p))
			p++;
		fn(cfg, w.v[0], p);
		words_free(&w);
		return 0;
	}
	for (size_t i = 0; i < w.n; i++) {
		char *eq = strchr(w.v[i], '=');

		if (!eq || eq == w.v[i]) {
			int rc = ct_err(e, 0, "change \"%s\": \"%s\" is not KEY=VALUE", line, w.v[i]);

			words_free(&w);
			return rc;
		}
		*eq = '\0';
		fn(cfg, w.v[i], eq + 1);
	}
	words_free(&w);
	return 0;
}

static void set_label(json_t *cfg, const char *key, const char *value)
{
	json_object_set_new(object_at(cfg, "Labels"), key, json_string(value));
}

static int expose(json_t *cfg, const char *rest, const char *line, struct ct_err *e)
{
	struct words w;
	json_t *ports;

	if (split_words(rest, &w, line, e) < 0)
		return -1;
	if (w.n == 0)
		return ct_err(e, 0, "change \"%s\": needs a port", line);
	ports = object_at(cfg, "ExposedPorts");
	for (size_t i = 0; i < w.n; i++) {
		char *slash = strchr(w.v[i], '/');
		const char *proto = slash ? slash + 1 : "tcp";
		char *end;
		unsigned long port;
		char *key;

		if (slash)
			*slash = '\0';
		port = strtoul(w.v[i], &end, 10);
		if (!*w.v[i] || *end || port == 0 || port > 65535 ||
		    (strcasecmp(proto, "tcp") && strcasecmp(proto, "udp") && strcasecmp(proto, "sctp"))) {
			int rc = ct_err(e, 0, "change \"%s\": invalid port \"%s%s%s\": want "
					"PORT[/tcp|udp|sctp]", line, w.v[i], slash ? "/" : "",
					slash ? proto : "");

			words_free(&w);
			return rc;
		}
		key = ct_xasprintf("%lu/%s", port, proto);
		for (char *p = key; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		json_object_set_new(ports, key, json_object());
		free(key);
	}
	words_free(&w);
	return 0;
}

static int volume(json_t *cfg, const char *rest, const char *line, struct ct_err *e)
{
	json_t *vols, *list, *v;
	size_t i;

	if (*rest == '[') {
		list = exec_form(rest, line, e);
		if (!list)
			return -1;
	} else {
		struct words w;

		if (split_words(rest, &w, line, e) < 0)
			return -1;
		list = json_array();
		for (i = 0; i < w.n; i++)
			json_array_append_new(list, json_string(w.v[i]));
		words_free(&w);
	}
	if (json_array_size(list) == 0) {
		json_decref(list);
		return ct_err(e, 0, "change \"%s\": needs a path", line);
	}
	vols = object_at(cfg, "Volumes");
	json_array_foreach(list, i, v) {
		json_object_set_new(vols, json_string_value(v), json_object());
	}
	json_decref(list);
	return 0;
}

static int workdir(json_t *cfg, const char *rest, const char *line, struct ct_err *e)
{
	struct words w;
	const char *cur = ct_json_str(cfg, "WorkingDir");
	char *dir;

	if (split_words(rest, &w, line, e) < 0)
		return -1;
	if (w.n != 1) {
		words_free(&w);
		return ct_err(e, 0, "change \"%s\": needs exactly one path", line);
	}
	if (w.v[0][0] == '/' || !cur || !*cur)
		dir = ct_xasprintf("%s%s", w.v[0][0] == '/' ? "" : "/", w.v[0]);
	else
		dir = ct_xasprintf("%s%s%s", cur, ct_has_suffix(cur, "/") ? "" : "/", w.v[0]);
	json_object_set_new(cfg, "WorkingDir", json_string(dir));
	free(dir);
	words_free(&w);
	return 0;
}

static int one_word(json_t *cfg, const char *key, const char *rest, const char *line,
		    struct ct_err *e)
{
	struct words w;

	if (split_words(rest, &w, line, e) < 0)
		return -1;
	if (w.n != 1) {
		words_free(&w);
		return ct_err(e, 0, "change \"%s\": needs exactly one value", line);
	}
	json_object_set_new(cfg, key, json_string(w.v[0]));
	words_free(&w);
	return 0;
}

int ct_imgcfg_change(json_t *cfg, const char *line, struct ct_err *e)
{
	const char *p = line, *rest;
	char ins[16];
	size_t n;
	json_t *v;

	while (isspace((unsigned char)*p))
		p++;
	n = strcspn(p, " \t");
	rest = p + n;
	while (isspace((unsigned char)*rest))
		rest++;
	if (n == 0 || n >= sizeof ins)
		return ct_err(e, 0, "change \"%s\": no instruction", line);
	memcpy(ins, p, n);
	ins[n] = '\0';
	if (!*rest)
		return ct_err(e, 0, "change \"%s\": %s needs an argument", line, ins);
	if (!strcasecmp(ins, "CMD") || !strcasecmp(ins, "ENTRYPOINT")) {
		v = exec_form(rest, line, e);
		if (!v)
			return -1;
		json_object_set_new(cfg, !strcasecmp(ins, "CMD") ? "Cmd" : "Entrypoint", v);
		return 0;
	}
	if (!strcasecmp(ins, "ENV"))
		return pairs(cfg, rest, 1, line, set_env, e);
	if (!strcasecmp(ins, "LABEL"))
		return pairs(cfg, rest, 0, line, set_label, e);
	if (!strcasecmp(ins, "EXPOSE"))
		return expose(cfg, rest, line, e);
	if (!strcasecmp(ins, "VOLUME"))
		return volume(cfg, rest, line, e);
	if (!strcasecmp(ins, "WORKDIR"))
		return workdir(cfg, rest, line, e);
	if (!strcasecmp(ins, "USER"))
		return one_word(cfg, "User", rest, line, e);
	if (!strcasecmp(ins, "STOPSIGNAL"))
		return one_word(cfg, "StopSignal", rest, line, e);
	return ct_err(e, 0, "change \"%s\": unsupported instruction %s: want CMD, ENTRYPOINT, "
		      "ENV, EXPOSE, LABEL, STOPSIGNAL, USER, VOLUME or WORKDIR", line, ins);
}
