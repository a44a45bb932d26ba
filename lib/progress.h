/* progress: Docker-style per-layer progress on stderr, shared by threads.
 *
 * On a terminal, one line per item, redrawn in place (at most 10 times a
 * second):   a1b2c3d4e5f6: Downloading [=====>          ] 12.3MB/40.1MB
 * Otherwise each status change is one plain log line ("a1b2c3d4e5f6: Pull
 * complete"), and byte counts are not shown. Quiet prints nothing. */
#ifndef CT_PROGRESS_H
#define CT_PROGRESS_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

enum ct_progress_mode { CT_PROGRESS_QUIET, CT_PROGRESS_LOG, CT_PROGRESS_TTY };

struct ct_progress_item {
	char id[16];
	char status[96];
	uint64_t cur, total;
};

struct ct_progress {
	enum ct_progress_mode mode;
	pthread_mutex_t lock;
	struct ct_progress_item *v;
	size_t n;
	size_t drawn;           /* lines on screen (tty) */
	struct timespec last;
};

/* mode from the situation: quiet, else tty when stderr is one. */
void ct_progress_init(struct ct_progress *p, int quiet);
/* A new line, returns its index. */
size_t ct_progress_add(struct ct_progress *p, const char *id, const char *status);
void ct_progress_status(struct ct_progress *p, size_t i, const char *status);
void ct_progress_bytes(struct ct_progress *p, size_t i, uint64_t cur, uint64_t total);
/* A free-standing message line (not in quiet mode). */
void ct_progress_note(struct ct_progress *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void ct_progress_done(struct ct_progress *p);

/* "12.3MB" (Docker uses decimal units). */
void ct_progress_size(uint64_t n, char *buf, size_t len);

#endif
