/* The detached supervisor: `ct-spawn run -d` forks twice (setsid in
 * between) into a small process that owns the container's stdout and
 * stderr, writes them with timestamps to the log, keeps state.json and
 * state.ini current, applies the restart policy with backoff, and cleans
 * up after --rm. The caller returns as soon as the first start worked.
 * With -t it owns the pty master; `ct-spawn attach` connects to its attach
 * socket (see supervise.h). It also runs the health check the annotations
 * ask for, like exec, and records its result in state.ini. */
#include "supervise.h"
#include "buf.h"
#include "cgroup.h"
#include "err.h"
#include "file.h"
#include "hooks.h"
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
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>
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


static long long parse_ns(const json_t *ann, const char *key, long long def)
{
	const char *v = json_string_value(json_object_get(ann, key));
	char *end;
	long long n;

	if (!v || !*v)
		return def;
	n = strtoll(v, &end, 10);
	return *end || n < 0 ? -1 : n;
}

int sup_parse_health(const struct oci_spec *s, struct sup_health *h, struct ct_err *e)
{
	const json_t *ann = s->annotations;
	const char *t = json_string_value(json_object_get(ann, "org.ct.health.test"));
	json_t *arr, *v;
	json_error_t je;
	const char *kind;
	size_t i, n;

	memset(h, 0, sizeof *h);
	if (!t || !*t)
		return 0;
	arr = json_loads(t, 0, &je);
	if (!json_is_array(arr) || !json_array_size(arr) ||
	    !(kind = json_string_value(json_array_get(arr, 0)))) {
		json_decref(arr);
		return ct_err(e, 0, "annotation org.ct.health.test is not a JSON array like [\"CMD-SHELL\", \"cmd\"]: %s", t);
	}
	n = json_array_size(arr);
	if (strcmp(kind, "NONE") == 0 || n < 2) {
		json_decref(arr);
		return 0;
	}
	if (strcmp(kind, "CMD-SHELL") == 0) {
		h->args = ct_xcalloc(4, sizeof *h->args);
		h->args[0] = ct_xstrdup("/bin/sh");
		h->args[1] = ct_xstrdup("-c");
		h->args[2] = ct_xstrdup(json_string_value(json_array_get(arr, 1)) ?
					json_string_value(json_array_get(arr, 1)) : "");
	} else if (strcmp(kind, "CMD") == 0) {
		h->args = ct_xcalloc(n, sizeof *h->args);
		json_array_foreach(arr, i, v) {
			if (i && !json_is_string(v)) {
				json_decref(arr);
				return ct_err(e, 0, "annotation org.ct.health.test: every argument must be a string");
			}
			if (i)
				h->args[i - 1] = ct_xstrdup(json_string_value(v));
		}
	} else {
		json_decref(arr);
		return ct_err(e, 0, "annotation org.ct.health.test: unknown kind %s (CMD, CMD-SHELL or NONE)", kind);
	}
	json_decref(arr);
	h->interval = parse_ns(ann, "org.ct.health.interval", 30000000000LL);
	h->timeout = parse_ns(ann, "org.ct.health.timeout", 30000000000LL);
	h->start_period = parse_ns(ann, "org.ct.health.start_period", 0);
	{
		long long r = parse_ns(ann, "org.ct.health.retries", 3);

		h->retries = r > 0 && r < 1000000 ? (int)r : r == 0 ? 3 : -1;
	}
	if (!h->interval)
		h->interval = 30000000000LL;
	if (!h->timeout)
		h->timeout = 30000000000LL;
	if (h->interval < 0 || h->timeout < 0 || h->start_period < 0 || h->retries < 0)
		return ct_err(e, 0, "annotations org.ct.health.{interval,timeout,start_period,retries}: decimal nanoseconds and a count, please");
	h->on = 1;
	h->status = "starting";
	return 0;
}

