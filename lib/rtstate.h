/* rtstate: what ct-spawn remembers about a container between runc-style
 * verbs: ROOT/ID/state.json (ROOT is --root, default /run/ct-spawn), plus
 * ROOT/ID/exec.fifo while it is created but not started. Status is derived
 * each time: fifo present -> created; init alive (same start time) ->
 * running or paused (freezer); else stopped. The per-container state.ini
 * that ct's other tools read is written by ct_rt_write_ini(). */
#ifndef CT_RTSTATE_H
#define CT_RTSTATE_H

#include <jansson.h>
#include <sys/types.h>

struct ct_err;

#define CT_RT_DEFAULT_ROOT "/run/ct-spawn"

struct ct_rtstate {
	char *id;
	char *bundle;
	char *rootfs;
	char *cgroup;		/* cgroup path */
	char *created;		/* RFC 3339 */
	pid_t pid;
	unsigned long long start;	/* /proc/PID/stat starttime */
	json_t *annotations;	/* owned, may be NULL */
	json_t *hooks;		/* config.json's hooks, kept for start
				 * (poststart) and delete (poststop); owned,
				 * may be NULL */
};

/* [A-Za-z0-9][A-Za-z0-9_.+-]*, at most 128 bytes */
int ct_rt_valid_id(const char *id, struct ct_err *e);
char *ct_rt_dir(const char *root, const char *id);
/* /proc/PID/stat field 22, or 0 when the process is gone */
unsigned long long ct_proc_starttime(pid_t pid);
int ct_rt_save(const char *root, const struct ct_rtstate *st, struct ct_err *e);
int ct_rt_load(const char *root, const char *id, struct ct_rtstate *st, struct ct_err *e);
void ct_rt_free(struct ct_rtstate *st);
/* 1 when the recorded init is still that process */
int ct_rt_alive(const struct ct_rtstate *st);
/* "created", "running", "paused" or "stopped" */
const char *ct_rt_status(const char *root, const struct ct_rtstate *st);
/* The OCI state JSON object. */
json_t *ct_rt_oci_state(const char *root, const struct ct_rtstate *st);
/* Every id under root (malloc'd NULL-terminated array). */
char **ct_rt_list(const char *root);
/* now, RFC 3339 UTC with nanoseconds */
char *ct_rt_now(void);
/* BUNDLE/state.ini for ct's other tools: [state] status, pid, exit_code,
 * started, finished, oom_killed (1: the kernel's OOM killer ended it). */
int ct_rt_write_ini(const char *bundle, const char *status, pid_t pid, int exit_code,
		    const char *started, const char *finished, int oom_killed,
		    struct ct_err *e);
/* From now on, write state.ini without fsync: the container is a
 * throw-away one (--rm) whose state goes with it. */
void ct_rt_set_volatile(int on);
int ct_rt_volatile(void);

#endif
