/* Unit tests for lib/spec: the default runtime spec and the merge of image
 * config and options (docker run's rules), and user resolution. */
#include "err.h"
#include "file.h"
#include "json.h"
#include "spec.h"
#include "tap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static char *args_of(const json_t *spec)
{
	return json_dumps(ct_json_path(spec, "process.args"), JSON_COMPACT);
}

static int has_str(const json_t *arr, const char *s)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v) {
		if (json_is_string(v) && !strcmp(json_string_value(v), s))
			return 1;
	}
	return 0;
}

static json_t *image(const char *config_json)
{
	json_error_t je;
	json_t *cfg = json_loads(config_json, 0, &je);
	json_t *doc = json_pack("{s:o}", "config", cfg);
	return doc;
}

/* build spec from an image config and opts; returns the args as JSON text */
static char *build(const char *cfg, struct ct_spec_opts *o, json_t **out, struct ct_err *e)
{
	json_t *spec = ct_spec_default(), *img = cfg ? image(cfg) : NULL;
	char *a = NULL;

	if (ct_spec_build(spec, img, o, e) == 0)
		a = args_of(spec);
	json_decref(img);
	if (out)
		*out = spec;
	else
		json_decref(spec);
	return a;
}

static void test_defaults(void)
{
	json_t *s = ct_spec_default();
	json_t *ns = ct_json_path(s, "linux.namespaces"), *v, *rl;
	struct rlimit hostrl;
	size_t i;
	int pid = 0, net = 0, mnt = 0, proc = 0, mq = 0, pts = 0, shm = 0, sys = 0;

	is_str(ct_json_str(s, "ociVersion"), "1.0.2", "ociVersion");
	is_str(ct_json_str(json_object_get(s, "root"), "path"), "rootfs", "root.path is rootfs");
	json_array_foreach(ns, i, v) {
		const char *t = ct_json_str(v, "type");
		pid |= !strcmp(t, "pid");
		net |= !strcmp(t, "network");
		mnt |= !strcmp(t, "mount");
	}
	ok(pid && net && mnt, "pid, network and mount namespaces");
	json_array_foreach(json_object_get(s, "mounts"), i, v) {
		const char *d = ct_json_str(v, "destination");
		proc |= !strcmp(d, "/proc");
		pts |= !strcmp(d, "/dev/pts");
		shm |= !strcmp(d, "/dev/shm");
		mq |= !strcmp(d, "/dev/mqueue");
		sys |= !strcmp(d, "/sys");
	}
	ok(proc && pts && shm && mq && sys, "/proc /dev/pts /dev/shm /dev/mqueue /sys mounted");
	ok(has_str(ct_json_path(s, "linux.maskedPaths"), "/proc/kcore") &&
	   has_str(ct_json_path(s, "linux.maskedPaths"), "/sys/firmware"), "masked paths");
	ok(has_str(ct_json_path(s, "linux.readonlyPaths"), "/proc/sys") &&
	   has_str(ct_json_path(s, "linux.readonlyPaths"), "/proc/sysrq-trigger"),
	   "read-only paths");
	is_int((long long)json_array_size(ct_json_path(s, "process.capabilities.bounding")), 14,
	       "Docker's 14 default capabilities");
	ok(has_str(ct_json_path(s, "process.capabilities.effective"), "CAP_NET_RAW") &&
	   !has_str(ct_json_path(s, "process.capabilities.effective"), "CAP_SYS_ADMIN"),
	   "NET_RAW in, SYS_ADMIN out");
	rl = json_array_get(ct_json_path(s, "process.rlimits"), 0);
	is_str(ct_json_str(rl, "type"), "RLIMIT_NOFILE", "an RLIMIT_NOFILE");
	if (getrlimit(RLIMIT_NOFILE, &hostrl) == 0)
		ok((rlim_t)ct_json_int(rl, "hard", -1) <= hostrl.rlim_max &&
		   ct_json_int(rl, "soft", -1) <= ct_json_int(rl, "hard", -1),
		   "RLIMIT_NOFILE within this machine's hard limit (%lld)",
		   (long long)hostrl.rlim_max);
	ok(ct_spec_env_get(ct_json_path(s, "process.env"), "PATH") != NULL, "PATH set");
	json_decref(s);
}