struct stream {
	int fd;
	const char *name;
	char kind;		/* 'o' or 'e' for attached clients */
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

static void drop_client(struct sup_job *j, int i)
{
	close(j->clients[i]);
	j->clients[i] = j->clients[--j->nclients];
}

/* to every attached client; one that cannot keep up loses the bytes */
static void broadcast(struct sup_job *j, char kind, const char *data, size_t n)
{
	char buf[8193];

	if (n > sizeof buf - 1)
		n = sizeof buf - 1;
	buf[0] = kind;
	memcpy(buf + 1, data, n);
	for (int i = 0; i < j->nclients; i++)
		if (send(j->clients[i], buf, n + 1, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 &&
		    errno != EAGAIN)
			drop_client(j, i--);
}

/* read what is there; log complete lines (and over-long partial ones) */
static int pump(struct sup_job *j, struct stream *s, int logfd, int final)
{
	char buf[8192];
	ssize_t n = read(s->fd, buf, sizeof buf);
	char *nl;

	if (n > 0) {
		ct_buf_add(&s->line, buf, (size_t)n);
		broadcast(j, s->kind, buf, (size_t)n);
	}
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

static int write_state_ini(const struct sup_job *j)
{
	char *path = ct_xasprintf("%s/state.ini", j->state_ini_dir);
	struct ct_buf b = CT_BUF_INIT;
	int r;

	ct_buf_printf(&b, "[state]\nstatus = %s\npid = %d\nexit_code = %d\nstarted = %s\n"
		      "finished = %s\nrestart_count = %d\nrestart_policy = %s\nlog = %s\n"
		      "oom_killed = %d\n",
		      j->status, (int)j->cur_pid, j->cur_code, j->started ? j->started : "",
		      j->finished ? j->finished : "", j->restarts,
		      j->policy_text ? j->policy_text : "no", j->log_path, j->oom_killed);
	if (j->hc.on)
		ct_buf_printf(&b, "health = %s\nhealth_failing_streak = %d\nhealth_log = %s\n",
			      j->hc.status, j->hc.streak, j->hc.log);
	r = ct_rt_volatile() ? ct_write_file_volatile(path, b.data, b.len, 0644, NULL)
			     : ct_write_file_atomic(path, b.data, b.len, 0644, NULL);
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

/* ---- the health check ------------------------------------------------------ */

struct hc_run {
	pid_t pid;		/* the helper that execs the test, or 0 */
	int fd;			/* its output, or -1 */
	struct ct_buf out;
};

/* A helper process joins the container like exec and runs the test there,
 * killing it after the timeout; its exit status is the test's. It is a
 * process of its own so that joining the pid namespace does not stick to
 * the supervisor. */
static int hc_start(struct sup_job *j, pid_t target, struct hc_run *r)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	r->pid = fork();
	if (r->pid < 0) {
		close(p[0]);
		close(p[1]);
		r->pid = 0;
		return -1;
	}
	if (r->pid == 0) {
		struct oci_process proc = j->spec->proc;
		struct ct_spawn sp = { 0 };
		struct ct_err e = { 0 };
		struct timespec ts = { (time_t)(j->hc.timeout / 1000000000LL),
				       (long)(j->hc.timeout % 1000000000LL) };
		sigset_t set;
		int null = open("/dev/null", O_RDWR | O_CLOEXEC), status = 0;

		if (null < 0 || dup2(null, 0) < 0 || dup2(p[1], 1) < 0 || dup2(p[1], 2) < 0)
			_exit(1);
		for (int i = 0; i < j->nclients; i++)
			close(j->clients[i]);
		if (j->lsock >= 0)
			close(j->lsock);
		proc.args = j->hc.args;
		proc.terminal = 0;
		sp.mode = CT_SPAWN_EXEC;
		sp.id = j->id;
		sp.spec = j->spec;
		sp.proc = &proc;
		sp.join_pid = target;
		sp.cg = j->cg;
		if (ct_spawn_start(&sp, &e) < 0) {
			dprintf(p[1], "%s\n", e.msg);
			_exit(sp.exit_code);
		}
		dup2(null, 1);
		dup2(null, 2);
		sigemptyset(&set);
		sigaddset(&set, SIGCHLD);
		for (;;) {
			if (waitpid(sp.pid, &status, WNOHANG) == sp.pid)
				_exit(ct_exit_status(status));
			if (sigtimedwait(&set, NULL, &ts) < 0 && errno == EAGAIN) {
				kill(sp.pid, SIGKILL);
				waitpid(sp.pid, &status, 0);
				dprintf(p[1], "Health check exceeded timeout (%lld ms)\n",
					j->hc.timeout / 1000000);
				_exit(1);
			}
		}
	}
	close(p[1]);
	r->fd = p[0];
	r->out.len = 0;
	return 0;
}

static void hc_read(struct hc_run *r)
{
	char buf[4096];
	ssize_t n = read(r->fd, buf, sizeof buf);

	if (n > 0) {
		ct_buf_add(&r->out, buf, (size_t)n);
		if (r->out.len > 8192) {	/* keep the tail */
			memmove(r->out.data, r->out.data + r->out.len - 4096, 4096);
			r->out.len = 4096;
		}
	} else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
		close(r->fd);
		r->fd = -1;
	}
}

static void hc_done(struct sup_job *j, struct hc_run *r, int code, const struct timespec *since)
{
	struct timespec now;
	long long up;
	size_t end, start;
	const char *d;

	if (r->fd >= 0) {
		/* what is there now; a background process of the check may
		 * hold the pipe open for longer */
		int fl = fcntl(r->fd, F_GETFL);
		char buf[4096];
		ssize_t n;

		fcntl(r->fd, F_SETFL, fl | O_NONBLOCK);
		while ((n = read(r->fd, buf, sizeof buf)) > 0 && r->out.len < 65536)
			ct_buf_add(&r->out, buf, (size_t)n);
		close(r->fd);
		r->fd = -1;
	}
	r->pid = 0;
	/* the last non-empty line of its output, printable, short */
	d = r->out.data ? r->out.data : "";
	end = r->out.len;
	while (end && (d[end - 1] == '\n' || d[end - 1] == '\r' || d[end - 1] == ' '))
		end--;
	start = end;
	while (start && d[start - 1] != '\n')
		start--;
	if (end - start > sizeof j->hc.log - 1)
		end = start + sizeof j->hc.log - 1;
	for (size_t i = start, k = 0; i <= end; i++, k++)
		j->hc.log[k] = i == end ? 0 : (unsigned char)d[i] < 32 ? ' ' : d[i];
	if (!*j->hc.log && code)
		snprintf(j->hc.log, sizeof j->hc.log, "exit status %d", code);
	clock_gettime(CLOCK_MONOTONIC, &now);
	up = (now.tv_sec - since->tv_sec) * 1000000000LL + (now.tv_nsec - since->tv_nsec);
	if (code == 0) {
		j->hc.streak = 0;
		j->hc.status = "healthy";
	} else if (!(strcmp(j->hc.status, "starting") == 0 && up < j->hc.start_period)) {
		/* failures in the start period do not count */
		if (++j->hc.streak >= j->hc.retries)
			j->hc.status = "unhealthy";
	}
	write_state_ini(j);
}

/* ---- one run of the container ---------------------------------------------- */

static void accept_client(struct sup_job *j)
{
	int c = accept4(j->lsock, NULL, NULL, SOCK_CLOEXEC);

	if (c < 0)
		return;
	if (j->nclients >= SUP_MAX_CLIENTS) {
		close(c);
		return;
	}
	j->clients[j->nclients++] = c;
}

/* a message from an attached client: input, end of input, a window size */
static void client_msg(struct sup_job *j, int i, int *in_fd, int tty)
{
	char buf[8193];
	ssize_t n = recv(j->clients[i], buf, sizeof buf, MSG_DONTWAIT);

	if (n <= 0) {
		if (n == 0 || (errno != EAGAIN && errno != EINTR))
			drop_client(j, i);
		return;
	}
	if (buf[0] == 'i' && *in_fd >= 0 && n > 1)
		ct_write_all(*in_fd, buf + 1, (size_t)n - 1);
	if (buf[0] == 'c' && *in_fd >= 0 && !tty && j->attach) {
		/* run -d -i --attach: the caller's stdin ended, so does the
		 * container's (Docker's StdinOnce) */
		close(*in_fd);
		*in_fd = -1;
	}
	if (buf[0] == 'w' && tty && *in_fd >= 0) {
		struct winsize ws = { 0 };
		unsigned rows, cols;
		char *end;

		buf[n] = 0;
		rows = (unsigned)strtoul(buf + 1, &end, 10);
		if (*end == ' ' && (cols = (unsigned)strtoul(end + 1, NULL, 10)) > 0) {
			ws.ws_row = (unsigned short)rows;
			ws.ws_col = (unsigned short)cols;
			ioctl(*in_fd, TIOCSWINSZ, &ws);
		}
	}
}

struct hook_log {
	const struct g_opts *g;
	int logfd;
};

/* a poststart/poststop failure: a warning in the container's log (and --log) */
static void hook_warn(const struct ct_err *e, void *arg)
{
	const struct hook_log *hl = arg;
	char *m = ct_xasprintf("ct-spawn: warning: %s", e->msg);

	log_line(hl->logfd, "stderr", m, strlen(m), 0);
	cli_log(hl->g, "warning", e->msg);
	free(m);
}

static void sup_hooks(struct sup_job *j, int logfd, int kind, pid_t pid)
{
	struct hook_log hl = { j->g, logfd };
	char *state;

	if (!ct_hooks_has(&j->spec->hooks, kind))
		return;
	state = ct_hook_state(j->id, kind == OCI_HOOK_POSTSTOP ? "stopped" : "running", pid,
			      j->bundle, j->spec->rootfs, j->created, j->spec->annotations);
	ct_hooks_run_warn(&j->spec->hooks, kind, state, j->bundle, hook_warn, &hl);
	free(state);
}

/* one container run: start, relay, wait; returns the exit code or -1 */
static int run_once(struct sup_job *j, int logfd, int report, struct ct_err *e)
{
	struct ct_spawn sp = { 0 };
	struct ct_rtstate st = { 0 };
	struct stream out = { -1, "stdout", 'o', CT_BUF_INIT }, err = { -1, "stderr", 'e', CT_BUF_INIT };
	struct hc_run hc = { 0, -1, CT_BUF_INIT };
	struct timespec since;
	int po[2] = { -1, -1 }, pe[2] = { -1, -1 }, pi[2] = { -1, -1 };
	int tty = j->spec->proc.terminal, sfd, tfd = -1, status = 0, ws, code, alive = 1, in_fd = -1;
	sigset_t set;

	if (!tty && (pipe2(po, O_CLOEXEC) < 0 || pipe2(pe, O_CLOEXEC) < 0 ||
		     (j->interactive && pipe2(pi, O_CLOEXEC) < 0)))
		return ct_err(e, errno, "pipe");
	/* the container inherits 0, 1 and 2: point them at the pipes for the clone */
	if (!tty && (dup2(po[1], 1) < 0 || dup2(pe[1], 2) < 0 ||
		     (pi[0] >= 0 && dup2(pi[0], 0) < 0)))
		return ct_err(e, errno, "dup2");
	sp.mode = CT_SPAWN_RUN;
	sp.id = j->id;
	sp.spec = j->spec;
	sp.proc = &j->spec->proc;
	sp.cg = j->cg;
	sp.no_pdeathsig = 1;
	sp.init = j->init;
	if (ct_spawn_start(&sp, e) < 0) {
		if (!tty) {
			close(po[0]); close(po[1]); close(pe[0]); close(pe[1]);
			if (pi[0] >= 0) {
				close(pi[0]);
				close(pi[1]);
			}
		}
		j->exit_code = sp.exit_code;
		if (sp.cloned)
			sup_hooks(j, logfd, OCI_HOOK_POSTSTOP, 0);
		return -1;
	}
	{
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		close(null);
	}
	if (tty) {
		out.fd = sp.master;
		in_fd = sp.master;
	} else {
		close(po[1]);
		close(pe[1]);
		out.fd = po[0];
		err.fd = pe[0];
		if (pi[0] >= 0) {
			close(pi[0]);
			in_fd = pi[1];
		}
	}
	free(j->started);
	free(j->finished);
	j->started = ct_rt_now();
	j->finished = NULL;
	clock_gettime(CLOCK_MONOTONIC, &since);
	st.id = (char *)j->id;
	st.bundle = (char *)j->bundle;
	st.rootfs = j->spec->rootfs;
	st.cgroup = j->cg->path;
	st.created = (char *)j->created;
	st.pid = sp.pid;
	st.start = ct_proc_starttime(sp.pid);
	st.annotations = j->spec->annotations;
	st.hooks = j->spec->hooks_json;
	ct_rt_save(j->g->root, &st, NULL);
	j->status = "running";
	j->cur_pid = sp.pid;
	j->cur_code = 0;
	if (j->hc.on) {
		struct itimerspec it = { { (time_t)(j->hc.interval / 1000000000LL),
					   (long)(j->hc.interval % 1000000000LL) },
					 { (time_t)(j->hc.interval / 1000000000LL),
					   (long)(j->hc.interval % 1000000000LL) } };

		j->hc.status = "starting";
		j->hc.streak = 0;
		j->hc.log[0] = 0;
		tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
		if (tfd >= 0)
			timerfd_settime(tfd, 0, &it, NULL);
	}
	write_state_ini(j);
	sup_hooks(j, logfd, OCI_HOOK_POSTSTART, sp.pid);
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
		struct pollfd p[6 + SUP_MAX_CLIENTS] = {
			{ out.fd, POLLIN, 0 }, { err.fd, POLLIN, 0 },
			{ sfd, POLLIN, 0 }, { j->lsock, POLLIN, 0 },
			{ alive ? tfd : -1, POLLIN, 0 }, { hc.fd, POLLIN, 0 } };
		int nc = j->nclients;

		for (int i = 0; i < nc; i++)
			p[6 + i] = (struct pollfd){ j->clients[i], POLLIN, 0 };
		if (poll(p, 6 + (nfds_t)nc, alive ? -1 : 200) <= 0) {
			if (!alive)
				break;	/* a grandchild keeps the pipe open */
			continue;
		}
		for (int i = 0; i < 2; i++) {
			struct stream *s = i ? &err : &out;

			if (p[i].revents && !pump(j, s, logfd, 1)) {
				if (s->fd == in_fd)
					in_fd = -1;
				close(s->fd);
				s->fd = -1;
			}
		}
		if (p[2].revents & POLLIN) {
			struct signalfd_siginfo si;
			pid_t w;

			if (read(sfd, &si, sizeof si) < 0)
				continue;
			while ((w = waitpid(-1, &ws, WNOHANG)) > 0) {
				if (w == sp.pid) {
					alive = 0;
					status = ws;
				} else if (w == hc.pid) {
					if (alive)
						hc_done(j, &hc, ct_exit_status(ws), &since);
					else
						hc.pid = 0;
				}
			}
		}
		if (p[3].revents & POLLIN)
			accept_client(j);
		if (p[4].revents & POLLIN) {
			uint64_t ticks;

			if (read(tfd, &ticks, sizeof ticks) > 0 && !hc.pid && hc.fd < 0 && alive)
				hc_start(j, sp.pid, &hc);
		}
		if (p[5].revents)
			hc_read(&hc);
		for (int i = nc - 1; i >= 0; i--)
			if (p[6 + i].revents)
				client_msg(j, i, &in_fd, tty);
	}
	if (out.fd >= 0)
		close(out.fd);
	if (err.fd >= 0)
		close(err.fd);
	if (in_fd >= 0 && !tty)
		close(in_fd);
	if (hc.pid) {
		kill(hc.pid, SIGKILL);
		waitpid(hc.pid, NULL, 0);
	}
	if (hc.fd >= 0)
		close(hc.fd);
	if (tfd >= 0)
		close(tfd);
	ct_buf_free(&hc.out);
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
	j->status = "stopped";
	j->cur_pid = 0;
	j->cur_code = code;
	j->finished = ct_rt_now();
	write_state_ini(j);
	sup_hooks(j, logfd, OCI_HOOK_POSTSTOP, 0);
	{
		char x[16];
		int n = snprintf(x, sizeof x, "x%d", code);

		for (int i = 0; i < j->nclients; i++) {
			send(j->clients[i], x, (size_t)n, MSG_NOSIGNAL);
			shutdown(j->clients[i], SHUT_WR);
		}
		/* Closing a unix socket with unread input resets the peer,
		 * which may then lose the status: read what the clients still
		 * send until they hang up (they do on 'x'), a second at most. */
		for (int t = 0; t < 20 && j->nclients; t++) {
			struct pollfd cp[SUP_MAX_CLIENTS];

			for (int i = 0; i < j->nclients; i++)
				cp[i] = (struct pollfd){ j->clients[i], POLLIN, 0 };
			if (poll(cp, (nfds_t)j->nclients, 50) <= 0)
				continue;
			for (int i = j->nclients - 1; i >= 0; i--) {
				char junk[8193];

				if (cp[i].revents && recv(j->clients[i], junk, sizeof junk, MSG_DONTWAIT) <= 0)
					drop_client(j, i);
			}
		}
		while (j->nclients)
			drop_client(j, 0);
	}
	return code;
}
/* ROOT/ID/attach.sock, bound by its relative name (any path length) */
static int listen_attach(const struct sup_job *j)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char *dir = ct_rt_dir(j->g->root, j->id);
	int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0), ok;

	strcpy(sa.sun_path, SUP_ATTACH_SOCK);
	ok = s >= 0 && chdir(dir) == 0;
	if (ok) {
		unlink(SUP_ATTACH_SOCK);
		ok = bind(s, (struct sockaddr *)&sa, sizeof sa) == 0 && listen(s, 4) == 0;
	}
	if (chdir("/") < 0 || !ok) {
		if (s >= 0)
			close(s);
		s = -1;
	}
	free(dir);
	return s;
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
		if (n > 0 && msg[0] == 'L') {
			/* the supervisor listens and waits for us */
			j->attach_fd = attach_connect(j->g, j->id, e);
			if (j->attach_fd < 0) {
				close(sync[0]);
				return -1;
			}
			memmove(msg, msg + 1, (size_t)--n);
			if (n == 0)
				n = read(sync[0], msg, sizeof msg - 1);
		}
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
	j->lsock = listen_attach(j);
	if (j->attach && j->lsock >= 0) {
		/* run --attach: the caller connects first, so that it sees
		 * everything from the first byte */
		struct pollfd p = { j->lsock, POLLIN, 0 };

		ct_write_all(sync[1], "L", 1);
		if (poll(&p, 1, 30000) > 0)
			accept_client(j);
	}
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
	if (j->on_exit) {
		/* e.g. ct's clean-up of a run -d --rm container's bundle */
		char code[16];
		pid_t h;
		sigset_t none;

		snprintf(code, sizeof code, "%d", j->cur_code);
		setenv("CT_EXIT_CODE", code, 1);
		h = fork();
		if (h == 0) {
			sigemptyset(&none);
			sigprocmask(SIG_SETMASK, &none, NULL);
			signal(SIGPIPE, SIG_DFL);
			execl("/bin/sh", "sh", "-c", j->on_exit, (char *)NULL);
			_exit(127);
		}
		if (h > 0)
			waitpid(h, NULL, 0);
	}
	_exit(0);
}
