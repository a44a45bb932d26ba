/* ct-spawn: OCI bundle -> running container. Its own command line
 * (ct-spawn run BUNDLE|ID, bundle dir on stdin in a ct pipeline) and the
 * runc one (create/start/state/kill/delete/run/exec/list/ps/pause/resume/
 * features with --root, --log, --log-format), so Podman can use it. */
#include "cli.h"
#include "buf.h"
#include "err.h"
#include "file.h"
#include "rtstate.h"
#include "say.h"
#include "spawn.h"

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void usage(FILE *f)
{
	fputs("usage: ct-spawn [GLOBAL] run [-d] [-t] [-i] [--rm] [--bundle DIR] [ID|BUNDLE]\n"
	      "       ct-spawn [GLOBAL] VERB [OPTIONS] ID ...\n"
	      "Run an OCI bundle (config.json + rootfs/) as a container. With no\n"
	      "ID or BUNDLE, run reads the bundle dir from stdin (ct pipelines).\n"
	      "The foreground exit status is the container's (signal n -> 128+n).\n"
	      "config.json's OCI hooks run where the runtime spec says (ct-spawn(1)).\n"
	      "\n"
	      "Verbs (runc-compatible):\n"
	      "  run       create + start; wait unless -d\n"
	      "  create    set up, wait for start   --bundle --pid-file --console-socket\n"
	      "  start     let a created container exec its process\n"
	      "  state     OCI state JSON            kill ID [SIGNAL] [--all]\n"
	      "  stop      [-t SECS] SIGTERM (or the image's stop signal), then SIGKILL\n"
	      "  delete    [--force] remove a stopped container\n"
	      "  list      [--format json] [-q]      ps [--format json] ID\n"
	      "  exec      [--process FILE] [-t] [-d] ID [CMD...]\n"
	      "  pause, resume   freeze/thaw the cgroup\n"
	      "  attach    [--no-stdin] ID: the terminal/stdio of a run -d container\n"
	      "            (ctrl-p ctrl-q detaches; exits with its status)\n"
	      "  features  what this runtime supports, as JSON\n"
	      "  spec      [--rootless] [--bundle DIR] write a starting config.json\n"
	      "  init      tiny init for PID 1: reaps zombies, forwards signals\n"
	      "\n"
	      "Global options:\n"
	      "  --root DIR        container state (/run/ct-spawn; not root:\n"
	      "                    $XDG_RUNTIME_DIR/ct-spawn)\n"
	      "  --log FILE        also log errors there; --log-format text|json\n"
	      "  --rootless true|false|auto   true: skip a cgroup tree we may not write\n"
	      "                    when no limit is asked (auto: not root; ct-spawn(1))\n"
	      "  --debug, -v       narrate every kernel-level step on stderr\n"
	      "  -h, --help        this help; --version\n"
	      "Run options: -t allocate a pty, --init (tiny PID 1), --pid-file F,\n"
	      "  --preserve-fds N,\n"
	      "  -d detach under a supervisor: output to the log, state.ini,\n"
	      "     --restart no|always|unless-stopped|on-failure[:N], --rm,\n"
	      "     -i (stdin for attach), --attach (attach from the start),\n"
	      "     --on-exit CMD (sh -c CMD when it is over, $CT_EXIT_CODE set),\n"
	      "     --log-file F (with --console-socket S: runc-style, no supervisor).\n"
	      "See ct-spawn(1).\n", f);
}

