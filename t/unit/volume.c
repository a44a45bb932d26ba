/* Unit tests for lib/volume: names, -v and --mount parsing, path cleaning,
 * sizes, and volumes under a temporary root (create, load, users, remove,
 * copy-up that cannot leave the container root). */
#include "volume.h"
#include "buf.h"
#include "err.h"
#include "file.h"

#include "tap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void test_names(void)
{
	struct ct_err e;

	ok(ct_volume_name_check("ab", &e) == 0, "two characters");
	ok(ct_volume_name_check("My_vol.2-x", &e) == 0, "letters, digits, _ . -");
	ok(ct_volume_name_check("a", &e) < 0 && strstr(e.msg, "too short"), "one is too short");
	ok(ct_volume_name_check("-x", &e) < 0 && strstr(e.msg, "invalid characters"),
	   "leading dash");
	ok(ct_volume_name_check(".x", &e) < 0, "leading dot");
	ok(ct_volume_name_check("a/b", &e) < 0, "slash");
	ok(ct_volume_name_check("a b", &e) < 0, "space");
	{
		char longname[CT_VOLUME_NAME_MAX + 2];
		memset(longname, 'x', sizeof(longname) - 1);
		longname[sizeof(longname) - 1] = '\0';
		ok(ct_volume_name_check(longname, &e) < 0 && strstr(e.msg, "longer"), "too long");
	}
}

