/* spec: the default OCI runtime spec and the image/options merge (spec.h). */
#include "spec.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "buf.h"
#include "caps.h"
#include "err.h"
#include "file.h"
#include "json.h"
#include "ocispec.h"

const char *const ct_spec_default_caps[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD",
	"CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
	"CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
	NULL,
};

static const char *const masked_paths[] = {
	"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
	"/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
	"/proc/sched_debug", "/proc/scsi", "/sys/firmware",
	"/sys/devices/virtual/powercap", NULL,
};

static const char *const readonly_paths[] = {
	"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};

static const char *const namespaces[] = {
	"pid", "network", "ipc", "uts", "mount", "cgroup", NULL,
};

#define NOFILE_SOFT 1024
#define NOFILE_HARD 1048576

static json_t *str_array(const char *const *v)
{
	json_t *a = json_array();

	for (; *v; v++)
		json_array_append_new(a, json_string(*v));
	return a;
}

static json_t *default_mounts(void)
{
	return json_pack(
		"[{s:s, s:s, s:s},"
		" {s:s, s:s, s:s, s:[s,s,s,s]},"
		" {s:s, s:s, s:s, s:[s,s,s,s,s,s]},"
		" {s:s, s:s, s:s, s:[s,s,s,s,s]},"
		" {s:s, s:s, s:s, s:[s,s,s]},"
		" {s:s, s:s, s:s, s:[s,s,s,s]},"
		" {s:s, s:s, s:s, s:[s,s,s,s,s]}]",
		"destination", "/proc", "type", "proc", "source", "proc",
		"destination", "/dev", "type", "tmpfs", "source", "tmpfs",
		"options", "nosuid", "strictatime", "mode=755", "size=65536k",
		"destination", "/dev/pts", "type", "devpts", "source", "devpts",
		"options", "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5",
		"destination", "/dev/shm", "type", "tmpfs", "source", "shm",
		"options", "nosuid", "noexec", "nodev", "mode=1777", "size=65536k",
		"destination", "/dev/mqueue", "type", "mqueue", "source", "mqueue",
		"options", "nosuid", "noexec", "nodev",
		"destination", "/sys", "type", "sysfs", "source", "sysfs",
		"options", "nosuid", "noexec", "nodev", "ro",
		"destination", "/sys/fs/cgroup", "type", "cgroup", "source", "cgroup",
		"options", "nosuid", "noexec", "nodev", "relatime", "ro");
}

static json_t *default_rlimits(void)
{
	struct rlimit rl;
	uint64_t hard = NOFILE_HARD, soft = NOFILE_SOFT;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_max != RLIM_INFINITY &&
	    rl.rlim_max < hard)
		hard = rl.rlim_max;
	if (soft > hard)
		soft = hard;
	return json_pack("[{s:s, s:I, s:I}]", "type", "RLIMIT_NOFILE",
			 "hard", (json_int_t)hard, "soft", (json_int_t)soft);
}

json_t *ct_spec_default(void)
{
	json_t *ns = json_array();
	json_t *spec;

	for (const char *const *n = namespaces; *n; n++)
		json_array_append_new(ns, json_pack("{s:s}", "type", *n));
	spec = json_pack(
		"{s:s,"
		" s:{s:b, s:{s:i, s:i}, s:[s], s:[s, s], s:s,"
		"    s:{s:o, s:o, s:o}, s:o, s:b},"
		" s:{s:s, s:b},"
		" s:s,"
		" s:o,"
		" s:{s:o, s:o, s:o, s:{s:[{s:b, s:s}]}},"
		" s:{}}",
		"ociVersion", "1.0.2",
		"process",
		"terminal", 0,
		"user", "uid", 0, "gid", 0,
		"args", "sh",
		"env", CT_SPEC_DEFAULT_PATH, "TERM=xterm",
		"cwd", "/",
		"capabilities",
		"bounding", str_array(ct_spec_default_caps),
		"effective", str_array(ct_spec_default_caps),
		"permitted", str_array(ct_spec_default_caps),
		"rlimits", default_rlimits(),
		"noNewPrivileges", 0,
		"root", "path", "rootfs", "readonly", 0,
		"hostname", "ct",
		"mounts", default_mounts(),
		"linux",
		"namespaces", ns,
		"maskedPaths", str_array(masked_paths),
		"readonlyPaths", str_array(readonly_paths),
		"resources", "devices", "allow", 0, "access", "rwm",
		"annotations");
	return spec;
}

/* ---------------------------------------------------------------- env */

static size_t key_len(const char *kv)
{
	const char *eq = strchr(kv, '=');
	return eq ? (size_t)(eq - kv) : strlen(kv);
}

void ct_spec_env_set(json_t *env, const char *kv)
{
	size_t i, n = key_len(kv);
	json_t *v;

	json_array_foreach(env, i, v) {
		const char *s = json_string_value(v);
		if (s && key_len(s) == n && strncmp(s, kv, n) == 0) {
			json_array_set_new(env, i, json_string(kv));
			return;
		}
	}
	json_array_append_new(env, json_string(kv));
}

const char *ct_spec_env_get(const json_t *env, const char *key)
{
	size_t i, n = strlen(key);
	json_t *v;

	json_array_foreach(env, i, v) {
		const char *s = json_string_value(v);
		if (s && key_len(s) == n && strncmp(s, key, n) == 0 && s[n] == '=')
			return s + n + 1;
	}
	return NULL;
}

/* ---------------------------------------------------------------- image */

static int strings_only(const json_t *a, const char *what, struct ct_err *e)
{
	size_t i;
	json_t *v;

	if (!json_is_array(a))
		return ct_err(e, 0, "image config: %s is not an array of strings", what);
	json_array_foreach(a, i, v) {
		if (!json_is_string(v))
			return ct_err(e, 0, "image config: %s[%zu] is not a string", what, i);
	}
	return 0;
}

