/* state, kill, delete, list, ps, pause, resume, exec, features: the runc
 * verbs that act on a container ct-spawn made earlier. */
#include "cli.h"
#include "buf.h"
#include "cgroup.h"
#include "err.h"
#include "file.h"
#include "json.h"
#include "ocispec.h"
#include "pty.h"
#include "rtstate.h"
#include "say.h"
#include "spawn.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static long strtol_(const char *s)
{
	return strtol(s, NULL, 10);
}

static void load_or_fail(const struct g_opts *g, const char *id, struct ct_rtstate *st)
{
	struct ct_err e = { 0 };

	if (ct_rt_load(g->root, id, st, &e) < 0)
		cli_fail(g, &e);
}

static void print_json(json_t *j)
{
	char *s = json_dumps(j, JSON_INDENT(2));

	puts(s);
	free(s);
	json_decref(j);
}

int verb_state(const struct g_opts *g, int argc, char **argv)
{
	struct ct_rtstate st;

	if (argc != 2)
		ct_die_usage("usage: ct-spawn state ID");
	load_or_fail(g, argv[1], &st);
	print_json(ct_rt_oci_state(g->root, &st));
	ct_rt_free(&st);
	return 0;
}

static int parse_signal(const char *s)
{
	static const struct { const char *n; int sig; } sigs[] = {
		{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT },
		{ "KILL", SIGKILL }, { "USR1", SIGUSR1 }, { "USR2", SIGUSR2 },
		{ "TERM", SIGTERM }, { "STOP", SIGSTOP }, { "CONT", SIGCONT },
		{ "WINCH", SIGWINCH }, { "ALRM", SIGALRM }, { "PIPE", SIGPIPE },
		{ "TSTP", SIGTSTP }, { "CHLD", SIGCHLD },
	};
	char *end;
	long n = strtol(s, &end, 10);

	if (*s && !*end)
		return n > 0 && n < 65 ? (int)n : -1;
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		if (strcasecmp(s, sigs[i].n) == 0)
			return sigs[i].sig;
	return -1;
}

/* a container killed or stopped by hand is not restarted by its supervisor */
static void mark_stopped(const struct g_opts *g, const char *id)
{
	char *m = ct_xasprintf("%s/%s/stopped", g->root, id);

	ct_write_file_atomic(m, "", 0, 0600, NULL);
	free(m);
}

int verb_stop(const struct g_opts *g, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "time", required_argument, NULL, 't' }, { NULL, 0, NULL, 0 } };
	struct ct_rtstate st;
	struct ct_err e = { 0 };
	int c, secs = -1, sig = SIGTERM;
	const char *ss;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+t:", lo, NULL)) != -1)
		if (c == 't') {
			char *end;
			long v = strtol(optarg, &end, 10);

			if (!*optarg || *end || v < 0 || v > 86400 * 365)
				ct_die_usage("stop -t wants a number of seconds, not '%s'", optarg);
			secs = (int)v;
		} else
			return CT_EXIT_USAGE;
	if (argc - optind != 1)
		ct_die_usage("usage: ct-spawn stop [-t SECONDS] ID");
	load_or_fail(g, argv[optind], &st);
	if (!ct_rt_alive(&st))
		return 0;
	mark_stopped(g, st.id);
	ss = st.annotations ? json_string_value(json_object_get(st.annotations,
				"org.opencontainers.image.stopSignal")) : NULL;
	if (ss && *ss && parse_signal(ss) > 0)
		sig = parse_signal(ss);
	if (secs < 0) {
		/* the container's own default (ct run --stop-timeout), else 10 s */
		const char *t = st.annotations ? json_string_value(json_object_get(st.annotations,
				"org.ct.stop_timeout")) : NULL;
		char *end = NULL;
		long v = t ? strtol(t, &end, 10) : -1;

		secs = t && *t && !*end && v >= 0 && v < 86400 * 365 ? (int)v : 10;
	}
	ct_say("kill -%d %d, then SIGKILL after %d s", sig, (int)st.pid, secs);
	if (kill(st.pid, sig) < 0 && errno != ESRCH) {
		ct_err(&e, errno, "kill %d", (int)st.pid);
		cli_fail(g, &e);
	}
	for (int i = 0; i < secs * 20 && ct_rt_alive(&st); i++)
		usleep(50000);
	if (ct_rt_alive(&st)) {
		ct_say("still running after %d s: SIGKILL", secs);
		kill(st.pid, SIGKILL);
		for (int i = 0; i < 100 && ct_rt_alive(&st); i++)
			usleep(20000);
	}
	ct_rt_free(&st);
	return 0;
}