void cli_log(const struct g_opts *g, const char *level, const char *msg)
{
	int fd;

	if (!g || !g->log)
		return;
	fd = open(g->log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	if (g->log_json) {
		char *now = ct_rt_now();
		json_t *j = json_pack("{s:s, s:s, s:s}", "level", level, "msg", msg, "time", now);
		char *s = json_dumps(j, JSON_COMPACT);

		dprintf(fd, "%s\n", s);
		free(s);
		json_decref(j);
		free(now);
	} else {
		dprintf(fd, "%s: %s\n", level, msg);
	}
	close(fd);
}

void cli_hook_warn(const struct ct_err *e, void *arg)
{
	cli_log(arg, "warning", e->msg);
	ct_warn_err(e);
}

noreturn void cli_fail(const struct g_opts *g, const struct ct_err *e)
{
	cli_log(g, "error", e->msg);
	ct_die_err(e);
}

noreturn void cli_fail_code(const struct g_opts *g, const struct ct_err *e, int code)
{
	if (code <= 1 || code > 255)
		cli_fail(g, e);
	cli_log(g, "error", e->msg);
	ct_warn_err(e);
	exit(code);
}

/* runc's "auto": not root, or root of a user namespace that does not map
 * the whole id range (inside rootless Podman, say). */
static int in_user_namespace(void)
{
	char b[128] = "", *p = b;
	unsigned long v[3];

	if (ct_read_small("/proc/self/uid_map", b, sizeof b) <= 0)
		return 0;
	for (int i = 0; i < 3; i++) {
		char *end;

		v[i] = strtoul(p, &end, 10);
		if (end == p)
			return 1;
		p = end;
	}
	return !(v[0] == 0 && v[1] == 0 && v[2] == 4294967295UL);
}

static int set_rootless(struct g_opts *g, const char *val)
{
	if (strcmp(val, "true") == 0)
		g->rootless = 1;
	else if (strcmp(val, "false") == 0)
		g->rootless = 0;
	else if (strcmp(val, "auto") == 0)
		g->rootless = geteuid() != 0 || in_user_namespace();
	else
		ct_die_usage("--rootless wants true, false or auto, not '%s'", val);
	return 1;
}

/* runc's default for a non-root caller: $XDG_RUNTIME_DIR/runc; ours
 * $XDG_RUNTIME_DIR/ct-spawn (/run/ct-spawn is root's). */
static const char *default_root(const char *verb)
{
	const char *x = getenv("XDG_RUNTIME_DIR");

	if (geteuid() == 0 || strcmp(verb, "init") == 0 || strcmp(verb, "features") == 0 ||
	    strcmp(verb, "spec") == 0)
		return CT_RT_DEFAULT_ROOT;
	if (!x || x[0] != '/')
		ct_die("no state directory for a non-root user: $XDG_RUNTIME_DIR is %s; set it (a directory of your own, as pam_systemd makes /run/user/%u) or give --root DIR",
		       x ? "not absolute" : "not set", (unsigned)geteuid());
	return ct_xasprintf("%s/ct-spawn", x);
}

int ct_spawn_main(int argc, char **argv)
{
	struct g_opts g = { NULL, NULL, 0, 0, 0 };
	int i, verbose = 0, rootless_set = 0;
	const char *verb;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		const char *val = NULL;

		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0) {
			printf("ct-spawn %s\nspec: 1.0.2\n", CT_VERSION);
			return 0;
		} else if (strcmp(a, "-v") == 0 || strcmp(a, "--debug") == 0) {
			verbose++;
		} else if (strcmp(a, "-vv") == 0) {
			verbose += 2;
		} else if (strcmp(a, "--systemd-cgroup") == 0) {
			g.systemd_cgroup = 1;
		} else if (strncmp(a, "--", 2) == 0 && strchr(a, '=')) {
			/* --opt=value */
			char *k = ct_xstrndup(a, (size_t)(strchr(a, '=') - a));

			val = strchr(a, '=') + 1;
			if (strcmp(k, "--root") == 0)
				g.root = val;
			else if (strcmp(k, "--log") == 0)
				g.log = val;
			else if (strcmp(k, "--log-format") == 0)
				g.log_json = strcmp(val, "json") == 0;
			else if (strcmp(k, "--rootless") == 0)
				rootless_set = set_rootless(&g, val);
			else if (strcmp(k, "--criu") != 0)
				ct_die_usage("unknown global option %s (see ct-spawn --help)", k);
			free(k);
		} else if (strcmp(a, "--root") == 0 || strcmp(a, "--log") == 0 ||
			   strcmp(a, "--log-format") == 0 || strcmp(a, "--criu") == 0 ||
			   strcmp(a, "--rootless") == 0) {
			if (i + 1 >= argc)
				ct_die_usage("%s needs a value", a);
			val = argv[++i];
			if (strcmp(a, "--root") == 0)
				g.root = val;
			else if (strcmp(a, "--log") == 0)
				g.log = val;
			else if (strcmp(a, "--log-format") == 0)
				g.log_json = strcmp(val, "json") == 0;
			else if (strcmp(a, "--rootless") == 0)
				rootless_set = set_rootless(&g, val);
		} else {
			ct_die_usage("unknown global option %s (see ct-spawn --help)", a);
		}
	}
	ct_set_verbose(verbose);
	if (!rootless_set)
		set_rootless(&g, "auto");
	if (i < argc && !g.root)
		g.root = default_root(argv[i]);
	if (g.root && g.root[0] != '/') {
		/* the supervisor works from "/"; keep the state where it was asked */
		char cwd[PATH_MAX];

		if (!getcwd(cwd, sizeof cwd))
			ct_die("getcwd:");
		g.root = ct_xasprintf("%s/%s", cwd, g.root);
	}
	if (i >= argc) {
		usage(stderr);
		return CT_EXIT_USAGE;
	}
	verb = argv[i];
	argc -= i;
	argv += i;
	if (strcmp(verb, "init") == 0)
		return verb_init(argc, argv);
	g.argv = argv - i;
	if (strcmp(verb, "create") == 0 || strcmp(verb, "exec") == 0) {
		struct ct_err e = { 0 };

		/* CVE-2019-5736: never run container set-up from a writable
		 * binary (run decides once it has read the spec: run.c) */
		if (!getenv("CT_SPAWN_NO_MEMFD") && ct_reexec_sealed(g.argv, &e) < 0)
			cli_fail(&g, &e);
	}
	if (strcmp(verb, "run") == 0)
		return verb_run(&g, argc, argv, 0);
	if (strcmp(verb, "create") == 0)
		return verb_run(&g, argc, argv, 1);
	if (strcmp(verb, "start") == 0)
		return verb_start(&g, argc, argv);
	if (strcmp(verb, "state") == 0)
		return verb_state(&g, argc, argv);
	if (strcmp(verb, "kill") == 0)
		return verb_kill(&g, argc, argv);
	if (strcmp(verb, "stop") == 0)
		return verb_stop(&g, argc, argv);
	if (strcmp(verb, "delete") == 0)
		return verb_delete(&g, argc, argv);
	if (strcmp(verb, "list") == 0)
		return verb_list(&g, argc, argv);
	if (strcmp(verb, "ps") == 0)
		return verb_ps(&g, argc, argv);
	if (strcmp(verb, "pause") == 0)
		return verb_pause(&g, argc, argv, 1);
	if (strcmp(verb, "resume") == 0)
		return verb_pause(&g, argc, argv, 0);
	if (strcmp(verb, "exec") == 0)
		return verb_exec(&g, argc, argv);
	if (strcmp(verb, "attach") == 0)
		return verb_attach(&g, argc, argv);
	if (strcmp(verb, "features") == 0)
		return verb_features(&g, argc, argv);
	if (strcmp(verb, "spec") == 0)
		return verb_spec(&g, argc, argv);
	ct_die_usage("unknown verb '%s' (checkpoint, restore, update, events are not supported; see ct-spawn --help)", verb);
}
