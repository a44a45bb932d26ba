/* say: -v narration. Every tool takes -v (repeatable); with it, each
 * kernel-level step is told on stderr as it happens:
 *
 *     + ct-spawn: unshare(CLONE_NEWNS|CLONE_NEWPID)
 *
 * The level is set once by main; library code only calls ct_say(). */
#ifndef CT_SAY_H
#define CT_SAY_H

void ct_set_verbose(int level);
int ct_verbose(void);

/* Print "+ PROG: text" on stderr when the verbose level is >= 1. */
void ct_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same at level >= 2 (-vv): details such as headers or every rule. */
void ct_say2(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
