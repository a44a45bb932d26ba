/* spec: the default OCI runtime spec and the image/options merge (spec.h). */
#include "spec.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "buf.h"
#include "err.h"
#include "file.h"
#include "json.h"

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
