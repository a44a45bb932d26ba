/* Unit tests for lib/container: ids, names, ct.ini, lookup. */
#include "container.h"
#include "err.h"
#include "file.h"
#include "lock.h"
#include "tap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void test_ids_and_names(void)
{
	char a[CT_CONTAINER_ID_LEN + 1], b[CT_CONTAINER_ID_LEN + 1];
	struct ct_err e;

	ok(ct_container_new_id(a, &e) == 0 && ct_container_new_id(b, &e) == 0, "two new ids");
	ok(ct_container_id_valid(a) && ct_container_id_valid(b), "64 lowercase hex digits");
	ok(strcmp(a, b) != 0, "different");
	ok(!ct_container_id_valid("abc"), "short is not an id");
	ok(!ct_container_id_valid("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"),
	   "uppercase is not an id");

	ok(ct_container_name_check("web", &e) == 0, "web");
	ok(ct_container_name_check("a", &e) == 0, "one character");
	ok(ct_container_name_check("My_app.v2-x", &e) == 0, "letters, digits, _ . -");
	ok(ct_container_name_check("", &e) < 0 && strstr(e.msg, "empty"), "empty refused");
	ok(ct_container_name_check("-x", &e) < 0 && strstr(e.msg, "character 1"),
	   "leading dash refused: %s", e.msg);
	ok(ct_container_name_check("_x", &e) < 0, "leading underscore refused");
	ok(ct_container_name_check("a/b", &e) < 0 && strstr(e.msg, "'/'"), "slash refused");
	ok(ct_container_name_check("a b", &e) < 0, "space refused");
	{
		char longname[200];
		memset(longname, 'x', sizeof(longname) - 1);
		longname[sizeof(longname) - 1] = '\0';
		ok(ct_container_name_check(longname, &e) < 0 && strstr(e.msg, "longer"),
		   "199 characters refused");
	}
}

