/* run, create, start: a bundle becomes a container. */
#include "cli.h"
#include "buf.h"
#include "cgroup.h"
#include "config.h"
#include "err.h"
#include "file.h"
#include "hooks.h"
#include "ocispec.h"
#include "pty.h"
#include "rtstate.h"
#include "say.h"
#include "spawn.h"
#include "supervise.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct run_opts {
	const char *bundle;
	const char *pid_file;
	const char *console_socket;
	const char *restart;
	const char *log_file;
	const char *on_exit;
	int detach, tty, rm, preserve_fds, keep, init, interactive, attach;
};

/* The bundle: --bundle, else a path argument, else $CT_ROOT/containers/ID,
 * else the current directory (runc's default); no argument at all: one
 * line from stdin. The id: the argument, else the bundle's basename. */
static int resolve(const struct run_opts *o, const char *arg, char **bundle, char **id,
		   struct ct_err *e)
{
	char buf[PATH_MAX], *line = NULL, rp[PATH_MAX];
	const char *b = o->bundle;

	*id = NULL;
	if (!arg && !b) {
		if (!fgets(buf, sizeof buf, stdin))
			return ct_err(e, 0, "no bundle: give ID or BUNDLE, or the bundle dir on stdin");
		buf[strcspn(buf, "\n")] = 0;
		line = buf;
		b = line;
	} else if (arg && !b && (strchr(arg, '/') || strcmp(arg, ".") == 0)) {
		b = arg;
	} else if (arg && !b) {
		struct ct_config c = { 0 };
		char root[PATH_MAX];

		*id = ct_xstrdup(arg);
		if (ct_config_load(&c, NULL) == 0 && ct_config_root(&c, root, sizeof root, NULL) == 0) {
			char *cand = ct_xasprintf("%s/containers/%s", root, arg);
			char *cfg = ct_xasprintf("%s/config.json", cand);

			if (ct_exists(cfg))
				*bundle = cand;
			else
				free(cand);
			free(cfg);
		}
		ct_config_free(&c);
		if (!*bundle)
			b = ".";
		else
			return 0;
	} else if (arg) {
		*id = ct_xstrdup(arg);
	}
	if (!realpath(b, rp))
		return ct_err(e, errno, "bundle %s", b);
	*bundle = ct_xstrdup(rp);
	if (!*id) {
		const char *base = strrchr(rp, '/');

		*id = ct_xstrdup(base && base[1] ? base + 1 : "container");
	}
	return 0;
}

/* CVE-2019-5736: a process in the container that can see a ct-spawn
 * process (/proc/PID/exe) could open the runtime's binary and write it.
 * A foreground ct-spawn run needs no sealed copy, as nothing in the
 * container can ever see a ct-spawn process: in a new pid namespace its
 * first process becomes the command itself (--init: a copy on the
 * container's /dev), and the state that `exec` needs to join is written
 * only once that execve has succeeded. create and -d (a process waits
 * inside for start), a joined or the host's pid namespace re-execute from
 * a sealed memfd copy first, as exec always does. */
static int needs_sealed_binary(const struct run_opts *o, const struct oci_spec *s, int create)
{
	const struct oci_ns *pid = oci_spec_ns(s, CLONE_NEWPID);

	return create || o->detach || !pid || pid->path;
}

static int write_pid_file(const char *path, pid_t pid, struct ct_err *e)
{
	char v[24];

	if (!path)
		return 0;
	snprintf(v, sizeof v, "%d", (int)pid);
	return ct_write_file_atomic(path, v, strlen(v), 0644, e);
}

static int is_ct_bundle(const char *bundle)
{
	char *p = ct_xasprintf("%s/ct.ini", bundle);
	int r = ct_exists(p);

	free(p);
	return r;
}

/* Wait for the container's init, forwarding the signals a foreground
 * process gets; returns its wait status. */