int verb_kill(const struct g_opts *g, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "all", no_argument, NULL, 'a' }, { NULL, 0, NULL, 0 } };
	struct ct_rtstate st;
	struct ct_err e = { 0 };
	int c, all = 0, sig = SIGTERM;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+a", lo, NULL)) != -1)
		if (c == 'a')
			all = 1;
		else
			return CT_EXIT_USAGE;
	if (optind >= argc || argc - optind > 2)
		ct_die_usage("usage: ct-spawn kill [--all] ID [SIGNAL]");
	if (optind + 1 < argc && (sig = parse_signal(argv[optind + 1])) < 0)
		ct_die_usage("unknown signal %s", argv[optind + 1]);
	load_or_fail(g, argv[optind], &st);
	if (!ct_rt_alive(&st)) {
		ct_err(&e, 0, "container %s is not running", st.id);
		cli_fail(g, &e);
	}
	mark_stopped(g, st.id);
	if (all && st.cgroup && *st.cgroup) {
		struct ct_cgroup cg;

		if (ct_cgroup_init(&cg, st.cgroup, &e) < 0)
			cli_fail(g, &e);
		ct_say("kill -%d every process in cgroup %s", sig, st.cgroup);
		ct_cgroup_kill(&cg, sig);
		ct_cgroup_free(&cg);
	} else {
		ct_say("kill -%d %d", sig, (int)st.pid);
		if (kill(st.pid, sig) < 0) {
			ct_err(&e, errno, "kill -%d %d (container %s)", sig, (int)st.pid, st.id);
			cli_fail(g, &e);
		}
	}
	ct_rt_free(&st);
	return 0;
}

/* pid runs (a zombie does not: an orphan waits for its reaper, which on
 * some systems reaps only every second or so) */
static int running(pid_t pid)
{
	char path[64], buf[256], *rp;

	if (kill(pid, 0) < 0)
		return 0;
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if (ct_read_small(path, buf, sizeof buf) <= 0)
		return 1;
	rp = strrchr(buf, ')');
	return !(rp && rp[1] == ' ' && (rp[2] == 'Z' || rp[2] == 'X'));
}

/* a supervised container: let its supervisor finish writing first */
static void wait_supervisor(const struct g_opts *g, const char *id)
{
	char *pf = ct_xasprintf("%s/%s/supervisor.pid", g->root, id);
	struct ct_buf b = CT_BUF_INIT;
	pid_t sup;

	if (ct_read_file(pf, &b, 64, NULL) == 0 && (sup = (pid_t)(int)strtol_(b.data)) > 0) {
		for (int i = 0; i < 500 && running(sup); i++)
			usleep(10000);
	}
	ct_buf_free(&b);
	free(pf);
}

/* delete --force of an id that has a state directory but no state.json:
 * what a ct-spawn killed while it made the container left (its first
 * process died with it: PR_SET_PDEATHSIG). Its cgroup is where ct-spawn
 * puts one when the spec names none. A cgroup that still holds processes
 * is a container being made right now: left alone. */
static int delete_half_made(const struct g_opts *g, const char *id)
{
	struct ct_cgroup cg = { 0 };
	struct ct_err e = { 0 };
	char *dir = ct_rt_dir(g->root, id), *cgpath = NULL;
	pid_t *pids = NULL;
	size_t n = 0;
	int r = 0;

	if (ct_rt_valid_id(id, &e) < 0 || !ct_exists(dir))
		goto out;
	cgpath = ct_cgroup_path_for(NULL, id);
	if (ct_cgroup_init(&cg, cgpath, &e) == 0 && ct_cgroup_pids(&cg, &pids, &n, NULL) == 0 &&
	    n > 0) {
		ct_err(&e, 0, "container %s is being made (no state.json yet, %zu process%s in "
		       "its cgroup); try again in a moment", id, n, n == 1 ? "" : "es");
		cli_fail(g, &e);
	}
	ct_say("%s has no state.json: left by a ct-spawn that died making it; removing it", dir);
	if (cg.path && ct_cgroup_destroy(&cg, &e) < 0) {
		ct_warn_err(&e);
		r = -1;
	}
	if (ct_rm_rf(dir, &e) < 0) {
		ct_warn_err(&e);
		r = -1;
	}
out:
	ct_cgroup_free(&cg);
	free(pids);
	free(cgpath);
	free(dir);
	return r < 0 ? CT_EXIT_FAIL : 0;
}