static void test_merge(void)
{
	struct ct_spec_opts o = { 0 };
	struct ct_err e;
	json_t *s;
	char *a;
	char *cmd[] = { "echo", "hi" };
	char *env[] = { "FOO=opt", "NEW=1" };
	const char *ep = "{\"Entrypoint\":[\"/ep\",\"-x\"],\"Cmd\":[\"c1\",\"c2\"]}";

	a = build(ep, &o, NULL, &e);
	is_str(a, "[\"/ep\",\"-x\",\"c1\",\"c2\"]", "Entrypoint + Cmd");
	free(a);
	o.args = cmd;
	o.nargs = 2;
	a = build(ep, &o, NULL, &e);
	is_str(a, "[\"/ep\",\"-x\",\"echo\",\"hi\"]", "a command replaces Cmd, keeps Entrypoint");
	free(a);
	o.nargs = 0;
	o.entrypoint = "/other";
	a = build(ep, &o, NULL, &e);
	is_str(a, "[\"/other\"]", "--entrypoint drops the image Cmd");
	free(a);
	o.nargs = 2;
	a = build(ep, &o, NULL, &e);
	is_str(a, "[\"/other\",\"echo\",\"hi\"]", "--entrypoint with a command");
	free(a);
	o.entrypoint = "";
	a = build(ep, &o, NULL, &e);
	is_str(a, "[\"echo\",\"hi\"]", "--entrypoint '' and a command");
	free(a);
	o.nargs = 0;
	a = build(ep, &o, NULL, &e);
	ok(a == NULL && strstr(e.msg, "no command to run"), "nothing to run is an error: %s", e.msg);
	free(a);
	o.entrypoint = NULL;
	a = build(NULL, &o, NULL, &e);
	ok(a == NULL && strstr(e.msg, "no command"), "no image and no command is an error");
	free(a);

	memset(&o, 0, sizeof(o));
	o.env = env;
	o.nenv = 2;
	setenv("CT_UNIT_HOSTVAR", "from-host", 1);
	a = build("{\"Env\":[\"PATH=/img\",\"FOO=img\",\"KEEP=k\"],\"Cmd\":[\"x\"],"
		  "\"WorkingDir\":\"/w\",\"Labels\":{\"a.b\":\"c\"},"
		  "\"ExposedPorts\":{\"80/tcp\":{},\"53/udp\":{}},\"Volumes\":{\"/v\":{}},"
		  "\"StopSignal\":\"SIGQUIT\"}", &o, &s, &e);
	ok(a != NULL, "image with Env, WorkingDir, Labels, ports, volumes, StopSignal");
	free(a);
	{
		json_t *en = ct_json_path(s, "process.env");
		json_t *an = json_object_get(s, "annotations");
		is_str(ct_spec_env_get(en, "PATH"), "/img", "image PATH replaces the default");
		is_str(ct_spec_env_get(en, "FOO"), "opt", "--env replaces an image variable");
		is_str(ct_spec_env_get(en, "KEEP"), "k", "other image variables stay");
		is_str(ct_spec_env_get(en, "NEW"), "1", "--env adds");
		is_str(ct_json_str(json_object_get(s, "process"), "cwd"), "/w", "WorkingDir");
		is_str(ct_json_str(an, "a.b"), "c", "label as annotation");
		is_str(ct_json_str(an, CT_ANNOT_EXPOSED), "53/udp,80/tcp", "exposed ports, sorted");
		is_str(ct_json_str(an, CT_ANNOT_VOLUMES), "/v", "volumes");
		is_str(ct_json_str(an, CT_ANNOT_STOPSIGNAL), "SIGQUIT", "stop signal");
	}
	json_decref(s);

	{
		char *env2[] = { "CT_UNIT_HOSTVAR" };
		memset(&o, 0, sizeof(o));
		o.env = env2;
		o.nenv = 1;
		o.workdir = "/from-opt";
		o.hostname = "h1";
		a = build("{\"Cmd\":[\"x\"],\"WorkingDir\":\"/w\"}", &o, &s, &e);
		free(a);
		is_str(ct_spec_env_get(ct_json_path(s, "process.env"), "CT_UNIT_HOSTVAR"),
		       "from-host", "a bare --env KEY takes the host's value");
		is_str(ct_json_str(json_object_get(s, "process"), "cwd"), "/from-opt",
		       "--workdir wins");
		is_str(ct_json_str(s, "hostname"), "h1", "--hostname");
		is_str(ct_spec_env_get(ct_json_path(s, "process.env"), "HOSTNAME"), "h1",
		       "HOSTNAME in the env");
		json_decref(s);
		o.workdir = "relative";
		a = build("{\"Cmd\":[\"x\"]}", &o, NULL, &e);
		ok(!a && strstr(e.msg, "not an absolute path"), "relative workdir refused");
		free(a);
	}
	{
		memset(&o, 0, sizeof(o));
		a = build("{\"Cmd\":\"not-an-array\"}", &o, NULL, &e);
		ok(!a && strstr(e.msg, "Cmd"), "a malformed Cmd is refused: %s", e.msg);
		free(a);
		a = build("{\"Env\":null,\"Cmd\":[\"x\"]}", &o, &s, &e);
		ok(a && ct_spec_env_get(ct_json_path(s, "process.env"), "PATH"),
		   "null Env is fine, PATH defaulted");
		free(a);
		json_decref(s);
	}
}