static int wait_forwarding(pid_t pid)
{
	static const int fwd[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2,
				   SIGWINCH, SIGCONT };
	sigset_t set;
	int sfd, status = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	for (size_t i = 0; i < sizeof fwd / sizeof fwd[0]; i++)
		sigaddset(&set, fwd[i]);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sfd = signalfd(-1, &set, SFD_CLOEXEC);
	for (;;) {
		struct signalfd_siginfo si;
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			break;
		if (sfd < 0 || read(sfd, &si, sizeof si) != (ssize_t)sizeof si) {
			if (waitpid(pid, &status, 0) == pid)
				break;
			continue;
		}
		if (si.ssi_signo != SIGCHLD) {
			ct_say("forward signal %u to %d", si.ssi_signo, (int)pid);
			kill(pid, (int)si.ssi_signo);
		}
	}
	if (sfd >= 0)
		close(sfd);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	return status;
}

void run_poststop(const struct g_opts *g, const struct oci_hooks *h, const char *id,
		  const char *bundle, const char *rootfs, const char *created,
		  const json_t *annotations)
{
	char *state;

	if (!ct_hooks_has(h, OCI_HOOK_POSTSTOP))
		return;
	state = ct_hook_state(id, "stopped", 0, bundle, rootfs, created, annotations);
	ct_hooks_run_warn(h, OCI_HOOK_POSTSTOP, state, bundle, cli_hook_warn, (void *)g);
	free(state);
}

/* the container is gone: its cgroup, then (when its namespaces were made)
 * the poststop hooks, then its state */
static void cleanup(const struct g_opts *g, const char *id, struct ct_cgroup *cg,
		    const struct oci_spec *s, int poststop, const char *created)
{
	struct ct_err e = { 0 };
	char *dir = ct_rt_dir(g->root, id);

	if (cg->path && ct_cgroup_destroy(cg, &e) < 0)
		ct_warn_err(&e);
	if (poststop)
		run_poststop(g, &s->hooks, id, s->bundle, s->rootfs, created, s->annotations);
	if (ct_rm_rf(dir, &e) < 0)
		ct_warn_err(&e);
	free(dir);
}

/* poststart: the process runs; before run or start returns */
static void run_poststart(const struct g_opts *g, const struct oci_hooks *h,
			  const struct ct_rtstate *st)
{
	char *state;

	if (!ct_hooks_has(h, OCI_HOOK_POSTSTART))
		return;
	state = ct_hook_state(st->id, "running", st->pid, st->bundle, st->rootfs, st->created,
			      st->annotations);
	ct_hooks_run_warn(h, OCI_HOOK_POSTSTART, state, st->bundle, cli_hook_warn, (void *)g);
	free(state);
}

/* Open the exec fifo for reading: the waiting init then writes one byte,
 * runs the startContainer hooks and exec's, which closes its end; what it
 * wrote after the byte is the error that stopped it ('E', the exit code,
 * the text). Gives up if init dies before the byte. */
static int open_fifo_start(const char *fifo, pid_t pid, int *code, struct ct_err *e)
{
	int fd = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC), started = 0;
	struct ct_buf b = CT_BUF_INIT;
	char buf[1100];

	*code = CT_EXIT_FAIL;
	if (fd < 0)
		return ct_err(e, errno, "open %s", fifo);
	for (int i = 0; i < 6000 || started; i++) {
		struct pollfd p = { fd, POLLIN, 0 };
		ssize_t n;

		if (poll(&p, 1, started ? 100 : 10) > 0) {
			n = read(fd, buf, sizeof buf);
			if (n > 0) {
				if (!started)
					unlink(fifo);
				started = 1;
				ct_buf_add(&b, buf, (size_t)n);
			} else if (n == 0 && started) {
				break;	/* exec'd, or failed */
			}
		}
		if (!started && kill(pid, 0) < 0)
			break;
	}
	close(fd);
	if (!started) {
		ct_buf_free(&b);
		return ct_err(e, 0, "the container's process (pid %d) did not take the start signal from %s",
			      (int)pid, fifo);
	}
	if (b.len > 2 && b.data[1] == 'E') {
		*code = (unsigned char)b.data[2];
		ct_err(e, 0, "%.*s", (int)(b.len - 3), b.data + 3);
		ct_buf_free(&b);
		return -1;
	}
	ct_buf_free(&b);
	return 0;
}

