/* cgroup: the pure parts (which limits a spec asks for, shares -> weight). */
#include "cgroup.h"
#include "ocispec.h"
#include "tap.h"

static struct oci_resources none(void)
{
	struct oci_resources r = { -1, -1, -1, -1, -1, -1, NULL, NULL, -1 };

	return r;
}

int main(void)
{
	struct oci_resources r = none();
	char what[32] = "x";

	ok(!ct_cgroup_limits_asked(&r, what, sizeof what) && what[0] == 0,
	   "unset resources ask for no limit (rootless can skip the cgroup)");
	r.pids_limit = 0;
	r.cpu_quota = 0;
	r.cpus = (char *)"";
	ok(!ct_cgroup_limits_asked(&r, NULL, 0), "zero quota, pids 0, empty cpus: no limit either");
	r = none();
	r.mem_limit = 64 << 20;
	ok(ct_cgroup_limits_asked(&r, what, sizeof what) && strcmp(what, "memory.limit") == 0,
	   "a memory limit is named memory.limit");
	r = none();
	r.pids_limit = 10;
	ok(ct_cgroup_limits_asked(&r, what, sizeof what) && strcmp(what, "pids.limit") == 0,
	   "a pids limit is named pids.limit");
	r = none();
	r.cpus = (char *)"0-1";
	ok(ct_cgroup_limits_asked(&r, what, sizeof what) && strcmp(what, "cpu.cpus") == 0,
	   "a cpuset is named cpu.cpus");
	ok(ct_cgroup_shares_to_weight(2) == 1 && ct_cgroup_shares_to_weight(262144) == 10000 &&
	   ct_cgroup_shares_to_weight(1024) == 39, "shares 2/1024/262144 -> weight 1/39/10000");
	return tap_done();
}
