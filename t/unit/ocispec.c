/* Unit tests for lib/ocispec (config.json parsing), the capability and
 * cgroup conversions, and lib/secprofile building (not loading) filters. */
#include "cgroup.h"
#include "err.h"
#include "ocispec.h"
#include "secprofile.h"
#include "tap.h"

#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <unistd.h>

static const char *const config =
	"{\"ociVersion\": \"1.0.2\","
	" \"root\": {\"path\": \"rootfs\", \"readonly\": true},"
	" \"hostname\": \"box\","
	" \"process\": {\"terminal\": false, \"cwd\": \"/work\","
	"   \"user\": {\"uid\": 1000, \"gid\": 100, \"umask\": 18, \"additionalGids\": [5, 6]},"
	"   \"args\": [\"sh\", \"-c\", \"true\"], \"env\": [\"A=1\", \"B=2\"],"
	"   \"capabilities\": {\"bounding\": [\"CAP_KILL\", \"CAP_CHOWN\"], \"effective\": [\"KILL\"],"
	"     \"permitted\": [\"cap_kill\"], \"inheritable\": [], \"ambient\": []},"
	"   \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 100, \"hard\": 200}],"
	"   \"noNewPrivileges\": true, \"oomScoreAdj\": 5},"
	" \"mounts\": ["
	"   {\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},"
	"   {\"destination\": \"/data\", \"type\": \"bind\", \"source\": \"vol\", \"options\": [\"rbind\", \"ro\", \"rslave\", \"nosuid\"]},"
	"   {\"destination\": \"/tmp\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", \"options\": [\"nodev\", \"size=1m\", \"mode=1777\"]}],"
	" \"linux\": {\"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"network\", \"path\": \"/run/netns/x\"},"
	"   {\"type\": \"mount\"}, {\"type\": \"user\"}],"
	"   \"uidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}],"
	"   \"gidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}],"
	"   \"maskedPaths\": [\"/proc/kcore\"], \"readonlyPaths\": [\"/proc/sys\"],"
	"   \"resources\": {\"memory\": {\"limit\": 1048576, \"swap\": 2097152},"
	"     \"cpu\": {\"shares\": 512, \"quota\": 5000, \"period\": 10000, \"cpus\": \"0-1\"},"
	"     \"pids\": {\"limit\": 64}},"
	"   \"cgroupsPath\": \"machine.slice:ct:abc\","
	"   \"rootfsPropagation\": \"rslave\","
	"   \"sysctl\": {\"net.ipv4.ip_forward\": \"1\"}}}";

static int parse(const char *text, struct oci_spec *s, struct ct_err *e)
{
	json_error_t je;
	json_t *j = json_loads(text, 0, &je);
	int r;

	memset(s, 0, sizeof *s);
	if (!j)
		return -1;
	r = oci_spec_parse(j, "/b", s, e);
	json_decref(j);
	return r;
}