/* "a,b,c" of an object's keys, sorted. */
static char *joined_keys(const json_t *obj)
{
	const char **keys;
	size_t n = json_object_size(obj), i = 0;
	const char *k;
	json_t *v;
	struct ct_buf b = CT_BUF_INIT;

	keys = ct_xcalloc(n ? n : 1, sizeof(*keys));
	json_object_foreach((json_t *)obj, k, v) {
		keys[i++] = k;
	}
	for (size_t a = 1; a < n; a++)
		for (size_t c = a; c > 0 && strcmp(keys[c - 1], keys[c]) > 0; c--) {
			const char *t = keys[c];
			keys[c] = keys[c - 1];
			keys[c - 1] = t;
		}
	for (i = 0; i < n; i++) {
		if (i)
			ct_buf_putc(&b, ',');
		ct_buf_puts(&b, keys[i]);
	}
	free(keys);
	{
		char *r = ct_buf_detach(&b);
		return r ? r : ct_xstrdup("");
	}
}

static void annotate_image(json_t *annot, const json_t *cfg)
{
	json_t *v;
	const char *s;

	if ((v = json_object_get(cfg, "Labels")) && json_is_object(v)) {
		const char *k;
		json_t *lv;
		json_object_foreach(v, k, lv) {
			if (json_is_string(lv))
				json_object_set(annot, k, lv);
		}
	}
	if ((v = json_object_get(cfg, "ExposedPorts")) && json_is_object(v) &&
	    json_object_size(v)) {
		char *j = joined_keys(v);
		json_object_set_new(annot, CT_ANNOT_EXPOSED, json_string(j));
		free(j);
	}
	if ((v = json_object_get(cfg, "Volumes")) && json_is_object(v) && json_object_size(v)) {
		char *j = joined_keys(v);
		json_object_set_new(annot, CT_ANNOT_VOLUMES, json_string(j));
		free(j);
	}
	if ((s = ct_json_str(cfg, "StopSignal")) && s[0])
		json_object_set_new(annot, CT_ANNOT_STOPSIGNAL, json_string(s));
}

/* An optional array of strings from the image config; NULL when absent. */
static int image_strings(const json_t *cfg, const char *key, json_t **out, struct ct_err *e)
{
	json_t *v = cfg ? json_object_get(cfg, key) : NULL;

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (strings_only(v, key, e) < 0)
		return -1;
	*out = v;
	return 0;
}

static void host_env_value(json_t *env, const char *key)
{
	const char *val = getenv(key);

	if (val) {
		char *kv = ct_xasprintf("%s=%s", key, val);
		ct_spec_env_set(env, kv);
		free(kv);
	}
}

int ct_spec_build(json_t *spec, const json_t *image_config, const struct ct_spec_opts *o,
		  struct ct_err *e)
{
	json_t *cfg = image_config ? json_object_get(image_config, "config") : NULL;
	json_t *proc = json_object_get(spec, "process");
	json_t *env = json_object_get(proc, "env");
	json_t *annot = json_object_get(spec, "annotations");
	json_t *entry, *cmd, *args, *ienv;
	const char *s, *cwd;

	if (json_is_null(cfg))
		cfg = NULL;
	if (cfg && !json_is_object(cfg))
		return ct_err(e, 0, "image config: \"config\" is not an object");
	if (!annot) {
		annot = json_object();
		json_object_set_new(spec, "annotations", annot);
	}
	if (image_strings(cfg, "Env", &ienv, e) < 0 ||
	    image_strings(cfg, "Entrypoint", &entry, e) < 0 ||
	    image_strings(cfg, "Cmd", &cmd, e) < 0)
		return -1;

	/* env: defaults, then the image's, then --env */
	if (ienv) {
		size_t i;
		json_t *kv;
		json_array_foreach(ienv, i, kv) {
			ct_spec_env_set(env, json_string_value(kv));
		}
	}
	for (size_t i = 0; i < o->nenv; i++) {
		if (!o->env[i][0] || o->env[i][0] == '=')
			return ct_err(e, 0, "invalid environment variable \"%s\": no name",
				      o->env[i]);
		if (strchr(o->env[i], '='))
			ct_spec_env_set(env, o->env[i]);
		else
			host_env_value(env, o->env[i]);
	}
	if (!ct_spec_env_get(env, "PATH"))
		ct_spec_env_set(env, CT_SPEC_DEFAULT_PATH);

	/* args: entrypoint + command, as docker run merges them */
	args = json_array();
	if (o->entrypoint) {
		if (o->entrypoint[0])
			json_array_append_new(args, json_string(o->entrypoint));
	} else if (entry) {
		json_array_extend(args, entry);
	}
	if (o->nargs) {
		for (size_t i = 0; i < o->nargs; i++)
			json_array_append_new(args, json_string(o->args[i]));
	} else if (!o->entrypoint && cmd) {
		json_array_extend(args, cmd);
	}
	json_object_set_new(proc, "args", args);
	if (json_array_size(args) == 0)
	{
		ct_err(e, 0, "no command to run: the image has no Entrypoint or Cmd and "
		       "none was given");
		return ct_err_hint(e, "give one after --, e.g. ct-mount ... -- /bin/sh");
	}

	cwd = o->workdir ? o->workdir : (cfg && (s = ct_json_str(cfg, "WorkingDir")) && s[0]) ? s : "/";
	if (cwd[0] != '/')
		return ct_err(e, 0, "working directory \"%s\" is not an absolute path", cwd);
	json_object_set_new(proc, "cwd", json_string(cwd));

	if (o->hostname) {
		if (!o->hostname[0] || strlen(o->hostname) > 64 || strpbrk(o->hostname, "/ \t\n"))
			return ct_err(e, 0, "invalid hostname \"%s\"", o->hostname);
		ct_spec_set_hostname(spec, o->hostname);
	}
	if (cfg)
		annotate_image(annot, cfg);
	return 0;
}

void ct_spec_set_hostname(json_t *spec, const char *name)
{
	json_t *env = ct_json_path(spec, "process.env");
	char *kv = ct_xasprintf("HOSTNAME=%s", name);

	json_object_set_new(spec, "hostname", json_string(name));
	if (env)
		ct_spec_env_set(env, kv);
	free(kv);
}

/* ---------------------------------------------------------------- seccomp */

