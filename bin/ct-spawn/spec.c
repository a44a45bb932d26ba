/* spec: write a starting config.json, as `runc spec [--rootless]` does. */
#include "cli.h"
#include "buf.h"
#include "err.h"
#include "file.h"
#include "json.h"
#include "say.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* runc's defaults: a shell on a terminal, a read-only rootfs/, Docker's
 * mounts, the runc capability set, the masked and read-only paths. */
static const char base_spec[] =
	"{\"ociVersion\": \"1.0.2\","
	" \"process\": {\"terminal\": true, \"user\": {\"uid\": 0, \"gid\": 0},"
	"  \"args\": [\"sh\"],"
	"  \"env\": [\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\","
	"           \"TERM=xterm\"],"
	"  \"cwd\": \"/\","
	"  \"capabilities\": {"
	"   \"bounding\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],"
	"   \"effective\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],"
	"   \"permitted\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],"
	"   \"ambient\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"]},"
	"  \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"hard\": 1024, \"soft\": 1024}],"
	"  \"noNewPrivileges\": true},"
	" \"root\": {\"path\": \"rootfs\", \"readonly\": true},"
	" \"hostname\": \"ct\","
	" \"mounts\": ["
	"  {\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},"
	"  {\"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\","
	"   \"options\": [\"nosuid\", \"strictatime\", \"mode=755\", \"size=65536k\"]},"
	"  {\"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": \"devpts\","
	"   \"options\": [\"nosuid\", \"noexec\", \"newinstance\", \"ptmxmode=0666\", \"mode=0620\", \"gid=5\"]},"
	"  {\"destination\": \"/dev/shm\", \"type\": \"tmpfs\", \"source\": \"shm\","
	"   \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"mode=1777\", \"size=65536k\"]},"
	"  {\"destination\": \"/dev/mqueue\", \"type\": \"mqueue\", \"source\": \"mqueue\","
	"   \"options\": [\"nosuid\", \"noexec\", \"nodev\"]},"
	"  {\"destination\": \"/sys\", \"type\": \"sysfs\", \"source\": \"sysfs\","
	"   \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"ro\"]},"
	"  {\"destination\": \"/sys/fs/cgroup\", \"type\": \"cgroup\", \"source\": \"cgroup\","
	"   \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"relatime\", \"ro\"]}],"
	" \"linux\": {"
	"  \"resources\": {\"devices\": [{\"allow\": false, \"access\": \"rwm\"}]},"
	"  \"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"network\"}, {\"type\": \"ipc\"},"
	"                 {\"type\": \"uts\"}, {\"type\": \"mount\"}, {\"type\": \"cgroup\"}],"
	"  \"maskedPaths\": [\"/proc/acpi\", \"/proc/asound\", \"/proc/kcore\", \"/proc/keys\","
	"   \"/proc/latency_stats\", \"/proc/timer_list\", \"/proc/timer_stats\","
	"   \"/proc/sched_debug\", \"/sys/firmware\", \"/proc/scsi\"],"
	"  \"readonlyPaths\": [\"/proc/bus\", \"/proc/fs\", \"/proc/irq\", \"/proc/sys\","
	"   \"/proc/sysrq-trigger\"]}}";

static json_t *one_map(unsigned id)
{
	return json_pack("[{s:i, s:I, s:i}]", "containerID", 0, "hostID", (json_int_t)id,
			 "size", 1);
}

/* runc spec --rootless: a user namespace mapping the caller to root, no
 * network namespace (it could not be wired up), no cgroup limits, /sys
 * bound from the host, devpts without the unmapped tty group. */
static void make_rootless(json_t *spec)
{
	json_t *linux = json_object_get(spec, "linux"), *ns = json_array(), *mounts, *m;
	size_t i;

	json_array_append_new(ns, json_pack("{s:s}", "type", "pid"));
	json_array_append_new(ns, json_pack("{s:s}", "type", "ipc"));
	json_array_append_new(ns, json_pack("{s:s}", "type", "uts"));
	json_array_append_new(ns, json_pack("{s:s}", "type", "mount"));
	json_array_append_new(ns, json_pack("{s:s}", "type", "cgroup"));
	json_array_append_new(ns, json_pack("{s:s}", "type", "user"));
	json_object_set_new(linux, "namespaces", ns);
	json_object_set_new(linux, "uidMappings", one_map((unsigned)geteuid()));
	json_object_set_new(linux, "gidMappings", one_map((unsigned)getegid()));
	json_object_del(linux, "resources");
	mounts = json_object_get(spec, "mounts");
	json_array_foreach(mounts, i, m) {
		const char *dest = ct_json_str(m, "destination");

		if (dest && strcmp(dest, "/sys") == 0) {
			json_object_set_new(m, "type", json_string("none"));
			json_object_set_new(m, "source", json_string("/sys"));
			json_object_set_new(m, "options",
					    json_pack("[s,s,s,s,s]", "rbind", "nosuid", "noexec",
						      "nodev", "ro"));
		} else if (dest && strcmp(dest, "/dev/pts") == 0) {
			json_t *opts = json_object_get(m, "options");

			json_array_remove(opts, json_array_size(opts) - 1);	/* gid=5 */
		}
	}
}

int verb_spec(const struct g_opts *g, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "rootless", no_argument, NULL, 'r' },
		{ "bundle", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *bundle = ".";
	struct ct_err e = { 0 };
	struct stat st;
	json_t *spec;
	char *path;
	int c, rootless = 0;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+b:h", lo, NULL)) != -1) {
		switch (c) {
		case 'r': rootless = 1; break;
		case 'b': bundle = optarg; break;
		case 'h':
			printf("usage: ct-spawn spec [--rootless] [--bundle DIR]\n"
			       "Write DIR/config.json (default ./): a shell on a terminal in rootfs/.\n"
			       "--rootless: map your own uid/gid to root in a user namespace, no\n"
			       "network namespace, no cgroup limits (runc spec --rootless).\n");
			return 0;
		default:
			return CT_EXIT_USAGE;
		}
	}
	if (optind != argc)
		ct_die_usage("usage: ct-spawn spec [--rootless] [--bundle DIR]");
	if (stat(bundle, &st) < 0 || !S_ISDIR(st.st_mode)) {
		ct_err(&e, 0, "no bundle directory %s; make it (with the root file system in rootfs/) first",
		       bundle);
		cli_fail(g, &e);
	}
	path = ct_xasprintf("%s/config.json", bundle);
	if (ct_exists(path)) {
		ct_err(&e, 0, "%s exists already; remove it first", path);
		cli_fail(g, &e);
	}
	spec = ct_json_parse(base_spec, sizeof base_spec - 1, "the built-in spec", &e);
	if (!spec)
		cli_fail(g, &e);
	if (rootless)
		make_rootless(spec);
	if (ct_json_write_file(path, spec, JSON_INDENT(2), 0644, &e) < 0)
		cli_fail(g, &e);
	ct_say("wrote %s%s", path, rootless ? " (rootless: your uid and gid map to root)" : "");
	json_decref(spec);
	free(path);
	return 0;
}
