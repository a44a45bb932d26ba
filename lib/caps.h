/* caps: applying the five capability sets of an OCI process.
 *
 * Order matters and is fixed here: drop the bounding set (needs
 * CAP_SETPCAP), switch uid/gid keeping the permitted set, then set
 * effective/permitted/inheritable with capset(2), then raise the ambient
 * set. ct_caps_set_bounding() and ct_caps_apply() are split so the caller
 * can change uid/gid between them. */
#ifndef CT_CAPS_H
#define CT_CAPS_H

#include <stdint.h>

struct ct_err;
struct oci_process;

/* The highest capability this kernel knows (/proc/sys/kernel/cap_last_cap). */
int ct_caps_last(void);
/* Drop every capability outside bounding from the bounding set. */
int ct_caps_set_bounding(uint64_t bounding, struct ct_err *e);
/* capset(effective, permitted, inheritable), then the ambient set. */
int ct_caps_apply(const struct oci_process *p, struct ct_err *e);
/* "CHOWN,KILL" style list for -v. Returns a malloc'd string. */
char *ct_caps_describe(uint64_t set);

#endif
