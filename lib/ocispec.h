/* ocispec: reading an OCI runtime bundle's config.json (runtime-spec 1.x)
 * into plain C structures for ct-spawn. Parsing only: nothing here touches
 * the kernel, so it is unit-tested in t/unit/ocispec.c.
 *
 * Unknown fields are ignored (as runc does); fields ct-spawn cannot honour
 * are refused with an error naming them, never silently dropped. */
#ifndef CT_OCISPEC_H
#define CT_OCISPEC_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct ct_err;

enum { OCI_CAP_BOUNDING, OCI_CAP_EFFECTIVE, OCI_CAP_INHERITABLE,
       OCI_CAP_PERMITTED, OCI_CAP_AMBIENT, OCI_CAP_NSETS };

struct oci_rlimit {
	int resource;		/* RLIMIT_* */
	uint64_t soft, hard;
};

struct oci_process {
	int terminal;
	char **args;		/* NULL-terminated */
	char **env;		/* NULL-terminated */
	char *cwd;
	uid_t uid;
	gid_t gid;
	gid_t *gids;
	size_t ngids;
	int has_umask;
	mode_t umask;
	int has_caps;			/* "capabilities" present */
	uint64_t caps[OCI_CAP_NSETS];	/* bit n = capability n */
	int nnp;			/* noNewPrivileges */
	int has_oom;
	int oom_score_adj;
	struct oci_rlimit *rlimits;
	size_t nrlimits;
};

struct oci_mount {
	char *dest;
	char *type;		/* may be "" for binds */
	char *source;
	unsigned long flags;	/* MS_* to set */
	unsigned long propagation;	/* MS_PRIVATE|MS_REC ... or 0 */
	int bind;		/* bind or rbind (MS_BIND set in flags) */
	char *data;		/* filesystem options, comma-joined, or NULL */
};

struct oci_ns {
	int type;		/* CLONE_NEW* */
	char *path;		/* join this one, or NULL: a new one */
};

struct oci_idmap {
	uint32_t ctr, host, size;
};

struct oci_device {
	char *path;
	char type;		/* 'c', 'b', 'u', 'p' */
	int64_t major, minor;
	mode_t mode;
	uid_t uid;
	gid_t gid;
};

struct oci_resources {
	int64_t mem_limit, mem_swap, mem_reservation;	/* -1: unset */
	int64_t cpu_shares, cpu_quota, cpu_period;	/* -1: unset */
	char *cpus, *mems;
	int64_t pids_limit;				/* -1: unset */
};

/* OCI hooks (config.json "hooks"), in the order the lifecycle runs them */
enum { OCI_HOOK_PRESTART, OCI_HOOK_CREATE_RUNTIME, OCI_HOOK_CREATE_CONTAINER,
       OCI_HOOK_START_CONTAINER, OCI_HOOK_POSTSTART, OCI_HOOK_POSTSTOP, OCI_HOOK_NKINDS };

struct oci_hook {
	char *path;		/* absolute, executed directly */
	char **args;		/* NULL-terminated argv; at least { path } */
	char **env;		/* NULL-terminated, or NULL: the runtime's own */
	int timeout;		/* seconds, 0: none */
};

struct oci_hooks {
	struct oci_hook *h[OCI_HOOK_NKINDS];
	size_t n[OCI_HOOK_NKINDS];
};

struct oci_spec {
	json_t *json;		/* the whole document (owned) */
	char *bundle;		/* absolute */
	char *rootfs;		/* absolute */
	int root_ro;
	char *hostname;
	char *domainname;
	struct oci_process proc;
	struct oci_mount *mounts;
	size_t nmounts;
	struct oci_ns ns[8];
	size_t nns;
	struct oci_idmap *uidmap, *gidmap;
	size_t nuidmap, ngidmap;
	struct oci_device *devices;
	size_t ndevices;
	char **masked;		/* NULL-terminated */
	char **readonly;	/* NULL-terminated */
	json_t *sysctl;		/* object or NULL (borrowed from json) */
	json_t *seccomp;	/* object or NULL (borrowed from json) */
	json_t *annotations;	/* object or NULL (borrowed from json) */
	unsigned long rootfs_propagation;	/* MS_* or 0 (rprivate) */
	char *cgroups_path;	/* or NULL */
	struct oci_resources res;
	struct oci_hooks hooks;
	json_t *hooks_json;	/* object or NULL (borrowed from json) */
};

/* Load BUNDLE/config.json. */
int oci_spec_load(const char *bundle, struct oci_spec *s, struct ct_err *e);
/* Parse an already loaded document (takes a reference on j). */
int oci_spec_parse(json_t *j, const char *bundle, struct oci_spec *s, struct ct_err *e);
void oci_spec_free(struct oci_spec *s);

/* A "process" object (config.json's, or runc exec --process FILE). */
int oci_process_parse(const json_t *p, struct oci_process *out, struct ct_err *e);
void oci_process_free(struct oci_process *p);

/* A "hooks" object (config.json's, or the copy in a container's
 * state.json); NULL is none. Each kind must be an array of objects with an
 * absolute "path", string arrays "args" and "env", a "timeout" > 0. */
int oci_hooks_parse(const json_t *j, struct oci_hooks *out, struct ct_err *e);
void oci_hooks_free(struct oci_hooks *h);
/* OCI_HOOK_* -> "createRuntime" ... */
const char *oci_hook_kind(int kind);

/* Namespace lookup: the entry of that CLONE_NEW* type, or NULL. */
const struct oci_ns *oci_spec_ns(const struct oci_spec *s, int type);

/* "CAP_SYS_ADMIN" / "SYS_ADMIN" (any case) -> 21; -1 when unknown. */
int oci_cap_from_name(const char *name);
const char *oci_cap_name(int cap);
#define OCI_CAP_LAST 40

/* "RLIMIT_NOFILE" -> RLIMIT_NOFILE; -1 when unknown. */
int oci_rlimit_from_name(const char *name);
/* Mount options -> flags/propagation/data. Unknown options go to data. */
void oci_mount_options(const json_t *opts, struct oci_mount *m);
/* Namespace type name ("network", "mount"...) -> CLONE_NEW*, -1 unknown. */
int oci_ns_from_name(const char *name);
const char *oci_ns_name(int type);

#endif