int verb_delete(const struct g_opts *g, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "force", no_argument, NULL, 'f' }, { NULL, 0, NULL, 0 } };
	struct ct_rtstate st;
	struct ct_err e = { 0 };
	struct ct_cgroup cg = { 0 };
	int c, force = 0;
	const char *status;
	char *dir;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+f", lo, NULL)) != -1)
		if (c == 'f')
			force = 1;
		else
			return CT_EXIT_USAGE;
	if (argc - optind != 1)
		ct_die_usage("usage: ct-spawn delete [--force] ID");
	if (ct_rt_load(g->root, argv[optind], &st, &e) < 0) {
		if (force && e.errnum == ENOENT)
			return delete_half_made(g, argv[optind]);
		cli_fail(g, &e);
	}
	status = ct_rt_status(g->root, &st);
	if (strcmp(status, "stopped") != 0 && strcmp(status, "created") != 0 && !force) {
		ct_err(&e, 0, "container %s is %s; stop it first or use --force", st.id, status);
		cli_fail(g, &e);
	}
	mark_stopped(g, st.id);
	if (ct_rt_alive(&st)) {
		ct_say("kill -9 %d", (int)st.pid);
		kill(st.pid, SIGKILL);
	}
	wait_supervisor(g, st.id);
	if (st.cgroup && *st.cgroup && ct_cgroup_init(&cg, st.cgroup, &e) == 0 &&
	    ct_cgroup_destroy(&cg, &e) < 0)
		ct_warn_err(&e);
	ct_cgroup_free(&cg);
	dir = ct_rt_dir(g->root, st.id);
	if (st.hooks) {
		/* a supervised container's supervisor ran them when it ended */
		char *sup = ct_xasprintf("%s/supervisor.pid", dir);
		struct oci_hooks h;

		if (!ct_exists(sup)) {
			if (oci_hooks_parse(st.hooks, &h, &e) < 0)
				ct_warn_err(&e);
			else
				run_poststop(g, &h, st.id, st.bundle, st.rootfs, st.created,
					     st.annotations);
			oci_hooks_free(&h);
		}
		free(sup);
	}
	if (ct_rm_rf(dir, &e) < 0)
		cli_fail(g, &e);
	{
		char *ini = ct_xasprintf("%s/ct.ini", st.bundle);

		char *sini = ct_xasprintf("%s/state.ini", st.bundle);
		struct ct_buf sb = CT_BUF_INIT;

		/* keep the exit code and times of a container that ended */
		if (ct_exists(ini) && (ct_read_file(sini, &sb, 65536, NULL) < 0 ||
				       !strstr(sb.data ? sb.data : "", "status = stopped\n")))
			ct_rt_write_ini(st.bundle, "stopped", 0, 0, st.created, NULL, 0, NULL);
		ct_buf_free(&sb);
		free(sini);
		free(ini);
	}
	free(dir);
	ct_rt_free(&st);
	return 0;
}

static int want_json(int argc, char **argv, int *quiet)
{
	static const struct option lo[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' }, { NULL, 0, NULL, 0 } };
	int c, json = 0;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+f:q", lo, NULL)) != -1) {
		if (c == 'f')
			json = strcmp(optarg, "json") == 0;
		else if (c == 'q' && quiet)
			*quiet = 1;
		else
			ct_die_usage("unknown option (see ct-spawn --help)");
	}
	return json;
}

