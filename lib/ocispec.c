#include "ocispec.h"
#include "buf.h"
#include "err.h"
#include "json.h"

#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#define CONFIG_MAX (4 << 20)

static const char *const cap_names[OCI_CAP_LAST + 1] = {
	"CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID",
	"KILL", "SETGID", "SETUID", "SETPCAP", "LINUX_IMMUTABLE",
	"NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW",
	"IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT",
	"SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE",
	"SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE",
	"AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE",
	"MAC_ADMIN", "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ",
	"PERFMON", "BPF", "CHECKPOINT_RESTORE",
};

int oci_cap_from_name(const char *name)
{
	if (strncasecmp(name, "CAP_", 4) == 0)
		name += 4;
	for (int i = 0; i <= OCI_CAP_LAST; i++)
		if (strcasecmp(name, cap_names[i]) == 0)
			return i;
	return -1;
}

const char *oci_cap_name(int cap)
{
	return cap >= 0 && cap <= OCI_CAP_LAST ? cap_names[cap] : "?";
}

static const struct { const char *name; int res; } rlimits[] = {
	{ "CPU", RLIMIT_CPU }, { "FSIZE", RLIMIT_FSIZE }, { "DATA", RLIMIT_DATA },
	{ "STACK", RLIMIT_STACK }, { "CORE", RLIMIT_CORE }, { "RSS", RLIMIT_RSS },
	{ "NPROC", RLIMIT_NPROC }, { "NOFILE", RLIMIT_NOFILE },
	{ "MEMLOCK", RLIMIT_MEMLOCK }, { "AS", RLIMIT_AS },
	{ "LOCKS", RLIMIT_LOCKS }, { "SIGPENDING", RLIMIT_SIGPENDING },
	{ "MSGQUEUE", RLIMIT_MSGQUEUE }, { "NICE", RLIMIT_NICE },
	{ "RTPRIO", RLIMIT_RTPRIO }, { "RTTIME", RLIMIT_RTTIME },
};

int oci_rlimit_from_name(const char *name)
{
	if (strncasecmp(name, "RLIMIT_", 7) == 0)
		name += 7;
	for (size_t i = 0; i < sizeof rlimits / sizeof rlimits[0]; i++)
		if (strcasecmp(name, rlimits[i].name) == 0)
			return rlimits[i].res;
	return -1;
}

static const struct { const char *name; int type; } nstypes[] = {
	{ "mount", CLONE_NEWNS }, { "pid", CLONE_NEWPID },
	{ "network", CLONE_NEWNET }, { "ipc", CLONE_NEWIPC },
	{ "uts", CLONE_NEWUTS }, { "user", CLONE_NEWUSER },
	{ "cgroup", CLONE_NEWCGROUP }, { "time", CLONE_NEWTIME },
};

int oci_ns_from_name(const char *name)
{
	for (size_t i = 0; i < sizeof nstypes / sizeof nstypes[0]; i++)
		if (strcmp(name, nstypes[i].name) == 0)
			return nstypes[i].type;
	return -1;
}

const char *oci_ns_name(int type)
{
	for (size_t i = 0; i < sizeof nstypes / sizeof nstypes[0]; i++)
		if (type == nstypes[i].type)
			return nstypes[i].name;
	return "?";
}

