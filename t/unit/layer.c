/* Unit tests for lib/layer: tars built here with libarchive's writer are
 * extracted into temporary directories; good entries must come out exact,
 * hostile ones must be refused with the entry named, and nothing outside
 * the layer directory may appear.
 *
 * Also a helper for the shell tests: `layer --tree DIR` prints one line
 * per file under DIR (sorted): path, type, mode, owner, size, link count,
 * mtime, device numbers, symlink target, SHA-256 of the content and every
 * xattr (hex), so two trees can be compared with diff. */
#include "buf.h"
#include "digest.h"
#include "err.h"
#include "file.h"
#include "layer.h"
#include "tap.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

/* --- the tree lister ---------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void print_xattrs(const char *path)
{
	char list[8192], val[65536];
	char *names[256];
	ssize_t n, vn, i;
	size_t k = 0, j;
	char *p;

	n = llistxattr(path, list, sizeof list);
	if (n <= 0)
		return;
	for (p = list; p < list + n && k < 256; p += strlen(p) + 1)
		names[k++] = p;
	qsort(names, k, sizeof *names, cmp_str);
	for (j = 0; j < k; j++) {
		vn = lgetxattr(path, names[j], val, sizeof val);
		printf(" x:%s=", names[j]);
		for (i = 0; i < vn; i++)
			printf("%02x", (unsigned char)val[i]);
	}
}

static void tree(const char *root, const char *rel)
{
	char path[PATH_MAX * 2], **names = NULL;
	size_t n = 0, cap = 0, i;
	struct dirent *d;
	struct stat st;
	DIR *dir;

	snprintf(path, sizeof path, "%s%s%s", root, *rel ? "/" : "", rel);
	if (lstat(path, &st) < 0) {
		printf("%s: %s\n", path, strerror(errno));
		return;
	}
	printf("%s %c %04o %u:%u", *rel ? rel : ".",
	       S_ISDIR(st.st_mode) ? 'd' : S_ISREG(st.st_mode) ? 'f' :
	       S_ISLNK(st.st_mode) ? 'l' : S_ISCHR(st.st_mode) ? 'c' :
	       S_ISBLK(st.st_mode) ? 'b' : S_ISFIFO(st.st_mode) ? 'p' : '?',
	       (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid, (unsigned)st.st_gid);
	if (!S_ISDIR(st.st_mode))
		printf(" n%lu", (unsigned long)st.st_nlink);
	if (!S_ISDIR(st.st_mode) || getenv("TREE_DIR_MTIME"))
		printf(" t%lld", (long long)st.st_mtime);
	if (S_ISREG(st.st_mode)) {
		struct ct_digest dg;
		struct ct_err e;

		printf(" s%lld", (long long)st.st_size);
		if (ct_digest_file(path, &dg, &e) == 0)
			printf(" %s", ct_digest_encoded(&dg) + 48);
		else
			printf(" ?%s", e.msg);
	}
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
		printf(" r%u,%u", major(st.st_rdev), minor(st.st_rdev));
	if (S_ISLNK(st.st_mode)) {
		char t[PATH_MAX];
		ssize_t tn = readlink(path, t, sizeof t - 1);

		t[tn < 0 ? 0 : tn] = '\0';
		printf(" -> %s", t);
	}
	print_xattrs(path);
	putchar('\n');
	if (!S_ISDIR(st.st_mode))
		return;
	dir = opendir(path);
	if (!dir)
		return;
	while ((d = readdir(dir))) {
		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			names = ct_xrealloc(names, cap * sizeof *names);
		}
		names[n++] = ct_xasprintf("%s%s%s", rel, *rel ? "/" : "", d->d_name);
	}
	closedir(dir);
	if (n)
		qsort(names, n, sizeof *names, cmp_str);
	for (i = 0; i < n; i++) {
		tree(root, names[i]);
		free(names[i]);
	}
	free(names);
}

/* --- building test tars ----------------------------------------------------------- */

struct tb {
	struct archive *a;
};

static void tb_open(struct tb *t, const char *path)
{
	t->a = archive_write_new();
	archive_write_set_format_pax_restricted(t->a);
	archive_write_open_filename(t->a, path);
}

static struct archive_entry *mk(const char *name, mode_t type, mode_t perm)
{
	struct archive_entry *e = archive_entry_new();

	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, type);
	archive_entry_set_perm(e, perm);
	archive_entry_set_mtime(e, 1000000000, 0);
	return e;
}

static void put(struct tb *t, struct archive_entry *e, const char *data)
{
	if (data)
		archive_entry_set_size(e, (la_int64_t)strlen(data));
	archive_write_header(t->a, e);
	if (data)
		archive_write_data(t->a, data, strlen(data));
	archive_entry_free(e);
}

static void add_file(struct tb *t, const char *name, const char *data)
{
	put(t, mk(name, AE_IFREG, 0644), data);
}

static void add_dir(struct tb *t, const char *name)
{
	put(t, mk(name, AE_IFDIR, 0755), NULL);
}