int verb_list(const struct g_opts *g, int argc, char **argv)
{
	int quiet = 0, json = want_json(argc, argv, &quiet);
	char **ids = ct_rt_list(g->root);
	json_t *arr = json_array();

	if (!json && !quiet)
		printf("%-20s %-8s %-10s %-40s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED");
	for (char **p = ids; *p; p++) {
		struct ct_rtstate st;

		if (ct_rt_load(g->root, *p, &st, NULL) < 0)
			continue;
		if (json)
			json_array_append_new(arr, ct_rt_oci_state(g->root, &st));
		else if (quiet)
			printf("%s\n", st.id);
		else
			printf("%-20s %-8d %-10s %-40s %s\n", st.id,
			       ct_rt_alive(&st) ? (int)st.pid : 0,
			       ct_rt_status(g->root, &st), st.bundle, st.created);
		ct_rt_free(&st);
		free(*p);
	}
	free(ids);
	if (json)
		print_json(arr);
	else
		json_decref(arr);
	return 0;
}

/* A container without a cgroup of its own (rootless): its processes are
 * those in its init's pid namespace. */
static int pidns_pids(pid_t init, pid_t **pids, size_t *n, struct ct_err *e)
{
	char p[64];
	struct stat ns, st;
	struct dirent *d;
	size_t cap = 16;
	DIR *dir;

	*n = 0;
	*pids = ct_xcalloc(cap, sizeof **pids);
	snprintf(p, sizeof p, "/proc/%d/ns/pid", (int)init);
	if (stat(p, &ns) < 0)
		return ct_err(e, errno, "stat %s", p);
	if (stat("/proc/self/ns/pid", &st) == 0 && st.st_ino == ns.st_ino &&
	    st.st_dev == ns.st_dev) {
		(*pids)[(*n)++] = init;	/* no pid namespace of its own */
		return 0;
	}
	if (!(dir = opendir("/proc")))
		return ct_err(e, errno, "opendir /proc");
	while ((d = readdir(dir))) {
		pid_t pid = (pid_t)strtol(d->d_name, NULL, 10);

		if (pid <= 0)
			continue;
		snprintf(p, sizeof p, "/proc/%d/ns/pid", (int)pid);
		if (stat(p, &st) < 0 || st.st_ino != ns.st_ino || st.st_dev != ns.st_dev)
			continue;
		if (*n == cap)
			*pids = ct_xrealloc(*pids, (cap *= 2) * sizeof **pids);
		(*pids)[(*n)++] = pid;
	}
	closedir(dir);
	return 0;
}

int verb_ps(const struct g_opts *g, int argc, char **argv)
{
	int json = want_json(argc, argv, NULL);
	struct ct_rtstate st;
	struct ct_cgroup cg;
	struct ct_err e = { 0 };
	pid_t *pids;
	size_t n;

	if (argc - optind != 1)
		ct_die_usage("usage: ct-spawn ps [--format json] ID");
	load_or_fail(g, argv[optind], &st);
	memset(&cg, 0, sizeof cg);
	if (!*st.cgroup) {
		if (!ct_rt_alive(&st)) {
			pids = ct_xcalloc(1, sizeof *pids);
			n = 0;
		} else if (pidns_pids(st.pid, &pids, &n, &e) < 0) {
			cli_fail(g, &e);
		}
	} else if (ct_cgroup_init(&cg, st.cgroup, &e) < 0 ||
		   ct_cgroup_pids(&cg, &pids, &n, &e) < 0) {
		cli_fail(g, &e);
	}
	if (json) {
		json_t *a = json_array();

		for (size_t i = 0; i < n; i++)
			json_array_append_new(a, json_integer(pids[i]));
		print_json(a);
	} else {
		printf("PID CMD\n");
		for (size_t i = 0; i < n; i++) {
			char p[64], cmd[256] = "";
			FILE *f;

			snprintf(p, sizeof p, "/proc/%d/comm", (int)pids[i]);
			if ((f = fopen(p, "re"))) {
				if (fgets(cmd, sizeof cmd, f))
					cmd[strcspn(cmd, "\n")] = 0;
				fclose(f);
			}
			printf("%d %s\n", (int)pids[i], cmd);
		}
	}
	free(pids);
	ct_cgroup_free(&cg);
	ct_rt_free(&st);
	return 0;
}

int verb_pause(const struct g_opts *g, int argc, char **argv, int pause)
{
	struct ct_rtstate st;
	struct ct_cgroup cg;
	struct ct_err e = { 0 };

	if (argc != 2)
		ct_die_usage("usage: ct-spawn %s ID", pause ? "pause" : "resume");
	load_or_fail(g, argv[1], &st);
	if (!ct_rt_alive(&st)) {
		ct_err(&e, 0, "container %s is not running", st.id);
		cli_fail(g, &e);
	}
	if (ct_cgroup_init(&cg, st.cgroup, &e) < 0 || ct_cgroup_freeze(&cg, pause, &e) < 0)
		cli_fail(g, &e);
	ct_cgroup_free(&cg);
	ct_rt_free(&st);
	return 0;
}