static void test_full(void)
{
	struct oci_spec s;
	struct ct_err e = { 0 };
	char *cg;

	int parsed = parse(config, &s, &e) == 0;

	ok(parsed, "a full config parses (%s)", e.msg);
	if (!parsed || !s.proc.args || !s.proc.args[0] || !s.proc.args[1] ||
	    !s.proc.args[2] || !s.proc.env || !s.proc.env[0]) {
		oci_spec_free(&s);
		return;
	}
	is_str(s.rootfs, "/b/rootfs", "relative root.path is under the bundle");
	ok(s.root_ro, "root.readonly");
	is_str(s.hostname, "box", "hostname");
	is_str(s.proc.args[2], "true", "args");
	ok(s.proc.args[3] == NULL, "args NULL-terminated");
	is_str(s.proc.env[1], "B=2", "env");
	is_str(s.proc.cwd, "/work", "cwd");
	ok(s.proc.uid == 1000 && s.proc.gid == 100, "uid and gid");
	ok(s.proc.has_umask && s.proc.umask == 022, "umask");
	ok(s.proc.ngids == 2 && s.proc.gids[1] == 6, "additionalGids");
	ok(s.proc.caps[OCI_CAP_BOUNDING] == ((1ULL << 5) | 1ULL), "bounding: KILL and CHOWN");
	ok(s.proc.caps[OCI_CAP_EFFECTIVE] == (1ULL << 5), "names without CAP_ and in lower case");
	ok(s.proc.nnp && s.proc.has_oom && s.proc.oom_score_adj == 5, "nnp and oomScoreAdj");
	ok(s.proc.nrlimits == 1 && s.proc.rlimits[0].resource == RLIMIT_NOFILE &&
	   s.proc.rlimits[0].soft == 100 && s.proc.rlimits[0].hard == 200, "rlimits");
	ok(s.nmounts == 3, "three mounts");
	ok(s.mounts[1].bind && (s.mounts[1].flags & MS_REC) && (s.mounts[1].flags & MS_RDONLY) &&
	   (s.mounts[1].flags & MS_NOSUID), "rbind,ro,nosuid");
	ok(s.mounts[1].propagation == (MS_SLAVE | MS_REC), "rslave propagation");
	is_str(s.mounts[1].source, "/b/vol", "relative bind source is under the bundle");
	is_str(s.mounts[2].data, "size=1m,mode=1777", "unknown options become data");
	ok((s.mounts[2].flags & MS_NODEV) && !s.mounts[2].bind, "tmpfs flags");
	ok(oci_spec_ns(&s, CLONE_NEWPID) && !oci_spec_ns(&s, CLONE_NEWPID)->path, "new pid ns");
	is_str(oci_spec_ns(&s, CLONE_NEWNET)->path, "/run/netns/x", "joined net ns");
	ok(!oci_spec_ns(&s, CLONE_NEWUTS), "no uts ns");
	ok(s.nuidmap == 1 && s.uidmap[0].host == 1000, "uid mapping");
	is_str(s.masked[0], "/proc/kcore", "maskedPaths");
	is_str(s.readonly[0], "/proc/sys", "readonlyPaths");
	ok(s.res.mem_limit == 1048576 && s.res.mem_swap == 2097152, "memory");
	ok(s.res.cpu_shares == 512 && s.res.cpu_quota == 5000 && s.res.cpu_period == 10000, "cpu");
	is_str(s.res.cpus, "0-1", "cpuset");
	ok(s.res.pids_limit == 64, "pids");
	ok(s.rootfs_propagation == (MS_SLAVE | MS_REC), "rootfsPropagation");
	ok(json_is_object(s.sysctl), "sysctl kept");
	cg = ct_cgroup_path_for(&s, "abc");
	is_str(cg, "/machine.slice/ct-abc.scope", "systemd-style cgroupsPath");
	free(cg);
	oci_spec_free(&s);
}

