/* creds: registry credentials as `docker login` keeps them, in
 * $DOCKER_CONFIG/config.json, else ~/.docker/config.json:
 *
 *     { "auths": { "localhost:5000": { "auth": "base64(user:pass)" },
 *                  "https://index.docker.io/v1/": { "auth": "…" } } }
 *
 * Keys are matched by registry host[:port], with or without an http(s)://
 * prefix and path; docker.io's key is "https://index.docker.io/v1/".
 * "username"/"password" fields are honoured too. Credential helpers
 * (credsStore, credHelpers) are not run. */
#ifndef CT_CREDS_H
#define CT_CREDS_H

struct ct_err;

/* The config.json path (allocated). */
char *ct_creds_path(void);

/* Look up the registry (a ref domain: "docker.io", "localhost:5000").
 * Returns 1 with *user and *pass allocated, 0 when none, -1 on a broken
 * file. */
int ct_creds_get(const char *registry, char **user, char **pass, struct ct_err *e);

/* Store (or, with user NULL, remove) the registry's entry, creating the
 * file (mode 0600, directory 0700) and keeping everything else in it. */
int ct_creds_set(const char *registry, const char *user, const char *pass,
		 struct ct_err *e);

#endif