static void add_symlink(struct tb *t, const char *name, const char *target)
{
	struct archive_entry *e = mk(name, AE_IFLNK, 0777);

	archive_entry_set_symlink(e, target);
	put(t, e, NULL);
}

static void add_hardlink(struct tb *t, const char *name, const char *target)
{
	struct archive_entry *e = mk(name, AE_IFREG, 0644);

	archive_entry_set_hardlink(e, target);
	put(t, e, NULL);
}

static void tb_close(struct tb *t)
{
	archive_write_close(t->a);
	archive_write_free(t->a);
}

static char tmpdir[PATH_MAX];

/* Extract tar file path into a fresh directory DIR; returns the result. */
static int extract(const char *tar, const char *dir, int flatten, struct ct_err *e)
{
	struct ct_layer_opts o = { 0 };
	struct ct_digest d;
	int fd, dfd, r;

	o.flatten = flatten;
	mkdir(dir, 0755);
	fd = open(tar, O_RDONLY);
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0 || dfd < 0)
		return ct_err(e, errno, "open %s or %s", tar, dir);
	r = ct_layer_extract(fd, CT_LAYER_TAR, tar, dfd, &o, &d, NULL, e);
	close(fd);
	close(dfd);
	if (r == 0) {
		struct ct_digest want;
		struct ct_err e2;

		if (ct_digest_file(tar, &want, &e2) < 0 || !ct_digest_equal(&want, &d))
			return ct_err(e, 0, "diff-id %s is not the tar's sha256", d.str);
	}
	return r;
}

/* TMPDIR/rel, in one of four rotating buffers */
static char *p(const char *rel)
{
	static char buf[4][PATH_MAX];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], PATH_MAX, "%s/%s", tmpdir, rel);
	return buf[i];
}