int ct_spec_set_seccomp(json_t *spec, const char *path, struct ct_err *e)
{
	json_t *linux_ = json_object_get(spec, "linux");
	json_t *prof;

	if (!path) {
		json_object_del(linux_, "seccomp");
		return 0;
	}
	prof = ct_json_load_file(path, 4u << 20, e);
	if (!prof)
		return ct_err_wrap(e, "seccomp profile");
	if (!json_is_object(prof) || !json_is_string(json_object_get(prof, "defaultAction"))) {
		json_decref(prof);
		return ct_err(e, 0, "seccomp profile %s: not an OCI linux.seccomp object "
			      "(no defaultAction)", path);
	}
	json_object_del(prof, "comment");
	json_object_set_new(linux_, "seccomp", prof);
	return 0;
}

/* DIR of /proc/self/exe + rel, if that file exists. */
static int exe_relative(const char *rel, char *out, size_t n)
{
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (len <= 0)
		return -1;
	exe[len] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	if (snprintf(out, n, "%s/%s", exe, rel) >= (int)n)
		return -1;
	return ct_exists(out) ? 0 : -1;
}

const char *ct_spec_find_seccomp(char *out, size_t n)
{
	const char *env = getenv("CT_SECCOMP_PROFILE");

	if (env && env[0]) {
		ct_strlcpy(out, env, n);
		return out;
	}
	if (exe_relative("../share/ct/seccomp/default.json", out, n) == 0 ||
	    exe_relative("../../share/seccomp/default.json", out, n) == 0)
		return out;
	return NULL;
}

/* ---------------------------------------------------------------- user */

struct ct_open_how {
	uint64_t flags, mode, resolve;
};
#define CT_RESOLVE_IN_ROOT 0x10

/* Read rootfs/rel with every path component resolved inside rootfs
 * (openat2 RESOLVE_IN_ROOT): a symlinked /etc/passwd cannot point at the
 * host's. Missing is not an error: *out stays NULL. */
static int read_in_root(const char *rootfs, const char *rel, char **out, struct ct_err *e)
{
	struct ct_open_how how = { .flags = O_RDONLY | O_CLOEXEC, .resolve = CT_RESOLVE_IN_ROOT };
	struct ct_buf b = CT_BUF_INIT;
	char buf[8192];
	ssize_t n;
	int root, fd;

	*out = NULL;
	root = open(rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return ct_err(e, errno, "open %s", rootfs);
	fd = (int)syscall(SYS_openat2, root, rel, &how, sizeof(how));
	close(root);
	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR ? 0
			: ct_err(e, errno, "open %s in %s", rel, rootfs);
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		ct_buf_add(&b, buf, (size_t)n);
		if (b.len > (16u << 20)) {
			close(fd);
			ct_buf_free(&b);
			return ct_err(e, 0, "%s in %s is larger than 16 MiB", rel, rootfs);
		}
	}
	close(fd);
	if (n < 0) {
		ct_buf_free(&b);
		return ct_err(e, errno, "read %s in %s", rel, rootfs);
	}
	*out = b.data ? ct_buf_detach(&b) : ct_xstrdup("");
	return 0;
}

static int parse_id(const char *s, uint32_t *out)
{
	uint64_t v;

	if (!s[0])
		return -1;
	if (ct_parse_u64(s, UINT32_MAX - 1, &v, NULL) < 0)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* Split a passwd/group line into at most max ':' fields (in place). */
static size_t split_fields(char *line, char **f, size_t max)
{
	size_t n = 0;

	f[n++] = line;
	for (char *p = line; *p && n < max; p++)
		if (*p == ':') {
			*p = '\0';
			f[n++] = p + 1;
		}
	return n;
}

struct pwent {
	int found;
	uint32_t uid, gid;
	char *name, *home;
};

/* Find by name (or, with name NULL, by uid) in passwd text. */
static void find_passwd(char *text, const char *name, uint32_t uid, struct pwent *pw)
{
	char *save = NULL;

	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[7];
		uint32_t u, g;
		if (split_fields(line, f, 7) < 7 || parse_id(f[2], &u) < 0 || parse_id(f[3], &g) < 0)
			continue;
		if (name ? strcmp(f[0], name) == 0 : u == uid) {
			pw->found = 1;
			pw->uid = u;
			pw->gid = g;
			pw->name = ct_xstrdup(f[0]);
			pw->home = ct_xstrdup(f[5]);
			return;
		}
	}
}

static int member_of(const char *members, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = members; *p;) {
		const char *c = strchr(p, ',');
		size_t len = c ? (size_t)(c - p) : strlen(p);
		if (len == n && strncmp(p, name, n) == 0)
			return 1;
		p += len + (c ? 1 : 0);
	}
	return 0;
}

/* Look group up by name (gid lookup not needed); collect the groups that
 * list user as a member into extra. */
static int scan_groups(char *text, const char *group, uint32_t *gid, int *found,
		       const char *user, json_t *extra)
{
	char *save = NULL;

	*found = 0;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[4];
		uint32_t g;
		if (split_fields(line, f, 4) < 4 || parse_id(f[2], &g) < 0)
			continue;
		if (group && !*found && strcmp(f[0], group) == 0) {
			*gid = g;
			*found = 1;
		}
		if (user && extra && member_of(f[3], user))
			json_array_append_new(extra, json_integer(g));
	}
	return 0;
}

