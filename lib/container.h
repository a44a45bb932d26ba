/* container: containers/<id>/ under the state root, their ids and names.
 *
 *     containers/.lock          flock held while a name is checked and taken
 *     containers/<64 hex>/      one container (an OCI bundle): config.json,
 *                               rootfs/, upper/, work/, ct.ini, state.ini ...
 *
 * ct.ini is written by ct-mount and read by every other tool:
 *
 *     [container]
 *     id = <64 hex>
 *     name = NAME              (generated when not given: "swift_maple")
 *     image = sha256:<manifest digest as index.json has it>   (or empty)
 *     image_ref = docker.io/library/x:tag                      (or empty)
 *     created = 2026-11-23T12:00:00Z
 *     rootfs = overlay|copy
 *     command = sh -c 'echo hi'   (process.args joined, as docker ps shows it)
 *     labels = k=v,k2=v2          (the image's Labels and --label, sorted)
 *
 * Keys and sections this module does not know (other tools may add
 * theirs) are kept:
 * ct_container_load keeps them and ct_container_save writes them back.
 *
 * Ids are 64 random lowercase hex digits; the short form is the first 12,
 * as Docker prints them. Names follow Docker's rule
 * [a-zA-Z0-9][a-zA-Z0-9_.-]* and are unique among the containers of a root:
 * a new container takes its name while holding containers/.lock, so two
 * concurrent ct-mount --name x cannot both succeed.
 *
 * A container is looked up by full id, by name, or by a unique id prefix,
 * in that order (Docker's order).
 */
#ifndef CT_CONTAINER_H
#define CT_CONTAINER_H

#include <stddef.h>

struct ct_err;

#define CT_CONTAINER_ID_LEN 64
#define CT_CONTAINER_SHORT_LEN 12
#define CT_CONTAINER_NAME_MAX 128

struct ct_container {
	char id[CT_CONTAINER_ID_LEN + 1];
	char *dir;          /* ROOT/containers/<id> */
	char *name;         /* "" when none */
	char *image;        /* "" when none */
	char *image_ref;    /* "" when none */
	char *created;      /* RFC 3339 UTC */
	char *rootfs;       /* "overlay" or "copy" ("" until known) */
	char *command;      /* "" when none */
	char *labels;       /* "" when none */
	char *extra;        /* "key = value\n" lines of unknown keys, or NULL */
	char *other;        /* other sections, "[s]\nkey = value\n"..., or NULL */
	char *other_sec;    /* the section other ends in (while loading) */
	int throwaway;      /* a --rm container: ct.ini written without fsync */
};

/* A fresh random id (64 lowercase hex digits, NUL-terminated). */
int ct_container_new_id(char id[CT_CONTAINER_ID_LEN + 1], struct ct_err *e);
/* 1 when s is 64 lowercase hex digits. */
int ct_container_id_valid(const char *s);
/* Docker's container name rule; errors quote the name and say what is wrong. */
int ct_container_name_check(const char *name, struct ct_err *e);

/* ROOT/containers, allocated. */
char *ct_containers_dir(const char *root);

/* A Docker-style name ("swift_maple") that no container of root has now. */
char *ct_container_generate_name(const char *root, struct ct_err *e);

/* Create ROOT/containers/<new id>/ holding ct.ini for c (whose name, image,
 * image_ref may be set; NULL means empty, and an empty name gets a generated
 * one; rootfs stays "" until the caller
 * saves it). Fills c->id, c->dir, c->created, and *busyfd: an flock on
 * <id>/.creating that the caller holds (ct_unlock) until the container is
 * complete. The name is checked and taken under containers/.lock: a name in
 * use fails with "container name "x" is already in use by container <short
 * id>". A container with no rootfs in ct.ini whose .creating lock is free
 * was left by a creator that died: it is removed and does not hold its name. */
int ct_container_create(const char *root, struct ct_container *c, int *busyfd,
			struct ct_err *e);

/* (Re)write c->dir/ct.ini atomically from c. */
int ct_container_save(const struct ct_container *c, struct ct_err *e);
/* Read DIR/ct.ini into c (c->dir is set to a copy of dir). */
int ct_container_load(const char *dir, struct ct_container *c, struct ct_err *e);

/* Find a container by full id, name, or unique id prefix, and load it.
 * Not found: "no such container: WHAT"; an ambiguous prefix names two. */
int ct_container_lookup(const char *root, const char *what,
			struct ct_container *c, struct ct_err *e);

void ct_container_free(struct ct_container *c);

/* The time now as RFC 3339 UTC ("2026-11-23T12:00:00Z") into out[32]. */
void ct_rfc3339_now(char out[32]);

#endif
