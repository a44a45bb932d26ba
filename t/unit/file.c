/* file: atomic replace, whole reads, mkdir -p, rm -rf. */
#include "buf.h"
#include "err.h"
#include "file.h"
#include "tap.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

int main(void)
{
	char dir[] = "/tmp/ct-unit-file.XXXXXX";
	char path[512], sub[512], tmp[600];
	struct ct_buf b = CT_BUF_INIT;
	struct ct_err e;
	struct stat st;
	int fd;

	if (!mkdtemp(dir)) {
		printf("1..0 # SKIP mkdtemp: %s\n", strerror(errno));
		return 0;
	}
	snprintf(path, sizeof path, "%s/state.ini", dir);

	ok(ct_write_file_atomic(path, "a=1\n", 4, 0640, &e) == 0, "atomic write creates");
	ok(stat(path, &st) == 0 && (st.st_mode & 07777) == 0640, "mode as asked, umask ignored");
	ok(ct_write_file_atomic(path, "a=2\n", 4, 0600, &e) == 0, "atomic write replaces");
	ok(ct_read_file(path, &b, 1024, &e) == 0, "read back");
	is_str(ct_buf_str(&b), "a=2\n", "new content");
	is_int(count_entries(dir), 1, "no temporary file left behind");

	ok(ct_write_file_volatile(path, "a=3\n", 4, 0644, &e) == 0, "volatile write replaces");
	ct_buf_reset(&b);
	ok(ct_read_file(path, &b, 1024, &e) == 0, "read back");
	is_str(ct_buf_str(&b), "a=3\n", "its content");
	ok(stat(path, &st) == 0 && (st.st_mode & 07777) == 0644, "volatile write: mode as asked");
	is_int(count_entries(dir), 1, "no temporary file left by the volatile write");
	{
		char small[4];

		is_int((int)ct_read_small(path, small, sizeof small), 3, "read_small stops at size - 1");
		is_str(small, "a=3", "read_small NUL-terminates");
		ok(ct_read_small("/nonexistent/x", small, sizeof small) < 0 && errno == ENOENT,
		   "read_small of a missing file: -1, ENOENT");
	}

	ct_buf_reset(&b);
	ok(ct_read_file(path, &b, 2, &e) < 0 && strstr(e.msg, "larger than 2"), "size limit: %s", e.msg);
	ok(ct_read_file("/nonexistent/x", &b, 10, &e) < 0 &&
	   strcmp(e.msg, "open /nonexistent/x: No such file or directory") == 0, "missing file named: %s", e.msg);
	ok(ct_write_file_atomic("/nonexistent/dir/x", "", 0, 0600, &e) < 0 &&
	   strstr(e.msg, "/nonexistent/dir/") != NULL, "unwritable dir named: %s", e.msg);

	fd = ct_atomic_open(path, 0600, tmp, sizeof tmp, &e);
	ok(fd >= 0 && ct_tmp_is_stale(strrchr(tmp, '/') + 1), "streaming temp file is recognisable: %s", tmp);
	ct_atomic_abort(fd, tmp);
	ok(access(tmp, F_OK) < 0, "abort removes the temporary file");
	ct_buf_reset(&b);
	ct_read_file(path, &b, 1024, &e);
	is_str(ct_buf_str(&b), "a=3\n", "abort leaves the old content");

	snprintf(sub, sizeof sub, "%s/a/b//c/", dir);
	ok(ct_mkdir_p(sub, 0755, &e) == 0, "mkdir -p with doubled and trailing slashes");
	snprintf(sub, sizeof sub, "%s/a/b/c", dir);
	ok(stat(sub, &st) == 0 && S_ISDIR(st.st_mode), "all levels made");
	ok(ct_mkdir_p(sub, 0755, &e) == 0, "existing is fine");
	snprintf(sub, sizeof sub, "%s/state.ini/x", dir);
	ok(ct_mkdir_p(sub, 0755, &e) < 0 && e.errnum == ENOTDIR, "a file in the way: %s", e.msg);

	/* rm -rf must not follow a symlink out of the tree */
	snprintf(sub, sizeof sub, "%s/a/b/c/file", dir);
	ct_write_file_atomic(sub, "x", 1, 0600, &e);
	snprintf(sub, sizeof sub, "%s/a/escape", dir);
	ok(symlink(dir, sub) == 0, "symlink to the parent made");
	snprintf(sub, sizeof sub, "%s/a", dir);
	ok(ct_rm_rf(sub, &e) == 0, "rm -rf a tree");
	ok(access(sub, F_OK) < 0, "tree gone");
	ok(access(path, F_OK) == 0, "symlink target's content untouched");
	ok(ct_rm_rf(sub, &e) == 0, "rm -rf of a missing path is fine");

	ok(ct_rm_rf(dir, &e) == 0, "clean up");
	ct_buf_free(&b);
	return tap_done();
}
