#include "say.h"
#include "err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

static int verbose;

void ct_set_verbose(int level)
{
	verbose = level;
}

int ct_verbose(void)
{
	return verbose;
}

static void vsay(const char *fmt, va_list ap)
{
	int saved = errno;
	char line[2048];

	vsnprintf(line, sizeof line, fmt, ap);
	/* one write so lines from parallel workers do not interleave */
	fprintf(stderr, "+ %s: %s\n", ct_prog(), line);
	errno = saved;
}

void ct_say(const char *fmt, ...)
{
	va_list ap;

	if (verbose < 1)
		return;
	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
}

void ct_say2(const char *fmt, ...)
{
	va_list ap;

	if (verbose < 2)
		return;
	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
}
