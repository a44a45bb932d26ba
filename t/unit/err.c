/* err: the error idiom. */
#include "err.h"
#include "tap.h"

#include <errno.h>
#include <string.h>

static int fails_open(struct ct_err *e, const char *path)
{
	return ct_err(e, ENOENT, "open %s", path);
}

int main(void)
{
	struct ct_err e;

	ct_err_clear(&e);
	is_int(fails_open(&e, "/x/y"), -1, "ct_err returns -1");
	is_str(e.msg, "open /x/y: No such file or directory", "message names call, path, errno text");
	is_int(e.errnum, ENOENT, "errnum kept");

	ct_err(&e, 0, "bad flag %s", "--foo");
	is_str(e.msg, "bad flag --foo", "errnum 0: text as is");

	ct_err_wrap(&e, "ct-pull %s", "alpine");
	is_str(e.msg, "ct-pull alpine: bad flag --foo", "wrap prefixes context");

	ct_err_hint(&e, "see %s", "--help");
	is_str(e.msg, "ct-pull alpine: bad flag --foo; see --help", "hint appended");

	is_int(ct_err(NULL, EIO, "ignored"), -1, "NULL error sink is allowed");

	ct_set_prog("/usr/local/bin/ct-pull");
	is_str(ct_prog(), "ct-pull", "program name is the basename");
	return tap_done();
}