int ct_spec_set_user(json_t *spec, const char *rootfs, const char *user, struct ct_err *e)
{
	json_t *proc = json_object_get(spec, "process");
	json_t *env = json_object_get(proc, "env");
	json_t *extra = json_array();
	struct pwent pw = { 0 };
	char *u = ct_xstrdup(user ? user : ""), *g = strchr(u, ':');
	char *passwd = NULL, *group = NULL;
	uint32_t uid = 0, gid = 0;
	int r = -1;

	if (g)
		*g++ = '\0';
	if (read_in_root(rootfs, "/etc/passwd", &passwd, e) < 0 ||
	    read_in_root(rootfs, "/etc/group", &group, e) < 0)
		goto out;
	if (!u[0]) {
		uid = 0;
	} else if (parse_id(u, &uid) < 0) {
		if (passwd)
			find_passwd(passwd, u, 0, &pw);
		if (!pw.found) {
			ct_err(e, 0, "unable to find user %s: no matching entries in the image's "
			       "/etc/passwd", u);
			goto out;
		}
		uid = pw.uid;
	}
	if (!pw.found && passwd) {
		char *copy = ct_xstrdup(passwd);
		find_passwd(copy, NULL, uid, &pw);
		free(copy);
	}
	if (g && g[0]) {
		if (parse_id(g, &gid) < 0) {
			int found = 0;
			char *copy = group ? ct_xstrdup(group) : NULL;
			if (copy)
				scan_groups(copy, g, &gid, &found, NULL, NULL);
			free(copy);
			if (!found) {
				ct_err(e, 0, "unable to find group %s: no matching entries in the "
				       "image's /etc/group", g);
				goto out;
			}
		}
	} else {
		gid = pw.found ? pw.gid : 0;
	}
	if (pw.found && group) {
		int found;
		scan_groups(group, NULL, &gid, &found, pw.name, extra);
	}
	json_object_set_new(proc, "user", json_pack("{s:I, s:I}", "uid", (json_int_t)uid,
						     "gid", (json_int_t)gid));
	if (json_array_size(extra))
		json_object_set(json_object_get(proc, "user"), "additionalGids", extra);
	if (!ct_spec_env_get(env, "HOME")) {
		char *kv = ct_xasprintf("HOME=%s", pw.found && pw.home[0] ? pw.home : "/");
		ct_spec_env_set(env, kv);
		free(kv);
	}
	r = 0;
out:
	json_decref(extra);
	free(pw.name);
	free(pw.home);
	free(passwd);
	free(group);
	free(u);
	return r;
}

/* ---------------------------------------------------------------- docker run's flags */

void ct_spec_list_add(struct ct_spec_list *l, char *s)
{
	l->v = ct_xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n++] = s;
}

/* A decimal number (digits, an optional fraction) at *p, which is moved
 * past it; the number of digits read (0: none there). */
static int scan_decimal(const char **p, double *v)
{
	int digits = 0;

	*v = 0;
	while (**p >= '0' && **p <= '9') {
		*v = *v * 10 + (*(*p)++ - '0');
		digits++;
	}
	if (**p == '.') {
		(*p)++;
		for (double f = 0.1; **p >= '0' && **p <= '9'; f /= 10, digits++)
			*v += (*(*p)++ - '0') * f;
	}
	return digits;
}

int ct_spec_parse_bytes(const char *s, int64_t *out)
{
	static const char units[] = "bkmgtp";
	const char *p = s, *u;
	double v, scale = 1;

	if (!scan_decimal(&p, &v))
		return -1;
	if (*p == ' ')
		p++;
	if (*p && (u = strchr(units, *p | 0x20)) && *p != '\0') {
		for (const char *k = units; k < u; k++)
			scale *= 1024;
		p++;
		if (u != units && (*p | 0x20) == 'i')
			p++;
		if (u != units && (*p | 0x20) == 'b')
			p++;
	}
	if (*p)
		return -1;
	v *= scale;
	if (v >= 9.2e18)
		return -1;
	*out = (int64_t)v;
	return 0;
}

int ct_spec_parse_duration(const char *s, int64_t *ns)
{
	static const struct { const char *u; double ns; } units[] = {
		{ "ns", 1 }, { "us", 1e3 }, { "\xc2\xb5s", 1e3 }, { "\xce\xbcs", 1e3 },
		{ "ms", 1e6 }, { "s", 1e9 }, { "m", 60e9 }, { "h", 3600e9 },
	};
	const char *p = s;
	double total = 0;

	if (!strcmp(s, "0")) {
		*ns = 0;
		return 0;
	}
	if (!*p)
		return -1;
	while (*p) {
		double v;
		size_t best = 0, bi = 0;

		if (!scan_decimal(&p, &v))
			return -1;
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			size_t n = strlen(units[i].u);
			if (n > best && strncmp(p, units[i].u, n) == 0) {
				best = n;
				bi = i;
			}
		}
		if (!best)
			return -1;
		p += best;
		total += v * units[bi].ns;
	}
	if (total >= 9.2e18)
		return -1;
	*ns = (int64_t)(total + 0.5);
	return 0;
}

int ct_spec_security_opt(struct ct_spec_run *r, const char *opt, struct ct_err *e)
{
	const char *v;

	if (!strcmp(opt, "no-new-privileges") || !strcmp(opt, "no-new-privileges:true") ||
	    !strcmp(opt, "no-new-privileges=true")) {
		r->no_new_privs = 1;
		return 0;
	}
	if (!strcmp(opt, "no-new-privileges:false") || !strcmp(opt, "no-new-privileges=false")) {
		r->no_new_privs = 0;
		return 0;
	}
	if (ct_has_prefix(opt, "seccomp=") || ct_has_prefix(opt, "seccomp:")) {
		v = opt + 8;
		if (!v[0])
			return ct_err(e, 0, "--security-opt %s: no profile (a FILE or unconfined)", opt);
		r->seccomp = v;
		return 0;
	}
	if (!strcmp(opt, "apparmor=unconfined") || !strcmp(opt, "label=disable") ||
	    !strcmp(opt, "label:disable"))
		return 0;	/* ct confines with neither: nothing to turn off */
	ct_err(e, 0, "--security-opt \"%s\": not supported", opt);
	return ct_err_hint(e, "ct knows no-new-privileges[:true|false], seccomp=unconfined "
			   "and seccomp=FILE");
}

static json_t *resources_obj(json_t *spec, const char *key)
{
	json_t *linux_ = json_object_get(spec, "linux");
	json_t *res = json_object_get(linux_, "resources"), *o;

	if (!res) {
		res = json_object();
		json_object_set_new(linux_, "resources", res);
	}
	if (!key)
		return res;
	o = json_object_get(res, key);
	if (!o) {
		o = json_object();
		json_object_set_new(res, key, o);
	}
	return o;
}

