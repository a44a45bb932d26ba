#include "secprofile.h"
#include "buf.h"
#include "digest.h"
#include "err.h"
#include "file.h"
#include "json.h"
#include "say.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int action_of(const char *name, int64_t errno_ret, uint32_t *act, struct ct_err *e)
{
	if (!name)
		return ct_err(e, 0, "seccomp: an action is missing");
	if (strcmp(name, "SCMP_ACT_ALLOW") == 0)
		*act = SCMP_ACT_ALLOW;
	else if (strcmp(name, "SCMP_ACT_ERRNO") == 0)
		*act = SCMP_ACT_ERRNO((uint16_t)(errno_ret >= 0 ? errno_ret : EPERM));
	else if (strcmp(name, "SCMP_ACT_KILL") == 0 || strcmp(name, "SCMP_ACT_KILL_THREAD") == 0)
		*act = SCMP_ACT_KILL_THREAD;
	else if (strcmp(name, "SCMP_ACT_KILL_PROCESS") == 0)
		*act = SCMP_ACT_KILL_PROCESS;
	else if (strcmp(name, "SCMP_ACT_TRAP") == 0)
		*act = SCMP_ACT_TRAP;
	else if (strcmp(name, "SCMP_ACT_TRACE") == 0)
		*act = SCMP_ACT_TRACE((uint16_t)(errno_ret >= 0 ? errno_ret : EPERM));
	else if (strcmp(name, "SCMP_ACT_LOG") == 0)
		*act = SCMP_ACT_LOG;
	else
		return ct_err(e, 0, "seccomp: action %s is not supported by ct-spawn", name);
	return 0;
}

