#include "caps.h"
#include "buf.h"
#include "err.h"
#include "ocispec.h"
#include "say.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int ct_caps_last(void)
{
	char b[16] = "";
	int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
	ssize_t n = -1;

	if (fd >= 0) {
		n = read(fd, b, sizeof b - 1);
		close(fd);
	}
	if (n > 0) {
		b[n] = 0;
		return (int)strtol(b, NULL, 10);
	}
	/* no /proc yet: probe the bounding set */
	int last = 0;
	while (last < 63 && prctl(PR_CAPBSET_READ, last + 1, 0, 0, 0) >= 0)
		last++;
	return last;
}

int ct_caps_set_bounding(uint64_t bounding, struct ct_err *e)
{
	int last = ct_caps_last();

	for (int c = 0; c <= last; c++) {
		if (bounding & (1ULL << c))
			continue;
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
			return ct_err(e, errno, "prctl(PR_CAPBSET_DROP, CAP_%s)", oci_cap_name(c));
	}
	return 0;
}

int ct_caps_apply(const struct oci_process *p, struct ct_err *e)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	int last = ct_caps_last();

	for (int i = 0; i < 2; i++) {
		d[i].effective = (uint32_t)(p->caps[OCI_CAP_EFFECTIVE] >> (32 * i));
		d[i].permitted = (uint32_t)(p->caps[OCI_CAP_PERMITTED] >> (32 * i));
		d[i].inheritable = (uint32_t)(p->caps[OCI_CAP_INHERITABLE] >> (32 * i));
	}
	if (syscall(SYS_capset, &h, d) < 0)
		return ct_err(e, errno, "capset(effective %#llx, permitted %#llx, inheritable %#llx)",
			      (unsigned long long)p->caps[OCI_CAP_EFFECTIVE],
			      (unsigned long long)p->caps[OCI_CAP_PERMITTED],
			      (unsigned long long)p->caps[OCI_CAP_INHERITABLE]);
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return ct_err(e, errno, "prctl(PR_CAP_AMBIENT_CLEAR_ALL)");
	for (int c = 0; c <= last; c++) {
		if (!(p->caps[OCI_CAP_AMBIENT] & (1ULL << c)))
			continue;
		if (!(p->caps[OCI_CAP_INHERITABLE] & p->caps[OCI_CAP_PERMITTED] & (1ULL << c))) {
			/* the kernel refuses it (EPERM); runc and crun leave it
			 * out, and runc spec's default asks for just that */
			ct_say("ambient CAP_%s left out: not in both the inheritable and permitted sets",
			       oci_cap_name(c));
			continue;
		}
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0)
			return ct_err(e, errno, "prctl(PR_CAP_AMBIENT_RAISE, CAP_%s)", oci_cap_name(c));
	}
	return 0;
}

char *ct_caps_describe(uint64_t set)
{
	struct ct_buf b = CT_BUF_INIT;

	for (int c = 0; c <= OCI_CAP_LAST; c++)
		if (set & (1ULL << c))
			ct_buf_printf(&b, "%s%s", b.len ? "," : "", oci_cap_name(c));
	if (!b.len)
		ct_buf_puts(&b, "(none)");
	return ct_buf_detach(&b);
}
