/* The detached supervisor of `ct-spawn run -d` (see supervise.c). */
#ifndef CT_SPAWN_SUPERVISE_H
#define CT_SPAWN_SUPERVISE_H

#include "cli.h"
#include <sys/types.h>

struct ct_err;
struct ct_cgroup;
struct oci_spec;

enum { SUP_NO, SUP_ALWAYS, SUP_UNLESS_STOPPED, SUP_ON_FAILURE };

struct sup_policy {
	int kind;
	int max;	/* on-failure:N (0: no limit) */
};

struct sup_job {
	const struct g_opts *g;
	const char *id, *bundle, *created;
	const struct oci_spec *spec;
	struct ct_cgroup *cg;
	struct sup_policy policy;
	const char *policy_text;
	const char *log_path;
	const char *state_ini_dir;
	int rm;
	int init;
	int restarts;
	long ooms;
	int oom_killed;		/* the last run ended by the OOM killer */
	pid_t pid;		/* out: the first container pid */
	int exit_code;		/* out: on failure, 1 or 126/127 */
};

int sup_parse_restart(const char *s, struct sup_policy *p, struct ct_err *e);
int sup_should_restart(const struct sup_policy *p, int code, int restarts, int stopped);
/* Returns in the caller once the container runs (0) or failed (-1). */
int sup_start(struct sup_job *j, struct ct_err *e);

#endif
