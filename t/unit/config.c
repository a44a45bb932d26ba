/* config: ct.conf through inih, and the state root. */
#include "config.h"
#include "err.h"
#include "file.h"
#include "tap.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void put(const char *path, const char *text)
{
	struct ct_err e;

	if (ct_write_file_atomic(path, text, strlen(text), 0644, &e) < 0)
		printf("# %s\n", e.msg);
}

int main(void)
{
	char dir[] = "/tmp/ct-unit-config.XXXXXX";
	char path[256], root[PATH_MAX];
	struct ct_config c;
	struct ct_err e;
	int b;

	if (!mkdtemp(dir)) {
		printf("1..0 # SKIP mkdtemp: %s\n", strerror(errno));
		return 0;
	}
	snprintf(path, sizeof path, "%s/ct.conf", dir);
	put(path, "; a comment\n"
		  "[storage]\n"
		  "root = /srv/ct\n"
		  "\n"
		  "[registry \"localhost:5000\"]\n"
		  "insecure = yes\n"
		  "[Network]\n"
		  "Subnet = 10.99.0.0/16\n"
		  "subnet = 10.98.0.0/16\n"
		  "bad = maybe\n");

	ok(ct_config_load_file(&c, path, 1, &e) == 0, "parse a file with inih");
	is_str(ct_config_get(&c, "storage", "root"), "/srv/ct", "[storage] root");
	is_str(ct_config_get(&c, "registry \"localhost:5000\"", "insecure"), "yes", "quoted subsection");
	is_str(ct_config_get(&c, "network", "subnet"), "10.98.0.0/16", "case-insensitive, last wins");
	ok(ct_config_get(&c, "storage", "nope") == NULL, "missing key is NULL");
	ok(ct_config_bool(&c, "registry \"localhost:5000\"", "insecure", 0, &b, &e) == 0 && b == 1, "bool yes");
	ok(ct_config_bool(&c, "storage", "absent", 1, &b, &e) == 0 && b == 1, "bool default");
	ok(ct_config_bool(&c, "network", "bad", 0, &b, &e) < 0 && strstr(e.msg, "want true or false") &&
	   strstr(e.msg, path), "bad bool names file and key: %s", e.msg);

	unsetenv("CT_ROOT");
	ok(ct_config_root(&c, root, sizeof root, &e) == 0, "root from config");
	is_str(root, "/srv/ct", "[storage] root used");
	setenv("CT_ROOT", "/tmp/other", 1);
	ct_config_root(&c, root, sizeof root, &e);
	is_str(root, "/tmp/other", "CT_ROOT wins");
	setenv("CT_ROOT", "relative/dir", 1);
	ok(ct_config_root(&c, root, sizeof root, &e) < 0 && strstr(e.msg, "absolute"), "relative root refused: %s", e.msg);
	unsetenv("CT_ROOT");
	ct_config_free(&c);

	put(path, "[storage]\nroot = /a\nthis line is wrong\n");
	ok(ct_config_load_file(&c, path, 1, &e) < 0, "syntax error refused");
	{
		char want[300];

		snprintf(want, sizeof want, "%s:3:", path);
		ok(strstr(e.msg, want) != NULL, "error gives file and line: %s", e.msg);
	}

	ok(ct_config_load_file(&c, "/nonexistent/ct.conf", 0, &e) == 0 && c.n == 0, "missing optional file is empty");
	ct_config_free(&c);
	ok(ct_config_load_file(&c, "/nonexistent/ct.conf", 1, &e) < 0 &&
	   strstr(e.msg, "/nonexistent/ct.conf"), "missing required file named");

	setenv("CT_CONFIG", "/nonexistent/ct.conf", 1);
	ok(ct_config_load(&c, &e) < 0, "CT_CONFIG must exist");
	setenv("CT_CONFIG", path, 1);
	put(path, "[storage]\nroot=/from/env\n");
	ok(ct_config_load(&c, &e) == 0 && ct_config_get(&c, "storage", "root") &&
	   !strcmp(ct_config_get(&c, "storage", "root"), "/from/env"), "CT_CONFIG points at the file");
	ct_config_free(&c);

	memset(&c, 0, sizeof c);
	if (geteuid() != 0) {
		setenv("XDG_DATA_HOME", "/xdg", 1);
		ct_config_root(&c, root, sizeof root, &e);
		is_str(root, "/xdg/ct", "non-root: XDG_DATA_HOME/ct");
	} else {
		ct_config_root(&c, root, sizeof root, &e);
		is_str(root, "/var/lib/ct", "root: /var/lib/ct by default");
	}

	unlink(path);
	rmdir(dir);
	return tap_done();
}