static void test_errors(void)
{
	static const struct { const char *json, *err; } bad[] = {
		{ "{\"process\": {\"args\": []}}", "process.args is empty" },
		{ "{}", "process is missing" },
		{ "{\"process\": {\"args\": [\"x\"], \"capabilities\": {\"bounding\": [\"CAP_NOPE\"]}}}",
		  "unknown capability CAP_NOPE" },
		{ "{\"process\": {\"args\": [\"x\"], \"cwd\": \"rel\"}}", "not absolute" },
		{ "{\"process\": {\"args\": [\"x\"]}, \"linux\": {\"namespaces\": [{\"type\": \"bogus\"}]}}",
		  "unknown namespace type bogus" },
		{ "{\"process\": {\"args\": [\"x\"]}, \"linux\": {\"namespaces\": [{\"type\": \"user\"}]}}",
		  "needs linux.uidMappings" },
		{ "{\"process\": {\"args\": [\"x\"]}, \"mounts\": [{\"destination\": \"rel\"}]}",
		  "not an absolute path" },
		{ "{\"process\": {\"args\": [\"x\"], \"rlimits\": [{\"type\": \"RLIMIT_BOGUS\"}]}}",
		  "unknown rlimit type" },
		{ "{\"process\": {\"args\": [\"x\"]}, \"hooks\": []}", "hooks is not an object" },
		{ "{\"process\": {\"args\": [\"x\"]}, \"hooks\": {\"poststop\": {\"path\": \"/x\"}}}",
		  "hooks.poststop is not an array" },
		{ "{\"process\": {\"args\": [\"x\"]}, \"hooks\": {\"createRuntime\": [{\"path\": \"x\"}]}}",
		  "hooks.createRuntime[0].path x is not an absolute path" },
		{ "{\"process\": {\"args\": [\"x\"]}, \"hooks\": {\"prestart\": [{}]}}",
		  "hooks.prestart[0].path (missing)" },
		{ "{\"process\": {\"args\": [\"x\"]}, \"hooks\": {\"poststart\": [{\"path\": \"/x\", \"timeout\": 0}]}}",
		  "hooks.poststart[0].timeout must be" },
		{ "{\"process\": {\"args\": [\"x\"]}, \"hooks\": {\"startContainer\": [{\"path\": \"/x\", \"args\": [1]}]}}",
		  "hooks.startContainer[0].args[0] is not a string" },
		{ "{\"process\": {\"args\": [\"x\"]}, \"hooks\": {\"createContainer\": [\"/x\"]}}",
		  "hooks.createContainer[0] is not an object" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct oci_spec s;
		struct ct_err e = { 0 };

		ok(parse(bad[i].json, &s, &e) < 0 && strstr(e.msg, bad[i].err),
		   "refused: %s (%s)", bad[i].err, e.msg);
		oci_spec_free(&s);
	}
}

static void test_hooks(void)
{
	struct oci_spec s;
	struct ct_err e = { 0 };
	const struct oci_hook *h;

	ok(parse("{\"process\": {\"args\": [\"x\"]}, \"hooks\": {"
		 "\"createRuntime\": [{\"path\": \"/a\", \"args\": [\"a\", \"1\"], \"env\": [\"K=v\"], \"timeout\": 5},"
		 " {\"path\": \"/b\"}], \"poststop\": [], \"somethingElse\": 1}}", &s, &e) == 0,
	   "hooks parse %s", e.msg);
	h = s.hooks.h[OCI_HOOK_CREATE_RUNTIME];
	ok(h && s.hooks.n[OCI_HOOK_CREATE_RUNTIME] == 2, "two createRuntime hooks");
	if (!h || s.hooks.n[OCI_HOOK_CREATE_RUNTIME] != 2) {
		oci_spec_free(&s);
		return;
	}
	is_str(h[0].path, "/a", "path");
	ok(h[0].args[0] && !strcmp(h[0].args[0], "a") && h[0].args[1] &&
	   !strcmp(h[0].args[1], "1") && !h[0].args[2], "args as given, argv[0] included");
	ok(h[0].env && h[0].env[0] && !strcmp(h[0].env[0], "K=v") && !h[0].env[1], "env");
	ok(h[0].timeout == 5, "timeout");
	ok(h[1].args[0] && !strcmp(h[1].args[0], "/b") && !h[1].args[1], "no args: argv is the path");
	ok(!h[1].env && !h[1].timeout, "no env (the runtime's), no timeout");
	ok(s.hooks.n[OCI_HOOK_POSTSTOP] == 0 && s.hooks.n[OCI_HOOK_PRESTART] == 0, "empty and absent kinds");
	ok(json_is_object(s.hooks_json), "the hooks object kept for state.json");
	is_str(oci_hook_kind(OCI_HOOK_START_CONTAINER), "startContainer", "kind name");
	oci_spec_free(&s);
}

static void test_conversions(void)
{
	ok(oci_cap_from_name("CAP_SYS_ADMIN") == 21, "CAP_SYS_ADMIN is 21");
	ok(oci_cap_from_name("checkpoint_restore") == 40, "the last capability");
	ok(oci_cap_from_name("CAP_FOO") == -1, "unknown capability");
	is_str(oci_cap_name(13), "NET_RAW", "name of 13");
	ok(oci_rlimit_from_name("RLIMIT_NPROC") == RLIMIT_NPROC, "rlimit name");
	ok(ct_cgroup_shares_to_weight(2) == 1, "shares 2 -> weight 1");
	ok(ct_cgroup_shares_to_weight(1024) == 39, "shares 1024 -> weight 39");
	ok(ct_cgroup_shares_to_weight(262144) == 10000, "shares max -> weight 10000");
}

static void test_seccomp_build(void)
{
	const char *src = getenv("CT_SRC");
	char path[4096];
	struct ct_err e = { 0 };
	json_t *p;
	int n = 0, fd;

	snprintf(path, sizeof path, "%s/share/seccomp/default.json", src ? src : ".");
	p = json_load_file(path, 0, NULL);
	ok(p != NULL, "share/seccomp/default.json is JSON");
	fd = open("/dev/null", O_WRONLY);
	ok(p && ct_seccomp_export(p, fd, &n, &e) == 0 && n > 300,
	   "the default profile builds (%d rules) %s", n, e.msg);
	close(fd);
	json_decref(p);
	p = json_loads("{\"defaultAction\": \"SCMP_ACT_NOTIFY\"}", 0, NULL);
	ok(ct_seccomp_export(p, -1, &n, &e) < 0 && strstr(e.msg, "not supported"),
	   "an unsupported action is an error: %s", e.msg);
	json_decref(p);
}

int main(void)
{
	test_full();
	test_errors();
	test_hooks();
	test_conversions();
	test_seccomp_build();
	return tap_done();
}