static const struct {
	const char *name;
	unsigned long flag;
	int clear;
	int prop;
} mopts[] = {
	{ "ro", MS_RDONLY, 0, 0 }, { "rw", MS_RDONLY, 1, 0 },
	{ "nosuid", MS_NOSUID, 0, 0 }, { "suid", MS_NOSUID, 1, 0 },
	{ "nodev", MS_NODEV, 0, 0 }, { "dev", MS_NODEV, 1, 0 },
	{ "noexec", MS_NOEXEC, 0, 0 }, { "exec", MS_NOEXEC, 1, 0 },
	{ "sync", MS_SYNCHRONOUS, 0, 0 }, { "async", MS_SYNCHRONOUS, 1, 0 },
	{ "dirsync", MS_DIRSYNC, 0, 0 }, { "remount", MS_REMOUNT, 0, 0 },
	{ "mand", MS_MANDLOCK, 0, 0 }, { "nomand", MS_MANDLOCK, 1, 0 },
	{ "noatime", MS_NOATIME, 0, 0 }, { "atime", MS_NOATIME, 1, 0 },
	{ "nodiratime", MS_NODIRATIME, 0, 0 }, { "diratime", MS_NODIRATIME, 1, 0 },
	{ "relatime", MS_RELATIME, 0, 0 }, { "norelatime", MS_RELATIME, 1, 0 },
	{ "strictatime", MS_STRICTATIME, 0, 0 },
	{ "bind", MS_BIND, 0, 0 }, { "rbind", MS_BIND | MS_REC, 0, 0 },
	{ "private", MS_PRIVATE, 0, 1 }, { "rprivate", MS_PRIVATE | MS_REC, 0, 1 },
	{ "shared", MS_SHARED, 0, 1 }, { "rshared", MS_SHARED | MS_REC, 0, 1 },
	{ "slave", MS_SLAVE, 0, 1 }, { "rslave", MS_SLAVE | MS_REC, 0, 1 },
	{ "unbindable", MS_UNBINDABLE, 0, 1 },
	{ "runbindable", MS_UNBINDABLE | MS_REC, 0, 1 },
};

void oci_mount_options(const json_t *opts, struct oci_mount *m)
{
	struct ct_buf data = CT_BUF_INIT;
	json_t *v;
	size_t i;

	json_array_foreach(opts, i, v) {
		const char *o = json_string_value(v);
		size_t k;

		if (!o)
			continue;
		for (k = 0; k < sizeof mopts / sizeof mopts[0]; k++)
			if (strcmp(o, mopts[k].name) == 0)
				break;
		if (k == sizeof mopts / sizeof mopts[0]) {
			if (strcmp(o, "tmpcopyup") == 0 || strcmp(o, "idmap") == 0)
				continue;	/* crun extensions we do not need */
			if (data.len)
				ct_buf_putc(&data, ',');
			ct_buf_puts(&data, o);
		} else if (mopts[k].prop) {
			m->propagation = mopts[k].flag;
		} else if (mopts[k].clear) {
			m->flags &= ~mopts[k].flag;
		} else {
			m->flags |= mopts[k].flag;
			if (mopts[k].flag & MS_BIND)
				m->bind = 1;
		}
	}
	m->data = data.len ? ct_buf_detach(&data) : NULL;
	ct_buf_free(&data);
}

static char **strv_from_json(const json_t *a)
{
	size_t n = json_is_array(a) ? json_array_size(a) : 0, k = 0, i;
	char **v = ct_xcalloc(n + 1, sizeof *v);
	json_t *x;

	json_array_foreach(a, i, x)
		if (json_is_string(x))
			v[k++] = ct_xstrdup(json_string_value(x));
	return v;
}

static void strv_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

static int64_t int_or(const json_t *o, const char *key, int64_t def)
{
	json_t *v = json_object_get(o, key);

	return json_is_integer(v) ? (int64_t)json_integer_value(v) : def;
}

static int parse_caps(const json_t *c, struct oci_process *p, struct ct_err *e)
{
	static const char *const sets[OCI_CAP_NSETS] = {
		"bounding", "effective", "inheritable", "permitted", "ambient" };

	p->has_caps = 1;
	for (int s = 0; s < OCI_CAP_NSETS; s++) {
		json_t *a = json_object_get(c, sets[s]), *v;
		size_t i;

		json_array_foreach(a, i, v) {
			const char *n = json_string_value(v);
			int cap = n ? oci_cap_from_name(n) : -1;

			if (cap < 0)
				return ct_err(e, 0, "config.json: unknown capability %s in process.capabilities.%s",
					      n ? n : "(not a string)", sets[s]);
			p->caps[s] |= 1ULL << cap;
		}
	}
	return 0;
}

