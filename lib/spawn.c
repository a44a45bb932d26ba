#include "spawn.h"
#include "buf.h"
#include "caps.h"
#include "cgroup.h"
#include "err.h"
#include "file.h"
#include "hooks.h"
#include "ocispec.h"
#include "pty.h"
#include "rootfs.h"
#include "say.h"
#include "secprofile.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

int ct_exit_status(int ws)
{
	if (WIFEXITED(ws))
		return WEXITSTATUS(ws);
	if (WIFSIGNALED(ws))
		return 128 + WTERMSIG(ws);
	return 1;
}

/* ---- the child ------------------------------------------------------------ */

/* The failure goes to the parent as 'E', the exit status the caller should
 * end with (1, or 126/127 for a command that cannot be run), the text.
 * After start, sock is the exec fifo that `start` reads to its end. */
static noreturn void child_fail_code(int sock, const struct ct_err *e, int code)
{
	struct ct_buf b = CT_BUF_INIT;

	ct_buf_putc(&b, 'E');
	ct_buf_putc(&b, (char)code);
	ct_buf_puts(&b, e->msg);
	if (sock < 0 || send(sock, b.data, b.len, MSG_NOSIGNAL) < 0) {
		if (sock >= 0 && errno == ENOTSOCK) {
			signal(SIGPIPE, SIG_IGN);
			if (write(sock, b.data, b.len) < 0) {
				/* start is gone: stderr only */
			}
		}
		fprintf(stderr, "%s: %s\n", ct_prog(), e->msg);
	}
	_exit(code);
}

static noreturn void child_fail(int sock, const struct ct_err *e)
{
	child_fail_code(sock, e, CT_EXIT_FAIL);
}

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* A runnable file: a regular file with an execute bit (0), a directory or
 * a file without one (EACCES), or stat's errno. */
static int runnable(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return errno;
	if (S_ISDIR(st.st_mode) || !(st.st_mode & 0111))
		return EACCES;
	return 0;
}

int ct_lookpath(const char *cmd, const char *path_env, char *out, size_t n,
		char *msg, size_t mn)
{
	const char *p;
	int err;

	if (!*cmd) {
		snprintf(msg, mn, "exec: \"\": executable file not found in $PATH");
		return 127;
	}
	if (strchr(cmd, '/')) {
		err = runnable(cmd);
		if (err == 0) {
			snprintf(out, n, "%s", cmd);
			return 0;
		}
		if (err == EACCES) {
			snprintf(msg, mn, "exec: \"%s\": permission denied", cmd);
			return 126;
		}
		snprintf(msg, mn, "exec: \"%s\": stat %s: %s", cmd, cmd, strerror(err));
		return 127;
	}
	p = path_env ? path_env : DEFAULT_PATH;
	for (;;) {
		size_t l = strcspn(p, ":");

		/* an empty element is the current directory, as in a shell */
		if ((size_t)snprintf(out, n, "%.*s%s%s", (int)l, p, l ? "/" : "./", cmd) < n &&
		    runnable(out) == 0)
			return 0;
		if (!p[l])
			break;
		p += l + 1;
	}
	snprintf(msg, mn, "exec: \"%s\": executable file not found in $PATH", cmd);
	return 127;
}

int ct_exec_errno_status(int err)
{
	return err == ENOENT || err == ENOTDIR || err == ELOOP ? 127 : 126;
}

static int set_rlimits(const struct oci_process *p, struct ct_err *e)
{
	for (size_t i = 0; i < p->nrlimits; i++) {
		struct rlimit rl = { p->rlimits[i].soft, p->rlimits[i].hard }, cur;

		if (setrlimit(p->rlimits[i].resource, &rl) < 0) {
			int err = errno;

			getrlimit(p->rlimits[i].resource, &cur);
			ct_err(e, err, "setrlimit(resource %d, soft %llu, hard %llu)",
			       p->rlimits[i].resource, (unsigned long long)rl.rlim_cur,
			       (unsigned long long)rl.rlim_max);
			if (err == EPERM)
				ct_err_hint(e, "the hard limit here is %llu and raising it needs CAP_SYS_RESOURCE; ask for at most that in config.json",
					    (unsigned long long)cur.rlim_max);
			return -1;
		}
		ct_say2("setrlimit(%d, %llu, %llu)", p->rlimits[i].resource,
			(unsigned long long)rl.rlim_cur, (unsigned long long)rl.rlim_max);
	}
	return 0;
}

static int set_oom(const struct oci_process *p, int unprivileged, struct ct_err *e)
{
	char v[16];
	int fd;

	if (!p->has_oom)
		return 0;
	snprintf(v, sizeof v, "%d", p->oom_score_adj);
	fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || ct_write_all(fd, v, strlen(v)) < 0) {
		ct_err(e, errno, "write %s to /proc/self/oom_score_adj", v);
		if (fd >= 0)
			close(fd);
		if (unprivileged)
			return ct_err_hint(e, "lowering it needs CAP_SYS_RESOURCE in the host's user namespace, which a rootless container never has: ask for a value at least the caller's (cat /proc/self/oom_score_adj) or run as root");
		return ct_err_hint(e, "lowering it needs CAP_SYS_RESOURCE");
	}
	close(fd);
	ct_say("oom_score_adj %s", v);
	return 0;
}

