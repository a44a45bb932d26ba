/* creds: docker config.json auths. See creds.h. */
#include "creds.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "auth.h"
#include "buf.h"
#include "err.h"
#include "file.h"
#include "json.h"

#define CONFIG_MAX (4u << 20)
#define HUB_KEY "https://index.docker.io/v1/"

char *ct_creds_path(void)
{
	const char *d = getenv("DOCKER_CONFIG");
	const char *home = getenv("HOME");

	if (d && *d)
		return ct_xasprintf("%s/config.json", d);
	return ct_xasprintf("%s/.docker/config.json", home && *home ? home : "/root");
}

/* "https://host:port/v1/" -> "host:port"; docker hub aliases -> "docker.io" */
static char *key_host(const char *key)
{
	const char *p = key;
	char *h;

	if (!strncasecmp(p, "https://", 8))
		p += 8;
	else if (!strncasecmp(p, "http://", 7))
		p += 7;
	h = ct_xstrndup(p, strcspn(p, "/"));
	if (!strcmp(h, "index.docker.io") || !strcmp(h, "registry-1.docker.io") ||
	    !strcmp(h, "registry.hub.docker.com")) {
		free(h);
		h = ct_xstrdup("docker.io");
	}
	return h;
}

static json_t *load_config(const char *path, int *missing, struct ct_err *e)
{
	json_t *j;

	*missing = 0;
	if (!ct_exists(path)) {
		*missing = 1;
		return json_object();
	}
	j = ct_json_load_file(path, CONFIG_MAX, e);
	if (j && !json_is_object(j)) {
		json_decref(j);
		ct_err(e, 0, "%s: not a JSON object", path);
		return NULL;
	}
	return j;
}

int ct_creds_get(const char *registry, char **user, char **pass, struct ct_err *e)
{
	char *path = ct_creds_path();
	int missing, rc = 0;
	json_t *j = load_config(path, &missing, e), *auths, *ent;
	const char *key;

	*user = *pass = NULL;
	if (!j) {
		free(path);
		return -1;
	}
	auths = json_object_get(j, "auths");
	json_object_foreach(auths, key, ent) {
		char *h = key_host(key);
		int match = !strcasecmp(h, registry);
		const char *a = ct_json_str(ent, "auth");
		free(h);
		if (!match)
			continue;
		if (a && *a) {
			size_t len;
			char *dec = ct_base64_decode(a, &len), *colon;
			if (!dec || !(colon = memchr(dec, ':', len))) {
				free(dec);
				rc = ct_err(e, 0, "%s: auths[\"%s\"].auth is not base64 of user:password",
					    path, key);
				break;
			}
			*colon = 0;
			*user = ct_xstrdup(dec);
			*pass = ct_xstrdup(colon + 1);
			free(dec);
			rc = 1;
			break;
		}
		if (ct_json_str(ent, "username") && ct_json_str(ent, "password")) {
			*user = ct_xstrdup(ct_json_str(ent, "username"));
			*pass = ct_xstrdup(ct_json_str(ent, "password"));
			rc = 1;
			break;
		}
	}
	json_decref(j);
	free(path);
	return rc;
}

int ct_creds_set(const char *registry, const char *user, const char *pass,
		 struct ct_err *e)
{
	char *path = ct_creds_path(), *dir, *slash;
	int missing, rc = -1;
	json_t *j = load_config(path, &missing, e), *auths;
	const char *key = !strcmp(registry, "docker.io") ? HUB_KEY : registry;

	if (!j)
		goto out;
	auths = json_object_get(j, "auths");
	if (!json_is_object(auths)) {
		auths = json_object();
		json_object_set_new(j, "auths", auths);
	}
	{	/* drop every alias of this registry, then add ours */
		const char *k;
		json_t *v;
		void *tmp;
		json_object_foreach_safe(auths, tmp, k, v) {
			char *h = key_host(k);
			if (!strcasecmp(h, registry))
				json_object_del(auths, k);
			free(h);
		}
	}
	if (user) {
		char *up = ct_xasprintf("%s:%s", user, pass);
		char *enc = ct_base64_encode(up, strlen(up));
		json_object_set_new(auths, key, json_pack("{s:s}", "auth", enc));
		free(up);
		free(enc);
	}
	dir = ct_xstrdup(path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir)
		*slash = 0;
	if (ct_mkdir_p(dir, 0700, e) < 0) {
		free(dir);
		goto out;
	}
	free(dir);
	rc = ct_json_write_file(path, j, JSON_INDENT(1), 0600, e);
out:
	json_decref(j);
	free(path);
	return rc;
}
