/* container: ids, names and ct.ini of containers/<id>/ (see container.h). */
#include "container.h"

#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <ini.h>

#include "buf.h"
#include "err.h"
#include "file.h"
#include "lock.h"

int ct_container_new_id(char id[CT_CONTAINER_ID_LEN + 1], struct ct_err *e)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[CT_CONTAINER_ID_LEN / 2];
	size_t got = 0;

	while (got < sizeof(raw)) {
		ssize_t n = getrandom(raw + got, sizeof(raw) - got, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return ct_err(e, errno, "getrandom for a container id");
		}
		got += (size_t)n;
	}
	for (size_t i = 0; i < sizeof(raw); i++) {
		id[2 * i] = hex[raw[i] >> 4];
		id[2 * i + 1] = hex[raw[i] & 15];
	}
	id[CT_CONTAINER_ID_LEN] = '\0';
	return 0;
}

static int is_lower_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

int ct_container_id_valid(const char *s)
{
	return s && strlen(s) == CT_CONTAINER_ID_LEN && is_lower_hex(s, CT_CONTAINER_ID_LEN);
}

static int name_char_ok(char c, int first)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return 1;
	return !first && (c == '_' || c == '.' || c == '-');
}

int ct_container_name_check(const char *name, struct ct_err *e)
{
	size_t n = strlen(name);

	if (n == 0)
		return ct_err(e, 0, "invalid container name \"\": it is empty");
	if (n > CT_CONTAINER_NAME_MAX)
		return ct_err(e, 0, "invalid container name \"%.20s...\": longer than %d characters",
			      name, CT_CONTAINER_NAME_MAX);
	for (size_t i = 0; i < n; i++)
		if (!name_char_ok(name[i], i == 0))
			return ct_err(e, 0, "invalid container name \"%s\": character %zu ('%c') "
				      "is not allowed; names match [a-zA-Z0-9][a-zA-Z0-9_.-]*",
				      name, i + 1, name[i]);
	return 0;
}

char *ct_containers_dir(const char *root)
{
	return ct_xasprintf("%s/containers", root);
}

