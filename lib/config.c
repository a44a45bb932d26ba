#include "config.h"
#include "buf.h"
#include "err.h"

#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static int on_entry(void *user, const char *section, const char *key,
		    const char *value)
{
	struct ct_config *c = user;
	struct ct_config_entry *ent;

	if (!key)	/* a section header alone: nothing to store */
		return 1;
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		c->v = ct_xrealloc(c->v, c->cap * sizeof *c->v);
	}
	ent = &c->v[c->n++];
	ent->section = ct_xstrdup(section ? section : "");
	ent->key = ct_xstrdup(key);
	ent->value = ct_xstrdup(value ? value : "");
	return 1;
}

int ct_config_load_file(struct ct_config *c, const char *path, int must_exist,
			struct ct_err *e)
{
	FILE *f;
	int rc;

	memset(c, 0, sizeof *c);
	f = fopen(path, "re");
	if (!f) {
		if (errno == ENOENT && !must_exist)
			return 0;
		return ct_err(e, errno, "open %s", path);
	}
	c->path = ct_xstrdup(path);
	rc = ini_parse_file(f, on_entry, c);
	fclose(f);
	if (rc > 0) {
		ct_err(e, 0, "%s:%d: syntax error: want [section] or key = value", path, rc);
		ct_config_free(c);
		return -1;
	}
	if (rc < 0) {
		ct_err(e, 0, "%s: could not be parsed (error %d)", path, rc);
		ct_config_free(c);
		return -1;
	}
	return 0;
}

int ct_config_load(struct ct_config *c, struct ct_err *e)
{
	const char *env = getenv("CT_CONFIG");

	if (env && *env)
		return ct_config_load_file(c, env, 1, e);
	return ct_config_load_file(c, CT_CONFIG_DEFAULT, 0, e);
}

void ct_config_free(struct ct_config *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->v[i].section);
		free(c->v[i].key);
		free(c->v[i].value);
	}
	free(c->v);
	free(c->path);
	memset(c, 0, sizeof *c);
}

const char *ct_config_get(const struct ct_config *c, const char *section,
			  const char *key)
{
	size_t i;

	for (i = c->n; i-- > 0;)
		if (!strcasecmp(c->v[i].section, section) && !strcasecmp(c->v[i].key, key))
			return c->v[i].value;
	return NULL;
}

int ct_config_bool(const struct ct_config *c, const char *section,
		   const char *key, int def, int *out, struct ct_err *e)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };
	const char *v = ct_config_get(c, section, key);
	size_t i;

	*out = def;
	if (!v)
		return 0;
	for (i = 0; i < sizeof yes / sizeof *yes; i++) {
		if (!strcasecmp(v, yes[i])) {
			*out = 1;
			return 0;
		}
		if (!strcasecmp(v, no[i])) {
			*out = 0;
			return 0;
		}
	}
	return ct_err(e, 0, "%s: [%s] %s = \"%s\": want true or false",
		      c->path ? c->path : "config", section, key, v);
}

int ct_config_root(const struct ct_config *c, char *out, size_t n, struct ct_err *e)
{
	const char *env = getenv("CT_ROOT");
	const char *v;
	int r;

	if (env && *env)
		v = env;
	else if ((v = ct_config_get(c, "storage", "root")) && *v)
		;
	else if (geteuid() == 0)
		v = "/var/lib/ct";
	else
		v = NULL;
	if (v)
		r = snprintf(out, n, "%s", v);
	else if ((env = getenv("XDG_DATA_HOME")) && *env)
		r = snprintf(out, n, "%s/ct", env);
	else if ((env = getenv("HOME")) && *env)
		r = snprintf(out, n, "%s/.local/share/ct", env);
	else
		return ct_err(e, 0, "no state root: set CT_ROOT, or [storage] root in %s",
			      c->path ? c->path : CT_CONFIG_DEFAULT);
	if (r < 0 || (size_t)r >= n)
		return ct_err(e, ENAMETOOLONG, "state root");
	if (out[0] != '/')
		return ct_err(e, 0, "state root \"%s\" is not an absolute path; set CT_ROOT or [storage] root to one",
			      out);
	return 0;
}

char *ct_state_root(struct ct_err *e)
{
	struct ct_config cfg = { 0 };
	char root[PATH_MAX];
	int r = ct_config_load(&cfg, e);

	if (r == 0)
		r = ct_config_root(&cfg, root, sizeof root, e);
	ct_config_free(&cfg);
	return r < 0 ? NULL : ct_xstrdup(root);
}
