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

static void test_parsers(void)
{
	int64_t v;

	ok(ct_spec_parse_bytes("512m", &v) == 0 && v == 512LL << 20, "512m");
	ok(ct_spec_parse_bytes("1g", &v) == 0 && v == 1LL << 30, "1g");
	ok(ct_spec_parse_bytes("1.5G", &v) == 0 && v == 3LL << 29, "1.5G");
	ok(ct_spec_parse_bytes("65536k", &v) == 0 && v == 64LL << 20, "65536k");
	ok(ct_spec_parse_bytes("100MB", &v) == 0 && v == 100LL << 20, "100MB");
	ok(ct_spec_parse_bytes("2KiB", &v) == 0 && v == 2048, "2KiB");
	ok(ct_spec_parse_bytes("4096", &v) == 0 && v == 4096, "bare bytes");
	ok(ct_spec_parse_bytes("4096b", &v) == 0 && v == 4096, "4096b");
	ok(ct_spec_parse_bytes("", &v) < 0, "empty refused");
	ok(ct_spec_parse_bytes("lots", &v) < 0, "words refused");
	ok(ct_spec_parse_bytes("-1", &v) < 0, "negative refused");
	ok(ct_spec_parse_bytes("1x", &v) < 0, "unknown unit refused");
	ok(ct_spec_parse_bytes("99999999999g", &v) < 0, "overflow refused");

	ok(ct_spec_parse_duration("30s", &v) == 0 && v == 30000000000LL, "30s");
	ok(ct_spec_parse_duration("1m30s", &v) == 0 && v == 90000000000LL, "1m30s");
	ok(ct_spec_parse_duration("500ms", &v) == 0 && v == 500000000, "500ms");
	ok(ct_spec_parse_duration("1.5h", &v) == 0 && v == 5400000000000LL, "1.5h");
	ok(ct_spec_parse_duration("10us", &v) == 0 && v == 10000, "10us");
	ok(ct_spec_parse_duration("0", &v) == 0 && v == 0, "0");
	ok(ct_spec_parse_duration("30", &v) < 0, "no unit refused");
	ok(ct_spec_parse_duration("-1s", &v) < 0, "negative refused");
	ok(ct_spec_parse_duration("1x", &v) < 0, "unknown unit refused");
	ok(ct_spec_parse_duration("", &v) < 0, "empty refused");
}

static uint64_t capmask(const json_t *spec, const char *set)
{
	json_t *a = json_object_get(ct_json_path(spec, "process.capabilities"), set), *c;
	uint64_t m = 0;
	size_t i;

	json_array_foreach(a, i, c) {
		if (!strcmp(json_string_value(c), "CAP_CHOWN")) m |= 1;
		else if (!strcmp(json_string_value(c), "CAP_NET_ADMIN")) m |= 2;
		else if (!strcmp(json_string_value(c), "CAP_KILL")) m |= 4;
		else m |= 8;
	}
	return m;
}

static json_t *run_spec(struct ct_spec_run *r, struct ct_err *e)
{
	json_t *s = ct_spec_default();
	struct ct_spec_opts o = { 0 };
	char *args[] = { (char *)"sh" };

	o.args = args;
	o.nargs = 1;
	if (ct_spec_build(s, NULL, &o, e) < 0 || ct_spec_apply_run(s, NULL, r, e) < 0) {
		json_decref(s);
		return NULL;
	}
	return s;
}