static int op_of(const char *name, enum scmp_compare *op, struct ct_err *e)
{
	static const struct { const char *n; enum scmp_compare op; } ops[] = {
		{ "SCMP_CMP_NE", SCMP_CMP_NE }, { "SCMP_CMP_LT", SCMP_CMP_LT },
		{ "SCMP_CMP_LE", SCMP_CMP_LE }, { "SCMP_CMP_EQ", SCMP_CMP_EQ },
		{ "SCMP_CMP_GE", SCMP_CMP_GE }, { "SCMP_CMP_GT", SCMP_CMP_GT },
		{ "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
	};
	for (size_t i = 0; name && i < sizeof ops / sizeof ops[0]; i++)
		if (strcmp(name, ops[i].n) == 0) {
			*op = ops[i].op;
			return 0;
		}
	return ct_err(e, 0, "seccomp: unknown operator %s", name ? name : "(none)");
}

static int arch_of(const char *name, uint32_t *arch)
{
	static const struct { const char *n; uint32_t a; } archs[] = {
		{ "SCMP_ARCH_X86", SCMP_ARCH_X86 }, { "SCMP_ARCH_X86_64", SCMP_ARCH_X86_64 },
		{ "SCMP_ARCH_X32", SCMP_ARCH_X32 }, { "SCMP_ARCH_ARM", SCMP_ARCH_ARM },
		{ "SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64 },
		{ "SCMP_ARCH_PPC64LE", SCMP_ARCH_PPC64LE }, { "SCMP_ARCH_S390X", SCMP_ARCH_S390X },
		{ "SCMP_ARCH_RISCV64", SCMP_ARCH_RISCV64 },
	};
	for (size_t i = 0; name && i < sizeof archs / sizeof archs[0]; i++)
		if (strcmp(name, archs[i].n) == 0) {
			*arch = archs[i].a;
			return 0;
		}
	return -1;
}

static int add_rules(scmp_filter_ctx ctx, const json_t *rule, uint32_t def,
		     int *nrules, struct ct_err *e)
{
	struct scmp_arg_cmp cmp[6];
	json_t *args = json_object_get(rule, "args"), *a, *names, *n;
	unsigned ncmp = 0;
	uint32_t act = SCMP_ACT_KILL_PROCESS;
	size_t i;
	int r;

	if (action_of(ct_json_str(rule, "action"),
		      ct_json_int(rule, "errnoRet", -1), &act, e) < 0)
		return -1;
	if (act == def)
		return 0;	/* libseccomp refuses rules equal to the default */
	json_array_foreach(args, i, a) {
		enum scmp_compare op = SCMP_CMP_EQ;

		if (ncmp == 6)
			return ct_err(e, 0, "seccomp: more than 6 argument conditions");
		if (op_of(ct_json_str(a, "op"), &op, e) < 0)
			return -1;
		cmp[ncmp].arg = (unsigned)ct_json_int(a, "index", 0);
		cmp[ncmp].op = op;
		cmp[ncmp].datum_a = (scmp_datum_t)ct_json_int(a, "value", 0);
		cmp[ncmp].datum_b = (scmp_datum_t)ct_json_int(a, "valueTwo", 0);
		ncmp++;
	}
	names = json_object_get(rule, "names");
	if (!json_is_array(names) && ct_json_str(rule, "name"))
		names = json_pack("[s]", ct_json_str(rule, "name"));
	else
		json_incref(names);
	json_array_foreach(names, i, n) {
		const char *name = json_string_value(n);
		int nr = name ? seccomp_syscall_resolve_name(name) : __NR_SCMP_ERROR;

		if (nr == __NR_SCMP_ERROR)
			continue;	/* not on this kernel/arch */
		r = seccomp_rule_add_array(ctx, act, nr, ncmp, cmp);
		if (r < 0) {
			json_decref(names);
			return ct_err(e, -r, "seccomp_rule_add %s", name);
		}
		(*nrules)++;
	}
	json_decref(names);
	return 0;
}

static scmp_filter_ctx build(const json_t *p, int *nrules, struct ct_err *e)
{
	scmp_filter_ctx ctx;
	json_t *v;
	uint32_t def = SCMP_ACT_KILL_PROCESS;
	size_t i;
	int r;

	*nrules = 0;
	if (action_of(ct_json_str(p, "defaultAction"),
		      ct_json_int(p, "defaultErrnoRet", -1), &def, e) < 0)
		return NULL;
	ctx = seccomp_init(def);
	if (!ctx) {
		ct_err(e, 0, "seccomp_init failed");
		return NULL;
	}
	/* no_new_privs is the spec's decision, not libseccomp's */
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	json_array_foreach(json_object_get(p, "architectures"), i, v) {
		uint32_t arch;

		if (arch_of(json_string_value(v), &arch) < 0)
			continue;	/* foreign architecture */
		r = seccomp_arch_add(ctx, arch);
		if (r < 0 && r != -EEXIST) {
			seccomp_release(ctx);
			ct_err(e, -r, "seccomp_arch_add %s", json_string_value(v));
			return NULL;
		}
	}
	json_array_foreach(json_object_get(p, "syscalls"), i, v)
		if (add_rules(ctx, v, def, nrules, e) < 0) {
			seccomp_release(ctx);
			return NULL;
		}
	return ctx;
}

int ct_seccomp_export(const json_t *profile, int fd, int *nrules, struct ct_err *e)
{
	scmp_filter_ctx ctx = build(profile, nrules, e);
	int r;

	if (!ctx)
		return -1;
	r = seccomp_export_bpf(ctx, fd);
	seccomp_release(ctx);
	return r < 0 ? ct_err(e, -r, "seccomp_export_bpf") : 0;
}

/* ------------------------------------------------------------ the cache */

/* libseccomp takes tens of milliseconds to build a Docker-sized profile
 * (a transaction per rule, three architectures), for every container.
 * ct_seccomp_prepare() (called before clone, while the host's /run is
 * still there) builds it once per profile and keeps the BPF program in
 * /run/ct-spawn/seccomp/<sha256 of libseccomp's version, the native
 * architecture and the profile>.bpf; ct_seccomp_load() in the child then
 * loads that program as libseccomp would have (no flags, no_new_privs
 * left to the spec). The file carries the program's length and SHA-256:
 * a file that does not match is ignored and made again. */
#define CACHE_MAGIC "ctbpf01"	/* 8 bytes with the NUL */

struct cache_head {
	char magic[8];
	uint32_t nrules;
	uint32_t len;		/* bytes of BPF that follow */
	unsigned char sum[CT_SHA256_LEN];
};

static struct {
	const json_t *profile;
	unsigned char *prog;
	size_t len;
	int nrules;
} prepared;

static char *cache_path(const json_t *profile)
{
	const char *dir = getenv("CT_SECCOMP_CACHE");
	const struct scmp_version *v = seccomp_version();
	char hex[CT_DIGEST_STR_MAX], *js, *head, *path;
	struct ct_sha256 h;

	if (!dir)
		dir = geteuid() == 0 ? "/run/ct-spawn/seccomp" : "";
	if (!*dir || !v)
		return NULL;	/* "" turns the cache off */
	js = json_dumps(profile, JSON_COMPACT | JSON_SORT_KEYS);
	if (!js)
		return NULL;
	head = ct_xasprintf("%s libseccomp %u.%u.%u arch %u\n", CACHE_MAGIC,
			    v->major, v->minor, v->micro, seccomp_arch_native());
	ct_sha256_init(&h);
	ct_sha256_update(&h, head, strlen(head));
	ct_sha256_update(&h, js, strlen(js));
	ct_sha256_hex(&h, hex);
	path = ct_xasprintf("%s/%s.bpf", dir, hex + strlen(CT_DIGEST_PREFIX));
	free(head);
	free(js);
	return path;
}

/* The cached program at path, checked; 0 when there is none that fits. */
static int cache_read(const char *path)
{
	struct cache_head hd;
	unsigned char sum[CT_SHA256_LEN], *prog;
	struct ct_sha256 h;
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return 0;
	if (fstat(fd, &st) < 0 || st.st_uid != geteuid() || (st.st_mode & 022) ||
	    read(fd, &hd, sizeof hd) != (ssize_t)sizeof hd ||
	    memcmp(hd.magic, CACHE_MAGIC, sizeof hd.magic) || hd.len == 0 ||
	    hd.len % sizeof(struct sock_filter) || hd.len > (1u << 20) ||
	    (off_t)(sizeof hd + hd.len) != st.st_size) {
		close(fd);
		return 0;
	}
	prog = ct_xmalloc(hd.len);
	if (read(fd, prog, hd.len) != (ssize_t)hd.len) {
		free(prog);
		close(fd);
		return 0;
	}
	close(fd);
	ct_sha256_init(&h);
	ct_sha256_update(&h, prog, hd.len);
	ct_sha256_final(&h, sum);
	if (memcmp(sum, hd.sum, sizeof sum)) {
		free(prog);
		return 0;
	}
	prepared.prog = prog;
	prepared.len = hd.len;
	prepared.nrules = (int)hd.nrules;
	return 1;
}

/* Build, export to a temporary file beside path, rename it into place, and
 * keep the program. Failures only cost the cache: the child builds it. */
static void cache_write(const json_t *profile, const char *path)
{
	struct cache_head hd = { CACHE_MAGIC, 0, 0, { 0 } };
	char *tmp = ct_xasprintf("%s.%d.tmp", path, (int)getpid());
	char *dir = ct_xstrdup(path), *slash = strrchr(dir, '/');
	unsigned char *prog = NULL;
	struct ct_sha256 h;
	struct ct_err e;
	int nrules, fd = -1;
	off_t end;
	scmp_filter_ctx ctx;

	if (slash)
		*slash = '\0';
	if (ct_mkdir_p(dir, 0700, &e) < 0 ||
	    (fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0)
		goto out;
	if (!(ctx = build(profile, &nrules, &e)))
		goto out;
	if (lseek(fd, sizeof hd, SEEK_SET) < 0 || seccomp_export_bpf(ctx, fd) < 0) {
		seccomp_release(ctx);
		goto out;
	}
	seccomp_release(ctx);
	end = lseek(fd, 0, SEEK_END);
	if (end <= (off_t)sizeof hd || end > (off_t)(sizeof hd + (1u << 20)))
		goto out;
	hd.nrules = (uint32_t)nrules;
	hd.len = (uint32_t)(end - (off_t)sizeof hd);
	prog = ct_xmalloc(hd.len);
	if (pread(fd, prog, hd.len, sizeof hd) != (ssize_t)hd.len)
		goto out;
	ct_sha256_init(&h);
	ct_sha256_update(&h, prog, hd.len);
	ct_sha256_final(&h, hd.sum);
	if (pwrite(fd, &hd, sizeof hd, 0) != (ssize_t)sizeof hd || fsync(fd) < 0 ||
	    rename(tmp, path) < 0)
		goto out;
	ct_say("seccomp: %d rules built once, kept in %s", nrules, path);
	prepared.prog = prog;
	prepared.len = hd.len;
	prepared.nrules = nrules;
	prog = NULL;
out:
	if (fd >= 0) {
		close(fd);
		unlink(tmp);	/* gone already when renamed */
	}
	free(prog);
	free(dir);
	free(tmp);
}

void ct_seccomp_prepare(const json_t *profile)
{
	char *path;

	if (!profile || prepared.profile == profile)
		return;
	free(prepared.prog);
	memset(&prepared, 0, sizeof prepared);
	if (!(path = cache_path(profile)))
		return;
	if (cache_read(path))
		ct_say2("seccomp: the filter built before, from %s", path);
	else
		cache_write(profile, path);
	if (prepared.prog)
		prepared.profile = profile;
	free(path);
}

int ct_seccomp_load(const json_t *profile, int *nrules, struct ct_err *e)
{
	scmp_filter_ctx ctx;
	int r;

	if (profile == prepared.profile && prepared.prog) {
		struct sock_fprog fp = {
			.len = (unsigned short)(prepared.len / sizeof(struct sock_filter)),
			.filter = (struct sock_filter *)(void *)prepared.prog,
		};

		*nrules = prepared.nrules;
		if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp) < 0)
			return ct_err(e, errno, "seccomp(SECCOMP_SET_MODE_FILTER, %u instructions "
				      "built before for %d rules)", fp.len, *nrules);
		return 0;
	}
	ctx = build(profile, nrules, e);
	if (!ctx)
		return -1;
	r = seccomp_load(ctx);
	seccomp_release(ctx);
	if (r < 0)
		return ct_err(e, -r, "seccomp_load (%d rules)", *nrules);
	return 0;
}
