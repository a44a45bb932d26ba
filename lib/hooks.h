/* hooks: running a container's OCI hooks (runtime-spec config.md "POSIX
 * platform hooks", runtime.md "Lifecycle"). Each hook is executed directly
 * (no shell) with its args and env, the container's state JSON on its
 * stdin, its stdout and stderr captured (their tail goes into the error or
 * warning), and killed with its process group after its timeout.
 *
 * Where they run: prestart, createRuntime, poststart and poststop in the
 * runtime's namespaces (ct-spawn itself); createContainer in the child,
 * in the container's namespaces before pivot_root; startContainer in the
 * child after pivot_root, just before the process is exec'd (lib/spawn.c).
 * A failure of the first four stops the container; poststart and poststop
 * failures are warnings only. */
#ifndef CT_HOOKS_H
#define CT_HOOKS_H

#include <jansson.h>
#include <sys/types.h>

struct ct_err;
struct oci_hooks;

/* The state JSON a hook reads (compact, malloc'd): ociVersion, id, status,
 * pid (0: left out), bundle, rootfs, created (NULL: left out), annotations. */
char *ct_hook_state(const char *id, const char *status, pid_t pid, const char *bundle,
		    const char *rootfs, const char *created, const json_t *annotations);

/* Run every hook of kind (OCI_HOOK_*) in order, stopping at the first that
 * fails (exit status not 0, killed, over its timeout, not executable): -1
 * with e naming the kind, the path and what happened. dir: the hooks'
 * working directory (NULL: the current one). */
int ct_hooks_run(const struct oci_hooks *h, int kind, const char *state, const char *dir,
		 struct ct_err *e);

/* The same for poststart and poststop: every hook runs, each failure goes
 * to report(e, arg); returns the number that failed. */
int ct_hooks_run_warn(const struct oci_hooks *h, int kind, const char *state, const char *dir,
		      void (*report)(const struct ct_err *, void *), void *arg);

/* 1 when there is at least one hook of that kind */
int ct_hooks_has(const struct oci_hooks *h, int kind);

#endif
