/* The detached supervisor: `ct-spawn run -d` forks twice (setsid in
 * between) into a small process that owns the container's stdout and
 * stderr, writes them with timestamps to the log, keeps state.json and
 * state.ini current, applies the restart policy with backoff, and cleans
 * up after --rm. The caller returns as soon as the first start worked. */
#include "supervise.h"
#include "buf.h"
#include "cgroup.h"
#include "err.h"
#include "file.h"
#include "ocispec.h"
#include "rtstate.h"
#include "say.h"
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int sup_parse_restart(const char *s, struct sup_policy *p, struct ct_err *e)
{
	memset(p, 0, sizeof *p);
	if (!s || strcmp(s, "no") == 0) {
		p->kind = SUP_NO;
	} else if (strcmp(s, "always") == 0) {
		p->kind = SUP_ALWAYS;
	} else if (strcmp(s, "unless-stopped") == 0) {
		p->kind = SUP_UNLESS_STOPPED;
	} else if (strncmp(s, "on-failure", 10) == 0 && (s[10] == 0 || s[10] == ':')) {
		p->kind = SUP_ON_FAILURE;
		p->max = s[10] ? (int)strtol(s + 11, NULL, 10) : 0;
		if (s[10] && p->max <= 0)
			return ct_err(e, 0, "restart policy %s: the count must be a positive number", s);
	} else {
		return ct_err(e, 0, "unknown restart policy %s (no, always, unless-stopped, on-failure[:N])", s);
	}
	return 0;
}

int sup_should_restart(const struct sup_policy *p, int code, int restarts, int stopped)
{
	if (stopped)
		return 0;
	switch (p->kind) {
	case SUP_ALWAYS:
	case SUP_UNLESS_STOPPED:
		return 1;
	case SUP_ON_FAILURE:
		return code != 0 && (p->max == 0 || restarts < p->max);
	default:
		return 0;
	}
}

struct stream {
	int fd;
	const char *name;
	struct ct_buf line;
};

static void log_line(int logfd, const char *stream, const char *text, size_t n, int partial)
{
	char *now = ct_rt_now();
	struct ct_buf b = CT_BUF_INIT;

	ct_buf_printf(&b, "%s %s %c ", now, stream, partial ? 'P' : 'F');
	ct_buf_add(&b, text, n);
	ct_buf_putc(&b, '\n');
	ct_write_all(logfd, b.data, b.len);
	ct_buf_free(&b);
	free(now);
}

/* read what is there; log complete lines (and over-long partial ones) */
static int pump(struct stream *s, int logfd, int final)
{
	char buf[8192];
	ssize_t n = read(s->fd, buf, sizeof buf);
	char *nl;

	if (n > 0)
		ct_buf_add(&s->line, buf, (size_t)n);
	while (s->line.len && (nl = memchr(s->line.data, '\n', s->line.len))) {
		size_t l = (size_t)(nl - s->line.data);

		log_line(logfd, s->name, s->line.data, l, 0);
		memmove(s->line.data, nl + 1, s->line.len - l - 1);
		s->line.len -= l + 1;
	}
	if (s->line.len && (s->line.len > 16384 || (n <= 0 && final))) {
		log_line(logfd, s->name, s->line.data, s->line.len, 1);
		s->line.len = 0;
	}
	return n > 0 ? 1 : (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) ? 0 : 1;
}

static int write_state_ini(const struct sup_job *j, const char *status, pid_t pid, int code,
			   const char *started, const char *finished, int restarts)
{
	char *path = ct_xasprintf("%s/state.ini", j->state_ini_dir);
	struct ct_buf b = CT_BUF_INIT;
	int r;

	ct_buf_printf(&b, "[state]\nstatus = %s\npid = %d\nexit_code = %d\nstarted = %s\n"
		      "finished = %s\nrestart_count = %d\nrestart_policy = %s\nlog = %s\n"
		      "oom_killed = %d\n",
		      status, (int)pid, code, started ? started : "", finished ? finished : "",
		      restarts, j->policy_text ? j->policy_text : "no", j->log_path, j->oom_killed);
	r = ct_write_file_atomic(path, b.data, b.len, 0644, NULL);
	ct_buf_free(&b);
	free(path);
	return r;
}

