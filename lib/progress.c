/* progress: see progress.h. */
#include "progress.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"

void ct_progress_size(uint64_t n, char *buf, size_t len)
{
	if (n < 1000)
		snprintf(buf, len, "%lluB", (unsigned long long)n);
	else if (n < 1000000)
		snprintf(buf, len, "%.1fkB", (double)n / 1e3);
	else if (n < 1000000000)
		snprintf(buf, len, "%.1fMB", (double)n / 1e6);
	else
		snprintf(buf, len, "%.2fGB", (double)n / 1e9);
}

void ct_progress_init(struct ct_progress *p, int quiet)
{
	memset(p, 0, sizeof *p);
	pthread_mutex_init(&p->lock, NULL);
	p->mode = quiet ? CT_PROGRESS_QUIET :
		  isatty(STDERR_FILENO) ? CT_PROGRESS_TTY : CT_PROGRESS_LOG;
}

static void line(const struct ct_progress_item *it, struct ct_buf *b)
{
	ct_buf_printf(b, "\033[2K%s: %s", it->id, it->status);
	if (it->total && it->cur < it->total &&
	    (!strcmp(it->status, "Downloading") || !strcmp(it->status, "Pushing"))) {
		char cur[16], tot[16], bar[51];
		int w = (int)(it->cur * 50 / it->total), k;
		for (k = 0; k < 50; k++)
			bar[k] = k < w ? '=' : k == w ? '>' : ' ';
		bar[50] = 0;
		ct_progress_size(it->cur, cur, sizeof cur);
		ct_progress_size(it->total, tot, sizeof tot);
		ct_buf_printf(b, " [%s] %s/%s", bar, cur, tot);
	}
	ct_buf_putc(b, '\n');
}

static void redraw(struct ct_progress *p)
{
	struct ct_buf b = CT_BUF_INIT;
	size_t i;

	if (p->drawn)
		ct_buf_printf(&b, "\033[%zuA", p->drawn);
	for (i = 0; i < p->n; i++)
		line(&p->v[i], &b);
	p->drawn = p->n;
	if (b.len)
		(void)!write(STDERR_FILENO, b.data, b.len);
	ct_buf_free(&b);
	clock_gettime(CLOCK_MONOTONIC, &p->last);
}

size_t ct_progress_add(struct ct_progress *p, const char *id, const char *status)
{
	size_t i;

	pthread_mutex_lock(&p->lock);
	p->v = ct_xrealloc(p->v, (p->n + 1) * sizeof *p->v);
	i = p->n++;
	memset(&p->v[i], 0, sizeof p->v[i]);
	snprintf(p->v[i].id, sizeof p->v[i].id, "%s", id);
	snprintf(p->v[i].status, sizeof p->v[i].status, "%s", status);
	if (p->mode == CT_PROGRESS_TTY)
		redraw(p);
	else if (p->mode == CT_PROGRESS_LOG)
		fprintf(stderr, "%s: %s\n", id, status);
	pthread_mutex_unlock(&p->lock);
	return i;
}

void ct_progress_status(struct ct_progress *p, size_t i, const char *status)
{
	pthread_mutex_lock(&p->lock);
	if (strcmp(p->v[i].status, status)) {
		snprintf(p->v[i].status, sizeof p->v[i].status, "%s", status);
		if (p->mode == CT_PROGRESS_TTY)
			redraw(p);
		else if (p->mode == CT_PROGRESS_LOG)
			fprintf(stderr, "%s: %s\n", p->v[i].id, status);
	}
	pthread_mutex_unlock(&p->lock);
}

void ct_progress_bytes(struct ct_progress *p, size_t i, uint64_t cur, uint64_t total)
{
	struct timespec now;
	long ms;

	if (p->mode != CT_PROGRESS_TTY)
		return;
	pthread_mutex_lock(&p->lock);
	p->v[i].cur = cur;
	p->v[i].total = total;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (now.tv_sec - p->last.tv_sec) * 1000 + (now.tv_nsec - p->last.tv_nsec) / 1000000;
	if (ms >= 100)
		redraw(p);
	pthread_mutex_unlock(&p->lock);
}

void ct_progress_note(struct ct_progress *p, const char *fmt, ...)
{
	va_list ap;

	if (p->mode == CT_PROGRESS_QUIET)
		return;
	pthread_mutex_lock(&p->lock);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	p->drawn = 0;      /* the note is below the lines now; start afresh */
	pthread_mutex_unlock(&p->lock);
}

void ct_progress_done(struct ct_progress *p)
{
	pthread_mutex_lock(&p->lock);
	if (p->mode == CT_PROGRESS_TTY && p->n)
		redraw(p);
	pthread_mutex_unlock(&p->lock);
	free(p->v);
	pthread_mutex_destroy(&p->lock);
	p->v = NULL;
	p->n = 0;
}