int oci_process_parse(const json_t *p, struct oci_process *out, struct ct_err *e)
{
	json_t *user, *v, *a;
	size_t i;

	memset(out, 0, sizeof *out);
	if (!json_is_object(p))
		return ct_err(e, 0, "config.json: process is missing or not an object");
	out->terminal = json_is_true(json_object_get(p, "terminal"));
	out->args = strv_from_json(json_object_get(p, "args"));
	if (!out->args[0])
		return ct_err(e, 0, "config.json: process.args is empty; give the command to run");
	out->env = strv_from_json(json_object_get(p, "env"));
	out->cwd = ct_xstrdup(ct_json_str(p, "cwd") ? ct_json_str(p, "cwd") : "/");
	if (out->cwd[0] != '/')
		return ct_err(e, 0, "config.json: process.cwd %s is not absolute", out->cwd);
	user = json_object_get(p, "user");
	out->uid = (uid_t)int_or(user, "uid", 0);
	out->gid = (gid_t)int_or(user, "gid", 0);
	if (json_is_integer(json_object_get(user, "umask"))) {
		out->has_umask = 1;
		out->umask = (mode_t)int_or(user, "umask", 022) & 07777;
	}
	a = json_object_get(user, "additionalGids");
	out->ngids = json_is_array(a) ? json_array_size(a) : 0;
	out->gids = ct_xcalloc(out->ngids + 1, sizeof *out->gids);
	for (i = 0; i < out->ngids; i++)
		out->gids[i] = (gid_t)json_integer_value(json_array_get(a, i));
	if ((v = json_object_get(p, "capabilities")) && json_is_object(v) &&
	    parse_caps(v, out, e) < 0)
		return -1;
	out->nnp = json_is_true(json_object_get(p, "noNewPrivileges"));
	if (json_is_integer(json_object_get(p, "oomScoreAdj"))) {
		out->has_oom = 1;
		out->oom_score_adj = (int)int_or(p, "oomScoreAdj", 0);
	}
	a = json_object_get(p, "rlimits");
	out->nrlimits = json_is_array(a) ? json_array_size(a) : 0;
	out->rlimits = ct_xcalloc(out->nrlimits + 1, sizeof *out->rlimits);
	json_array_foreach(a, i, v) {
		const char *t = ct_json_str(v, "type");
		int r = t ? oci_rlimit_from_name(t) : -1;

		if (r < 0)
			return ct_err(e, 0, "config.json: unknown rlimit type %s", t ? t : "(none)");
		out->rlimits[i].resource = r;
		out->rlimits[i].soft = (uint64_t)int_or(v, "soft", 0);
		out->rlimits[i].hard = (uint64_t)int_or(v, "hard", 0);
		/* json integers are signed; -1 stands for RLIM_INFINITY */
	}
	return 0;
}

void oci_process_free(struct oci_process *p)
{
	strv_free(p->args);
	strv_free(p->env);
	free(p->cwd);
	free(p->gids);
	free(p->rlimits);
	memset(p, 0, sizeof *p);
}

static int parse_mounts(const json_t *a, struct oci_spec *s, struct ct_err *e)
{
	json_t *m;
	size_t i;

	s->nmounts = json_is_array(a) ? json_array_size(a) : 0;
	s->mounts = ct_xcalloc(s->nmounts + 1, sizeof *s->mounts);
	json_array_foreach(a, i, m) {
		struct oci_mount *o = &s->mounts[i];
		const char *d = ct_json_str(m, "destination");
		const char *t = ct_json_str(m, "type");
		const char *src = ct_json_str(m, "source");

		if (!d || d[0] != '/')
			return ct_err(e, 0, "config.json: mounts[%zu].destination %s is not an absolute path",
				      i, d ? d : "(missing)");
		o->dest = ct_xstrdup(d);
		o->type = ct_xstrdup(t ? t : "");
		o->source = ct_xstrdup(src ? src : (t ? t : "none"));
		oci_mount_options(json_object_get(m, "options"), o);
		if (strcmp(o->type, "bind") == 0 && !o->bind) {
			o->bind = 1;
			o->flags |= MS_BIND;
		}
		if (o->bind && o->source[0] != '/') {
			char *abs = ct_xasprintf("%s/%s", s->bundle, o->source);

			free(o->source);
			o->source = abs;
		}
	}
	return 0;
}

