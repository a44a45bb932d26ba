/* spawn: starting a container's process (or an exec'd one) from a parsed
 * spec: clone with the spec's namespaces, user-namespace maps and cgroup
 * placement done by the parent, the child building its root and then
 * becoming the process (rlimits, cwd, umask, identity, capabilities,
 * no_new_privs, seccomp, fds closed) and exec'ing it.
 *
 * Parent and child talk over a SOCK_SEQPACKET pair: the parent sends "go"
 * once the maps and cgroup are in place (followed by the state JSON the
 * hooks read when the spec has creation hooks); the child answers with
 *   'E' text   an error (it then exits 1),
 *   'T' + fd   the pty master (a terminal without --console-socket),
 *   'R'        ready, waiting on the exec fifo (create),
 *   'H'        mounts made, before pivot_root: the parent runs the
 *              prestart and createRuntime hooks and answers 'h',
 * or closes its end by exec'ing (the socket is close-on-exec). */
#ifndef CT_SPAWN_H
#define CT_SPAWN_H

#include <sys/types.h>

struct ct_err;
struct ct_cgroup;
struct oci_spec;
struct oci_process;

enum { CT_SPAWN_RUN, CT_SPAWN_CREATE, CT_SPAWN_EXEC };

struct ct_spawn {
	int mode;
	const char *id;
	const struct oci_spec *spec;
	const struct oci_process *proc;	/* the process to run (spec's or exec's) */
	const char *exec_fifo;		/* create: the fifo start opens */
	const char *console_socket;	/* terminal: send the pty master there */
	int preserve_fds;		/* fds 3..3+n-1 stay open */
	pid_t join_pid;			/* exec: the container's init */
	const struct ct_cgroup *cg;	/* placed into this before "go" */
	int no_pdeathsig;		/* detached runs: survive the caller */
	int init;			/* run a copy of ct-spawn as PID 1 (--init) */
	/* results */
	pid_t pid;
	int master;			/* pty master for the caller, or -1 */
	int console_fd;			/* connected console socket (internal) */
	int unprivileged;		/* the caller is not root (internal) */
	int userns_joined;		/* exec: the parent joined the user
					 * namespace already (internal) */
	int exit_code;			/* on failure: 1, or 127 (command not
					 * found) / 126 (not runnable), as Docker */
	int cloned;			/* the container's namespaces were made
					 * (its poststop hooks are due), even
					 * when it failed later */
};

int ct_spawn_start(struct ct_spawn *sp, struct ct_err *e);

/* Find cmd as Docker (Go's exec.LookPath) does, in path_env (NULL: the
 * default PATH). Returns 0 with the file in out, else 127 (not found) or
 * 126 (a directory or not executable) with Docker's message in msg:
 * exec: "nosuch": executable file not found in $PATH */
int ct_lookpath(const char *cmd, const char *path_env, char *out, size_t n,
		char *msg, size_t mn);
/* execve's errno -> 127 (ENOENT and kin) or 126 */
int ct_exec_errno_status(int err);

/* wait status -> shell-style exit status (signal n -> 128+n) */
int ct_exit_status(int wstatus);

/* CVE-2019-5736: unless this program already runs from a sealed memfd,
 * copy /proc/self/exe into one, seal it, and re-exec from it, so nothing
 * in a container can ever open the runtime's binary for writing. Returns
 * only when already sealed (or -1 with e set when that is impossible). */
int ct_reexec_sealed(char **argv, struct ct_err *e);

#endif