static int set_identity(const struct oci_process *p, int userns_nogroups, struct ct_err *e)
{
	if (p->has_caps && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return ct_err(e, errno, "prctl(PR_SET_KEEPCAPS)");
	if (!userns_nogroups && setgroups(p->ngids, p->gids) < 0)
		return ct_err(e, errno, "setgroups(%zu groups)", p->ngids);
	if (setresgid(p->gid, p->gid, p->gid) < 0)
		return ct_err(e, errno, "setresgid(%u)", (unsigned)p->gid);
	if (setresuid(p->uid, p->uid, p->uid) < 0)
		return ct_err(e, errno, "setresuid(%u)", (unsigned)p->uid);
	if (p->has_caps && prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return ct_err(e, errno, "prctl(PR_SET_KEEPCAPS, 0)");
	ct_say("uid %u gid %u groups %zu", (unsigned)p->uid, (unsigned)p->gid, p->ngids);
	return 0;
}

static int load_seccomp(const struct oci_spec *s, struct ct_err *e)
{
	int n = 0;

	if (ct_seccomp_load(s->seccomp, &n, e) < 0)
		return -1;
	ct_say("seccomp: %d rules loaded (default %s)", n,
	       json_string_value(json_object_get(s->seccomp, "defaultAction")));
	return 0;
}

static int close_fds(int keep_from, struct ct_err *e)
{
	/* CVE-2024-21626 class: no host fd survives exec */
	if (syscall(SYS_close_range, (unsigned)keep_from, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		return ct_err(e, errno, "close_range(%d, ~0, CLOSE_RANGE_CLOEXEC)", keep_from);
	for (int fd = 3; fd < keep_from; fd++) {
		int fl = fcntl(fd, F_GETFD);

		if (fl >= 0)
			fcntl(fd, F_SETFD, fl & ~FD_CLOEXEC);
	}
	ct_say("close-on-exec every fd from %d", keep_from);
	return 0;
}

static int set_env(char *const *env)
{
	clearenv();
	for (char *const *p = env; p && *p; p++)
		if (strchr(*p, '='))
			putenv(*p);
	return 0;
}

/* mkdir -p cwd, root-owned, 0755, one component at a time. This runs after
 * pivot_root (or setns into the container's mount namespace): "/" is the
 * container's root, so ".." stops there, and a symlink met on the way is
 * followed by hand, absolute ones from the container's root, so that its
 * target is made inside the root as well (Docker does the same). */
static int make_cwd(const char *cwd, struct ct_err *e)
{
	char todo[PATH_MAX], tmp[PATH_MAX], comp[NAME_MAX + 1], *p = todo;
	int fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC), links = 0;

	if (fd < 0)
		return ct_err(e, errno, "open / in the container");
	snprintf(todo, sizeof todo, "%s", cwd);
	for (;;) {
		struct stat st;
		size_t l;
		int nfd;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		l = strcspn(p, "/");
		if (l > NAME_MAX) {
			ct_err(e, ENAMETOOLONG, "process.cwd %s", cwd);
			goto fail;
		}
		memcpy(comp, p, l);
		comp[l] = 0;
		p += l;
		if (strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") != 0 && mkdirat(fd, comp, 0755) == 0) {
			if (fchmodat(fd, comp, 0755, 0) < 0) {	/* whatever the umask */
				ct_err(e, errno, "chmod 0755 %s in %s (process.cwd)", comp, cwd);
				goto fail;
			}
			ct_say("mkdir %s (in process.cwd %s)", comp, cwd);
		} else if (errno != EEXIST && strcmp(comp, "..") != 0) {
			ct_err(e, errno, "mkdir %s in %s (process.cwd) inside the container", comp, cwd);
			goto fail;
		}
		if (fstatat(fd, comp, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			ct_err(e, errno, "stat %s in %s (process.cwd) inside the container", comp, cwd);
			goto fail;
		}
		if (S_ISLNK(st.st_mode)) {
			char target[PATH_MAX];
			ssize_t n = readlinkat(fd, comp, target, sizeof target - 1);

			if (n < 0 || ++links > 40) {
				ct_err(e, n < 0 ? errno : ELOOP, "follow %s in %s (process.cwd)", comp, cwd);
				goto fail;
			}
			target[n] = 0;
			if ((size_t)snprintf(tmp, sizeof tmp, "%s/%s", target, p) >= sizeof tmp) {
				ct_err(e, ENAMETOOLONG, "process.cwd %s", cwd);
				goto fail;
			}
			memcpy(todo, tmp, sizeof todo);
			p = todo;
			if (target[0] == '/') {
				close(fd);
				if ((fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
					return ct_err(e, errno, "open / in the container");
			}
			continue;
		}
		nfd = openat(fd, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (nfd < 0) {
			ct_err(e, errno, "open %s in %s (process.cwd) inside the container", comp, cwd);
			goto fail;
		}
		close(fd);
		fd = nfd;
	}
	close(fd);
	return 0;
fail:
	close(fd);
	return -1;
}

/* "deny" in /proc/self/setgroups: setgroups(2) fails with EPERM here */
static int setgroups_denied(void)
{
	char b[16] = "";
	int fd = open("/proc/self/setgroups", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, b, sizeof b - 1);

	if (fd >= 0)
		close(fd);
	return n > 0 && strncmp(b, "deny", 4) == 0;
}

/* Become the process: everything after the root is in place. */
static int finalize(const struct ct_spawn *sp, int userns, struct ct_err *e)
{
	const struct oci_process *p = sp->proc;
	const struct oci_spec *s = sp->spec;
	int nogroups = 0;

	if (set_rlimits(p, e) < 0 || set_oom(p, sp->unprivileged, e) < 0)
		return -1;
	if (chdir(p->cwd) < 0) {
		if (errno != ENOENT || sp->mode == CT_SPAWN_EXEC)
			return ct_err(e, errno, "chdir %s (process.cwd) inside the container", p->cwd);
		/* as Docker: a missing working directory is made */
		if (make_cwd(p->cwd, e) < 0)
			return -1;
		if (chdir(p->cwd) < 0)
			return ct_err(e, errno, "chdir %s (process.cwd) inside the container", p->cwd);
	}
	ct_say("chdir %s", p->cwd);
	if (p->has_umask)
		umask(p->umask);
	if (close_fds(3 + sp->preserve_fds, e) < 0)
		return -1;
	if (s->seccomp && !p->nnp && load_seccomp(s, e) < 0)
		return -1;
	if (p->has_caps && ct_caps_set_bounding(p->caps[OCI_CAP_BOUNDING], e) < 0)
		return -1;
	if (userns && setgroups_denied()) {
		/* a single-id map written without helpers */
		if (p->ngids)
			return ct_err(e, 0, "process.user.additionalGids (%zu groups) cannot be set: this user namespace denies setgroups (its gid map was written without newgidmap)",
				      p->ngids);
		nogroups = 1;
	}
	if (set_identity(p, nogroups, e) < 0)
		return -1;
	if (p->has_caps) {
		if (ct_verbose()) {
			char *d = ct_caps_describe(p->caps[OCI_CAP_EFFECTIVE]);

			ct_say("capabilities: effective %s", d);
			free(d);
		}
		if (ct_caps_apply(p, e) < 0)
			return -1;
	}
	if (p->nnp) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			return ct_err(e, errno, "prctl(PR_SET_NO_NEW_PRIVS)");
		ct_say("no_new_privs");
	}
	/* with no_new_privs, seccomp comes last, just before execve (after
	 * the startContainer hooks, as runc) */
	set_env(p->env);
	return 0;
}

static int setns_path(const char *path, int type, struct ct_err *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return ct_err(e, errno, "open %s namespace %s", oci_ns_name(type), path);
	if (setns(fd, type) < 0) {
		close(fd);
		return ct_err(e, errno, "setns %s (%s namespace)", path, oci_ns_name(type));
	}
	close(fd);
	ct_say("setns %s (%s)", path, oci_ns_name(type));
	return 0;
}

static int mapped(const struct oci_idmap *m, size_t n, uint32_t id)
{
	for (size_t i = 0; i < n; i++)
		if (id >= m[i].ctr && id - m[i].ctr < m[i].size)
			return 1;
	return 0;
}

static int setup_terminal(struct ct_spawn *sp, int sock, struct ct_err *e)
{
	char name[64];
	int m, s;

	if (ct_pty_open(&m, &s, name, sizeof name, e) < 0)
		return -1;
	ct_say("pty %s", name);
	if (mount(name, "/dev/console", NULL, MS_BIND, NULL) < 0 && errno != ENOENT) {
		close(m);
		close(s);
		return ct_err(e, errno, "mount --bind %s /dev/console", name);
	}
	if (sp->console_fd >= 0) {
		int r = ct_send_fd(sp->console_fd, m, "pty", e);

		close(sp->console_fd);
		if (r < 0)
			goto fail;
		ct_say("pty master sent to %s", sp->console_socket);
	} else {
		if (ct_send_fd(sock, m, "T", e) < 0)
			goto fail;
	}
	close(m);
	if (ct_pty_make_ctty(s, e) < 0) {
		close(s);
		return -1;
	}
	if (s > 2)
		close(s);
	return 0;
fail:
	close(m);
	close(s);
	return -1;
}

/* --init: the container gets its own copy of this (sealed) binary on its
 * /dev tmpfs; nothing of the host's is mounted in. */
#define INIT_PATH "/dev/.ct-init"
static int copy_init(struct ct_err *e)
{
	int in = open("/proc/self/exe", O_RDONLY | O_CLOEXEC), out;
	struct stat st;
	off_t off = 0;

	if (in < 0 || fstat(in, &st) < 0)
		return ct_err(e, errno, "open /proc/self/exe");
	out = open(INIT_PATH, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0555);
	if (out < 0) {
		close(in);
		return ct_err(e, errno, "create %s (--init needs /dev as a tmpfs)", INIT_PATH);
	}
	while (off < st.st_size)
		if (sendfile(out, in, &off, (size_t)(st.st_size - off)) <= 0) {
			ct_err(e, errno, "copy ct-spawn to %s", INIT_PATH);
			close(in);
			close(out);
			return -1;
		}
	close(in);
	close(out);
	ct_say("init: %s (a copy of ct-spawn)", INIT_PATH);
	return 0;
}

/* The container's process starts with no signal blocked and every signal
 * at its default action, whatever the caller (a supervisor that blocks
 * SIGCHLD and ignores SIGPIPE, a shell) had: an ignored signal or a mask
 * would pass through execve, and `sh -c 'sleep 1 & wait'` would hang. */
static void reset_signals(void)
{
	/* the kernel's struct sigaction, so that the signals the libc keeps
	 * for itself (32-34, which signal() refuses) are reset too */
	struct { void *handler; unsigned long flags; void *restorer; unsigned long mask; }
		dfl = { 0 };	/* SIG_DFL, no flags, empty mask */
	sigset_t none;

	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof dfl.mask);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* hooks that run while the container is being made (the parent's
 * prestart/createRuntime, the child's createContainer/startContainer) */
static int creation_hooks(const struct ct_spawn *sp)
{
	const struct oci_hooks *h = &sp->spec->hooks;

	return sp->mode != CT_SPAWN_EXEC &&
	       (ct_hooks_has(h, OCI_HOOK_PRESTART) || ct_hooks_has(h, OCI_HOOK_CREATE_RUNTIME) ||
		ct_hooks_has(h, OCI_HOOK_CREATE_CONTAINER) ||
		ct_hooks_has(h, OCI_HOOK_START_CONTAINER));
}

/* the parent's "go", with the state JSON for the hooks after the 'g' */
static char *child_read_go(const struct ct_spawn *sp, int sock)
{
	char go, *buf;
	ssize_t n;

	if (!creation_hooks(sp))
		return read(sock, &go, 1) == 1 ? (char *)"" : NULL;
	n = recv(sock, &go, 1, MSG_PEEK | MSG_TRUNC);
	if (n < 1)
		return NULL;
	buf = ct_xmalloc((size_t)n + 1);
	if (recv(sock, buf, (size_t)n, 0) != n) {
		free(buf);
		return NULL;
	}
	buf[n] = 0;
	return buf + 1;	/* kept until exec */
}

/* startContainer: inside the container, just before execve; the state
 * says "created" (start was asked for, the process not yet running) */
static int start_container_hooks(const struct ct_spawn *sp, const char *state, struct ct_err *e)
{
	json_error_t je;
	json_t *j;
	char *st;
	int r;

	if (!ct_hooks_has(&sp->spec->hooks, OCI_HOOK_START_CONTAINER))
		return 0;
	j = json_loads(state, 0, &je);
	if (j)
		json_object_set_new(j, "status", json_string("created"));
	st = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	r = ct_hooks_run(&sp->spec->hooks, OCI_HOOK_START_CONTAINER, st ? st : state, NULL, e);
	free(st);
	return r;
}

static noreturn void child_main(struct ct_spawn *sp, int sock, int fifofd, int *nsfds)
{
	const struct oci_spec *s = sp->spec;
	const struct oci_ns *ns;
	struct ct_err e = { 0 };
	struct ct_rootfs_opts ro = { .rootfd = -1 };
	int userns = 0, oldroot = -1;
	char *state, cmd[PATH_MAX];

	if (!sp->no_pdeathsig)
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	/* not dumpable while it holds host fds (its root and cwd are the
	 * host's); but a non-root caller (and newuidmap, which checks who owns
	 * /proc/PID) must still be able to write a new container's maps: the
	 * parent made itself dumpable before clone for that. exec writes no
	 * maps, and is born in the container's pid namespace, in reach of
	 * its processes: it stays undumpable until it is inside. */
	if (!sp->unprivileged || sp->mode == CT_SPAWN_EXEC)
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	/* with the host's credentials still: a bundle only root can reach */
	ro.rootfd = sp->mode == CT_SPAWN_EXEC ? -1 :
		    open(s->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (!(state = child_read_go(sp, sock)))
		_exit(CT_EXIT_FAIL);	/* the parent is gone */
	if (sp->mode != CT_SPAWN_EXEC)
		prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);

	if (sp->mode == CT_SPAWN_EXEC) {
		/* user first: the others belong to it */
		static const int order[] = { CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWNET,
					     CLONE_NEWIPC, CLONE_NEWUTS, CLONE_NEWCGROUP };

		userns = sp->userns_joined;
		for (int i = 0; i < 6; i++) {
			if (nsfds[i] < 0)
				continue;
			if (setns(nsfds[i], order[i]) < 0) {
				ct_err(&e, errno, "setns(%s namespace of pid %d)",
				       oci_ns_name(order[i]), (int)sp->join_pid);
				child_fail(sock, &e);
			}
			ct_say("setns %s of pid %d", oci_ns_name(order[i]), (int)sp->join_pid);
			close(nsfds[i]);
			if (order[i] == CLONE_NEWUSER)
				userns = 1;
		}
		/* the container's root and cwd now (mount namespace joined) */
		prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
		if (userns && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)) {
			ct_err(&e, errno, "become root in the container's user namespace");
			child_fail(sock, &e);
		}
		if (sp->proc->terminal && setup_terminal(sp, sock, &e) < 0)
			child_fail(sock, &e);
		goto become;
	}

	ns = oci_spec_ns(s, CLONE_NEWUSER);
	if (ns && ns->path && setns_path(ns->path, CLONE_NEWUSER, &e) < 0)
		child_fail(sock, &e);
	if (ns) {
		userns = 1;
		if (mapped(s->gidmap, s->ngidmap, 0) && setresgid(0, 0, 0) < 0) {
			ct_err(&e, errno, "setresgid(0) in the user namespace");
			child_fail(sock, &e);
		}
		if (mapped(s->uidmap, s->nuidmap, 0) && setresuid(0, 0, 0) < 0) {
			ct_err(&e, errno, "setresuid(0) in the user namespace");
			child_fail(sock, &e);
		}
	}
	ns = oci_spec_ns(s, CLONE_NEWNS);
	if (ns && ns->path && setns_path(ns->path, CLONE_NEWNS, &e) < 0)
		child_fail(sock, &e);
	ns = oci_spec_ns(s, CLONE_NEWCGROUP);
	if (ns && ns->path && setns_path(ns->path, CLONE_NEWCGROUP, &e) < 0)
		child_fail(sock, &e);
	if (ns && !ns->path) {
		/* after the parent moved us into our cgroup: it becomes the root */
		if (unshare(CLONE_NEWCGROUP) < 0) {
			ct_err(&e, errno, "unshare(CLONE_NEWCGROUP)");
			child_fail(sock, &e);
		}
		ct_say("unshare(CLONE_NEWCGROUP)");
	}
	if (s->hostname && *s->hostname) {
		if (!oci_spec_ns(s, CLONE_NEWUTS)) {
			ct_err(&e, 0, "config.json sets hostname but has no uts namespace");
			child_fail(sock, &e);
		}
		if (sethostname(s->hostname, strlen(s->hostname)) < 0) {
			ct_err(&e, errno, "sethostname %s", s->hostname);
			child_fail(sock, &e);
		}
		ct_say("sethostname %s", s->hostname);
	}
	if (s->domainname && *s->domainname &&
	    setdomainname(s->domainname, strlen(s->domainname)) < 0) {
		ct_err(&e, errno, "setdomainname %s", s->domainname);
		child_fail(sock, &e);
	}
	ro.userns = userns;
	ro.cg = sp->cg;
	if (ct_rootfs_prepare(s, &ro, &e) < 0)
		child_fail(sock, &e);
	if (ct_hooks_has(&s->hooks, OCI_HOOK_PRESTART) ||
	    ct_hooks_has(&s->hooks, OCI_HOOK_CREATE_RUNTIME)) {
		/* the namespaces and mounts are made: the parent runs the
		 * prestart and createRuntime hooks now, before pivot_root */
		char ok;

		if (send(sock, "H", 1, MSG_NOSIGNAL) != 1 || read(sock, &ok, 1) != 1 || ok != 'h')
			_exit(CT_EXIT_FAIL);	/* a hook failed: the parent kills us */
	}
	/* in the container's namespaces, the root mounted, the host's paths
	 * still in reach */
	if (ct_hooks_run(&s->hooks, OCI_HOOK_CREATE_CONTAINER, state, s->bundle, &e) < 0)
		child_fail(sock, &e);
	if (ct_rootfs_pivot(s, &ro, &oldroot, &e) < 0 ||
	    ct_rootfs_finish(s, &ro, &e) < 0 || ct_rootfs_detach_old(oldroot, &e) < 0)
		child_fail(sock, &e);
	if (sp->init && copy_init(&e) < 0)
		child_fail(sock, &e);
	if (sp->proc->terminal && setup_terminal(sp, sock, &e) < 0)
		child_fail(sock, &e);
become:
	if (finalize(sp, userns, &e) < 0)
		child_fail(sock, &e);
	{
		/* as Docker: not found 127, not runnable 126, before any start */
		int code = ct_lookpath(sp->proc->args[0], getenv("PATH"), cmd, sizeof cmd,
				       e.msg, sizeof e.msg);

		if (code) {
			e.errnum = 0;
			child_fail_code(sock, &e, code);
		}
	}
	if (sp->mode == CT_SPAWN_CREATE) {
		char path[64];
		int fd;

		if (send(sock, "R", 1, MSG_NOSIGNAL) < 0)
			_exit(CT_EXIT_FAIL);
		close(sock);
		snprintf(path, sizeof path, "/proc/self/fd/%d", fifofd);
		fd = open(path, O_WRONLY | O_CLOEXEC);	/* blocks until start */
		if (fd < 0 || write(fd, "0", 1) != 1) {
			ct_err(&e, errno, "open the exec fifo");
			child_fail(-1, &e);
		}
		close(fifofd);
		/* kept open until execve closes it: start reads the fifo to its
		 * end, and so returns once the command runs (after the
		 * startContainer hooks), or with the error that stopped it */
		sock = fd;
	}
	if (sp->mode != CT_SPAWN_EXEC && start_container_hooks(sp, state, &e) < 0)
		child_fail(sock, &e);
	if (s->seccomp && sp->proc->nnp && load_seccomp(s, &e) < 0)
		child_fail(sock, &e);
	reset_signals();
	if (sp->init) {
		size_t n = 0;
		char **argv;

		while (sp->proc->args[n])
			n++;
		argv = ct_xcalloc(n + 3, sizeof *argv);
		argv[0] = (char *)"ct-spawn";
		argv[1] = (char *)"init";
		memcpy(argv + 2, sp->proc->args, n * sizeof *argv);
		ct_say("exec %s init %s", INIT_PATH, sp->proc->args[0]);
		execv(INIT_PATH, argv);
		ct_err(&e, errno, "exec %s", INIT_PATH);
		child_fail(sock, &e);
	}
	ct_say("exec %s (%s)", sp->proc->args[0], cmd);
	execv(cmd, sp->proc->args);
	{
		int err = errno;

		/* the file is there: its interpreter or format is the problem */
		ct_err(&e, 0, "exec: \"%s\": %s", sp->proc->args[0], strerror(err));
		if (err == ENOENT)
			ct_err_hint(&e, "%s exists; its interpreter (#! line) or dynamic loader is missing in the container", cmd);
		child_fail_code(sock, &e, ct_exec_errno_status(err));
	}
}

/* ---- the parent ----------------------------------------------------------- */

static int write_map(pid_t pid, const char *file, const struct oci_idmap *m, size_t n,
		     struct ct_err *e)
{
	struct ct_buf b = CT_BUF_INIT;
	char *p = ct_xasprintf("/proc/%d/%s", (int)pid, file);
	int fd, r = 0;

	for (size_t i = 0; i < n; i++)
		ct_buf_printf(&b, "%u %u %u\n", m[i].ctr, m[i].host, m[i].size);
	fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || ct_write_all(fd, b.data, b.len) < 0)
		r = ct_err(e, errno, "write %s", p);
	else
		ct_say("%s: %.*s", file, (int)(b.len - 1), b.data);
	if (fd >= 0)
		close(fd);
	free(p);
	ct_buf_free(&b);
	return r;
}

/* The one map an unprivileged caller may write itself: its own id, once. */
static int own_single_map(const struct oci_idmap *m, size_t n, uint32_t own)
{
	return n == 1 && m[0].size == 1 && m[0].host == own;
}

static void map_text(struct ct_buf *b, const struct oci_idmap *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ct_buf_printf(b, "%s%u %u %u", i ? ", " : "", m[i].ctr, m[i].host, m[i].size);
}

/* A non-root caller's other maps: the setuid helper (newuidmap/newgidmap
 * from shadow's uidmap package) checks them against /etc/subuid or
 * /etc/subgid and writes them for us. */
static int helper_map(pid_t pid, const char *helper, const struct oci_idmap *m, size_t n,
		      struct ct_err *e)
{
	const char *sub = strcmp(helper, "newuidmap") == 0 ? "/etc/subuid" : "/etc/subgid";
	const char *kind = strcmp(helper, "newuidmap") == 0 ? "uid" : "gid";
	unsigned own = strcmp(helper, "newuidmap") == 0 ? (unsigned)geteuid() : (unsigned)getegid();
	char path[PATH_MAX], msg[PATH_MAX + 64], **argv;
	struct ct_buf b = CT_BUF_INIT;
	size_t k = 0;
	pid_t h;
	int st;

	map_text(&b, m, n);
	if (ct_lookpath(helper, getenv("PATH"), path, sizeof path, msg, sizeof msg) != 0) {
		ct_err(e, 0, "config.json maps %ss %s, which only root or %s may write; %s is not in $PATH",
		       kind, b.data ? b.data : "", helper, helper);
		ct_buf_free(&b);
		return ct_err_hint(e, "install it (Debian: apt install uidmap) and give your user a range in %s (usermod --add-sub%ss 100000-165535 USER), or map only your own %s: [{\"containerID\": 0, \"hostID\": %u, \"size\": 1}]",
				   sub, kind, kind, own);
	}
	argv = ct_xcalloc(3 * n + 3, sizeof *argv);
	argv[k++] = ct_xstrdup(helper);
	argv[k++] = ct_xasprintf("%d", (int)pid);
	for (size_t i = 0; i < n; i++) {
		argv[k++] = ct_xasprintf("%u", m[i].ctr);
		argv[k++] = ct_xasprintf("%u", m[i].host);
		argv[k++] = ct_xasprintf("%u", m[i].size);
	}
	ct_say("%s %d %s (%s)", helper, (int)pid, b.data ? b.data : "", path);
	h = fork();
	if (h == 0) {
		execv(path, argv);
		fprintf(stderr, "%s: exec %s: %s\n", ct_prog(), path, strerror(errno));
		_exit(127);
	}
	for (size_t i = 0; i < k; i++)
		free(argv[i]);
	free(argv);
	if (h < 0) {
		ct_buf_free(&b);
		return ct_err(e, errno, "fork for %s", helper);
	}
	while (waitpid(h, &st, 0) < 0)
		if (errno != EINTR) {
			ct_buf_free(&b);
			return ct_err(e, errno, "wait for %s", helper);
		}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		ct_err(e, 0, "%s %d %s failed (status %d)", path, (int)pid, b.data ? b.data : "",
		       ct_exit_status(st));
		ct_buf_free(&b);
		return ct_err_hint(e, "%s allows only the ranges %s gives your user (and your own %s); add one (usermod --add-sub%ss 100000-165535 USER) or map only your own %s: [{\"containerID\": 0, \"hostID\": %u, \"size\": 1}]",
				   helper, sub, kind, kind, kind, own);
	}
	ct_buf_free(&b);
	return 0;
}

static int write_setgroups_deny(pid_t pid, struct ct_err *e)
{
	char p[64];
	int fd;

	snprintf(p, sizeof p, "/proc/%d/setgroups", (int)pid);
	fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || ct_write_all(fd, "deny", 4) < 0) {
		ct_err(e, errno, "write deny to %s", p);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	ct_say("setgroups: deny (an unprivileged gid_map needs it: no dropping groups to pass a deny rule)");
	return 0;
}

/* Root writes any map itself; anyone else writes only "0 own-id 1" (after
 * denying setgroups, for gid_map) and leaves the rest to the helpers. */
static int set_maps(pid_t pid, const struct oci_spec *s, struct ct_err *e)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();

	if (uid != 0 && (!s->nuidmap || !s->ngidmap))
		return ct_err(e, 0, "config.json asks for a user namespace but has no %s; a non-root caller must map at least its own id: [{\"containerID\": 0, \"hostID\": %u, \"size\": 1}]",
			      !s->nuidmap ? "linux.uidMappings" : "linux.gidMappings",
			      !s->nuidmap ? (unsigned)uid : (unsigned)gid);
	if (uid == 0)
		return write_map(pid, "uid_map", s->uidmap, s->nuidmap, e) < 0 ||
		       write_map(pid, "gid_map", s->gidmap, s->ngidmap, e) < 0 ? -1 : 0;
	if (own_single_map(s->uidmap, s->nuidmap, uid)) {
		if (write_map(pid, "uid_map", s->uidmap, s->nuidmap, e) < 0)
			return -1;
	} else if (helper_map(pid, "newuidmap", s->uidmap, s->nuidmap, e) < 0) {
		return -1;
	}
	if (own_single_map(s->gidmap, s->ngidmap, gid)) {
		if (write_setgroups_deny(pid, e) < 0 ||
		    write_map(pid, "gid_map", s->gidmap, s->ngidmap, e) < 0)
			return -1;
	} else if (helper_map(pid, "newgidmap", s->gidmap, s->ngidmap, e) < 0) {
		return -1;
	}
	return 0;
}

static const char *flag_names(int flags, char *b, size_t n)
{
	static const struct { int f; const char *s; } fl[] = {
		{ CLONE_NEWNS, "CLONE_NEWNS" }, { CLONE_NEWPID, "CLONE_NEWPID" },
		{ CLONE_NEWUTS, "CLONE_NEWUTS" }, { CLONE_NEWIPC, "CLONE_NEWIPC" },
		{ CLONE_NEWNET, "CLONE_NEWNET" }, { CLONE_NEWUSER, "CLONE_NEWUSER" },
		{ CLONE_NEWTIME, "CLONE_NEWTIME" },
	};
	size_t l = 0;

	b[0] = 0;
	for (size_t i = 0; i < sizeof fl / sizeof fl[0]; i++)
		if (flags & fl[i].f)
			l += (size_t)snprintf(b + l, l < n ? n - l : 0, "%s%s", l ? "|" : "", fl[i].s);
	return b;
}

/* exec: open the namespaces of pid that differ from ours */
static int open_target_ns(pid_t pid, int *fds, int *pidfd, struct ct_err *e)
{
	static const char *const names[] = { "user", "mnt", "net", "ipc", "uts", "cgroup" };

	*pidfd = -1;
	for (int i = 0; i < 6; i++) {
		char a[64], b[64];
		struct stat sa, sb;

		fds[i] = -1;
		snprintf(a, sizeof a, "/proc/%d/ns/%s", (int)pid, names[i]);
		snprintf(b, sizeof b, "/proc/self/ns/%s", names[i]);
		if (stat(a, &sa) < 0)
			return ct_err(e, errno, "stat %s", a);
		if (stat(b, &sb) == 0 && sa.st_ino == sb.st_ino && sa.st_dev == sb.st_dev)
			continue;
		fds[i] = open(a, O_RDONLY | O_CLOEXEC);
		if (fds[i] < 0)
			return ct_err(e, errno, "open %s", a);
	}
	{
		char a[64];
		struct stat sa, sb;

		snprintf(a, sizeof a, "/proc/%d/ns/pid", (int)pid);
		if (stat(a, &sa) == 0 && stat("/proc/self/ns/pid", &sb) == 0 &&
		    sa.st_ino != sb.st_ino && (*pidfd = open(a, O_RDONLY | O_CLOEXEC)) < 0)
			return ct_err(e, errno, "open %s", a);
	}
	return 0;
}

/* read the child's answers until it exec's, is ready, or fails */
static int await_child(struct ct_spawn *sp, int sock, const char *state, struct ct_err *e)
{
	for (;;) {
		char buf[sizeof e->msg + 2], cbuf[CMSG_SPACE(sizeof(int))];
		struct iovec iov = { buf, sizeof buf - 1 };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
				     .msg_control = cbuf, .msg_controllen = sizeof cbuf };
		struct cmsghdr *c;
		ssize_t n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ct_err(e, errno, "recvmsg from the container's first process");
		if (n == 0)
			return 0;	/* exec'd: the socket closed on exec */
		buf[n] = 0;
		c = CMSG_FIRSTHDR(&mh);
		if (c && c->cmsg_type == SCM_RIGHTS)
			memcpy(&sp->master, CMSG_DATA(c), sizeof(int));
		if (buf[0] == 'E' && n >= 2) {
			sp->exit_code = (unsigned char)buf[1];
			ct_strlcpy(e->msg, buf + 2, sizeof e->msg);
			e->errnum = 0;
			return -1;
		}
		if (buf[0] == 'R')
			return 0;
		if (buf[0] == 'H') {
			/* namespaces and mounts made, before pivot_root */
			const struct oci_hooks *h = &sp->spec->hooks;

			if (ct_hooks_run(h, OCI_HOOK_PRESTART, state, sp->spec->bundle, e) < 0 ||
			    ct_hooks_run(h, OCI_HOOK_CREATE_RUNTIME, state, sp->spec->bundle, e) < 0)
				return -1;
			if (send(sock, "h", 1, MSG_NOSIGNAL) != 1)
				return ct_err(e, errno, "resume the container's first process after its hooks");
		}
	}
}

int ct_spawn_start(struct ct_spawn *sp, struct ct_err *e)
{
	const struct oci_spec *s = sp->spec;
	int sv[2], flags = 0, fifofd = -1, nsfds[6] = { -1, -1, -1, -1, -1, -1 }, pidfd = -1;
	const struct oci_ns *ns;
	char fb[256], *hook_state = NULL;
	pid_t pid;
	int status;

	sp->master = -1;
	sp->cloned = 0;
	sp->pid = -1;
	sp->console_fd = -1;
	sp->exit_code = CT_EXIT_FAIL;
	if (sp->proc->terminal && sp->console_socket &&
	    (sp->console_fd = ct_console_socket_connect(sp->console_socket, e)) < 0)
		return -1;
	if (sp->mode != CT_SPAWN_EXEC) {
		if (!oci_spec_ns(s, CLONE_NEWNS))
			return ct_err(e, 0, "config.json has no mount namespace; ct-spawn needs one to build the root");
		for (size_t i = 0; i < s->nns; i++) {
			ns = &s->ns[i];
			if (ns->type == CLONE_NEWCGROUP)
				continue;	/* unshared by the child, after the cgroup move */
			if (!ns->path) {
				flags |= ns->type;
			} else if (ns->type != CLONE_NEWUSER && ns->type != CLONE_NEWNS &&
				   ns->type != CLONE_NEWCGROUP) {
				/* joined before clone: net, ipc, uts, pid (pid affects
				 * only our children) */
				if (setns_path(ns->path, ns->type, e) < 0)
					return -1;
			}
		}
	} else if (open_target_ns(sp->join_pid, nsfds, &pidfd, e) < 0) {
		goto fail_fds;
	}
	sp->userns_joined = 0;
	if (pidfd >= 0 && nsfds[0] >= 0 && geteuid() != 0) {
		/* rootless: joining the pid namespace needs CAP_SYS_ADMIN in
		 * our own user namespace too, which only the container's gives
		 * us (we own it): join that first, the child inherits it */
		if (setns(nsfds[0], CLONE_NEWUSER) < 0) {
			ct_err(e, errno, "setns(user namespace of pid %d)", (int)sp->join_pid);
			goto fail_fds;
		}
		ct_say("setns user namespace of pid %d (before its pid namespace)", (int)sp->join_pid);
		close(nsfds[0]);
		nsfds[0] = -1;
		sp->userns_joined = 1;
	}
	if (pidfd >= 0) {
		if (setns(pidfd, CLONE_NEWPID) < 0) {
			ct_err(e, errno, "setns(pid namespace of %d)", (int)sp->join_pid);
			goto fail_fds;
		}
		ct_say("setns pid namespace of %d", (int)sp->join_pid);
	}
	if (sp->exec_fifo) {
		fifofd = open(sp->exec_fifo, O_PATH | O_CLOEXEC);
		if (fifofd < 0) {
			ct_err(e, errno, "open %s", sp->exec_fifo);
			goto fail_fds;
		}
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		ct_err(e, errno, "socketpair");
		goto fail_fds;
	}
	if (s->seccomp)
		ct_seccomp_prepare(s->seccomp);	/* built once, kept in /run/ct-spawn */
	/* a run from the sealed memfd starts undumpable, and /proc/PID of an
	 * undumpable process is root's: a non-root caller could not write
	 * its child's uid_map, nor newuidmap (it checks who owns /proc/PID) */
	sp->unprivileged = geteuid() != 0;
	if (sp->unprivileged && sp->mode != CT_SPAWN_EXEC &&
	    prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0) {
		ct_err(e, errno, "prctl(PR_SET_DUMPABLE, 1)");
		close(sv[0]);
		close(sv[1]);
		goto fail_fds;
	}
	ct_say("clone(%s)", flag_names(flags, fb, sizeof fb));
	pid = (pid_t)syscall(SYS_clone, (unsigned long)(flags | SIGCHLD), NULL, NULL, NULL, NULL);
	if (pid < 0) {
		ct_err(e, errno, "clone(%s)", fb);
		if (errno == EPERM && geteuid() != 0 && !(flags & CLONE_NEWUSER))
			ct_err_hint(e, "only root may make these namespaces; a non-root user needs a user namespace in config.json that maps its own uid and gid (ct-spawn spec --rootless writes one)");
		close(sv[0]);
		close(sv[1]);
		goto fail_fds;
	}
	if (pid == 0) {
		close(sv[0]);
		child_main(sp, sv[1], fifofd, nsfds);
	}
	close(sv[1]);
	if (sp->console_fd >= 0)
		close(sp->console_fd);
	if (fifofd >= 0)
		close(fifofd);
	for (int i = 0; i < 6; i++)
		if (nsfds[i] >= 0)
			close(nsfds[i]);
	if (pidfd >= 0)
		close(pidfd);
	sp->pid = pid;
	sp->cloned = sp->mode != CT_SPAWN_EXEC;
	if (flags & CLONE_NEWUSER) {
		if (set_maps(pid, s, e) < 0)
			goto fail_child;
	}
	if (sp->cg && ct_cgroup_add(sp->cg, pid, e) < 0)
		goto fail_child;
	if (creation_hooks(sp)) {
		/* "go", and the state the hooks read (status creating) */
		char *st = ct_hook_state(sp->id, "creating", pid, s->bundle, s->rootfs, NULL,
					 s->annotations);

		hook_state = ct_xasprintf("g%s", st);
		free(st);
	}
	if (send(sv[0], hook_state ? hook_state : "g", hook_state ? strlen(hook_state) : 1,
		 MSG_NOSIGNAL) < 0) {
		ct_err(e, errno, "start the container's first process");
		goto fail_child;
	}
	if (await_child(sp, sv[0], hook_state ? hook_state + 1 : "", e) < 0)
		goto fail_child;
	close(sv[0]);
	free(hook_state);
	return 0;
fail_child:
	free(hook_state);
	close(sv[0]);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	sp->pid = -1;
	return -1;
fail_fds:
	for (int i = 0; i < 6; i++)
		if (nsfds[i] >= 0)
			close(nsfds[i]);
	if (pidfd >= 0)
		close(pidfd);
	if (fifofd >= 0)
		close(fifofd);
	return -1;
}

/* ---- the sealed copy of ourselves ---------------------------------------- */

int ct_reexec_sealed(char **argv, struct ct_err *e)
{
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC), mfd, seals;
	struct stat st;
	off_t off = 0;

	if (fd < 0)
		return ct_err(e, errno, "open /proc/self/exe");
	seals = fcntl(fd, F_GET_SEALS);
	if (seals >= 0 && (seals & F_SEAL_WRITE) && (seals & F_SEAL_SEAL)) {
		close(fd);
		return 0;
	}
	if (fstat(fd, &st) < 0) {
		close(fd);
		return ct_err(e, errno, "stat /proc/self/exe");
	}
	mfd = memfd_create("ct-spawn", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (mfd < 0) {
		close(fd);
		return ct_err(e, errno, "memfd_create");
	}
	while (off < st.st_size) {
		ssize_t n = sendfile(mfd, fd, &off, (size_t)(st.st_size - off));

		if (n <= 0) {
			ct_err(e, n < 0 ? errno : EIO, "copy /proc/self/exe to a memfd");
			close(fd);
			close(mfd);
			return -1;
		}
	}
	close(fd);
	if (fcntl(mfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0) {
		close(mfd);
		return ct_err(e, errno, "seal the memfd copy of ct-spawn");
	}
	syscall(SYS_execveat, mfd, "", argv, environ, AT_EMPTY_PATH);
	close(mfd);
	return ct_err(e, errno, "re-exec from the sealed memfd");
}