static int parse_idmaps(const json_t *a, struct oci_idmap **out, size_t *n)
{
	json_t *v;
	size_t i;

	*n = json_is_array(a) ? json_array_size(a) : 0;
	*out = ct_xcalloc(*n + 1, sizeof **out);
	json_array_foreach(a, i, v) {
		(*out)[i].ctr = (uint32_t)int_or(v, "containerID", 0);
		(*out)[i].host = (uint32_t)int_or(v, "hostID", 0);
		(*out)[i].size = (uint32_t)int_or(v, "size", 0);
	}
	return 0;
}

static int parse_devices(const json_t *a, struct oci_spec *s, struct ct_err *e)
{
	json_t *v;
	size_t i;

	s->ndevices = json_is_array(a) ? json_array_size(a) : 0;
	s->devices = ct_xcalloc(s->ndevices + 1, sizeof *s->devices);
	json_array_foreach(a, i, v) {
		struct oci_device *d = &s->devices[i];
		const char *p = ct_json_str(v, "path"), *t = ct_json_str(v, "type");

		if (!p || p[0] != '/' || !t || !strchr("cbup", t[0]) || t[1])
			return ct_err(e, 0, "config.json: linux.devices[%zu] needs an absolute path and type c, b, u or p", i);
		d->path = ct_xstrdup(p);
		d->type = t[0];
		d->major = int_or(v, "major", 0);
		d->minor = int_or(v, "minor", 0);
		d->mode = (mode_t)int_or(v, "fileMode", 0666);
		d->uid = (uid_t)int_or(v, "uid", 0);
		d->gid = (gid_t)int_or(v, "gid", 0);
	}
	return 0;
}

static const char *const hook_kinds[OCI_HOOK_NKINDS] = {
	"prestart", "createRuntime", "createContainer", "startContainer",
	"poststart", "poststop",
};

const char *oci_hook_kind(int kind)
{
	return kind >= 0 && kind < OCI_HOOK_NKINDS ? hook_kinds[kind] : "?";
}

/* an array of strings, or a clear error naming hooks.KIND[I].FIELD */
static int hook_strv(const json_t *a, const char *kind, size_t i, const char *field,
		     char ***out, struct ct_err *e)
{
	json_t *v;
	size_t k;

	json_array_foreach(a, k, v)
		if (!json_is_string(v))
			return ct_err(e, 0, "config.json: hooks.%s[%zu].%s[%zu] is not a string",
				      kind, i, field, k);
	if (a && !json_is_array(a))
		return ct_err(e, 0, "config.json: hooks.%s[%zu].%s is not an array of strings",
			      kind, i, field);
	*out = strv_from_json(a);
	return 0;
}

static int parse_hook(const json_t *o, const char *kind, size_t i, struct oci_hook *h,
		      struct ct_err *e)
{
	const char *path = ct_json_str(o, "path");
	json_t *a = json_object_get(o, "args"), *t = json_object_get(o, "timeout");

	if (!json_is_object(o))
		return ct_err(e, 0, "config.json: hooks.%s[%zu] is not an object", kind, i);
	if (!path || path[0] != '/')
		return ct_err(e, 0, "config.json: hooks.%s[%zu].path %s is not an absolute path",
			      kind, i, path ? path : "(missing)");
	h->path = ct_xstrdup(path);
	if (hook_strv(a, kind, i, "args", &h->args, e) < 0)
		return -1;
	if (!h->args[0]) {
		/* no args: argv[0] is the path (as runc) */
		free(h->args);
		h->args = ct_xcalloc(2, sizeof *h->args);
		h->args[0] = ct_xstrdup(path);
	}
	a = json_object_get(o, "env");
	if (a && hook_strv(a, kind, i, "env", &h->env, e) < 0)
		return -1;
	if (t && (!json_is_integer(t) || json_integer_value(t) <= 0 ||
		  json_integer_value(t) > 86400 * 365))
		return ct_err(e, 0, "config.json: hooks.%s[%zu].timeout must be a number of seconds greater than zero",
			      kind, i);
	h->timeout = t ? (int)json_integer_value(t) : 0;
	return 0;
}