static int flag_int(const char *flag, const char *s, int64_t min, int64_t *out, struct ct_err *e)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (!s[0] || *end || errno || v < min)
		return ct_err(e, 0, "invalid %s \"%s\": not an integer%s", flag, s,
			      min > INT64_MIN ? " in range" : "");
	*out = v;
	return 0;
}

static int apply_limits(json_t *spec, const struct ct_spec_run *r, struct ct_err *e)
{
	int64_t mem = -1, swap = 0, v = 0;

	if (r->memory) {
		if (ct_spec_parse_bytes(r->memory, &mem) < 0)
			return ct_err(e, 0, "invalid --memory \"%s\": a size like 512m or 1g",
				      r->memory);
		if (mem < 6 * 1024 * 1024)
			return ct_err(e, 0, "--memory %s: the minimum memory limit allowed is 6MB",
				      r->memory);
		json_object_set_new(resources_obj(spec, "memory"), "limit", json_integer(mem));
	}
	if (r->memory_swap) {
		if (!strcmp(r->memory_swap, "-1")) {
			swap = -1;
		} else if (ct_spec_parse_bytes(r->memory_swap, &swap) < 0) {
			return ct_err(e, 0, "invalid --memory-swap \"%s\": a size like 1g, or -1 "
				      "for unlimited", r->memory_swap);
		}
		if (swap == 0)
			goto default_swap;	/* Docker: 0 is "not set" */
		if (mem < 0)
			return ct_err(e, 0, "--memory-swap needs --memory: you should always set "
				      "the memory limit when using the memory swap limit");
		if (swap >= 0 && swap < mem)
			return ct_err(e, 0, "--memory-swap %s: the minimum memory swap limit should "
				      "be larger than the memory limit (%s)", r->memory_swap, r->memory);
		json_object_set_new(resources_obj(spec, "memory"), "swap", json_integer(swap));
	} else {
default_swap:
		if (mem >= 0)
			json_object_set_new(resources_obj(spec, "memory"), "swap",
					    json_integer(2 * mem));
	}
	if (r->cpus) {
		char *end;
		double c;
		long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		errno = 0;
		c = strtod(r->cpus, &end);
		if (!r->cpus[0] || *end || errno || !(c >= 0))
			return ct_err(e, 0, "invalid --cpus \"%s\": a number like 1.5", r->cpus);
		if (c > 0 && (c < 0.01 || (ncpu > 0 && c > (double)ncpu)))
			return ct_err(e, 0, "--cpus %s: range of CPUs is from 0.01 to %ld.00, as "
				      "there are only %ld CPUs available", r->cpus, ncpu, ncpu);
		if (c > 0) {
			json_t *cpu = resources_obj(spec, "cpu");
			json_object_set_new(cpu, "period", json_integer(100000));
			json_object_set_new(cpu, "quota", json_integer((json_int_t)(c * 100000 + 0.5)));
		}
	}
	if (r->cpu_shares) {
		if (flag_int("--cpu-shares", r->cpu_shares, 0, &v, e) < 0)
			return -1;
		if (v > 0)
			json_object_set_new(resources_obj(spec, "cpu"), "shares",
					    json_integer(v < 2 ? 2 : v));
	}
	if (r->cpuset_cpus) {
		const char *p = r->cpuset_cpus;
		if (!*p || strspn(p, "0123456789,-") != strlen(p) || *p == ',' || *p == '-')
			return ct_err(e, 0, "invalid --cpuset-cpus \"%s\": a list like 0-3 or 0,2",
				      p);
		json_object_set_new(resources_obj(spec, "cpu"), "cpus", json_string(p));
	}
	if (r->pids_limit) {
		if (flag_int("--pids-limit", r->pids_limit, -1, &v, e) < 0)
			return -1;
		if (v > 0)
			json_object_set_new(resources_obj(spec, "pids"), "limit", json_integer(v));
	}
	return 0;
}

/* ---- capabilities */

/* A hex field of /proc/self/status ("CapBnd"); found: 1 and *out set. */
static int status_hex(const char *field, uint64_t *out)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	size_t n = strlen(field);
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		char *end;
		if (strncmp(line, field, n) || line[n] != ':')
			continue;
		errno = 0;
		*out = strtoull(line + n + 1, &end, 16);
		found = !errno && end != line + n + 1;
	}
	fclose(f);
	return found;
}

/* The capabilities this process may hand on: its bounding set (root on a
 * machine without CAP_SYS_RESOURCE cannot grant it). */
static uint64_t caps_grantable(void)
{
	uint64_t bnd;
	int last = ct_caps_last();

	if (!status_hex("CapBnd", &bnd))
		bnd = ~0ull;
	if (last < 0 || last > OCI_CAP_LAST)
		last = OCI_CAP_LAST;
	return bnd & (last >= 63 ? ~0ull : (1ull << (last + 1)) - 1);
}

static int cap_list_has_all(const struct ct_spec_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcasecmp(l->v[i], "ALL") || !strcasecmp(l->v[i], "CAP_ALL"))
			return 1;
	return 0;
}

static int cap_mask(const char *flag, const struct ct_spec_list *l, uint64_t *mask,
		    struct ct_err *e)
{
	for (size_t i = 0; i < l->n; i++) {
		int c;
		if (!strcasecmp(l->v[i], "ALL") || !strcasecmp(l->v[i], "CAP_ALL")) {
			*mask |= caps_grantable();
			continue;
		}
		c = oci_cap_from_name(l->v[i]);
		if (c < 0)
			return ct_err(e, 0, "%s: unknown capability: \"%s\"", flag, l->v[i]);
		if (!strcmp(flag, "--cap-add") && !(caps_grantable() & (1ull << c)))
			return ct_err(e, 0, "%s %s: ct itself lacks CAP_%s here, so it cannot give "
				      "it to a container", flag, l->v[i], oci_cap_name(c));
		*mask |= 1ull << c;
	}
	return 0;
}