void ct_rfc3339_now(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void ct_container_free(struct ct_container *c)
{
	free(c->dir);
	free(c->name);
	free(c->image);
	free(c->image_ref);
	free(c->created);
	free(c->rootfs);
	free(c->command);
	free(c->labels);
	free(c->extra);
	free(c->other);
	free(c->other_sec);
	memset(c, 0, sizeof(*c));
}

/* ct.ini values are single lines; refuse anything that would break that. */
static int ini_value_ok(const char *what, const char *v, struct ct_err *e)
{
	if (strpbrk(v, "\n\r"))
		return ct_err(e, 0, "%s \"%s\" holds a line break", what, v);
	return 0;
}

/* inih reads lines of at most INI_MAX_LINE (200) bytes: a longer value is
 * cut (on a UTF-8 character boundary) and ends in "...". */
static void put_long(struct ct_buf *b, const char *key, const char *v)
{
	size_t room = INI_MAX_LINE - 2 - strlen(key) - 3, n;

	if (!v || !v[0])
		return;
	n = strlen(v);
	if (n <= room) {
		ct_buf_printf(b, "%s = %s\n", key, v);
		return;
	}
	n = room - 3;
	while (n > 0 && ((unsigned char)v[n] & 0xc0) == 0x80)
		n--;
	ct_buf_printf(b, "%s = %.*s...\n", key, (int)n, v);
}

int ct_container_save(const struct ct_container *c, struct ct_err *e)
{
	struct ct_buf b = CT_BUF_INIT;
	char *path;
	int r;

	if (ini_value_ok("image reference", c->image_ref ? c->image_ref : "", e) < 0 ||
	    ini_value_ok("command", c->command ? c->command : "", e) < 0 ||
	    ini_value_ok("labels", c->labels ? c->labels : "", e) < 0)
		return -1;
	ct_buf_printf(&b, "[container]\nid = %s\nname = %s\nimage = %s\nimage_ref = %s\n"
		      "created = %s\nrootfs = %s\n", c->id, c->name ? c->name : "",
		      c->image ? c->image : "", c->image_ref ? c->image_ref : "",
		      c->created ? c->created : "", c->rootfs ? c->rootfs : "");
	put_long(&b, "command", c->command);
	put_long(&b, "labels", c->labels);
	if (c->extra)
		ct_buf_puts(&b, c->extra);
	if (c->other)
		ct_buf_puts(&b, c->other);
	path = ct_xasprintf("%s/ct.ini", c->dir);
	r = c->throwaway ? ct_write_file_volatile(path, b.data, b.len, 0644, e)
			 : ct_write_file_atomic(path, b.data, b.len, 0644, e);
	free(path);
	ct_buf_free(&b);
	return r;
}

static int ini_cb(void *user, const char *section, const char *key, const char *value)
{
	struct ct_container *c = user;
	char **slot = NULL;

	if (!c)
		return 0;
	if (strcmp(section, "container") != 0) {
		char *x;
		if (!c->other_sec || strcmp(c->other_sec, section)) {
			x = ct_xasprintf("%s[%s]\n", c->other ? c->other : "", section);
			free(c->other);
			c->other = x;
			free(c->other_sec);
			c->other_sec = ct_xstrdup(section);
		}
		x = ct_xasprintf("%s%s = %s\n", c->other, key, value);
		free(c->other);
		c->other = x;
		return 1;
	}
	if (!strcmp(key, "id")) {
		if (ct_container_id_valid(value))
			memcpy(c->id, value, CT_CONTAINER_ID_LEN + 1);
		return 1;
	}
	if (!strcmp(key, "name"))
		slot = &c->name;
	else if (!strcmp(key, "image"))
		slot = &c->image;
	else if (!strcmp(key, "image_ref"))
		slot = &c->image_ref;
	else if (!strcmp(key, "created"))
		slot = &c->created;
	else if (!strcmp(key, "rootfs"))
		slot = &c->rootfs;
	else if (!strcmp(key, "command"))
		slot = &c->command;
	else if (!strcmp(key, "labels"))
		slot = &c->labels;
	if (slot) {
		free(*slot);
		*slot = ct_xstrdup(value);
	} else {
		char *x = ct_xasprintf("%s%s = %s\n", c->extra ? c->extra : "", key, value);
		free(c->extra);
		c->extra = x;
	}
	return 1;
}

int ct_container_load(const char *dir, struct ct_container *c, struct ct_err *e)
{
	char *path = ct_xasprintf("%s/ct.ini", dir);
	int r;

	memset(c, 0, sizeof(*c));
	r = ini_parse(path, ini_cb, c);
	if (r != 0) {
		if (r < 0)
			ct_err(e, errno, "open %s", path);
		else
			ct_err(e, 0, "%s:%d: syntax error", path, r);
		free(path);
		ct_container_free(c);
		return -1;
	}
	if (!c->id[0]) {
		ct_err(e, 0, "%s: no valid id in [container]", path);
		free(path);
		ct_container_free(c);
		return -1;
	}
	free(path);
	c->dir = ct_xstrdup(dir);
	if (!c->name) c->name = ct_xstrdup("");
	if (!c->image) c->image = ct_xstrdup("");
	if (!c->image_ref) c->image_ref = ct_xstrdup("");
	if (!c->created) c->created = ct_xstrdup("");
	if (!c->rootfs) c->rootfs = ct_xstrdup("");
	if (!c->command) c->command = ct_xstrdup("");
	if (!c->labels) c->labels = ct_xstrdup("");
	return 0;
}

/* Visit every container with a readable ct.ini; fn returns nonzero to stop
 * (and that value is returned). A missing containers/ is an empty list. */
typedef int (*visit_fn)(const struct ct_container *c, void *arg);

static int visit_all(const char *root, visit_fn fn, void *arg, struct ct_err *e)
{
	char *cdir = ct_containers_dir(root);
	DIR *d = opendir(cdir);
	struct dirent *de;
	int r = 0;

	if (!d) {
		int err = errno;
		free(cdir);
		return err == ENOENT ? 0 : ct_err(e, err, "opendir %s/containers", root);
	}
	while (r == 0 && (de = readdir(d))) {
		struct ct_container c;
		struct ct_err ignored;
		char *dir;

		if (!ct_container_id_valid(de->d_name))
			continue;
		dir = ct_xasprintf("%s/%s", cdir, de->d_name);
		if (ct_container_load(dir, &c, &ignored) == 0) {
			r = fn(&c, arg);
			ct_container_free(&c);
		}
		free(dir);
	}
	closedir(d);
	free(cdir);
	return r;
}

struct name_search {
	const char *name;
	char holder[CT_CONTAINER_ID_LEN + 1];
};

/* A container whose ct.ini has no rootfs yet and whose .creating lock is
 * free was left by a ct-mount that died half-way: remove it (unmounting a
 * rootfs it may have mounted) so that it does not hold its name. 1 when it
 * was stale and is gone. */
static int remove_if_stale(const struct ct_container *c)
{
	char *lockpath, *rootfs;
	struct ct_err e;
	int fd, gone = 0;

	if (c->rootfs[0])
		return 0;
	lockpath = ct_xasprintf("%s/.creating", c->dir);
	fd = ct_lock(lockpath, CT_LOCK_EXCLUSIVE, 1, &e);
	if (fd >= 0) {
		rootfs = ct_xasprintf("%s/rootfs", c->dir);
		umount2(rootfs, MNT_DETACH | UMOUNT_NOFOLLOW);	/* not mounted is fine */
		gone = ct_rm_rf(c->dir, &e) == 0;
		free(rootfs);
		ct_unlock(fd);
	}
	free(lockpath);
	return gone;
}

static int match_name(const struct ct_container *c, void *arg)
{
	struct name_search *ns = arg;

	if (c->name[0] && strcmp(c->name, ns->name) == 0 && !remove_if_stale(c)) {
		memcpy(ns->holder, c->id, sizeof(ns->holder));
		return 1;
	}
	return 0;
}

/* Words for generated names, "adjective_noun" as Docker makes them (ct's
 * own lists: moods and trees). */
static const char *const name_adj[] = {
	"agile", "bold", "brave", "bright", "calm", "clever", "cosy", "curious",
	"eager", "fancy", "gentle", "happy", "jolly", "keen", "kind", "lively",
	"lucid", "merry", "modest", "nimble", "patient", "proud", "quiet", "quick",
	"serene", "sharp", "shy", "steady", "sunny", "swift", "tidy", "witty",
};
static const char *const name_noun[] = {
	"acacia", "alder", "aspen", "baobab", "beech", "birch", "cedar", "cherry",
	"chestnut", "cypress", "elder", "elm", "fig", "fir", "ginkgo", "hazel",
	"hawthorn", "hemlock", "holly", "juniper", "larch", "laurel", "linden",
	"magnolia", "maple", "oak", "olive", "palm", "pine", "poplar", "rowan",
	"sequoia", "spruce", "sycamore", "walnut", "willow", "yew",
};

static uint32_t random_u32(void)
{
	uint32_t v = 0;

	if (getrandom(&v, sizeof(v), 0) != (ssize_t)sizeof(v))
		v = (uint32_t)time(NULL) ^ (uint32_t)getpid();
	return v;
}

/* A name no container of root has; called under containers/.lock (or,
 * for ct_container_generate_name, as a suggestion only). */
static char *free_name(const char *root, struct ct_err *e)
{
	for (unsigned tries = 0; tries < 64; tries++) {
		uint32_t r = random_u32();
		struct name_search ns;
		char *name;
		int found;

		name = ct_xasprintf("%s_%s", name_adj[r % (sizeof(name_adj) / sizeof(*name_adj))],
				    name_noun[(r >> 8) % (sizeof(name_noun) / sizeof(*name_noun))]);
		if (tries >= 8) {	/* crowded: add a number, as Docker does */
			char *n2 = ct_xasprintf("%s%u", name, (r >> 16) % 1000);
			free(name);
			name = n2;
		}
		ns.name = name;
		found = visit_all(root, match_name, &ns, e);
		if (found < 0) {
			free(name);
			return NULL;
		}
		if (!found)
			return name;
		free(name);
	}
	ct_err(e, 0, "could not find a free container name in 64 tries");
	return NULL;
}

char *ct_container_generate_name(const char *root, struct ct_err *e)
{
	return free_name(root, e);
}

int ct_container_create(const char *root, struct ct_container *c, int *busyfd,
			struct ct_err *e)
{
	char *cdir = ct_containers_dir(root);
	char *lockpath = NULL, *busypath = NULL;
	char created[32];
	int lockfd = -1, r = -1;

	*busyfd = -1;
	if (c->name && c->name[0] && ct_container_name_check(c->name, e) < 0)
		goto out;
	if (ct_mkdir_p(cdir, 0711, e) < 0)
		goto out;
	lockpath = ct_xasprintf("%s/.lock", cdir);
	lockfd = ct_lock(lockpath, CT_LOCK_EXCLUSIVE, 0, e);
	if (lockfd < 0)
		goto out;
	if (c->name && c->name[0]) {
		struct name_search ns = { .name = c->name };
		int found = visit_all(root, match_name, &ns, e);
		if (found < 0)
			goto out;
		if (found) {
			/* Docker's words, so scripts that look for them work */
			ct_err(e, 0, "Conflict. The container name \"/%s\" is already in use by "
			       "container \"%s\". You have to remove (or rename) that container "
			       "to be able to reuse that name.", c->name, ns.holder);
			goto out;
		}
	} else {
		free(c->name);
		if (!(c->name = free_name(root, e)))
			goto out;
	}
	for (int tries = 0;; tries++) {
		if (ct_container_new_id(c->id, e) < 0)
			goto out;
		free(c->dir);
		c->dir = ct_xasprintf("%s/%s", cdir, c->id);
		if (mkdir(c->dir, 0711) == 0)
			break;
		if (errno != EEXIST || tries > 8) {
			ct_err(e, errno, "mkdir %s", c->dir);
			goto out;
		}
	}
	busypath = ct_xasprintf("%s/.creating", c->dir);
	*busyfd = ct_lock(busypath, CT_LOCK_EXCLUSIVE, 1, e);
	if (*busyfd < 0) {
		rmdir(c->dir);
		goto out;
	}
	ct_rfc3339_now(created);
	free(c->created);
	c->created = ct_xstrdup(created);
	if (!c->rootfs)
		c->rootfs = ct_xstrdup("");
	if (ct_container_save(c, e) < 0) {
		ct_unlock(*busyfd);
		*busyfd = -1;
		unlink(busypath);
		rmdir(c->dir);
		goto out;
	}
	r = 0;
out:
	if (lockfd >= 0)
		ct_unlock(lockfd);
	free(busypath);
	free(lockpath);
	free(cdir);
	return r;
}

struct lookup {
	const char *what;
	int by_name;
	size_t nmatch;
	char first[CT_CONTAINER_ID_LEN + 1];
	char second[CT_CONTAINER_ID_LEN + 1];
};

static int match_lookup(const struct ct_container *c, void *arg)
{
	struct lookup *l = arg;
	int hit;

	if (l->by_name)
		hit = c->name[0] && strcmp(c->name, l->what) == 0;
	else
		hit = strncmp(c->id, l->what, strlen(l->what)) == 0;
	if (!hit)
		return 0;
	if (l->nmatch == 0)
		memcpy(l->first, c->id, sizeof(l->first));
	else if (l->nmatch == 1)
		memcpy(l->second, c->id, sizeof(l->second));
	l->nmatch++;
	return l->by_name;	/* names are unique: stop at the first */
}

int ct_container_lookup(const char *root, const char *what,
			struct ct_container *c, struct ct_err *e)
{
	struct lookup l = { .what = what };
	char *dir;
	int r;

	if (!what[0])
		return ct_err(e, 0, "no container named: the name or id is empty");
	if (ct_container_id_valid(what)) {
		dir = ct_xasprintf("%s/containers/%s", root, what);
		if (ct_exists(dir)) {
			r = ct_container_load(dir, c, e);
			free(dir);
			return r;
		}
		free(dir);
	}
	l.by_name = 1;
	if (visit_all(root, match_lookup, &l, e) < 0)
		return -1;
	if (l.nmatch == 0 && strlen(what) <= CT_CONTAINER_ID_LEN &&
	    is_lower_hex(what, strlen(what))) {
		l.by_name = 0;
		if (visit_all(root, match_lookup, &l, e) < 0)
			return -1;
		if (l.nmatch > 1)
			return ct_err(e, 0, "container id prefix \"%s\" is ambiguous: "
				      "%.12s, %.12s ...; give more digits", what, l.first, l.second);
	}
	if (l.nmatch == 0)
		return ct_err(e, 0, "no such container: %s (in %s/containers)", what, root);
	dir = ct_xasprintf("%s/containers/%s", root, l.first);
	r = ct_container_load(dir, c, e);
	free(dir);
	return r;
}