int verb_run(const struct g_opts *g, int argc, char **argv, int create)
{
	static const struct option lo[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ "pid-file", required_argument, NULL, 'p' },
		{ "console-socket", required_argument, NULL, 'c' },
		{ "detach", no_argument, NULL, 'd' },
		{ "tty", no_argument, NULL, 't' },
		{ "interactive", no_argument, NULL, 'i' },
		{ "attach", no_argument, NULL, 'a' },
		{ "on-exit", required_argument, NULL, 'O' },
		{ "rm", no_argument, NULL, 'r' },
		{ "keep", no_argument, NULL, 'k' },
		{ "preserve-fds", required_argument, NULL, 'P' },
		{ "no-pivot", no_argument, NULL, 'N' },
		{ "no-new-keyring", no_argument, NULL, 'K' },
		{ "no-subreaper", no_argument, NULL, 'S' },
		{ "restart", required_argument, NULL, 'R' },
		{ "init", no_argument, NULL, 'I' },
		{ "log-file", required_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct run_opts o = { 0 };
	struct oci_spec s;
	struct ct_spawn sp = { 0 };
	struct ct_cgroup cg = { 0 };
	struct ct_rtstate st = { 0 };
	struct ct_err e = { 0 };
	char *bundle = NULL, *id = NULL, *dir, *cgpath, *fifo = NULL;
	int c, status, code, fail_code = CT_EXIT_FAIL, oom = 0;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+b:aditvh", lo, NULL)) != -1) {
		switch (c) {
		case 'b': o.bundle = optarg; break;
		case 'p': o.pid_file = optarg; break;
		case 'c': o.console_socket = optarg; break;
		case 'd': o.detach = 1; break;
		case 't': o.tty = 1; break;
		case 'i': o.interactive = 1; break;
		case 'a': o.attach = 1; break;
		case 'O': o.on_exit = optarg; break;
		case 'r': o.rm = 1; break;
		case 'k': o.keep = 1; break;
		case 'v': ct_set_verbose(ct_verbose() + 1); break;
		case 'P': o.preserve_fds = (int)strtol(optarg, NULL, 10); break;
		case 'N': case 'K': case 'S': break;
		case 'R': o.restart = optarg; break;
		case 'I': o.init = 1; break;
		case 'L': o.log_file = optarg; break;
		case 'h':
			printf("usage: ct-spawn %s [--bundle DIR] [--pid-file F] [--console-socket S] [-d] [-t] [--preserve-fds N] [ID|BUNDLE]\n",
			       create ? "create" : "run");
			return 0;
		default:
			return CT_EXIT_USAGE;
		}
	}
	if (argc - optind > 1)
		ct_die_usage("%s takes one ID or BUNDLE", argv[0]);
	if ((o.restart || o.log_file || o.attach || o.on_exit) && !o.detach)
		ct_die_usage("--restart, --log-file, --attach and --on-exit go with -d (a supervised container)");
	if (resolve(&o, optind < argc ? argv[optind] : NULL, &bundle, &id, &e) < 0 ||
	    ct_rt_valid_id(id, &e) < 0)
		cli_fail(g, &e);
	if (oci_spec_load(bundle, &s, &e) < 0)
		cli_fail(g, &e);
	if (needs_sealed_binary(&o, &s, create) && !getenv("CT_SPAWN_NO_MEMFD")) {
		char **av = g->argv;
		size_t n = 0;

		if (optind >= argc) {
			/* the bundle came from stdin: the copy gets it as an argument */
			while (g->argv[n])
				n++;
			av = ct_xcalloc(n + 2, sizeof *av);
			memcpy(av, g->argv, n * sizeof *av);
			av[n] = bundle;
		}
		if (ct_reexec_sealed(av, &e) < 0)
			cli_fail(g, &e);
		if (av != g->argv)
			free(av);
	}
	ct_say("bundle %s, id %s", bundle, id);
	if (!needs_sealed_binary(&o, &s, create))
		ct_say("runs from %s: its new pid namespace never holds a ct-spawn process "
		       "(no sealed copy needed)", "/proc/self/exe");
	else
		ct_say("runs from a sealed memfd copy of itself (CVE-2019-5736)");
	if (o.rm) {
		/* its state goes with it: not worth an fsync per change */
		ct_say("--rm: state.ini written without fsync");
		ct_rt_set_volatile(1);
	}
	if (o.tty)
		s.proc.terminal = 1;
	if (ct_mkdir_p(g->root, 0700, &e) < 0)
		cli_fail(g, &e);
	dir = ct_rt_dir(g->root, id);
	if (mkdir(dir, 0700) < 0) {
		if (errno == EEXIST)
			ct_err(&e, 0, "container %s exists already (%s); delete it first", id, dir);
		else
			ct_err(&e, errno, "mkdir %s", dir);
		cli_fail(g, &e);
	}
	cgpath = ct_cgroup_path_for(&s, id);
	if (ct_cgroup_init(&cg, cgpath, &e) < 0)
		goto fail;
	cg.rootless = g->rootless;
	if (ct_cgroup_create(&cg, &s, &e) < 0)
		goto fail;
	if (!create && o.detach && !o.console_socket) {
		/* a supervised container: logs, state.ini, restarts */
		struct sup_job j = { 0 };
		char *log = o.log_file ? ct_xstrdup(o.log_file) :
			    ct_xasprintf("%s/log", is_ct_bundle(bundle) ? bundle : dir);

		j.g = g;
		j.lsock = -1;
		j.interactive = o.interactive;
		j.attach = o.attach;
		j.on_exit = o.on_exit;
		j.attach_fd = -1;
		if (sup_parse_health(&s, &j.hc, &e) < 0)
			goto fail;
		j.id = id;
		j.bundle = bundle;
		j.created = ct_rt_now();
		j.spec = &s;
		j.cg = &cg;
		j.policy_text = o.restart ? o.restart : "no";
		j.log_path = log;
		j.state_ini_dir = is_ct_bundle(bundle) ? bundle : dir;
		j.rm = o.rm;
		j.init = o.init;
		if (sup_parse_restart(o.restart, &j.policy, &e) < 0)
			goto fail;
		if (sup_start(&j, &e) < 0) {
			fail_code = j.exit_code;
			goto fail;
		}
		ct_say("supervised: pid %d, log %s", (int)j.pid, log);
		if (write_pid_file(o.pid_file, j.pid, &e) < 0)
			cli_fail(g, &e);
		if (j.attach_fd >= 0)
			return attach_relay(id, j.attach_fd, 1);
		return 0;
	}
	if (create || o.detach) {
		fifo = ct_xasprintf("%s/exec.fifo", dir);
		if (mkfifo(fifo, 0600) < 0) {
			ct_err(&e, errno, "mkfifo %s", fifo);
			goto fail;
		}
	}
	sp.mode = fifo ? CT_SPAWN_CREATE : CT_SPAWN_RUN;
	sp.id = id;
	sp.spec = &s;
	sp.proc = &s.proc;
	sp.exec_fifo = fifo;
	sp.console_socket = o.console_socket;
	sp.preserve_fds = o.preserve_fds;
	sp.cg = &cg;
	sp.no_pdeathsig = fifo != NULL;
	sp.init = o.init;
	if (s.proc.terminal && fifo && !o.console_socket) {
		ct_err(&e, 0, "a terminal for a detached or created container needs --console-socket");
		goto fail;
	}
	if (ct_spawn_start(&sp, &e) < 0) {
		fail_code = sp.exit_code;
		goto fail;
	}
	st.id = id;
	st.bundle = bundle;
	st.rootfs = s.rootfs;
	st.cgroup = cg.path;
	st.created = ct_rt_now();
	st.pid = sp.pid;
	st.start = ct_proc_starttime(sp.pid);
	st.annotations = s.annotations;
	st.hooks = s.hooks_json;
	if (ct_rt_save(g->root, &st, &e) < 0 || write_pid_file(o.pid_file, sp.pid, &e) < 0)
		goto fail_kill;
	if (is_ct_bundle(bundle))
		ct_rt_write_ini(bundle, fifo && create ? "created" : "running", sp.pid, 0,
				st.created, NULL, 0, NULL);
	if (create)
		return 0;
	if (fifo) {
		/* run --detach: start it now and leave it running */
		if (open_fifo_start(fifo, sp.pid, &fail_code, &e) < 0)
			goto fail_kill;
		run_poststart(g, &s.hooks, &st);
		return 0;
	}
	run_poststart(g, &s.hooks, &st);
	if (sp.master >= 0)
		ct_pty_relay(sp.master, sp.pid, &status);
	else
		status = wait_forwarding(sp.pid);
	code = ct_exit_status(status);
	if (ct_cgroup_oom_kills(&cg) > 0) {
		oom = 1;
		ct_warn("container %s was killed by the kernel: out of memory (limit %lld bytes)",
			id, (long long)s.res.mem_limit);
		code = 137;
	}
	ct_say("container exited: status %d", code);
	if (is_ct_bundle(bundle)) {
		char *fin = ct_rt_now();

		ct_rt_write_ini(bundle, "stopped", 0, code, st.created, fin, oom, NULL);
		free(fin);
	}
	cleanup(g, id, &cg, &s, 1, st.created);
	return code;
fail_kill:
	kill(sp.pid, SIGKILL);
	waitpid(sp.pid, &status, 0);
fail:
	cli_log(g, "error", e.msg);
	ct_warn_err(&e);
	cleanup(g, id, &cg, &s, sp.cloned, st.created);
	exit(fail_code > 0 && fail_code < 256 ? fail_code : CT_EXIT_FAIL);
}

