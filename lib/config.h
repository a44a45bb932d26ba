/* config: /etc/ct/ct.conf, an INI file read with inih (see ct.conf(5)).
 *
 * Where it is: $CT_CONFIG if set (then it must exist), else /etc/ct/ct.conf
 * (a missing default file is the same as an empty one).
 * The state root: $CT_ROOT, else [storage] root, else /var/lib/ct for root,
 * else $XDG_DATA_HOME/ct (~/.local/share/ct). */
#ifndef CT_CONFIG_H
#define CT_CONFIG_H

#include <stddef.h>

struct ct_err;

#define CT_CONFIG_DEFAULT "/etc/ct/ct.conf"

struct ct_config_entry {
	char *section;	/* "" for keys before any [section] */
	char *key;
	char *value;
};

struct ct_config {
	char *path;	/* the file read, or NULL if none */
	struct ct_config_entry *v;
	size_t n, cap;
};

/* Load from $CT_CONFIG or the default path. */
int ct_config_load(struct ct_config *c, struct ct_err *e);
/* Load one file; must_exist 0 makes a missing file an empty config.
 * Syntax errors are reported as "PATH:LINE: ..." */
int ct_config_load_file(struct ct_config *c, const char *path, int must_exist,
			struct ct_err *e);
void ct_config_free(struct ct_config *c);

/* The last value given for section/key, or NULL. Section and key names are
 * compared case-insensitively, as in git config. */
const char *ct_config_get(const struct ct_config *c, const char *section,
			  const char *key);
/* true/yes/on/1 and false/no/off/0; anything else is an error naming the
 * file, section and key. *out keeps def when the key is absent. */
int ct_config_bool(const struct ct_config *c, const char *section,
		   const char *key, int def, int *out, struct ct_err *e);

/* The state root directory (see above), without creating it. */
int ct_config_root(const struct ct_config *c, char *out, size_t n, struct ct_err *e);
/* Load ct.conf and return the state root (allocated), or NULL with e set:
 * what every tool does first. */
char *ct_state_root(struct ct_err *e);

#endif