static void set_caps(json_t *spec, uint64_t set)
{
	json_t *caps = ct_json_path(spec, "process.capabilities");
	static const char *const sets[] = { "bounding", "effective", "permitted" };

	if (!caps) {
		caps = json_object();
		json_object_set_new(json_object_get(spec, "process"), "capabilities", caps);
	}
	for (size_t s = 0; s < 3; s++) {
		json_t *a = json_array();
		for (int c = 0; c <= OCI_CAP_LAST; c++)
			if (set & (1ull << c)) {
				char name[40];
				snprintf(name, sizeof(name), "CAP_%s", oci_cap_name(c));
				json_array_append_new(a, json_string(name));
			}
		json_object_set_new(caps, sets[s], a);
	}
}

static int apply_caps(json_t *spec, const struct ct_spec_run *r, struct ct_err *e)
{
	uint64_t add = 0, drop = 0, set = 0;

	if (!r->privileged && !r->cap_add.n && !r->cap_drop.n)
		return 0;
	if (cap_mask("--cap-add", &r->cap_add, &add, e) < 0 ||
	    cap_mask("--cap-drop", &r->cap_drop, &drop, e) < 0)
		return -1;
	if (r->privileged) {
		set = caps_grantable();
	} else if (cap_list_has_all(&r->cap_add)) {
		set = add & ~drop;	/* ALL minus the drops */
	} else {
		if (!cap_list_has_all(&r->cap_drop))
			for (const char *const *n = ct_spec_default_caps; *n; n++)
				set |= 1ull << oci_cap_from_name(*n);
		set = (set & ~drop) | add;
	}
	set_caps(spec, set);
	return 0;
}

/* ---- privileged */

static void host_devices(json_t *list)
{
	DIR *d = opendir("/dev");
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		struct stat st;
		char path[300];
		if (!strcmp(de->d_name, "ptmx") || !strcmp(de->d_name, "console") ||
		    de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/dev/%s", de->d_name);
		if (lstat(path, &st) < 0 || !(S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)))
			continue;
		json_array_append_new(list, json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I}",
			"path", path, "type", S_ISCHR(st.st_mode) ? "c" : "b",
			"major", (json_int_t)major(st.st_rdev), "minor", (json_int_t)minor(st.st_rdev),
			"fileMode", (json_int_t)(st.st_mode & 07777),
			"uid", (json_int_t)st.st_uid, "gid", (json_int_t)st.st_gid));
	}
	closedir(d);
}

static void apply_privileged(json_t *spec)
{
	json_t *linux_ = json_object_get(spec, "linux");
	json_t *mounts = json_object_get(spec, "mounts"), *m, *devs = json_array();
	size_t i;

	json_object_del(linux_, "maskedPaths");
	json_object_del(linux_, "readonlyPaths");
	json_object_del(linux_, "seccomp");
	json_array_foreach(mounts, i, m) {
		const char *dest = ct_json_str(m, "destination");
		json_t *opts = json_object_get(m, "options"), *o;
		size_t k;
		if (!dest || (strcmp(dest, "/sys") && strcmp(dest, "/sys/fs/cgroup")))
			continue;
		json_array_foreach(opts, k, o) {
			if (json_string_value(o) && !strcmp(json_string_value(o), "ro"))
				json_array_set_new(opts, k, json_string("rw"));
		}
	}
	host_devices(devs);
	json_object_set_new(linux_, "devices", devs);
	json_object_set_new(resources_obj(spec, NULL), "devices",
			    json_pack("[{s:b, s:s}]", "allow", 1, "access", "rwm"));
}

/* ---- ulimits */

static int has_sys_resource(void)
{
	uint64_t eff = 0;

	return status_hex("CapEff", &eff) && ((eff >> 24) & 1);	/* CAP_SYS_RESOURCE */
}

static int parse_rlim(const char *s, uint64_t *out)
{
	char *end;
	long long v;

	if (!strcmp(s, "-1") || !strcmp(s, "unlimited")) {
		*out = RLIM_INFINITY;
		return 0;
	}
	errno = 0;
	v = strtoll(s, &end, 10);
	if (!s[0] || *end || errno || v < 0)
		return -1;
	*out = (uint64_t)v;
	return 0;
}