int oci_hooks_parse(const json_t *j, struct oci_hooks *out, struct ct_err *e)
{
	memset(out, 0, sizeof *out);
	if (!j || json_is_null(j))
		return 0;
	if (!json_is_object(j))
		return ct_err(e, 0, "config.json: hooks is not an object");
	for (int k = 0; k < OCI_HOOK_NKINDS; k++) {
		json_t *a = json_object_get(j, hook_kinds[k]), *v;
		size_t i;

		if (!a || json_is_null(a))
			continue;
		if (!json_is_array(a))
			return ct_err(e, 0, "config.json: hooks.%s is not an array of hooks", hook_kinds[k]);
		out->h[k] = ct_xcalloc(json_array_size(a) + 1, sizeof *out->h[k]);
		json_array_foreach(a, i, v) {
			out->n[k] = i + 1;
			if (parse_hook(v, hook_kinds[k], i, &out->h[k][i], e) < 0)
				return -1;
		}
	}
	return 0;
}

void oci_hooks_free(struct oci_hooks *h)
{
	for (int k = 0; k < OCI_HOOK_NKINDS; k++) {
		for (size_t i = 0; i < h->n[k]; i++) {
			free(h->h[k][i].path);
			strv_free(h->h[k][i].args);
			strv_free(h->h[k][i].env);
		}
		free(h->h[k]);
	}
	memset(h, 0, sizeof *h);
}

static void parse_resources(const json_t *r, struct oci_resources *res)
{
	json_t *mem = json_object_get(r, "memory");
	json_t *cpu = json_object_get(r, "cpu");
	json_t *pids = json_object_get(r, "pids");

	res->mem_limit = int_or(mem, "limit", -1);
	res->mem_swap = int_or(mem, "swap", -1);
	res->mem_reservation = int_or(mem, "reservation", -1);
	res->cpu_shares = int_or(cpu, "shares", -1);
	res->cpu_quota = int_or(cpu, "quota", -1);
	res->cpu_period = int_or(cpu, "period", -1);
	if (ct_json_str(cpu, "cpus") && *ct_json_str(cpu, "cpus"))
		res->cpus = ct_xstrdup(ct_json_str(cpu, "cpus"));
	if (ct_json_str(cpu, "mems") && *ct_json_str(cpu, "mems"))
		res->mems = ct_xstrdup(ct_json_str(cpu, "mems"));
	res->pids_limit = int_or(pids, "limit", -1);
	if (res->pids_limit == 0)
		res->pids_limit = -1;	/* 0 means unlimited in runc */
}

