#include "rtstate.h"
#include "buf.h"
#include "cgroup.h"
#include "err.h"
#include "file.h"
#include "json.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int ct_rt_valid_id(const char *id, struct ct_err *e)
{
	size_t n = strlen(id);

	if (n == 0 || n > 128 || !isalnum((unsigned char)id[0]))
		goto bad;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)id[i]) && !strchr("_.+-", id[i]))
			goto bad;
	return 0;
bad:
	return ct_err(e, 0, "invalid container id '%s': use letters, digits, '_', '.', '+', '-' (at most 128)", id);
}

char *ct_rt_dir(const char *root, const char *id)
{
	return ct_xasprintf("%s/%s", root, id);
}

unsigned long long ct_proc_starttime(pid_t pid)
{
	char p[64], b[1024], *c;
	unsigned long long v = 0;
	int i;

	snprintf(p, sizeof p, "/proc/%d/stat", (int)pid);
	if (ct_read_small(p, b, sizeof b) <= 0)
		return 0;
	c = strrchr(b, ')');	/* comm may hold spaces */
	if (!c)
		return 0;
	/* after ")": field 3 is state; starttime is field 22 */
	for (i = 2; c && i < 22; i++)
		c = strchr(c + 1, ' ');
	if (c)
		v = strtoull(c + 1, NULL, 10);
	/* a zombie has exited already */
	if (strstr(b, ") Z ") || strstr(b, ") X "))
		return 0;
	return v;
}

static int rt_volatile;

void ct_rt_set_volatile(int on)
{
	rt_volatile = on;
}

int ct_rt_volatile(void)
{
	return rt_volatile;
}

int ct_rt_save(const char *root, const struct ct_rtstate *st, struct ct_err *e)
{
	char *dir = ct_rt_dir(root, st->id), *path = ct_xasprintf("%s/state.json", dir);
	json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:I}",
			      "id", st->id, "bundle", st->bundle, "rootfs", st->rootfs,
			      "cgroup", st->cgroup ? st->cgroup : "",
			      "created", st->created, "pid", (int)st->pid,
			      "start", (json_int_t)st->start);
	int r;

	if (st->annotations)
		json_object_set(j, "annotations", st->annotations);
	if (st->hooks)
		json_object_set(j, "hooks", st->hooks);
	r = rt_volatile ? ct_json_write_file_volatile(path, j, JSON_INDENT(1), 0600, e)
			: ct_json_write_file(path, j, JSON_INDENT(1), 0600, e);
	json_decref(j);
	free(dir);
	free(path);
	return r;
}

int ct_rt_load(const char *root, const char *id, struct ct_rtstate *st, struct ct_err *e)
{
	char *path;
	json_t *j;

	memset(st, 0, sizeof *st);
	if (ct_rt_valid_id(id, e) < 0)
		return -1;
	path = ct_xasprintf("%s/%s/state.json", root, id);
	if (!ct_exists(path)) {
		free(path);
		return ct_err(e, ENOENT, "container %s does not exist (no %s/%s)", id, root, id);
	}
	j = ct_json_load_file(path, 1 << 20, e);
	free(path);
	if (!j)
		return -1;
	st->id = ct_xstrdup(id);
	st->bundle = ct_xstrdup(ct_json_str(j, "bundle") ? ct_json_str(j, "bundle") : "");
	st->rootfs = ct_xstrdup(ct_json_str(j, "rootfs") ? ct_json_str(j, "rootfs") : "");
	st->cgroup = ct_xstrdup(ct_json_str(j, "cgroup") ? ct_json_str(j, "cgroup") : "");
	st->created = ct_xstrdup(ct_json_str(j, "created") ? ct_json_str(j, "created") : "");
	st->pid = (pid_t)ct_json_int(j, "pid", 0);
	st->start = (unsigned long long)ct_json_int(j, "start", 0);
	st->annotations = json_incref(json_object_get(j, "annotations"));
	st->hooks = json_incref(json_object_get(j, "hooks"));
	json_decref(j);
	return 0;
}

void ct_rt_free(struct ct_rtstate *st)
{
	free(st->id);
	free(st->bundle);
	free(st->rootfs);
	free(st->cgroup);
	free(st->created);
	json_decref(st->annotations);
	json_decref(st->hooks);
	memset(st, 0, sizeof *st);
}

int ct_rt_alive(const struct ct_rtstate *st)
{
	return st->pid > 0 && ct_proc_starttime(st->pid) == st->start && st->start;
}

const char *ct_rt_status(const char *root, const struct ct_rtstate *st)
{
	char *fifo = ct_xasprintf("%s/%s/exec.fifo", root, st->id);
	int created = ct_exists(fifo);

	free(fifo);
	if (!ct_rt_alive(st))
		return "stopped";
	if (created)
		return "created";
	if (st->cgroup && *st->cgroup) {
		struct ct_cgroup cg;

		if (ct_cgroup_init(&cg, st->cgroup, NULL) == 0) {
			int f = ct_cgroup_frozen(&cg);

			ct_cgroup_free(&cg);
			if (f == 1)
				return "paused";
		}
	}
	return "running";
}

json_t *ct_rt_oci_state(const char *root, const struct ct_rtstate *st)
{
	const char *status = ct_rt_status(root, st);
	json_t *j = json_pack("{s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:s}",
			      "ociVersion", "1.0.2", "id", st->id, "status", status,
			      "pid", strcmp(status, "stopped") == 0 ? 0 : (int)st->pid,
			      "bundle", st->bundle, "rootfs", st->rootfs,
			      "created", st->created, "owner", "");

	json_object_set_new(j, "annotations",
			    st->annotations ? json_incref(st->annotations) : json_object());
	return j;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **ct_rt_list(const char *root)
{
	DIR *d = opendir(root);
	struct dirent *de;
	size_t n = 0, cap = 8;
	char **v = ct_xcalloc(cap, sizeof *v);

	while (d && (de = readdir(d))) {
		char *p;

		if (de->d_name[0] == '.')
			continue;
		p = ct_xasprintf("%s/%s/state.json", root, de->d_name);
		if (ct_exists(p)) {
			if (n + 1 >= cap)
				v = ct_xrealloc(v, (cap *= 2) * sizeof *v);
			v[n++] = ct_xstrdup(de->d_name);
			v[n] = NULL;
		}
		free(p);
	}
	if (d)
		closedir(d);
	qsort(v, n, sizeof *v, cmp_str);
	return v;
}

char *ct_rt_now(void)
{
	struct timespec ts;
	struct tm tm;
	char b[64];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%S", &tm);
	return ct_xasprintf("%s.%09ldZ", b, ts.tv_nsec);
}

int ct_rt_write_ini(const char *bundle, const char *status, pid_t pid, int exit_code,
		    const char *started, const char *finished, int oom_killed,
		    struct ct_err *e)
{
	char *path = ct_xasprintf("%s/state.ini", bundle);
	struct ct_buf b = CT_BUF_INIT;
	int r;

	ct_buf_printf(&b, "[state]\nstatus = %s\npid = %d\nexit_code = %d\nstarted = %s\nfinished = %s\n"
		      "oom_killed = %d\n",
		      status, (int)pid, exit_code, started ? started : "", finished ? finished : "",
		      oom_killed);
	r = rt_volatile ? ct_write_file_volatile(path, b.data, b.len, 0644, e)
			: ct_write_file_atomic(path, b.data, b.len, 0644, e);
	ct_buf_free(&b);
	free(path);
	return r;
}