static int exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static void test_good(void)
{
	struct tb t;
	struct ct_err e;
	struct stat st, st2;
	char buf[64] = "";
	ssize_t n;

	tb_open(&t, p("good.tar"));
	add_dir(&t, "./");
	add_dir(&t, "d");
	add_file(&t, "d/f", "hello\n");
	add_hardlink(&t, "d/h", "d/f");
	add_symlink(&t, "d/s", "/etc/passwd");
	add_file(&t, "deep/er/x", "implicit parents\n");
	add_file(&t, "d/.wh.gone", NULL);
	add_file(&t, ".wh..wh..opq", NULL);
	add_file(&t, "d/f2", "first\n");
	add_file(&t, "d/f2", "second\n");
	put(&t, mk("ro", AE_IFDIR, 0555), NULL);
	add_file(&t, "ro/in", "in a read-only dir\n");
	tb_close(&t);
	ok(extract(p("good.tar"), p("good"), 0, &e) == 0,
	   "a well-formed layer extracts (%s)", e.msg);
	ok(stat(p("good/d/f"), &st) == 0 && stat(p("good/d/h"), &st2) == 0 &&
	   st.st_ino == st2.st_ino && st.st_nlink == 2, "hardlink within the layer");
	n = readlink(p("good/d/s"), buf, sizeof buf - 1);
	ok(n == 11 && memcmp(buf, "/etc/passwd", 11) == 0, "absolute symlink kept as data");
	ok(exists(p("good/deep/er/x")), "missing parents are made");
	ok(lstat(p("good/d/gone"), &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == 0,
	   "whiteout becomes a 0:0 char device");
	n = getxattr(p("good"), "trusted.overlay.opaque", buf, sizeof buf);
	ok(n == 1 && buf[0] == 'y', "opaque marker on the root becomes trusted.overlay.opaque");
	ok(stat(p("good/d/f2"), &st) == 0 && st.st_size == 7, "a later entry replaces");
	ok(stat(p("good/ro"), &st) == 0 && (st.st_mode & 07777) == 0555 &&
	   exists(p("good/ro/in")) && st.st_mtime == 1000000000,
	   "dir mode and mtime set after its content");
	ok(stat(p("good/d/f"), &st) == 0 && st.st_mtime == 1000000000, "file mtime");
}

static void test_flatten(void)
{
	struct tb t;
	struct ct_err e;

	tb_open(&t, p("l1.tar"));
	add_file(&t, "a/keep", "k");
	add_file(&t, "a/gone", "g");
	add_file(&t, "o/old", "o");
	add_dir(&t, "dd");
	add_file(&t, "dd/x", "x");
	tb_close(&t);
	tb_open(&t, p("l2.tar"));
	add_file(&t, "a/.wh.gone", NULL);
	add_file(&t, "o/new", "n");
	add_file(&t, "o/.wh..wh..opq", NULL);
	add_file(&t, ".wh.dd", NULL);
	add_file(&t, "a/.wh.never", NULL);
	tb_close(&t);
	ok(extract(p("l1.tar"), p("flat"), 1, &e) == 0 &&
	   extract(p("l2.tar"), p("flat"), 1, &e) == 0,
	   "flatten two layers (%s)", e.msg);
	ok(exists(p("flat/a/keep")) && !exists(p("flat/a/gone")) &&
	   !exists(p("flat/a/.wh.gone")), "whiteout applied, not materialised");
	ok(exists(p("flat/o/new")) && !exists(p("flat/o/old")),
	   "opaque dir keeps what its own layer made, even listed before the marker");
	ok(!exists(p("flat/dd")), "whiteout of a whole directory");
}

struct hostile {
	const char *what;
	const char *want;   /* in the message */
};

static void check_refused(const char *tar, const char *what, const char *want)
{
	struct ct_err e;
	char dir[PATH_MAX];

	snprintf(dir, sizeof dir, "%s.d", tar);
	e.msg[0] = '\0';
	ok(extract(tar, dir, 0, &e) < 0 && strstr(e.msg, want) != NULL,
	   "refused: %s (%s)", what, e.msg);
	ok(!exists(p("outside/pwned")) && !exists(p("pwned")),
	   "nothing outside after: %s", what);
}

static void test_hostile(void)
{
	struct tb t;
	char name[PATH_MAX + 64];

	mkdir(p("outside"), 0755);

	tb_open(&t, p("h1.tar"));
	add_file(&t, p("outside/pwned"), "x");
	tb_close(&t);
	check_refused(p("h1.tar"), "absolute name", "absolute name");

	tb_open(&t, p("h2.tar"));
	add_file(&t, "a/../../pwned", "x");
	tb_close(&t);
	check_refused(p("h2.tar"), "../ climb", "\"..\"");

	tb_open(&t, p("h3.tar"));
	add_symlink(&t, "esc", p("outside"));
	add_file(&t, "esc/pwned", "x");
	tb_close(&t);
	check_refused(p("h3.tar"), "write through a symlink", "symlink");

	tb_open(&t, p("h4.tar"));
	add_symlink(&t, "rel", "../outside");
	add_dir(&t, "rel/");
	tb_close(&t);
	{
		struct ct_err e;
		struct stat st;

		ok(extract(p("h4.tar"), p("h4.d"), 0, &e) == 0 &&
		   lstat(p("h4.d/rel"), &st) == 0 && S_ISDIR(st.st_mode) &&
		   lstat(p("outside"), &st) == 0,
		   "a dir entry over a symlink replaces the symlink, never follows it");
	}

	tb_open(&t, p("h5.tar"));
	add_file(&t, "f", "x");
	add_hardlink(&t, "h", p("outside/victim"));
	tb_close(&t);
	check_refused(p("h5.tar"), "hardlink to an absolute host path", "absolute hardlink target");

	tb_open(&t, p("h6.tar"));
	add_hardlink(&t, "h", "../outside/victim");
	tb_close(&t);
	check_refused(p("h6.tar"), "hardlink climbing out", "\"..\"");

	tb_open(&t, p("h7.tar"));
	add_symlink(&t, "s", p("outside/victim"));
	add_hardlink(&t, "h", "s/x");
	tb_close(&t);
	check_refused(p("h7.tar"), "hardlink through a symlink", "symlink");

	tb_open(&t, p("h8.tar"));
	add_symlink(&t, "a", "b");
	add_symlink(&t, "b", "a");
	add_file(&t, "a/pwned", "x");
	tb_close(&t);
	check_refused(p("h8.tar"), "symlink loop", "symlink");

	memset(name, 'a', sizeof name);
	name[PATH_MAX + 10] = '\0';
	for (size_t i = 100; i < PATH_MAX; i += 100)
		name[i] = '/';
	tb_open(&t, p("h9.tar"));
	add_file(&t, name, "x");
	tb_close(&t);
	check_refused(p("h9.tar"), "name over PATH_MAX", "PATH_MAX");

	tb_open(&t, p("h10.tar"));
	{
		struct archive_entry *e = mk("f", AE_IFREG, 0644);

		archive_entry_xattr_add_entry(e, "trusted.overlay.redirect", "/etc", 4);
		put(&t, e, "x");
	}
	tb_close(&t);
	check_refused(p("h10.tar"), "overlay xattr smuggled in", "overlay xattr");

	tb_open(&t, p("h11.tar"));
	add_file(&t, "f", "x");
	add_hardlink(&t, "h", "missing");
	tb_close(&t);
	check_refused(p("h11.tar"), "hardlink to a missing target", "not in the layer");

	{
		int fd = open(p("h12.tar"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
		char junk[2048];

		memset(junk, 'Z', sizeof junk);
		ok(fd >= 0 && write(fd, junk, sizeof junk) == (ssize_t)sizeof junk, "junk written");
		close(fd);
	}
	check_refused(p("h12.tar"), "garbage instead of a tar", "not a valid layer tar");
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--tree") == 0) {
		tree(argv[2], "");
		return 0;
	}
	if (geteuid() != 0) {
		printf("1..0 # SKIP needs root (whiteouts, trusted xattrs, owners)\n");
		return 0;
	}
	snprintf(tmpdir, sizeof tmpdir, "%s/ct-unit-layer.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmpdir)) {
		printf("1..0 # SKIP mkdtemp: %s\n", strerror(errno));
		return 0;
	}
	test_good();
	test_flatten();
	test_hostile();
	{
		struct ct_err e;

		ct_rm_rf(tmpdir, &e);
	}
	return tap_done();
}