int oci_spec_parse(json_t *j, const char *bundle, struct oci_spec *s, struct ct_err *e)
{
	json_t *root, *linux_, *a, *v;
	const char *rp, *prop;
	size_t i;

	memset(s, 0, sizeof *s);
	s->res.mem_limit = s->res.mem_swap = s->res.mem_reservation = -1;
	s->res.cpu_shares = s->res.cpu_quota = s->res.cpu_period = -1;
	s->res.pids_limit = -1;
	s->json = json_incref(j);
	s->bundle = ct_xstrdup(bundle);
	if (!json_is_object(j))
		return ct_err(e, 0, "config.json: not a JSON object");
	root = json_object_get(j, "root");
	rp = ct_json_str(root, "path");
	if (!rp)
		rp = "rootfs";
	s->rootfs = rp[0] == '/' ? ct_xstrdup(rp) : ct_xasprintf("%s/%s", bundle, rp);
	s->root_ro = json_is_true(json_object_get(root, "readonly"));
	if (ct_json_str(j, "hostname"))
		s->hostname = ct_xstrdup(ct_json_str(j, "hostname"));
	if (ct_json_str(j, "domainname"))
		s->domainname = ct_xstrdup(ct_json_str(j, "domainname"));
	if (oci_process_parse(json_object_get(j, "process"), &s->proc, e) < 0)
		return -1;
	if (parse_mounts(json_object_get(j, "mounts"), s, e) < 0)
		return -1;
	linux_ = json_object_get(j, "linux");
	a = json_object_get(linux_, "namespaces");
	json_array_foreach(a, i, v) {
		const char *t = ct_json_str(v, "type");
		int type = t ? oci_ns_from_name(t) : -1;

		if (type < 0)
			return ct_err(e, 0, "config.json: unknown namespace type %s", t ? t : "(none)");
		if (oci_spec_ns(s, type))
			return ct_err(e, 0, "config.json: namespace %s given twice", t);
		if (s->nns == sizeof s->ns / sizeof s->ns[0])
			return ct_err(e, 0, "config.json: too many namespaces");
		s->ns[s->nns].type = type;
		if (ct_json_str(v, "path") && *ct_json_str(v, "path"))
			s->ns[s->nns].path = ct_xstrdup(ct_json_str(v, "path"));
		s->nns++;
	}
	parse_idmaps(json_object_get(linux_, "uidMappings"), &s->uidmap, &s->nuidmap);
	parse_idmaps(json_object_get(linux_, "gidMappings"), &s->gidmap, &s->ngidmap);
	if (oci_spec_ns(s, CLONE_NEWUSER) && !oci_spec_ns(s, CLONE_NEWUSER)->path &&
	    (!s->nuidmap || !s->ngidmap))
		return ct_err(e, 0, "config.json: a new user namespace needs linux.uidMappings and linux.gidMappings");
	if (parse_devices(json_object_get(linux_, "devices"), s, e) < 0)
		return -1;
	s->masked = strv_from_json(json_object_get(linux_, "maskedPaths"));
	s->readonly = strv_from_json(json_object_get(linux_, "readonlyPaths"));
	v = json_object_get(linux_, "sysctl");
	s->sysctl = json_is_object(v) ? v : NULL;
	v = json_object_get(linux_, "seccomp");
	s->seccomp = json_is_object(v) ? v : NULL;
	v = json_object_get(j, "annotations");
	s->annotations = json_is_object(v) ? v : NULL;
	prop = ct_json_str(linux_, "rootfsPropagation");
	if (prop && *prop) {
		struct oci_mount tmp = { 0 };
		json_t *o = json_pack("[s]", prop);

		oci_mount_options(o, &tmp);
		json_decref(o);
		free(tmp.data);
		if (!tmp.propagation)
			return ct_err(e, 0, "config.json: linux.rootfsPropagation %s is not a propagation mode", prop);
		s->rootfs_propagation = tmp.propagation;
	}
	if (ct_json_str(linux_, "cgroupsPath") && *ct_json_str(linux_, "cgroupsPath"))
		s->cgroups_path = ct_xstrdup(ct_json_str(linux_, "cgroupsPath"));
	parse_resources(json_object_get(linux_, "resources"), &s->res);
	v = json_object_get(j, "hooks");
	if (oci_hooks_parse(v, &s->hooks, e) < 0)
		return -1;
	s->hooks_json = json_is_object(v) ? v : NULL;
	return 0;
}

int oci_spec_load(const char *bundle, struct oci_spec *s, struct ct_err *e)
{
	char *path = ct_xasprintf("%s/config.json", bundle);
	json_t *j = ct_json_load_file(path, CONFIG_MAX, e);
	int r;

	free(path);
	if (!j) {
		memset(s, 0, sizeof *s);
		return ct_err_hint(e, "is %s an OCI bundle (config.json + rootfs/)?", bundle);
	}
	r = oci_spec_parse(j, bundle, s, e);
	json_decref(j);
	return r;
}

const struct oci_ns *oci_spec_ns(const struct oci_spec *s, int type)
{
	for (size_t i = 0; i < s->nns; i++)
		if (s->ns[i].type == type)
			return &s->ns[i];
	return NULL;
}

void oci_spec_free(struct oci_spec *s)
{
	size_t i;

	oci_process_free(&s->proc);
	for (i = 0; i < s->nmounts; i++) {
		free(s->mounts[i].dest);
		free(s->mounts[i].type);
		free(s->mounts[i].source);
		free(s->mounts[i].data);
	}
	free(s->mounts);
	for (i = 0; i < s->nns; i++)
		free(s->ns[i].path);
	for (i = 0; i < s->ndevices; i++)
		free(s->devices[i].path);
	free(s->devices);
	free(s->uidmap);
	free(s->gidmap);
	strv_free(s->masked);
	strv_free(s->readonly);
	free(s->bundle);
	free(s->rootfs);
	free(s->hostname);
	free(s->domainname);
	free(s->cgroups_path);
	free(s->res.cpus);
	free(s->res.mems);
	oci_hooks_free(&s->hooks);
	json_decref(s->json);
	memset(s, 0, sizeof *s);
}
