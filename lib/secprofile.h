/* secprofile: an OCI linux.seccomp object -> a libseccomp filter, loaded into
 * the calling process. Syscall names this libseccomp or architecture does
 * not know are skipped (as runc and crun do); unknown actions, operators
 * and architectures are errors. */
#ifndef CT_SECPROFILE_H
#define CT_SECPROFILE_H

#include <jansson.h>

struct ct_err;

/* Build (or find built before) and keep the BPF of profile, before the
 * process leaves the host's mount namespace: /run/ct-spawn/seccomp (or
 * $CT_SECCOMP_CACHE; "" for none) keeps it across runs. Never fails:
 * without it ct_seccomp_load builds the filter itself. */
void ct_seccomp_prepare(const json_t *profile);
/* Build and load (the prepared program when profile is the one prepared).
 * *nrules gets the number of rules added (for -v). */
int ct_seccomp_load(const json_t *profile, int *nrules, struct ct_err *e);
/* Build only and export the BPF to fd (tests, --debug). */
int ct_seccomp_export(const json_t *profile, int fd, int *nrules, struct ct_err *e);

#endif