static int apply_ulimit(json_t *spec, const char *u, struct ct_err *e)
{
	json_t *rl = ct_json_path(spec, "process.rlimits"), *o;
	char *name = ct_xstrdup(u), *val = strchr(name, '='), *hardp, rname[40];
	uint64_t soft, hard;
	struct rlimit cur;
	int res;
	size_t i;

	if (!val) {
		free(name);
		return ct_err(e, 0, "invalid --ulimit \"%s\": NAME=SOFT[:HARD] as nofile=1024:2048", u);
	}
	*val++ = '\0';
	hardp = strchr(val, ':');
	if (hardp)
		*hardp++ = '\0';
	if (!strncasecmp(name, "RLIMIT_", 7))
		memmove(name, name + 7, strlen(name + 7) + 1);
	res = oci_rlimit_from_name(name);
	if (res < 0 || strlen(name) > 20) {
		ct_err(e, 0, "invalid --ulimit \"%s\": unknown limit \"%s\"", u, name);
		free(name);
		return ct_err_hint(e, "use nofile, nproc, core, memlock, stack, ... as ulimit -a names them");
	}
	if (parse_rlim(val, &soft) < 0 || (hardp && parse_rlim(hardp, &hard) < 0)) {
		free(name);
		return ct_err(e, 0, "invalid --ulimit \"%s\": limits are numbers (or -1)", u);
	}
	if (!hardp)
		hard = soft;
	if (soft > hard) {
		free(name);
		return ct_err(e, 0, "invalid --ulimit \"%s\": the soft limit is above the hard "
			      "limit", u);
	}
	if (getrlimit(res, &cur) == 0 && cur.rlim_max != RLIM_INFINITY && hard > cur.rlim_max &&
	    !has_sys_resource()) {
		ct_err(e, 0, "--ulimit %s: the hard limit %s is above this machine's %llu", u,
		       hardp ? hardp : val, (unsigned long long)cur.rlim_max);
		free(name);
		return ct_err_hint(e, "raising it needs CAP_SYS_RESOURCE; ask for at most %llu",
				   (unsigned long long)cur.rlim_max);
	}
	snprintf(rname, sizeof(rname), "RLIMIT_%s", name);
	for (char *p = rname; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p -= 32;
	free(name);
	if (!rl) {
		rl = json_array();
		json_object_set_new(json_object_get(spec, "process"), "rlimits", rl);
	}
	json_array_foreach(rl, i, o) {
		if (oci_rlimit_from_name(ct_json_str(o, "type") ? ct_json_str(o, "type") : "") == res)
			break;
	}
	o = json_pack("{s:s, s:I, s:I}", "type", rname, "hard", (json_int_t)hard,
		      "soft", (json_int_t)soft);
	if (i < json_array_size(rl))
		json_array_set_new(rl, i, o);
	else
		json_array_append_new(rl, o);
	return 0;
}

/* ---- tmpfs */

static int apply_tmpfs(json_t *spec, const char *arg, struct ct_err *e)
{
	json_t *mounts = json_object_get(spec, "mounts"), *m, *opts;
	char *dest = ct_xstrdup(arg), *o = strchr(dest, ':'), *save = NULL;
	int has_exec = 0, has_suid = 0, has_dev = 0;
	size_t i;

	if (o)
		*o++ = '\0';
	if (dest[0] != '/' || strstr(dest, "/../") || !strcmp(dest, "/") ||
	    (strlen(dest) >= 3 && !strcmp(dest + strlen(dest) - 3, "/.."))) {
		ct_err(e, 0, "invalid --tmpfs \"%s\": the mount point must be an absolute path "
		       "other than /", arg);
		free(dest);
		return -1;
	}
	opts = json_array();
	for (char *t = o ? strtok_r(o, ",", &save) : NULL; t; t = strtok_r(NULL, ",", &save)) {
		if (!strcmp(t, "exec") || !strcmp(t, "noexec"))
			has_exec = 1;
		if (!strcmp(t, "suid") || !strcmp(t, "nosuid"))
			has_suid = 1;
		if (!strcmp(t, "dev") || !strcmp(t, "nodev"))
			has_dev = 1;
		json_array_append_new(opts, json_string(t));
	}
	if (!has_exec)
		json_array_insert_new(opts, 0, json_string("noexec"));
	if (!has_suid)
		json_array_insert_new(opts, 0, json_string("nosuid"));
	if (!has_dev)
		json_array_insert_new(opts, 0, json_string("nodev"));
	m = json_pack("{s:s, s:s, s:s, s:o}", "destination", dest, "type", "tmpfs",
		      "source", "tmpfs", "options", opts);
	for (i = 0; i < json_array_size(mounts); i++) {
		const char *d = ct_json_str(json_array_get(mounts, i), "destination");
		if (d && !strcmp(d, dest))
			break;
	}
	if (i < json_array_size(mounts))
		json_array_set_new(mounts, i, m);
	else
		json_array_append_new(mounts, m);
	free(dest);
	return 0;
}

/* ---- labels, stop, health */

static int label_split(const char *l, char **k, char **v, struct ct_err *e)
{
	const char *eq = strchr(l, '=');

	if (l[0] == '=' || !l[0] || strpbrk(l, "\r\n"))
		return ct_err(e, 0, "invalid --label \"%s\": KEY=VALUE, one line", l);
	*k = eq ? ct_xasprintf("%.*s", (int)(eq - l), l) : ct_xstrdup(l);
	*v = ct_xstrdup(eq ? eq + 1 : "");
	return 0;
}

static int valid_signal(const char *s)
{
	static const char *const names[] = {
		"HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "IOT", "BUS", "FPE", "KILL",
		"USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT",
		"STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF",
		"WINCH", "IO", "POLL", "PWR", "SYS", NULL,
	};
	char *end;
	long n;

	if (s[0] >= '0' && s[0] <= '9') {
		n = strtol(s, &end, 10);
		return !*end && n > 0 && n < 65;
	}
	if (!strncasecmp(s, "SIG", 3))
		s += 3;
	if (!strncasecmp(s, "RTMIN", 5) || !strncasecmp(s, "RTMAX", 5))
		return 1;
	for (const char *const *p = names; *p; p++)
		if (!strcasecmp(s, *p))
			return 1;
	return 0;
}

static int duration_annot(json_t *annot, const char *key, const char *flag, const char *val,
			  int64_t image_ns, int64_t dflt, struct ct_err *e)
{
	int64_t ns = image_ns > 0 ? image_ns : dflt;
	char *k = ct_xasprintf(CT_ANNOT_HEALTH "%s", key), num[32];

	if (val) {
		if (ct_spec_parse_duration(val, &ns) < 0) {
			free(k);
			return ct_err(e, 0, "invalid %s \"%s\": a duration like 30s, 1m30s or 500ms",
				      flag, val);
		}
		if (ns == 0)
			ns = dflt;
		if (ns > 0 && ns < 1000000 && strcmp(key, "start_period")) {
			free(k);
			return ct_err(e, 0, "%s %s: the minimum is 1ms", flag, val);
		}
	}
	snprintf(num, sizeof(num), "%" PRId64, ns);
	json_object_set_new(annot, k, json_string(num));
	free(k);
	return 0;
}

static int64_t json_ns(const json_t *hc, const char *key)
{
	json_t *v = json_object_get(hc, key);
	return json_is_integer(v) && json_integer_value(v) > 0 ? json_integer_value(v) : 0;
}

static int apply_health(json_t *annot, const json_t *image_config, const struct ct_spec_run *r,
			struct ct_err *e)
{
	const json_t *cfg = image_config ? json_object_get(image_config, "config") : NULL;
	const json_t *hc = cfg ? json_object_get(cfg, "Healthcheck") : NULL;
	json_t *test = NULL, *itest = hc ? json_object_get(hc, "Test") : NULL;
	char *s;
	int64_t retries = 3;
	json_t *ir = hc ? json_object_get(hc, "Retries") : NULL;

	if (!json_is_object(hc))
		hc = NULL;
	if (r->no_healthcheck && (r->health_cmd || r->health_interval || r->health_timeout ||
				  r->health_retries || r->health_start_period))
		return ct_err(e, 0, "--no-healthcheck conflicts with the --health-* options");
	if (r->no_healthcheck)
		test = json_pack("[s]", "NONE");
	else if (r->health_cmd)
		test = json_pack("[s, s]", "CMD-SHELL", r->health_cmd);
	else if (json_is_array(itest) && json_array_size(itest))
		test = json_incref(itest);
	if (!test)
		return 0;	/* no health check: the annotations stay out */
	s = json_dumps(test, JSON_COMPACT);
	json_object_set_new(annot, CT_ANNOT_HEALTH "test", json_string(s));
	free(s);
	if (!strcmp(json_string_value(json_array_get(test, 0)) ?
		    json_string_value(json_array_get(test, 0)) : "", "NONE")) {
		json_decref(test);
		return 0;
	}
	json_decref(test);
	if (json_is_integer(ir) && json_integer_value(ir) > 0)
		retries = json_integer_value(ir);
	if (r->health_retries) {
		if (flag_int("--health-retries", r->health_retries, 0, &retries, e) < 0)
			return -1;
		if (retries == 0)
			retries = 3;
	}
	if (duration_annot(annot, "interval", "--health-interval", r->health_interval,
			   json_ns(hc, "Interval"), 30000000000LL, e) < 0 ||
	    duration_annot(annot, "timeout", "--health-timeout", r->health_timeout,
			   json_ns(hc, "Timeout"), 30000000000LL, e) < 0 ||
	    duration_annot(annot, "start_period", "--health-start-period",
			   r->health_start_period, json_ns(hc, "StartPeriod"), 0, e) < 0)
		return -1;
	{
		char num[32];
		snprintf(num, sizeof(num), "%" PRId64, retries);
		json_object_set_new(annot, CT_ANNOT_HEALTH "retries", json_string(num));
	}
	return 0;
}

int ct_spec_apply_run(json_t *spec, const json_t *image_config, const struct ct_spec_run *r,
		      struct ct_err *e)
{
	json_t *annot = json_object_get(spec, "annotations");

	if (!annot) {
		annot = json_object();
		json_object_set_new(spec, "annotations", annot);
	}
	if (r->read_only)
		json_object_set_new(json_object_get(spec, "root"), "readonly", json_true());
	if (r->no_new_privs)
		json_object_set_new(json_object_get(spec, "process"), "noNewPrivileges",
				    json_true());
	if (apply_limits(spec, r, e) < 0 || apply_caps(spec, r, e) < 0)
		return -1;
	if (r->privileged)
		apply_privileged(spec);
	for (size_t i = 0; i < r->ulimits.n; i++)
		if (apply_ulimit(spec, r->ulimits.v[i], e) < 0)
			return -1;
	for (size_t i = 0; i < r->tmpfs.n; i++)
		if (apply_tmpfs(spec, r->tmpfs.v[i], e) < 0)
			return -1;
	for (size_t i = 0; i < r->labels.n; i++) {
		char *k = NULL, *v = NULL;
		if (label_split(r->labels.v[i], &k, &v, e) < 0)
			return -1;
		json_object_set_new(annot, k, json_string(v));
		free(k);
		free(v);
	}
	if (r->stop_signal) {
		if (!valid_signal(r->stop_signal))
			return ct_err(e, 0, "invalid --stop-signal \"%s\": a signal name (SIGTERM, "
				      "TERM) or number", r->stop_signal);
		json_object_set_new(annot, CT_ANNOT_STOPSIGNAL, json_string(r->stop_signal));
	}
	if (r->stop_timeout) {
		int64_t t;
		if (flag_int("--stop-timeout", r->stop_timeout, -1, &t, e) < 0)
			return -1;
		json_object_set_new(annot, CT_ANNOT_STOP_TIMEOUT, json_string(r->stop_timeout));
	}
	return apply_health(annot, image_config, r, e);
}

char *ct_spec_command_line(const json_t *spec)
{
	json_t *args = ct_json_path((json_t *)spec, "process.args"), *a;
	struct ct_buf b = CT_BUF_INIT;
	size_t i;

	/* Docker's list: the path, then the args, those with a space in '' */
	json_array_foreach(args, i, a) {
		const char *s = json_string_value(a);
		int quote = i && s && strchr(s, ' ');
		if (i)
			ct_buf_putc(&b, ' ');
		if (quote)
			ct_buf_putc(&b, '\'');
		for (; s && *s; s++)
			ct_buf_putc(&b, *s == '\n' || *s == '\r' ? ' ' : *s);
		if (quote)
			ct_buf_putc(&b, '\'');
	}
	{
		char *r = ct_buf_detach(&b);
		return r ? r : ct_xstrdup("");
	}
}

char *ct_spec_labels_line(const json_t *spec, const json_t *image_config,
			  const struct ct_spec_run *r)
{
	const json_t *cfg = image_config ? json_object_get(image_config, "config") : NULL;
	json_t *il = cfg ? json_object_get(cfg, "Labels") : NULL, *v;
	json_t *all = json_object(), *annot = json_object_get(spec, "annotations");
	struct ct_buf b = CT_BUF_INIT;
	const char *k;
	char *keys, *save = NULL;

	if (json_is_object(il))
		json_object_foreach(il, k, v) {
			json_object_set_new(all, k, json_null());
		}
	for (size_t i = 0; r && i < r->labels.n; i++) {
		const char *eq = strchr(r->labels.v[i], '=');
		char *key = eq ? ct_xasprintf("%.*s", (int)(eq - r->labels.v[i]), r->labels.v[i])
			       : ct_xstrdup(r->labels.v[i]);
		json_object_set_new(all, key, json_null());
		free(key);
	}
	keys = joined_keys(all);
	for (char *t = strtok_r(keys, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		const char *val = ct_json_str(annot, t);
		if (b.len)
			ct_buf_putc(&b, ',');
		ct_buf_printf(&b, "%s=%s", t, val ? val : "");
	}
	free(keys);
	json_decref(all);
	{
		char *res = ct_buf_detach(&b);
		for (char *p = res; p && *p; p++)
			if (*p == '\n' || *p == '\r')
				*p = ' ';
		return res ? res : ct_xstrdup("");
	}
}