int verb_start(const struct g_opts *g, int argc, char **argv)
{
	struct ct_rtstate st;
	struct ct_err e = { 0 };
	char *fifo;
	int code;

	if (argc != 2)
		ct_die_usage("usage: ct-spawn start ID");
	if (ct_rt_load(g->root, argv[1], &st, &e) < 0)
		cli_fail(g, &e);
	fifo = ct_xasprintf("%s/%s/exec.fifo", g->root, st.id);
	if (!ct_exists(fifo)) {
		ct_err(&e, 0, "container %s is %s, not created: cannot start it", st.id,
		       ct_rt_status(g->root, &st));
		cli_fail(g, &e);
	}
	if (!ct_rt_alive(&st)) {
		ct_err(&e, 0, "container %s: its process is gone; delete it", st.id);
		cli_fail(g, &e);
	}
	if (open_fifo_start(fifo, st.pid, &code, &e) < 0)
		cli_fail_code(g, &e, code);
	ct_say("started %s (pid %d)", st.id, (int)st.pid);
	if (st.hooks) {
		struct oci_hooks h;

		if (oci_hooks_parse(st.hooks, &h, &e) < 0)
			ct_warn_err(&e);
		else
			run_poststart(g, &h, &st);
		oci_hooks_free(&h);
	}
	if (is_ct_bundle(st.bundle))
		ct_rt_write_ini(st.bundle, "running", st.pid, 0, st.created, NULL, 0, NULL);
	free(fifo);
	ct_rt_free(&st);
	return 0;
}
