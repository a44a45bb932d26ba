/* secprofile: an OCI linux.seccomp object -> a libseccomp filter, loaded into
 * the calling process. Syscall names this libseccomp or architecture does
 * not know are skipped (as runc and crun do); unknown actions, operators
 * and architectures are errors. */
#ifndef CT_SECPROFILE_H
#define CT_SECPROFILE_H

#include <jansson.h>

struct ct_err;

/* Build and load. *nrules gets the number of rules added (for -v). */
int ct_seccomp_load(const json_t *profile, int *nrules, struct ct_err *e);
/* Build only and export the BPF to fd (tests, --debug). */
int ct_seccomp_export(const json_t *profile, int fd, int *nrules, struct ct_err *e);

#endif
