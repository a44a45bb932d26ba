#include "err.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *prog = "ct";

void ct_set_prog(const char *argv0)
{
	const char *slash;

	if (!argv0 || !*argv0)
		return;
	slash = strrchr(argv0, '/');
	prog = slash ? slash + 1 : argv0;
}

const char *ct_prog(void)
{
	return prog;
}

int ct_verr(struct ct_err *e, int errnum, const char *fmt, va_list ap)
{
	size_t n;

	if (!e)
		return -1;
	e->errnum = errnum;
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	n = strlen(e->msg);
	if (errnum && n < sizeof e->msg)
		snprintf(e->msg + n, sizeof e->msg - n, ": %s", strerror(errnum));
	return -1;
}

int ct_err(struct ct_err *e, int errnum, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ct_verr(e, errnum, fmt, ap);
	va_end(ap);
	return -1;
}

int ct_err_wrap(struct ct_err *e, const char *fmt, ...)
{
	char prefix[512], old[sizeof e->msg];
	va_list ap;

	if (!e)
		return -1;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof prefix, fmt, ap);
	va_end(ap);
	memcpy(old, e->msg, sizeof old);
	snprintf(e->msg, sizeof e->msg, "%s: %s", prefix, old);
	return -1;
}

int ct_err_hint(struct ct_err *e, const char *fmt, ...)
{
	size_t n;
	va_list ap;

	if (!e)
		return -1;
	n = strlen(e->msg);
	if (n + 3 >= sizeof e->msg)
		return -1;
	memcpy(e->msg + n, "; ", 3);
	n += 2;
	va_start(ap, fmt);
	vsnprintf(e->msg + n, sizeof e->msg - n, fmt, ap);
	va_end(ap);
	return -1;
}

void ct_err_clear(struct ct_err *e)
{
	if (e) {
		e->errnum = 0;
		e->msg[0] = '\0';
	}
}

static void vwarn(const char *fmt, va_list ap)
{
	int saved = errno;
	size_t len = strlen(fmt);

	fprintf(stderr, "%s: ", prog);
	vfprintf(stderr, fmt, ap);
	if (len && fmt[len - 1] == ':')
		fprintf(stderr, " %s", strerror(saved));
	fputc('\n', stderr);
}

void ct_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
}

void ct_die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
	exit(CT_EXIT_FAIL);
}

void ct_die_usage(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try '%s --help' for more information.\n", prog);
	exit(CT_EXIT_USAGE);
}

void ct_warn_err(const struct ct_err *e)
{
	fprintf(stderr, "%s: %s\n", prog, e->msg[0] ? e->msg : "unknown error");
}

void ct_die_err(const struct ct_err *e)
{
	ct_warn_err(e);
	exit(CT_EXIT_FAIL);
}
