#include "secprofile.h"
#include "err.h"
#include "json.h"

#include <errno.h>
#include <seccomp.h>
#include <stdint.h>
#include <string.h>

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
	uint32_t act;
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
	uint32_t def;
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

int ct_seccomp_load(const json_t *profile, int *nrules, struct ct_err *e)
{
	scmp_filter_ctx ctx = build(profile, nrules, e);
	int r;

	if (!ctx)
		return -1;
	r = seccomp_load(ctx);
	seccomp_release(ctx);
	if (r < 0)
		return ct_err(e, -r, "seccomp_load (%d rules)", *nrules);
	return 0;
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