static int stopped_by_user(const struct sup_job *j)
{
	char *m = ct_xasprintf("%s/%s/stopped", j->g->root, j->id);
	char *d = ct_xasprintf("%s/%s/state.json", j->g->root, j->id);
	int r = ct_exists(m) || !ct_exists(d);

	free(m);
	free(d);
	return r;
}

/* one container run: start, relay, wait; returns the exit code or -1 */
static int run_once(struct sup_job *j, int logfd, int report, struct ct_err *e)
{
	struct ct_spawn sp = { 0 };
	struct ct_rtstate st = { 0 };
	struct stream out = { -1, "stdout", CT_BUF_INIT }, err = { -1, "stderr", CT_BUF_INIT };
	int po[2], pe[2], sfd, status = 0, code, alive = 1;
	sigset_t set;
	char *started;

	if (pipe2(po, O_CLOEXEC) < 0 || pipe2(pe, O_CLOEXEC) < 0)
		return ct_err(e, errno, "pipe");
	/* the container inherits 1 and 2: point them at the pipes for the clone */
	if (dup2(po[1], 1) < 0 || dup2(pe[1], 2) < 0)
		return ct_err(e, errno, "dup2");
	sp.mode = CT_SPAWN_RUN;
	sp.id = j->id;
	sp.spec = j->spec;
	sp.proc = &j->spec->proc;
	sp.cg = j->cg;
	sp.no_pdeathsig = 1;
	sp.init = j->init;
	if (ct_spawn_start(&sp, e) < 0) {
		close(po[0]); close(po[1]); close(pe[0]); close(pe[1]);
		j->exit_code = sp.exit_code;
		return -1;
	}
	{
		int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

		dup2(null, 1);
		dup2(null, 2);
		close(null);
	}
	close(po[1]);
	close(pe[1]);
	out.fd = po[0];
	err.fd = pe[0];
	started = ct_rt_now();
	st.id = (char *)j->id;
	st.bundle = (char *)j->bundle;
	st.rootfs = j->spec->rootfs;
	st.cgroup = j->cg->path;
	st.created = (char *)j->created;
	st.pid = sp.pid;
	st.start = ct_proc_starttime(sp.pid);
	st.annotations = j->spec->annotations;
	ct_rt_save(j->g->root, &st, NULL);
	write_state_ini(j, "running", sp.pid, 0, started, NULL, j->restarts);
	if (report >= 0) {
		char msg[32];
		int n = snprintf(msg, sizeof msg, "ok %d", (int)sp.pid);

		ct_write_all(report, msg, (size_t)n);
		close(report);
	}
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sfd = signalfd(-1, &set, SFD_CLOEXEC);
	while (alive || out.fd >= 0 || err.fd >= 0) {
		struct pollfd p[3] = { { out.fd, POLLIN, 0 }, { err.fd, POLLIN, 0 },
				       { alive ? sfd : -1, POLLIN, 0 } };

		if (poll(p, 3, alive ? -1 : 200) <= 0) {
			if (!alive)
				break;	/* a grandchild keeps the pipe open */
			continue;
		}
		for (int i = 0; i < 2; i++) {
			struct stream *s = i ? &err : &out;

			if (p[i].revents && !pump(s, logfd, 1)) {
				close(s->fd);
				s->fd = -1;
			}
		}
		if (p[2].revents & POLLIN) {
			struct signalfd_siginfo si;

			if (read(sfd, &si, sizeof si) < 0)
				continue;
			if (waitpid(sp.pid, &status, WNOHANG) == sp.pid)
				alive = 0;
		}
	}
	if (out.fd >= 0)
		close(out.fd);
	if (err.fd >= 0)
		close(err.fd);
	ct_buf_free(&out.line);
	ct_buf_free(&err.line);
	close(sfd);
	code = ct_exit_status(status);
	j->oom_killed = 0;
	if (ct_cgroup_oom_kills(j->cg) > j->ooms) {
		j->ooms = ct_cgroup_oom_kills(j->cg);
		j->oom_killed = 1;
		code = 137;
		log_line(logfd, "stderr", "ct-spawn: killed by the kernel: out of memory", 45, 0);
	}
	{
		char *fin = ct_rt_now();

		write_state_ini(j, "stopped", 0, code, started, fin, j->restarts);
		free(fin);
	}
	free(started);
	return code;
}