static void test_clean(void)
{
	static const char *const cases[][2] = {
		{ "/", "/" }, { "//a//b/", "/a/b" }, { "/a/./b/../c", "/a/c" },
		{ "/../a", "/a" }, { "/a/b/../..", "/" }, { "/--rm", "/--rm" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *c = ct_path_clean(cases[i][0]);
		is_str(c, cases[i][1], "clean %s", cases[i][0]);
		free(c);
	}
}

static void test_parse_v(void)
{
	struct ct_mount_spec m;
	struct ct_err e;

	ok(ct_mount_parse_v("/data", &m, &e) == 0 && m.type == CT_MOUNT_VOLUME && !m.source,
	   "-v /data: anonymous volume");
	is_str(m.target, "/data", "at /data");
	ct_mount_spec_free(&m);

	ok(ct_mount_parse_v("--rm", &m, &e) == 0 && !m.source, "-v --rm: anonymous volume");
	is_str(m.target, "/--rm", "at /--rm, as Docker");
	ct_mount_spec_free(&m);

	ok(ct_mount_parse_v("vol:/d/:ro", &m, &e) == 0 && m.type == CT_MOUNT_VOLUME &&
	   m.readonly && !m.nocopy, "vol:/d/:ro");
	is_str(m.source, "vol", "volume name");
	is_str(m.target, "/d", "clean target");
	ct_mount_spec_free(&m);

	ok(ct_mount_parse_v("vol:/d:nocopy,rw", &m, &e) == 0 && m.nocopy && !m.readonly,
	   "nocopy,rw");
	ct_mount_spec_free(&m);

	ok(ct_mount_parse_v("/host/x/:/c:ro,rslave", &m, &e) == 0 && m.type == CT_MOUNT_BIND &&
	   m.readonly && m.create_src, "/host:/c:ro,rslave is a bind made when missing");
	is_str(m.source, "/host/x", "host path cleaned");
	is_str(m.propagation, "rslave", "propagation");
	ct_mount_spec_free(&m);

	{
		char cwd[4096], *want;
		ok(getcwd(cwd, sizeof(cwd)) != NULL, "getcwd");
		want = ct_xasprintf("%s/sub", strcmp(cwd, "/") ? cwd : "");
		ok(ct_mount_parse_v("./sub:/s", &m, &e) == 0 && m.type == CT_MOUNT_BIND,
		   "./sub is a bind");
		is_str(m.source, want, "made absolute");
		free(want);
		ct_mount_spec_free(&m);
	}

	ok(ct_mount_parse_v("vol:rel", &m, &e) < 0 && strstr(e.msg, "must be absolute"),
	   "relative target: %s", e.msg);
	ok(ct_mount_parse_v("vol:/", &m, &e) < 0 && strstr(e.msg, "can't be '/'"), "target /");
	ok(ct_mount_parse_v("vol:/x:bogus", &m, &e) < 0 && strstr(e.msg, "invalid mode: bogus"),
	   "bad mode");
	ok(ct_mount_parse_v("/h:/x:nocopy", &m, &e) < 0, "nocopy is for volumes");
	ok(ct_mount_parse_v("a:b:c:d", &m, &e) < 0 &&
	   strstr(e.msg, "invalid volume specification"), "four parts");
	ok(ct_mount_parse_v(":/x", &m, &e) < 0, "empty source");
	ok(ct_mount_parse_v("", &m, &e) < 0, "empty spec");
	ok(ct_mount_parse_v("a b:/x", &m, &e) < 0 && strstr(e.msg, "invalid characters"),
	   "bad volume name");
}

static void test_parse_mount(void)
{
	struct ct_mount_spec m;
	struct ct_err e;

	ok(ct_mount_parse("type=bind,source=/a,target=/b,readonly", &m, &e) == 0 &&
	   m.type == CT_MOUNT_BIND && m.readonly && !m.create_src, "bind, readonly");
	is_str(m.source, "/a", "source");
	is_str(m.target, "/b", "target");
	ct_mount_spec_free(&m);

	ok(ct_mount_parse("src=v1,dst=/x,ro=false,volume-label=a=b,volume-nocopy", &m, &e) == 0 &&
	   m.type == CT_MOUNT_VOLUME && !m.readonly && m.nocopy && m.nlabels == 1,
	   "default type volume, labels, nocopy");
	is_str(m.labels ? m.labels[0] : NULL, "a=b", "label");
	ct_mount_spec_free(&m);

	ok(ct_mount_parse("type=volume,destination=/x", &m, &e) == 0 && !m.source,
	   "no source: anonymous");
	ct_mount_spec_free(&m);

	ok(ct_mount_parse("type=tmpfs,target=/t,tmpfs-size=64m,tmpfs-mode=1777", &m, &e) == 0 &&
	   m.type == CT_MOUNT_TMPFS && (m.tmpfs_mode & 07777) == 01777, "tmpfs");
	is_str(m.tmpfs_size, "67108864", "size in bytes");
	ct_mount_spec_free(&m);

	ok(ct_mount_parse("type=bind,source=/a,target=/b,bind-propagation=rshared,"
			  "bind-nonrecursive", &m, &e) == 0 && m.nonrecursive, "bind options");
	is_str(m.propagation, "rshared", "propagation");
	ct_mount_spec_free(&m);

	ok(ct_mount_parse("type=bind,target=/b", &m, &e) < 0 && strstr(e.msg, "Source"),
	   "bind needs a source");
	ok(ct_mount_parse("type=bind,source=rel,target=/b", &m, &e) < 0, "bind source absolute");
	ok(ct_mount_parse("type=tmpfs,source=x,target=/b", &m, &e) < 0, "tmpfs has no source");
	ok(ct_mount_parse("type=volume,source=v", &m, &e) < 0 && strstr(e.msg, "target"),
	   "target needed");
	ok(ct_mount_parse("target=/x,bogus=1", &m, &e) < 0 && strstr(e.msg, "bogus"),
	   "unknown key");
	ok(ct_mount_parse("type=bind,source=/a,target=/b,volume-nocopy", &m, &e) < 0 &&
	   strstr(e.msg, "VolumeOptions"), "volume options on a bind");
	ok(ct_mount_parse("type=volume,target=/b,tmpfs-size=1m", &m, &e) < 0 &&
	   strstr(e.msg, "TmpfsOptions"), "tmpfs options on a volume");
	ok(ct_mount_parse("target=/b,readonly=maybe", &m, &e) < 0, "bad bool");
	ok(ct_mount_parse("target=/b,volume-opt=type=nfs", &m, &e) < 0, "volume-opt refused");
}

static void test_sizes(void)
{
	char s[32];

	ct_volume_human_size(0, s, sizeof(s));
	is_str(s, "0B", "0");
	ct_volume_human_size(999, s, sizeof(s));
	is_str(s, "999B", "999");
	ct_volume_human_size(1500, s, sizeof(s));
	is_str(s, "1.5kB", "1500");
	ct_volume_human_size(12345678, s, sizeof(s));
	is_str(s, "12.35MB", "12345678");
}

static void write_str(const char *path, const char *s)
{
	struct ct_err e;
	if (ct_write_file_atomic(path, s, strlen(s), 0644, &e) < 0)
		diag("%s", e.msg);
}

static void test_store(void)
{
	char root[] = "/tmp/ct-unit-volume.XXXXXX";
	char *labels[] = { "team=web", "note=a;b #c" };
	struct ct_volume v, w;
	struct ct_err e;
	char **names, **users, *p;
	int made;

	if (!mkdtemp(root)) {
		diag("mkdtemp: %s", strerror(errno));
		ok(0, "mkdtemp");
		return;
	}
	ok(ct_volume_create(root, "data", 0, labels, 2, &v, &made, &e) == 0 && made,
	   "create data");
	p = ct_xasprintf("%s/volumes/data/_data", root);
	is_str(v.data, p, "mount point volumes/data/_data");
	ok(ct_exists(p), "it is there");
	free(p);
	ct_volume_free(&v);
	ok(ct_volume_create(root, "data", 1, NULL, 0, &v, &made, &e) == 0 && !made &&
	   !v.anonymous && v.nlabels == 2, "create again: loaded, unchanged");
	ct_volume_free(&v);
	ok(ct_volume_load(root, "data", &w, &e) == 0, "load");
	is_str(w.driver, "local", "driver");
	is_str(w.nlabels == 2 ? w.labels[1] : NULL, "note=a;b #c", "label kept whole");
	ct_volume_free(&w);
	ok(ct_volume_load(root, "nope", &w, &e) < 0 && e.errnum == ENOENT &&
	   strstr(e.msg, "no such volume: nope"), "missing: %s", e.msg);
	ok(ct_volume_create(root, NULL, 1, NULL, 0, &v, &made, &e) == 0 && made &&
	   strlen(v.name) == 64 && v.anonymous, "anonymous: 64 hex");
	{
		char *bad[] = { "[x]=1" };
		ok(ct_volume_create(root, "other", 0, bad, 1, &w, &made, &e) < 0,
		   "a label key with [ ] refused");
	}

	names = ct_volume_names(root, &e);
	ok(names && names[0] && names[1] && !names[2], "two volumes listed");
	ct_strv_free(names);

	/* a container's ct.ini says it uses data */
	p = ct_xasprintf("%s/containers/%064d", root, 7);
	ok(ct_mkdir_p(p, 0755, &e) == 0, "container dir");
	free(p);
	p = ct_xasprintf("%s/containers/%064d/ct.ini", root, 7);
	write_str(p, "[container]\nid = x\nvolume = data:/srv\nvolume = data2x:/y\n");
	free(p);
	users = ct_volume_users(root, "data", &e);
	ok(users && users[0] && !users[1], "data has one user");
	ct_strv_free(users);
	users = ct_volume_users(root, "dat", &e);
	ok(users && !users[0], "a prefix of a name is not the name");
	ct_strv_free(users);
	users = ct_volume_users(root, v.name, &e);
	ok(users && !users[0], "the anonymous one has none");
	ct_strv_free(users);

	ok(ct_volume_remove(root, v.name, &e) == 0 && !ct_exists(v.dir), "remove");
	ct_volume_free(&v);

	/* copy-up: a symlink at the target resolves inside the root */
	{
		char *rootfs = ct_xasprintf("%s/rootfs", root), *d;
		struct stat st;
		p = ct_xasprintf("%s/etc", rootfs);
		ct_mkdir_p(p, 0755, &e);
		free(p);
		p = ct_xasprintf("%s/etc/f", rootfs);
		write_str(p, "inside\n");
		free(p);
		p = ct_xasprintf("%s/escape", rootfs);
		ok(symlink("/etc", p) == 0, "symlink escape -> /etc");
		free(p);
		ok(ct_volume_create(root, "cu", 0, NULL, 0, &v, &made, &e) == 0, "create cu");
		ok(ct_volume_dir_empty(v.data, &e) == 1, "empty");
		ok(ct_volume_copy_up(rootfs, "/escape", v.data, &e) == 0, "copy-up via a symlink");
		d = ct_xasprintf("%s/f", v.data);
		ok(stat(d, &st) == 0 && st.st_size == 7, "got the root's /etc/f, not the host's");
		free(d);
		d = ct_xasprintf("%s/passwd", v.data);
		ok(!ct_exists(d), "no host /etc/passwd");
		free(d);
		ok(ct_volume_dir_empty(v.data, &e) == 0, "not empty now");
		ok(ct_volume_copy_up(rootfs, "/nothere", v.data, &e) == 0, "missing: nothing");
		ok(ct_volume_copy_up(rootfs, "/etc/f", v.data, &e) < 0 &&
		   strstr(e.msg, "cannot mount volume over existing file"), "a file: %s", e.msg);
		ct_volume_free(&v);
		free(rootfs);
	}
	ct_rm_rf(root, &e);
}

int main(void)
{
	test_names();
	test_clean();
	test_parse_v();
	test_parse_mount();
	test_sizes();
	test_store();
	return tap_done();
}
