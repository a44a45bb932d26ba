#include "cgroup.h"
#include "buf.h"
#include "err.h"
#include "file.h"
#include "ocispec.h"
#include "say.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#define CG_ROOT "/sys/fs/cgroup"
#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif
#ifndef TMPFS_MAGIC
#define TMPFS_MAGIC 0x01021994
#endif

/* v1 hierarchies we use, by their directory under /sys/fs/cgroup */
static const char *const v1_names[CT_CG_NV1] = {
	"memory", "cpu", "cpuacct", "cpuset", "pids", "freezer", "devices", "blkio",
};

const char *ct_cgroup_v1_name(int i)
{
	return i >= 0 && i < CT_CG_NV1 ? v1_names[i] : "?";
}

int ct_cgroup_mode(void)
{
	struct statfs st;

	if (statfs(CG_ROOT, &st) < 0)
		return 0;
	if (st.f_type == CGROUP2_SUPER_MAGIC)
		return CT_CG_V2;
	if (statfs(CG_ROOT "/unified", &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC)
		return CT_CG_HYBRID;
	return CT_CG_V1;
}

const char *ct_cgroup_mode_name(int mode)
{
	return mode == CT_CG_V2 ? "v2" : mode == CT_CG_HYBRID ? "hybrid" :
	       mode == CT_CG_V1 ? "v1" : "none";
}

char *ct_cgroup_path_for(const struct oci_spec *s, const char *id)
{
	const char *p = s ? s->cgroups_path : NULL;

	if (p && *p) {
		/* systemd style "slice:prefix:name" -> /slice/prefix-name.scope */
		const char *c1 = strchr(p, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;

		if (p[0] != '/' && c1 && c2)
			return ct_xasprintf("/%.*s/%.*s-%s.scope", (int)(c1 - p), p,
					    (int)(c2 - c1 - 1), c1 + 1, c2 + 1);
		return p[0] == '/' ? ct_xstrdup(p) : ct_xasprintf("/%s", p);
	}
	return ct_xasprintf("/ct-spawn/%s", id);
}

int ct_cgroup_init(struct ct_cgroup *cg, const char *path, struct ct_err *e)
{
	memset(cg, 0, sizeof *cg);
	cg->mode = ct_cgroup_mode();
	if (!cg->mode)
		return ct_err(e, 0, "no cgroup file system at %s; mount cgroup2 there", CG_ROOT);
	if (strstr(path, ".."))
		return ct_err(e, 0, "cgroup path %s contains '..'", path);
	cg->path = ct_xstrdup(path);
	if (cg->mode == CT_CG_V2) {
		cg->v2 = ct_xasprintf(CG_ROOT "%s", path);
		return 0;
	}
	if (cg->mode == CT_CG_HYBRID)
		cg->v2 = ct_xasprintf(CG_ROOT "/unified%s", path);
	for (int i = 0; i < CT_CG_NV1; i++) {
		char *h = ct_xasprintf(CG_ROOT "/%s", v1_names[i]);
		struct statfs st;

		if (statfs(h, &st) == 0 && st.f_type != TMPFS_MAGIC)
			cg->v1[i] = ct_xasprintf("%s%s", h, path);
		free(h);
	}
	return 0;
}

const char *ct_cgroup_dir(const struct ct_cgroup *cg, const char *ctrl)
{
	if (cg->mode == CT_CG_V2 || !ctrl)
		return cg->v2;
	for (int i = 0; i < CT_CG_NV1; i++)
		if (strcmp(ctrl, v1_names[i]) == 0)
			return cg->v1[i];
	return NULL;
}

static int cg_write(const char *dir, const char *file, const char *val, struct ct_err *e)
{
	char *p = ct_xasprintf("%s/%s", dir, file);
	int fd = open(p, O_WRONLY | O_CLOEXEC);
	int r = 0;

	if (fd < 0 || ct_write_all(fd, val, strlen(val)) < 0)
		r = ct_err(e, errno, "write %s to %s", val, p);
	else
		ct_say("cgroup: %s = %s", p, val);
	if (fd >= 0)
		close(fd);
	free(p);
	return r;
}

static int cg_read(const char *dir, const char *file, char *out, size_t n)
{
	char *p = ct_xasprintf("%s/%s", dir, file);
	ssize_t r = ct_read_small(p, out, n);

	free(p);
	if (r < 0)
		return -1;
	while (r > 0 && out[r - 1] == '\n')
		out[--r] = 0;
	return 0;
}

static int has_file(const char *dir, const char *file)
{
	char *p = ct_xasprintf("%s/%s", dir, file);
	int r = access(p, F_OK) == 0;

	free(p);
	return r;
}

/* mkdir -p below root, copying cpuset.cpus/mems down for v1 cpuset, and
 * enabling controllers in subtree_control for v2. */
static int make_dirs(const char *root, const char *path, int cpuset, int v2,
		     struct ct_err *e)
{
	char *dir = ct_xstrdup(root), *p = ct_xstrdup(path), *save = NULL, *c;
	char val[4096];
	int r = 0;

	for (c = strtok_r(p, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		char *child = ct_xasprintf("%s/%s", dir, c);
		int made = 0;

		if (v2 && has_file(dir, "cgroup.controllers") &&
		    cg_read(dir, "cgroup.controllers", val, sizeof val) == 0 && *val) {
			/* "+cpu +memory ..." for every controller offered */
			struct ct_buf b = CT_BUF_INIT;
			char *s2 = NULL, *t;

			for (t = strtok_r(val, " ", &s2); t; t = strtok_r(NULL, " ", &s2))
				if (strcmp(t, "cpu") == 0 || strcmp(t, "memory") == 0 ||
				    strcmp(t, "pids") == 0 || strcmp(t, "cpuset") == 0 ||
				    strcmp(t, "io") == 0)
					ct_buf_printf(&b, "%s+%s", b.len ? " " : "", t);
			if (b.len)
				cg_write(dir, "cgroup.subtree_control", b.data, NULL);
			ct_buf_free(&b);
		}
		if (mkdir(child, 0755) == 0) {
			made = 1;
			ct_say("mkdir %s", child);
		} else if (errno != EEXIST) {
			r = ct_err(e, errno, "mkdir %s", child);
			free(child);
			break;
		}
		if (cpuset && made) {
			if (cg_read(dir, "cpuset.cpus", val, sizeof val) == 0)
				cg_write(child, "cpuset.cpus", val, NULL);
			if (cg_read(dir, "cpuset.mems", val, sizeof val) == 0)
				cg_write(child, "cpuset.mems", val, NULL);
		}
		free(dir);
		dir = child;
	}
	free(dir);
	free(p);
	return r;
}

unsigned long ct_cgroup_shares_to_weight(unsigned long shares)
{
	if (shares < 2)
		shares = 2;
	if (shares > 262144)
		shares = 262144;
	return 1 + ((shares - 2) * 9999) / 262142;
}

static int limit_v1(const struct ct_cgroup *cg, const struct oci_resources *r, struct ct_err *e)
{
	const char *d;
	char v[64];

	if ((d = ct_cgroup_dir(cg, "memory"))) {
		if (r->mem_limit >= 0) {
			snprintf(v, sizeof v, "%" PRId64, r->mem_limit);
			if (cg_write(d, "memory.limit_in_bytes", v, e) < 0)
				return -1;
		}
		if (r->mem_swap >= 0 && has_file(d, "memory.memsw.limit_in_bytes")) {
			snprintf(v, sizeof v, "%" PRId64, r->mem_swap);
			if (cg_write(d, "memory.memsw.limit_in_bytes", v, e) < 0)
				return -1;
		} else if (r->mem_limit >= 0 && has_file(d, "memory.memsw.limit_in_bytes")) {
			/* Docker: no swap given -> swap as much as memory again */
		}
		if (r->mem_reservation >= 0) {
			snprintf(v, sizeof v, "%" PRId64, r->mem_reservation);
			if (cg_write(d, "memory.soft_limit_in_bytes", v, e) < 0)
				return -1;
		}
	} else if (r->mem_limit >= 0) {
		return ct_err(e, 0, "a memory limit was asked but the memory cgroup controller is not mounted");
	}
	if ((d = ct_cgroup_dir(cg, "cpu"))) {
		if (r->cpu_shares >= 0) {
			snprintf(v, sizeof v, "%" PRId64, r->cpu_shares);
			if (cg_write(d, "cpu.shares", v, e) < 0)
				return -1;
		}
		if (r->cpu_period > 0) {
			snprintf(v, sizeof v, "%" PRId64, r->cpu_period);
			if (cg_write(d, "cpu.cfs_period_us", v, e) < 0)
				return -1;
		}
		if (r->cpu_quota != -1 && r->cpu_quota != 0) {
			snprintf(v, sizeof v, "%" PRId64, r->cpu_quota);
			if (cg_write(d, "cpu.cfs_quota_us", v, e) < 0)
				return -1;
		}
	}
	if ((d = ct_cgroup_dir(cg, "cpuset"))) {
		if (r->cpus && cg_write(d, "cpuset.cpus", r->cpus, e) < 0)
			return -1;
		if (r->mems && cg_write(d, "cpuset.mems", r->mems, e) < 0)
			return -1;
	}
	if ((d = ct_cgroup_dir(cg, "pids")) && r->pids_limit > 0) {
		snprintf(v, sizeof v, "%" PRId64, r->pids_limit);
		if (cg_write(d, "pids.max", v, e) < 0)
			return -1;
	} else if (r->pids_limit > 0 && !d) {
		return ct_err(e, 0, "a pids limit was asked but the pids cgroup controller is not mounted");
	}
	return 0;
}

static int limit_v2(const struct ct_cgroup *cg, const struct oci_resources *r, struct ct_err *e)
{
	const char *d = cg->v2;
	char v[64];

	if (r->mem_limit >= 0) {
		snprintf(v, sizeof v, "%" PRId64, r->mem_limit);
		if (cg_write(d, "memory.max", v, e) < 0)
			return -1;
	}
	if (r->mem_swap >= 0 && has_file(d, "memory.swap.max")) {
		/* OCI swap is memory+swap; v2 counts swap alone */
		int64_t sw = r->mem_swap < 0 ? -1 :
			     r->mem_limit >= 0 ? r->mem_swap - r->mem_limit : r->mem_swap;
		if (sw < 0)
			sw = 0;
		snprintf(v, sizeof v, "%" PRId64, sw);
		if (cg_write(d, "memory.swap.max", v, e) < 0)
			return -1;
	}
	if (r->mem_reservation >= 0) {
		snprintf(v, sizeof v, "%" PRId64, r->mem_reservation);
		if (cg_write(d, "memory.low", v, e) < 0)
			return -1;
	}
	if (r->cpu_shares > 0) {
		snprintf(v, sizeof v, "%lu", ct_cgroup_shares_to_weight((unsigned long)r->cpu_shares));
		if (cg_write(d, "cpu.weight", v, e) < 0)
			return -1;
	}
	if ((r->cpu_quota > 0) || r->cpu_period > 0) {
		if (r->cpu_quota > 0)
			snprintf(v, sizeof v, "%" PRId64 " %" PRId64, r->cpu_quota,
				 r->cpu_period > 0 ? r->cpu_period : 100000);
		else
			snprintf(v, sizeof v, "max %" PRId64, r->cpu_period);
		if (cg_write(d, "cpu.max", v, e) < 0)
			return -1;
	}
	if (r->cpus && cg_write(d, "cpuset.cpus", r->cpus, e) < 0)
		return -1;
	if (r->mems && cg_write(d, "cpuset.mems", r->mems, e) < 0)
		return -1;
	if (r->pids_limit > 0) {
		snprintf(v, sizeof v, "%" PRId64, r->pids_limit);
		if (cg_write(d, "pids.max", v, e) < 0)
			return -1;
	}
	return 0;
}

/* v1 devices controller: deny all, then the runc default allow list and
 * the spec's own rules. (v2 would need an eBPF program; not done yet.) */
static int devices_v1(const struct ct_cgroup *cg, const struct oci_spec *s, struct ct_err *e)
{
	static const char *const allow[] = {
		"c *:* m", "b *:* m", "c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm",
		"c 1:8 rwm", "c 1:9 rwm", "c 5:0 rwm", "c 5:1 rwm", "c 5:2 rwm",
		"c 136:* rwm", "c 10:200 rwm",
	};
	const char *d = ct_cgroup_dir(cg, "devices");
	json_t *rules, *r;
	size_t i;

	if (!d)
		return 0;
	if (cg_write(d, "devices.deny", "a", e) < 0)
		return -1;
	for (i = 0; i < sizeof allow / sizeof allow[0]; i++)
		if (cg_write(d, "devices.allow", allow[i], e) < 0)
			return -1;
	for (i = 0; i < s->ndevices; i++) {
		char v[64];

		snprintf(v, sizeof v, "%c %" PRId64 ":%" PRId64 " rwm",
			 s->devices[i].type == 'u' ? 'c' : s->devices[i].type,
			 s->devices[i].major, s->devices[i].minor);
		if (s->devices[i].type != 'p' && cg_write(d, "devices.allow", v, e) < 0)
			return -1;
	}
	rules = json_object_get(json_object_get(json_object_get(s->json, "linux"),
						"resources"), "devices");
	json_array_foreach(rules, i, r) {
		const char *type = json_string_value(json_object_get(r, "type"));
		const char *acc = json_string_value(json_object_get(r, "access"));
		json_t *ma = json_object_get(r, "major"), *mi = json_object_get(r, "minor");
		char v[96], smaj[24] = "*", smin[24] = "*";

		if (json_is_integer(ma) && json_integer_value(ma) >= 0)
			snprintf(smaj, sizeof smaj, "%" JSON_INTEGER_FORMAT, json_integer_value(ma));
		if (json_is_integer(mi) && json_integer_value(mi) >= 0)
			snprintf(smin, sizeof smin, "%" JSON_INTEGER_FORMAT, json_integer_value(mi));
		snprintf(v, sizeof v, "%s %s:%s %s", type && *type ? type : "a", smaj, smin,
			 acc && *acc ? acc : "rwm");
		if (!type || strcmp(type, "a") == 0)
			snprintf(v, sizeof v, "a");
		/* rules that only re-deny everything are already in force */
		if (!json_is_true(json_object_get(r, "allow")) && strcmp(v, "a") == 0)
			continue;
		if (cg_write(d, json_is_true(json_object_get(r, "allow")) ?
			     "devices.allow" : "devices.deny", v, e) < 0)
			return -1;
	}
	return 0;
}

int ct_cgroup_limits_asked(const struct oci_resources *r, char *what, size_t n)
{
	const char *w = r->mem_limit > 0 ? "memory.limit" : r->mem_swap > 0 ? "memory.swap" :
			r->mem_reservation > 0 ? "memory.reservation" :
			r->cpu_shares > 0 ? "cpu.shares" : r->cpu_quota > 0 ? "cpu.quota" :
			r->cpu_period > 0 ? "cpu.period" : r->cpus && *r->cpus ? "cpu.cpus" :
			r->mems && *r->mems ? "cpu.mems" : r->pids_limit > 0 ? "pids.limit" : NULL;

	if (what && n)
		snprintf(what, n, "%s", w ? w : "");
	return w != NULL;
}

static int create_dirs(struct ct_cgroup *cg, struct ct_err *e);

static void forget_dirs(struct ct_cgroup *cg)
{
	free(cg->path);
	free(cg->v2);
	cg->path = cg->v2 = NULL;
	for (int i = 0; i < CT_CG_NV1; i++) {
		free(cg->v1[i]);
		cg->v1[i] = NULL;
	}
}

/* Rootless: the cgroup tree is not ours. Without limits to enforce the
 * container just runs in the caller's cgroup (as runc and crun do); with
 * limits it is an error that says why. */
static int rootless_skip(struct ct_cgroup *cg, const struct oci_spec *s, struct ct_err *e)
{
	char what[32];
	int err = e->errnum;

	if (!(err == EACCES || err == EPERM || err == EROFS))
		return -1;
	if (s && ct_cgroup_limits_asked(&s->res, what, sizeof what)) {
		ct_err_hint(e, "config.json asks for a limit (linux.resources %s) but this user may not create cgroups there; a non-root caller gets limits only in a cgroup v2 tree delegated to it (systemd: Delegate=yes, with linux.cgroupsPath inside it), else remove linux.resources or run as root",
			    what);
		return -1;
	}
	ct_say("cgroup: %s (rootless: no limits asked, so the container stays in the caller's cgroup)",
	       e->msg);
	/* what we made in a partly writable tree; never kill anything: a
	 * directory that was there already may be someone else's */
	for (int i = 0; i < CT_CG_NV1; i++)
		if (cg->v1[i])
			rmdir(cg->v1[i]);
	if (cg->v2)
		rmdir(cg->v2);
	forget_dirs(cg);
	memset(e, 0, sizeof *e);
	return 0;
}

int ct_cgroup_create(struct ct_cgroup *cg, const struct oci_spec *s, struct ct_err *e)
{
	struct ct_err le = { 0 };

	if (!e)
		e = &le;
	if (create_dirs(cg, e) < 0)
		return cg->rootless ? rootless_skip(cg, s, e) : -1;
	if (!cg->path || !s)
		return 0;
	if (cg->mode == CT_CG_V2)
		return limit_v2(cg, &s->res, e);
	if (limit_v1(cg, &s->res, e) < 0 || (!cg->rootless && devices_v1(cg, s, e) < 0))
		return -1;
	return 0;
}

static int create_dirs(struct ct_cgroup *cg, struct ct_err *e)
{
	ct_say("cgroup %s (%s)", cg->path, ct_cgroup_mode_name(cg->mode));
	for (int i = 0; i < CT_CG_NV1; i++) {
		char *root;
		int r;

		if (!cg->v1[i])
			continue;
		root = ct_xasprintf(CG_ROOT "/%s", v1_names[i]);
		r = make_dirs(root, cg->path, strcmp(v1_names[i], "cpuset") == 0, 0, e);
		free(root);
		if (r < 0)
			return -1;
	}
	if (cg->v2) {
		const char *root = cg->mode == CT_CG_V2 ? CG_ROOT : CG_ROOT "/unified";

		if (make_dirs(root, cg->path, 0, cg->mode == CT_CG_V2, e) < 0) {
			if (cg->mode == CT_CG_V2)
				return -1;
			free(cg->v2);	/* hybrid: the unified tree is optional */
			cg->v2 = NULL;
			memset(e, 0, sizeof *e);
		}
	}
	return 0;
}

int ct_cgroup_add(const struct ct_cgroup *cg, pid_t pid, struct ct_err *e)
{
	char v[24];

	snprintf(v, sizeof v, "%d", (int)pid);
	for (int i = 0; i < CT_CG_NV1; i++)
		if (cg->v1[i] && cg_write(cg->v1[i], "cgroup.procs", v, e) < 0)
			return -1;
	if (cg->v2 && cg_write(cg->v2, "cgroup.procs", v, e) < 0 && cg->mode == CT_CG_V2)
		return -1;
	return 0;
}

static long field_of(const char *text, const char *key)
{
	size_t kl = strlen(key);

	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (strncmp(p, key, kl) == 0 && p[kl] == ' ')
			return strtol(p + kl + 1, NULL, 10);
	return 0;
}

long ct_cgroup_oom_kills(const struct ct_cgroup *cg)
{
	char b[4096];
	const char *d;

	if (!cg->path)
		return 0;
	if (cg->mode == CT_CG_V2)
		return cg_read(cg->v2, "memory.events", b, sizeof b) == 0 ? field_of(b, "oom_kill") : 0;
	d = ct_cgroup_dir(cg, "memory");
	if (d && cg_read(d, "memory.oom_control", b, sizeof b) == 0)
		return field_of(b, "oom_kill");
	return 0;
}

int ct_cgroup_freeze(const struct ct_cgroup *cg, int frozen, struct ct_err *e)
{
	const char *d;

	if (!cg->path || !*cg->path)
		return ct_err(e, 0, "the container has no cgroup of its own (a rootless run where the cgroup tree is not writable): nothing to freeze");
	if (cg->mode == CT_CG_V2) {
		const char *want = frozen ? "frozen 1" : "frozen 0";

		if (cg_write(cg->v2, "cgroup.freeze", frozen ? "1" : "0", e) < 0)
			return -1;
		/* the kernel freezes asynchronously: wait until it says so */
		for (int i = 0; i < 5000; i++) {
			char b[256];

			if (cg_read(cg->v2, "cgroup.events", b, sizeof b) < 0 || strstr(b, want))
				return 0;
			usleep(1000);
		}
		return ct_err(e, 0, "%s/cgroup.events never said \"%s\"", cg->v2, want);
	}
	d = ct_cgroup_dir(cg, "freezer");
	if (!d)
		return ct_err(e, 0, "the freezer cgroup controller is not mounted; cannot pause");
	if (cg_write(d, "freezer.state", frozen ? "FROZEN" : "THAWED", e) < 0)
		return -1;
	for (int i = 0; i < 5000; i++) {
		char b[32];

		if (cg_read(d, "freezer.state", b, sizeof b) == 0 &&
		    strcmp(b, frozen ? "FROZEN" : "THAWED") == 0)
			return 0;
		usleep(1000);
	}
	return ct_err(e, 0, "%s/freezer.state did not become %s", d, frozen ? "FROZEN" : "THAWED");
}

int ct_cgroup_frozen(const struct ct_cgroup *cg)
{
	char b[64];
	const char *d;

	if (!cg->path || !*cg->path)
		return -1;
	if (cg->mode == CT_CG_V2)
		return cg_read(cg->v2, "cgroup.freeze", b, sizeof b) == 0 ? b[0] == '1' : -1;
	d = ct_cgroup_dir(cg, "freezer");
	if (!d || cg_read(d, "freezer.state", b, sizeof b) < 0)
		return -1;
	return strcmp(b, "THAWED") != 0;
}

static const char *procs_dir(const struct ct_cgroup *cg)
{
	const char *d;

	if (cg->mode == CT_CG_V2)
		return cg->v2;
	if ((d = ct_cgroup_dir(cg, "pids")) || (d = ct_cgroup_dir(cg, "memory")) ||
	    (d = ct_cgroup_dir(cg, "freezer")))
		return d;
	for (int i = 0; i < CT_CG_NV1; i++)
		if (cg->v1[i])
			return cg->v1[i];
	return cg->v2;
}

int ct_cgroup_pids(const struct ct_cgroup *cg, pid_t **pids, size_t *n, struct ct_err *e)
{
	const char *d = procs_dir(cg);
	struct ct_buf b = CT_BUF_INIT;
	char *p, *save = NULL, *tok;
	size_t cap = 16;

	*n = 0;
	*pids = ct_xcalloc(cap, sizeof **pids);
	if (!d)
		return 0;
	p = ct_xasprintf("%s/cgroup.procs", d);
	if (ct_read_file(p, &b, 1 << 22, e) < 0) {
		free(p);
		ct_buf_free(&b);
		return -1;
	}
	free(p);
	for (tok = strtok_r(b.data, "\n", &save); tok; tok = strtok_r(NULL, "\n", &save)) {
		if (*n == cap)
			*pids = ct_xrealloc(*pids, (cap *= 2) * sizeof **pids);
		(*pids)[(*n)++] = (pid_t)strtol(tok, NULL, 10);
	}
	ct_buf_free(&b);
	return 0;
}

int ct_cgroup_kill(const struct ct_cgroup *cg, int sig)
{
	pid_t *pids;
	size_t n;
	int k = 0;

	if (ct_cgroup_pids(cg, &pids, &n, NULL) < 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (kill(pids[i], sig) == 0)
			k++;
	free(pids);
	return k;
}

static int rm_dir(const char *d, struct ct_err *e)
{
	for (int i = 0; i < 200; i++) {
		if (rmdir(d) == 0) {
			ct_say("rmdir %s", d);
			return 0;
		}
		if (errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			break;
		usleep(5000);
	}
	return ct_err(e, errno, "rmdir %s", d);
}

int ct_cgroup_destroy(struct ct_cgroup *cg, struct ct_err *e)
{
	int r = 0;

	if (ct_cgroup_kill(cg, SIGKILL) > 0) {
		/* thaw so the kill can land, then give it a moment */
		ct_cgroup_freeze(cg, 0, NULL);
		for (int i = 0; i < 200 && ct_cgroup_kill(cg, SIGKILL) > 0; i++)
			usleep(5000);
	}
	for (int i = 0; i < CT_CG_NV1; i++)
		if (cg->v1[i] && rm_dir(cg->v1[i], r < 0 ? NULL : e) < 0)
			r = -1;
	if (cg->v2 && rm_dir(cg->v2, r < 0 ? NULL : e) < 0)
		r = -1;
	return r;
}

void ct_cgroup_free(struct ct_cgroup *cg)
{
	free(cg->path);
	free(cg->v2);
	for (int i = 0; i < CT_CG_NV1; i++)
		free(cg->v1[i]);
	memset(cg, 0, sizeof *cg);
}