static void test_create_lookup(void)
{
	char root[] = "/tmp/ct-unit-container.XXXXXX";
	struct ct_container c1 = { 0 }, c2 = { 0 }, c3 = { 0 }, got;
	struct ct_err e;
	char prefix[8];
	int busy;

	if (!mkdtemp(root)) {
		diag("mkdtemp: %s", strerror(errno));
		return;
	}
	ok(ct_container_lookup(root, "web", &got, &e) < 0 && strstr(e.msg, "no such container: web"),
	   "lookup with no containers/: %s", e.msg);

	c1.name = strdup("web");
	c1.image = strdup("sha256:" "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	c1.image_ref = strdup("docker.io/library/busybox:latest");
	ok(ct_container_create(root, &c1, &busy, &e) == 0, "create web");
	ok(ct_container_id_valid(c1.id) && c1.dir && strstr(c1.dir, c1.id), "id and dir");
	ok(c1.created && strlen(c1.created) == 20 && c1.created[19] == 'Z', "created %s",
	   c1.created ? c1.created : "(null)");

	c2.name = strdup("web");
	snprintf(prefix, sizeof(prefix), "%.7s", c1.id);
	ok(ct_container_create(root, &c2, &busy, &e) < 0 && strstr(e.msg, "already in use") &&
	   strstr(e.msg, prefix),
	   "the same name again is refused, naming the holder: %s", e.msg);
	free(c2.name);
	c2.name = strdup("db");
	ok(ct_container_create(root, &c2, &busy, &e) == 0, "another name is fine");
	ok(ct_container_create(root, &c3, &busy, &e) == 0, "no name is fine");
	ok(c3.name && strchr(c3.name, '_') && ct_container_name_check(c3.name, &e) == 0,
	   "and gets a generated name (%s)", c3.name ? c3.name : "(null)");

	free(c1.rootfs);
	c1.rootfs = strdup("overlay");
	ok(ct_container_save(&c1, &e) == 0, "save ct.ini");
	ok(ct_container_lookup(root, "web", &got, &e) == 0, "lookup by name");
	is_str(got.id, c1.id, "the right one");
	is_str(got.image_ref, "docker.io/library/busybox:latest", "image_ref read back");
	is_str(got.rootfs, "overlay", "rootfs read back");
	is_str(got.created, c1.created, "created read back");
	ct_container_free(&got);

	/* command and labels; keys and sections of other tools survive a save */
	{
		char *path = NULL, big[400];
		FILE *f;
		memset(big, 'x', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		c1.command = strdup(big);
		c1.labels = strdup("a=b,c=d");
		ok(ct_container_save(&c1, &e) == 0, "save with a long command");
		if (asprintf(&path, "%s/ct.ini", c1.dir) > 0 && (f = fopen(path, "a"))) {
			fputs("restart = always\n[volumes]\nanon = abc\n", f);
			fclose(f);
		}
		ok(ct_container_load(c1.dir, &got, &e) == 0, "load it: %s", e.msg);
		ok(strlen(got.command) < 200 && !strncmp(got.command, "xxx", 3) &&
		   !strcmp(got.command + strlen(got.command) - 3, "..."),
		   "the command is cut to an ini line");
		is_str(got.labels, "a=b,c=d", "labels read back");
		ok(ct_container_save(&got, &e) == 0, "save again");
		ct_container_free(&got);
		ok(ct_container_load(c1.dir, &got, &e) == 0, "load again");
		is_str(got.extra, "restart = always\n", "an unknown key survives");
		is_str(got.other, "[volumes]\nanon = abc\n", "an unknown section survives");
		ct_container_free(&got);
		free(path);
	}

	ok(ct_container_lookup(root, c2.id, &got, &e) == 0 && !strcmp(got.name, "db"),
	   "lookup by full id");
	ct_container_free(&got);
	snprintf(prefix, sizeof(prefix), "%.6s", c3.id);
	ok(ct_container_lookup(root, prefix, &got, &e) == 0 && !strcmp(got.id, c3.id),
	   "lookup by id prefix");
	ct_container_free(&got);
	ok(ct_container_lookup(root, "nope", &got, &e) < 0 && strstr(e.msg, "no such container"),
	   "unknown name");
	ok(ct_container_lookup(root, "", &got, &e) < 0, "empty refused");

	/* a name that looks like an id prefix: names win, as in Docker */
	{
		struct ct_container c4 = { 0 };
		char pfx[5];
		snprintf(pfx, sizeof(pfx), "%.4s", c1.id);
		c4.name = strdup(pfx);
		ok(ct_container_create(root, &c4, &busy, &e) == 0, "a container named %s", pfx);
		ok(ct_container_lookup(root, pfx, &got, &e) == 0 && !strcmp(got.id, c4.id),
		   "a name beats an id prefix");
		ct_container_free(&got);
		ct_container_free(&c4);
	}
	/* a container directory without ct.ini is ignored */
	{
		char p[512];
		snprintf(p, sizeof(p), "%s/containers/%064d", root, 0);
		ok(ct_mkdir_p(p, 0700, &e) == 0, "a stray directory");
		ok(ct_container_lookup(root, "0000", &got, &e) < 0, "is not a container");
	}

	/* a creator that died half-way does not keep its name */
	{
		struct ct_container s1 = { 0 }, s2 = { 0 }, s3 = { 0 };
		int b1, b2;
		s1.name = strdup("stale");
		ok(ct_container_create(root, &s1, &b1, &e) == 0, "a container being made");
		s2.name = strdup("stale");
		ok(ct_container_create(root, &s2, &b2, &e) < 0 && strstr(e.msg, "already in use"),
		   "its name is taken while its creator lives");
		ct_unlock(b1);	/* the creator dies without finishing */
		ok(ct_container_create(root, &s2, &b2, &e) == 0, "then the name is free again");
		ok(!ct_exists(s1.dir), "and the half-made container is gone");
		ct_unlock(b2);
		free(s2.rootfs);
		s2.rootfs = strdup("copy");
		ok(ct_container_save(&s2, &e) == 0, "finish it");
		s3.name = strdup("stale");
		ok(ct_container_create(root, &s3, &b2, &e) < 0, "a finished container keeps its name");
		ct_container_free(&s1);
		ct_container_free(&s2);
		ct_container_free(&s3);
	}

	/* names are taken under a lock: racing creators, one winner */
	{
		int wins = 0, status;
		for (int i = 0; i < 4; i++) {
			if (fork() == 0) {
				struct ct_container r = { 0 };
				struct ct_err re;
				r.name = strdup("race");
				if (ct_container_create(root, &r, &busy, &re) < 0)
					_exit(1);
				free(r.rootfs);
				r.rootfs = strdup("overlay");	/* complete, as ct-mount does */
				_exit(ct_container_save(&r, &re) == 0 ? 0 : 2);
			}
		}
		for (int i = 0; i < 4; i++)
			if (wait(&status) > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
				wins++;
		is_int(wins, 1, "4 racing creators of one name: exactly one wins");
	}

	ct_container_free(&c1);
	ct_container_free(&c2);
	ct_container_free(&c3);
	ct_rm_rf(root, &e);
}

int main(void)
{
	test_ids_and_names();
	test_create_lookup();
	return tap_done();
}
