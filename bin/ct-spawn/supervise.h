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

/* Health check from the annotations ct-mount writes (org.ct.health.*) */
struct sup_health {
	int on;
	char **args;			/* the test as argv (CMD-SHELL: sh -c) */
	long long interval, timeout, start_period;	/* ns */
	int retries;
	/* state */
	const char *status;		/* starting, healthy, unhealthy */
	int streak;
	char log[256];
};

#define SUP_MAX_CLIENTS 8

/* Attach protocol on ROOT/ID/attach.sock (SOCK_SEQPACKET), one message a
 * packet, the first byte its kind. Client to supervisor: 'i' + bytes for
 * the container's stdin (or pty), 'c' its stdin ended (closes the
 * container's stdin pipe when run --attach started it), 'w' + "ROWS COLS"
 * a window size.
 * Supervisor to client: 'o' / 'e' + output (stdout, or the pty / stderr),
 * 'x' + decimal exit status when the container ends. */
#define SUP_ATTACH_SOCK "attach.sock"

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
	int interactive;	/* -i: a stdin pipe that attach writes to */
	const char *on_exit;	/* run --on-exit CMD: sh -c CMD once it is over */
	int attach;		/* run --attach: the caller attaches before the start */
	int attach_fd;		/* out: the caller's attach connection */
	struct sup_health hc;
	int lsock;		/* the attach socket, or -1 */
	int clients[SUP_MAX_CLIENTS];
	int nclients;
	/* what state.ini says now */
	const char *status;
	pid_t cur_pid;
	int cur_code;
	char *started, *finished;
	int restarts;
	long ooms;
	int oom_killed;		/* the last run ended by the OOM killer */
	pid_t pid;		/* out: the first container pid */
	int exit_code;		/* out: on failure, 1 or 126/127 */
};

int sup_parse_restart(const char *s, struct sup_policy *p, struct ct_err *e);
/* The health check from the spec's annotations; 0, or -1 when malformed. */
int sup_parse_health(const struct oci_spec *s, struct sup_health *h, struct ct_err *e);
int sup_should_restart(const struct sup_policy *p, int code, int restarts, int stopped);
/* Returns in the caller once the container runs (0) or failed (-1). */
int sup_start(struct sup_job *j, struct ct_err *e);

#endif
