/* cgroup: the container's own control group, on cgroup v2 (unified), v1,
 * or hybrid hosts (v1 controllers plus a cgroup2 mount at
 * /sys/fs/cgroup/unified), detected at run time.
 *
 * One struct ct_cgroup names every directory that makes up the container's
 * cgroup (one per v1 hierarchy, and/or the unified one). It is created
 * before the container's first process exists, limited from the OCI
 * resources, joined by pid, and removed after the last process is gone. */
#ifndef CT_CGROUP_H
#define CT_CGROUP_H

#include <stddef.h>
#include <sys/types.h>

struct ct_err;
struct oci_resources;
struct oci_spec;

enum { CT_CG_V1 = 1, CT_CG_HYBRID, CT_CG_V2 };

#define CT_CG_NV1 8

struct ct_cgroup {
	int mode;
	char *path;			/* relative to each hierarchy's root */
	char *v2;			/* unified dir (v2, or hybrid's), or NULL */
	char *v1[CT_CG_NV1];		/* v1 dirs, NULL where not mounted */
	int rootless;			/* set after init: a tree this caller may not
					 * write is skipped when no limit is asked
					 * (then path and every dir are NULL) */
};

/* "v1", "hybrid", "v2"; or NULL if no cgroup file system is mounted. */
int ct_cgroup_mode(void);
const char *ct_cgroup_mode_name(int mode);
/* The path used for container id: linux.cgroupsPath, else /ct-spawn/ID. */
char *ct_cgroup_path_for(const struct oci_spec *s, const char *id);

/* Fill cg for path without touching the file system. */
int ct_cgroup_init(struct ct_cgroup *cg, const char *path, struct ct_err *e);
/* mkdir every directory (parents too) and apply limits and device rules.
 * With cg->rootless: no device rules (a user namespace cannot mknod), and
 * a permission error skips the cgroup unless the spec asks for limits (a
 * clear error then). */
int ct_cgroup_create(struct ct_cgroup *cg, const struct oci_spec *s, struct ct_err *e);
int ct_cgroup_add(const struct ct_cgroup *cg, pid_t pid, struct ct_err *e);
/* How many OOM kills the memory controller counted (0 if unknown). */
long ct_cgroup_oom_kills(const struct ct_cgroup *cg);
int ct_cgroup_freeze(const struct ct_cgroup *cg, int frozen, struct ct_err *e);
/* 1 frozen, 0 not, -1 unknown */
int ct_cgroup_frozen(const struct ct_cgroup *cg);
/* The pids in the container's cgroup (malloc'd array). */
int ct_cgroup_pids(const struct ct_cgroup *cg, pid_t **pids, size_t *n, struct ct_err *e);
/* Signal every process in the cgroup; returns how many were signalled. */
int ct_cgroup_kill(const struct ct_cgroup *cg, int sig);
/* Kill what is left, wait for it to go, rmdir every directory. */
int ct_cgroup_destroy(struct ct_cgroup *cg, struct ct_err *e);
/* The dir of a v1 controller ("memory", "pids"...) or the unified one. */
const char *ct_cgroup_dir(const struct ct_cgroup *cg, const char *ctrl);
void ct_cgroup_free(struct ct_cgroup *cg);
/* "memory", "cpu"... for cg->v1[i] */
const char *ct_cgroup_v1_name(int i);

/* 1 when the spec's resources ask for any limit (memory, cpu, pids...). */
int ct_cgroup_limits_asked(const struct oci_resources *r, char *what, size_t n);

/* OCI cpu shares (2..262144) -> cgroup v2 cpu.weight (1..10000). */
unsigned long ct_cgroup_shares_to_weight(unsigned long shares);

#endif