static void test_run_flags(void)
{
	struct ct_spec_run r;
	struct ct_err e;
	json_t *s;
	char *l;

	memset(&r, 0, sizeof(r));
	ct_spec_list_add(&r.cap_drop, (char *)"all");
	ct_spec_list_add(&r.cap_add, (char *)"net_admin");
	ct_spec_list_add(&r.cap_add, (char *)"CAP_KILL");
	s = run_spec(&r, &e);
	ok(s && capmask(s, "effective") == 6 && capmask(s, "bounding") == 6,
	   "--cap-drop ALL --cap-add net_admin --cap-add CAP_KILL");
	json_decref(s);
	free(r.cap_add.v);
	free(r.cap_drop.v);

	memset(&r, 0, sizeof(r));
	ct_spec_list_add(&r.cap_drop, (char *)"Chown");
	s = run_spec(&r, &e);
	ok(s && !(capmask(s, "permitted") & 1) && (capmask(s, "permitted") & 4),
	   "--cap-drop Chown keeps the rest of the default set");
	json_decref(s);
	free(r.cap_drop.v);

	memset(&r, 0, sizeof(r));
	ct_spec_list_add(&r.cap_add, (char *)"CAP_NOPE");
	ok(!run_spec(&r, &e) && strstr(e.msg, "--cap-add: unknown capability"), "unknown cap: %s",
	   e.msg);
	free(r.cap_add.v);

	memset(&r, 0, sizeof(r));
	r.read_only = 1;
	ok(ct_spec_security_opt(&r, "no-new-privileges", &e) == 0 && r.no_new_privs,
	   "no-new-privileges");
	ok(ct_spec_security_opt(&r, "seccomp=unconfined", &e) == 0 &&
	   !strcmp(r.seccomp, "unconfined"), "seccomp=unconfined");
	ok(ct_spec_security_opt(&r, "apparmor=foo", &e) < 0 && strstr(e.msg, "apparmor=foo"),
	   "unknown security-opt refused");
	ct_spec_list_add(&r.tmpfs, (char *)"/run:size=1m,exec");
	ct_spec_list_add(&r.labels, (char *)"b=2");
	ct_spec_list_add(&r.labels, (char *)"a=1");
	ct_spec_list_add(&r.ulimits, (char *)"nofile=100:200");
	r.stop_signal = "SIGUSR1";
	r.stop_timeout = "5";
	r.health_cmd = "true";
	r.health_interval = "5s";
	s = run_spec(&r, &e);
	ok(s != NULL, "all of them apply");
	ok(json_is_true(ct_json_path(s, "root.readonly")), "root.readonly");
	ok(json_is_true(ct_json_path(s, "process.noNewPrivileges")), "noNewPrivileges");
	l = json_dumps(json_array_get(json_object_get(s, "mounts"),
				      json_array_size(json_object_get(s, "mounts")) - 1), JSON_COMPACT);
	is_str(l, "{\"destination\":\"/run\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
	       "\"options\":[\"nodev\",\"nosuid\",\"size=1m\",\"exec\"]}", "tmpfs mount");
	free(l);
	is_str(ct_json_str(json_object_get(s, "annotations"), "org.ct.health.test"),
	       "[\"CMD-SHELL\",\"true\"]", "health test");
	is_str(ct_json_str(json_object_get(s, "annotations"), "org.ct.health.interval"),
	       "5000000000", "health interval");
	is_str(ct_json_str(json_object_get(s, "annotations"), "org.ct.stop_timeout"), "5",
	       "stop timeout");
	l = ct_spec_labels_line(s, NULL, &r);
	is_str(l, "a=1,b=2", "labels line, sorted");
	free(l);
	l = ct_spec_command_line(s);
	is_str(l, "sh", "command line");
	free(l);
	json_decref(s);
	free(r.tmpfs.v);
	free(r.labels.v);
	free(r.ulimits.v);
}

static void test_image_health(void)
{
	json_t *img = json_pack("{s:{s:[s], s:{s:[s,s], s:I, s:I}}}", "config", "Cmd", "sh",
				"Healthcheck", "Test", "CMD", "true", "Interval", (json_int_t)2000000000,
				"Retries", (json_int_t)7);
	json_t *s = ct_spec_default();
	struct ct_spec_opts o = { 0 };
	struct ct_spec_run r;
	struct ct_err e;

	memset(&r, 0, sizeof(r));
	r.health_timeout = "3s";
	ok(ct_spec_build(s, img, &o, &e) == 0 && ct_spec_apply_run(s, img, &r, &e) == 0,
	   "image with a Healthcheck");
	is_str(ct_json_str(json_object_get(s, "annotations"), "org.ct.health.test"),
	       "[\"CMD\",\"true\"]", "the image's test");
	is_str(ct_json_str(json_object_get(s, "annotations"), "org.ct.health.interval"),
	       "2000000000", "the image's interval");
	is_str(ct_json_str(json_object_get(s, "annotations"), "org.ct.health.timeout"),
	       "3000000000", "the flag's timeout");
	is_str(ct_json_str(json_object_get(s, "annotations"), "org.ct.health.retries"), "7",
	       "the image's retries");
	json_decref(s);
	s = ct_spec_default();
	r.health_timeout = NULL;
	r.no_healthcheck = 1;
	ok(ct_spec_build(s, img, &o, &e) == 0 && ct_spec_apply_run(s, img, &r, &e) == 0,
	   "--no-healthcheck");
	is_str(ct_json_str(json_object_get(s, "annotations"), "org.ct.health.test"), "[\"NONE\"]",
	       "--no-healthcheck wins over the image");
	json_decref(s);
	json_decref(img);
}

int main(void)
{
	test_parsers();
	test_run_flags();
	test_image_health();
	test_seccomp();
	test_defaults();
	test_merge();
	test_user();
	return tap_done();
}
