/* ct-spawn's verbs share these: the global options and error exit. */
#ifndef CT_SPAWN_CLI_H
#define CT_SPAWN_CLI_H

#include <jansson.h>
#include <stdnoreturn.h>

struct ct_err;

struct g_opts {
	const char *root;	/* --root: state of runc-style containers */
	const char *log;	/* --log FILE */
	int log_json;		/* --log-format json */
	int systemd_cgroup;
	char **argv;		/* the whole command line, for the sealed re-exec */
	int rootless;		/* --rootless (auto: not root, or in a user
				 * namespace): cgroup permission errors skip
				 * the cgroup when no limit is asked */
};

/* Report e on stderr and, with --log, in the log file; exit 1. */
noreturn void cli_fail(const struct g_opts *g, const struct ct_err *e);
/* The same, exiting with code (127/126 for a command that cannot run). */
noreturn void cli_fail_code(const struct g_opts *g, const struct ct_err *e, int code);
void cli_log(const struct g_opts *g, const char *level, const char *msg);
/* A poststart/poststop hook's failure: a warning on stderr and in --log
 * (arg: the g_opts). */
void cli_hook_warn(const struct ct_err *e, void *arg);
/* run.c: the spec's poststop hooks, for a container that is gone (status
 * stopped); failures are warnings */
struct oci_hooks;
void run_poststop(const struct g_opts *g, const struct oci_hooks *h, const char *id,
		  const char *bundle, const char *rootfs, const char *created,
		  const json_t *annotations);

int verb_run(const struct g_opts *g, int argc, char **argv, int create);
int verb_start(const struct g_opts *g, int argc, char **argv);
int verb_state(const struct g_opts *g, int argc, char **argv);
int verb_kill(const struct g_opts *g, int argc, char **argv);
int verb_stop(const struct g_opts *g, int argc, char **argv);
int verb_delete(const struct g_opts *g, int argc, char **argv);
int verb_list(const struct g_opts *g, int argc, char **argv);
int verb_ps(const struct g_opts *g, int argc, char **argv);
int verb_pause(const struct g_opts *g, int argc, char **argv, int pause);
int verb_exec(const struct g_opts *g, int argc, char **argv);
int verb_features(const struct g_opts *g, int argc, char **argv);
int verb_spec(const struct g_opts *g, int argc, char **argv);
int verb_attach(const struct g_opts *g, int argc, char **argv);
/* attach.c: connect to ROOT/ID/attach.sock; relay this terminal or stdio
 * until the container ends (its status) or ctrl-p ctrl-q (0) */
int attach_connect(const struct g_opts *g, const char *id, struct ct_err *e);
int attach_relay(const char *id, int sock, int use_stdin);
int verb_init(int argc, char **argv);
int ct_spawn_main(int argc, char **argv);

#endif