int verb_exec(const struct g_opts *g, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "process", required_argument, NULL, 'p' },
		{ "tty", no_argument, NULL, 't' },
		{ "detach", no_argument, NULL, 'd' },
		{ "pid-file", required_argument, NULL, 'P' },
		{ "console-socket", required_argument, NULL, 'c' },
		{ "env", required_argument, NULL, 'e' },
		{ "cwd", required_argument, NULL, 'w' },
		{ "user", required_argument, NULL, 'u' },
		{ "preserve-fds", required_argument, NULL, 'F' },
		{ "no-new-privs", no_argument, NULL, 'n' },
		{ "process-label", required_argument, NULL, 'L' },
		{ "apparmor", required_argument, NULL, 'A' },
		{ "cgroup", required_argument, NULL, 'G' },
		{ NULL, 0, NULL, 0 },
	};
	const char *process = NULL, *pid_file = NULL, *csock = NULL, *cwd = NULL, *user = NULL;
	int c, tty = 0, detach = 0, preserve = 0, nnp = 0, status;
	struct ct_rtstate st;
	struct ct_err e = { 0 };
	struct oci_spec s;
	struct oci_process proc;
	struct ct_spawn sp = { 0 };
	struct ct_cgroup cg = { 0 };
	json_t *pj, *envs = json_array();

	optind = 0;
	while ((c = getopt_long(argc, argv, "+p:tde:w:u:", lo, NULL)) != -1) {
		switch (c) {
		case 'p': process = optarg; break;
		case 't': tty = 1; break;
		case 'd': detach = 1; break;
		case 'P': pid_file = optarg; break;
		case 'c': csock = optarg; break;
		case 'e': json_array_append_new(envs, json_string(optarg)); break;
		case 'w': cwd = optarg; break;
		case 'u': user = optarg; break;
		case 'F': preserve = (int)strtol_(optarg); break;
		case 'n': nnp = 1; break;
		case 'L': case 'A': case 'G': break;
		default: return CT_EXIT_USAGE;
		}
	}
	if (optind >= argc || (!process && optind + 1 >= argc))
		ct_die_usage("usage: ct-spawn exec [--process FILE] [-t] [-d] ID [CMD ARGS...]");
	load_or_fail(g, argv[optind], &st);
	if (!ct_rt_alive(&st)) {
		ct_err(&e, 0, "container %s is not running", st.id);
		cli_fail(g, &e);
	}
	if (oci_spec_load(st.bundle, &s, &e) < 0)
		cli_fail(g, &e);
	if (process) {
		pj = ct_json_load_file(process, 1 << 20, &e);
		if (!pj)
			cli_fail(g, &e);
	} else {
		json_t *args = json_array();

		pj = json_deep_copy(json_object_get(s.json, "process"));
		for (int i = optind + 1; i < argc; i++)
			json_array_append_new(args, json_string(argv[i]));
		json_object_set_new(pj, "args", args);
		json_object_set_new(pj, "terminal", json_boolean(tty));
		if (json_array_size(envs)) {
			json_t *env = json_object_get(pj, "env");

			if (!json_is_array(env))
				json_object_set_new(pj, "env", env = json_array());
			json_array_extend(env, envs);
		}
		if (cwd)
			json_object_set_new(pj, "cwd", json_string(cwd));
		if (user) {
			json_t *u = json_object();
			unsigned uid = 0, gid = 0;

			char *end;

			uid = (unsigned)strtoul(user, &end, 10);
			if (end == user || (*end && *end != ':'))
				ct_die_usage("--user wants UID[:GID], not %s", user);
			if (*end == ':')
				gid = (unsigned)strtoul(end + 1, NULL, 10);
			json_object_set_new(u, "uid", json_integer(uid));
			json_object_set_new(u, "gid", json_integer(gid));
			json_object_set_new(pj, "user", u);
		}
		if (nnp)
			json_object_set_new(pj, "noNewPrivileges", json_true());
	}
	if (oci_process_parse(pj, &proc, &e) < 0)
		cli_fail(g, &e);
	json_decref(pj);
	json_decref(envs);
	if (proc.terminal && detach && !csock) {
		ct_err(&e, 0, "a terminal for a detached exec needs --console-socket");
		cli_fail(g, &e);
	}
	sp.mode = CT_SPAWN_EXEC;
	sp.id = st.id;
	sp.spec = &s;
	sp.proc = &proc;
	sp.console_socket = csock;
	sp.preserve_fds = preserve;
	sp.join_pid = st.pid;
	sp.no_pdeathsig = detach;
	if (st.cgroup && *st.cgroup && ct_cgroup_init(&cg, st.cgroup, &e) == 0)
		sp.cg = &cg;
	if (ct_spawn_start(&sp, &e) < 0)
		cli_fail_code(g, &e, sp.exit_code);
	if (pid_file) {
		char v[24];

		snprintf(v, sizeof v, "%d", (int)sp.pid);
		if (ct_write_file_atomic(pid_file, v, strlen(v), 0644, &e) < 0)
			cli_fail(g, &e);
	}
	if (detach)
		return 0;
	if (sp.master >= 0) {
		ct_pty_relay(sp.master, sp.pid, &status);
	} else {
		while (waitpid(sp.pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	return ct_exit_status(status);
}

int verb_features(const struct g_opts *g, int argc, char **argv)
{
	json_t *j;
	json_error_t je;

	(void)g;
	(void)argc;
	(void)argv;
	j = json_loads("{\"ociVersionMin\":\"1.0.0\",\"ociVersionMax\":\"1.1.0\","
		       "\"hooks\":[\"prestart\",\"createRuntime\",\"createContainer\","
		       "\"startContainer\",\"poststart\",\"poststop\"],"
		       "\"mountOptions\":[\"ro\",\"rw\",\"nosuid\",\"suid\",\"nodev\",\"dev\","
		       "\"noexec\",\"exec\",\"sync\",\"async\",\"dirsync\",\"remount\",\"mand\","
		       "\"nomand\",\"atime\",\"noatime\",\"diratime\",\"nodiratime\",\"relatime\","
		       "\"norelatime\",\"strictatime\",\"bind\",\"rbind\",\"private\",\"rprivate\","
		       "\"shared\",\"rshared\",\"slave\",\"rslave\",\"unbindable\",\"runbindable\"],"
		       "\"linux\":{\"namespaces\":[\"cgroup\",\"ipc\",\"mount\",\"network\",\"pid\","
		       "\"user\",\"uts\"],"
		       "\"cgroup\":{\"v1\":true,\"v2\":true,\"systemd\":false,\"systemdUser\":false},"
		       "\"seccomp\":{\"enabled\":true,\"actions\":[\"SCMP_ACT_ALLOW\",\"SCMP_ACT_ERRNO\","
		       "\"SCMP_ACT_KILL\",\"SCMP_ACT_KILL_PROCESS\",\"SCMP_ACT_KILL_THREAD\","
		       "\"SCMP_ACT_LOG\",\"SCMP_ACT_TRAP\",\"SCMP_ACT_TRACE\"],"
		       "\"operators\":[\"SCMP_CMP_EQ\",\"SCMP_CMP_GE\",\"SCMP_CMP_GT\",\"SCMP_CMP_LE\","
		       "\"SCMP_CMP_LT\",\"SCMP_CMP_MASKED_EQ\",\"SCMP_CMP_NE\"],"
		       "\"archs\":[\"SCMP_ARCH_X86\",\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X32\","
		       "\"SCMP_ARCH_AARCH64\",\"SCMP_ARCH_ARM\"]},"
		       "\"apparmor\":{\"enabled\":false},\"selinux\":{\"enabled\":false}},"
		       "\"annotations\":{\"org.opencontainers.runc.checkpoint.enabled\":\"false\"}}",
		       0, &je);
	{
		json_t *caps = json_array();

		for (int i = 0; i <= OCI_CAP_LAST; i++)
			json_array_append_new(caps, json_sprintf("CAP_%s", oci_cap_name(i)));
		json_object_set_new(json_object_get(j, "linux"), "capabilities", caps);
	}
	print_json(j);
	return 0;
}