int sup_start(struct sup_job *j, struct ct_err *e)
{
	int sync[2], logfd;
	pid_t pid;
	char msg[1100];
	ssize_t n;

	logfd = open(j->log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (logfd < 0)
		return ct_err(e, errno, "open the container log %s", j->log_path);
	if (pipe2(sync, O_CLOEXEC) < 0) {
		close(logfd);
		return ct_err(e, errno, "pipe");
	}
	pid = fork();
	if (pid < 0) {
		close(logfd);
		return ct_err(e, errno, "fork");
	}
	if (pid > 0) {
		int status;

		close(sync[1]);
		close(logfd);
		waitpid(pid, &status, 0);	/* the middle process exits at once */
		n = read(sync[0], msg, sizeof msg - 1);
		close(sync[0]);
		if (n <= 0)
			return ct_err(e, 0, "the supervisor of %s died before starting it", j->id);
		msg[n] = 0;
		if (strncmp(msg, "ok ", 3) == 0) {
			j->pid = (pid_t)strtol(msg + 3, NULL, 10);
			return 0;
		}
		j->exit_code = CT_EXIT_FAIL;
		if (n > 4 && msg[0] == 'E') {
			j->exit_code = (int)strtol(msg + 1, NULL, 10) & 255;
			return ct_err(e, 0, "%s", msg + 4);
		}
		return ct_err(e, 0, "%s", msg + 1);
	}
	/* the middle: a new session, then let the supervisor be orphaned */
	close(sync[0]);
	if (setsid() < 0)
		_exit(1);
	pid = fork();
	if (pid != 0)
		_exit(pid < 0);
	{
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		dup2(null, 0);
		if (null > 2)
			close(null);
	}
	if (chdir("/") < 0)
		_exit(1);
	{
		/* delete waits for us through this */
		char *pf = ct_xasprintf("%s/%s/supervisor.pid", j->g->root, j->id);
		char v[24];

		snprintf(v, sizeof v, "%d", (int)getpid());
		ct_write_file_atomic(pf, v, strlen(v), 0600, NULL);
		free(pf);
	}
	signal(SIGPIPE, SIG_IGN);
	{
		sigset_t set;

		sigemptyset(&set);
		sigaddset(&set, SIGCHLD);
		sigprocmask(SIG_BLOCK, &set, NULL);
	}
	for (;;) {
		struct ct_err re = { 0 };
		int code = run_once(j, logfd, sync[1], &re);

		if (code < 0) {
			if (sync[1] >= 0) {
				char m[1100];
				int l = snprintf(m, sizeof m, "E%03d%s", j->exit_code, re.msg);

				ct_write_all(sync[1], m, (size_t)l);
				close(sync[1]);
			}
			log_line(logfd, "stderr", re.msg, strlen(re.msg), 0);
			break;
		}
		sync[1] = -1;
		if (!sup_should_restart(&j->policy, code, j->restarts, stopped_by_user(j)))
			break;
		j->restarts++;
		{
			/* backoff: 100 ms, doubling, at most 10 s */
			int sh = j->restarts > 8 ? 7 : j->restarts > 0 ? j->restarts - 1 : 0;
			long ms = 100L << sh;
			struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

			if (ms > 10000)
				ts.tv_sec = 10, ts.tv_nsec = 0;
			nanosleep(&ts, NULL);
		}
		if (stopped_by_user(j))
			break;
	}
	if (j->rm) {
		struct ct_err de = { 0 };
		char *dir = ct_rt_dir(j->g->root, j->id);

		ct_cgroup_destroy(j->cg, &de);
		ct_rm_rf(dir, &de);
		free(dir);
	}
	_exit(0);
}