static int write_at(const char *dir, const char *rel, const char *text)
{
	char path[512];
	struct ct_err e;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	return ct_write_file_atomic(path, text, strlen(text), 0644, &e);
}

static void user_case(const char *root, const char *user, long long uid, long long gid,
		      const char *home, size_t nextra)
{
	json_t *s = ct_spec_default();
	struct ct_err e;
	int r = ct_spec_set_user(s, root, user, &e);
	json_t *u = ct_json_path(s, "process.user");

	ok(r == 0 && ct_json_int(u, "uid", -1) == uid && ct_json_int(u, "gid", -1) == gid,
	   "user \"%s\" -> %lld:%lld (got %lld:%lld%s%s)", user, uid, gid,
	   (long long)ct_json_int(u, "uid", -1), (long long)ct_json_int(u, "gid", -1),
	   r ? ": " : "", r ? e.msg : "");
	if (home)
		is_str(ct_spec_env_get(ct_json_path(s, "process.env"), "HOME"), home,
		       "HOME for \"%s\"", user);
	is_int((long long)json_array_size(json_object_get(u, "additionalGids")),
	       (long long)nextra, "supplementary groups of \"%s\"", user);
	json_decref(s);
}

static void test_user(void)
{
	char dir[] = "/tmp/ct-unit-spec.XXXXXX";
	char out[600], esc[600];
	struct ct_err e;
	json_t *s;

	if (!mkdtemp(dir)) {
		diag("mkdtemp: %s", strerror(errno));
		return;
	}
	snprintf(out, sizeof(out), "%s/etc", dir);
	ct_mkdir_p(out, 0755, &e);
	write_at(dir, "etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"
		 "app:x:1000:1001:App:/home/app:/bin/sh\n"
		 "broken line\n"
		 "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n");
	write_at(dir, "etc/group", "root:x:0:\napp:x:1001:\nwheel:x:10:root,app\n"
		 "audio:x:29:app\nstaff:x:50:\n");
	user_case(dir, "", 0, 0, "/root", 1);
	user_case(dir, "app", 1000, 1001, "/home/app", 2);
	user_case(dir, "1000", 1000, 1001, "/home/app", 2);
	user_case(dir, "app:staff", 1000, 50, NULL, 2);
	user_case(dir, "app:7", 1000, 7, NULL, 2);
	user_case(dir, "4242", 4242, 0, "/", 0);
	user_case(dir, "4242:4343", 4242, 4343, NULL, 0);

	s = ct_spec_default();
	ok(ct_spec_set_user(s, dir, "ghost", &e) < 0 && strstr(e.msg, "unable to find user ghost"),
	   "unknown user: %s", e.msg);
	ok(ct_spec_set_user(s, dir, "app:ghosts", &e) < 0 && strstr(e.msg, "group ghosts"),
	   "unknown group: %s", e.msg);
	json_decref(s);

	/* /etc/passwd as a symlink to an absolute path resolves inside rootfs */
	snprintf(esc, sizeof(esc), "%s/etc/passwd", dir);
	unlink(esc);
	snprintf(out, sizeof(out), "%s/etc/real", dir);
	ct_mkdir_p(out, 0755, &e);
	write_at(dir, "etc/real/passwd", "inside:x:77:77::/in:/bin/sh\n");
	ok(symlink("/etc/real/passwd", esc) == 0, "symlink etc/passwd -> /etc/real/passwd");
	user_case(dir, "inside", 77, 77, "/in", 0);
	s = ct_spec_default();
	ok(ct_spec_set_user(s, dir, "root", &e) < 0,
	   "the host's /etc/passwd is not read through the symlink");
	json_decref(s);

	ct_rm_rf(dir, &e);
}

