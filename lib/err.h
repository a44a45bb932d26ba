/* err: the one error idiom of ct.
 *
 * Library functions never print and never exit. They return -1 (or NULL)
 * and fill a caller-owned struct ct_err with one line that names the failing
 * call, the path or thing, and the errno text:
 *
 *     if (open(path, O_RDONLY) < 0)
 *         return ct_err(e, errno, "open %s", path);
 *
 * gives "open /x/y: No such file or directory". Pass errnum 0 for errors that
 * are not system errors; the text is then taken as is. ct_err_hint() appends a
 * second sentence telling the user what to do.
 *
 * Tools (bin/) print with ct_die_err() / ct_warn() / ct_die(), which prefix
 * the program name: "ct-pull: open /x/y: No such file or directory".
 *
 * Exit statuses of the C tools: 0 success, 1 failure, 2 usage error.
 */
#ifndef CT_ERR_H
#define CT_ERR_H

#include <stdarg.h>
#include <stdnoreturn.h>

#define CT_EXIT_FAIL 1
#define CT_EXIT_USAGE 2

struct ct_err {
	int errnum;       /* errno of the failing call, 0 if none */
	char msg[1024];   /* one line, no program name, no newline */
};

/* Set *e to the formatted text, plus ": strerror(errnum)" when errnum != 0.
 * Returns -1 so that "return ct_err(e, errno, ...)" reads naturally.
 * e may be NULL (the error is then dropped). */
int ct_err(struct ct_err *e, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int ct_verr(struct ct_err *e, int errnum, const char *fmt, va_list ap);

/* Prefix existing text: ct_err_wrap(e, "pull %s", ref) turns
 * "open x: EACCES" into "pull alpine: open x: EACCES". Returns -1. */
int ct_err_wrap(struct ct_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Append " (hint)" style advice: "...: Permission denied; run as root".
 * Returns -1. */
int ct_err_hint(struct ct_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void ct_err_clear(struct ct_err *e);

/* The program name used as prefix by the printing functions below. Set once
 * by main through ct_set_prog(argv[0]) (basename taken). */
void ct_set_prog(const char *argv0);
const char *ct_prog(void);

/* Printing, for bin/ only. A format ending in ':' gets " strerror(errno)"
 * appended, as in sbase's eprintf. All go to stderr with the program name. */
void ct_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
noreturn void ct_die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
noreturn void ct_die_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
noreturn void ct_die_err(const struct ct_err *e);
void ct_warn_err(const struct ct_err *e);

#endif