static void test_seccomp(void)
{
	char dir[] = "/tmp/ct-unit-seccomp.XXXXXX";
	char path[512], found[512];
	struct ct_err e;
	json_t *s = ct_spec_default();

	if (!mkdtemp(dir)) {
		diag("mkdtemp: %s", strerror(errno));
		json_decref(s);
		return;
	}
	write_at(dir, "p.json", "{\"comment\":\"x\",\"defaultAction\":\"SCMP_ACT_ERRNO\","
		 "\"syscalls\":[]}");
	write_at(dir, "bad.json", "{\"syscalls\":[]}");
	snprintf(path, sizeof(path), "%s/p.json", dir);
	ok(ct_spec_set_seccomp(s, path, &e) == 0, "load a profile");
	is_str(ct_json_str(ct_json_path(s, "linux.seccomp"), "defaultAction"), "SCMP_ACT_ERRNO",
	       "linux.seccomp set");
	ok(!json_object_get(ct_json_path(s, "linux.seccomp"), "comment"), "comment dropped");
	ok(ct_spec_set_seccomp(s, NULL, &e) == 0 && !ct_json_path(s, "linux.seccomp"),
	   "NULL: unconfined");
	snprintf(path, sizeof(path), "%s/bad.json", dir);
	ok(ct_spec_set_seccomp(s, path, &e) < 0 && strstr(e.msg, "defaultAction"),
	   "no defaultAction refused");
	snprintf(path, sizeof(path), "%s/missing.json", dir);
	ok(ct_spec_set_seccomp(s, path, &e) < 0 && strstr(e.msg, "missing.json"),
	   "a missing file names it");
	setenv("CT_SECCOMP_PROFILE", "/some/where.json", 1);
	is_str(ct_spec_find_seccomp(found, sizeof(found)), "/some/where.json",
	       "$CT_SECCOMP_PROFILE wins");
	unsetenv("CT_SECCOMP_PROFILE");
	json_decref(s);
	ct_rm_rf(dir, &e);
}

int main(void)
{
	test_seccomp();
	test_defaults();
	test_merge();
	test_user();
	return tap_done();
}
