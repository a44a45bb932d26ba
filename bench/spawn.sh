#!/bin/sh
# bench/spawn.sh: container start-to-exit time of `ct-spawn run` vs crun and
# runc on one busybox bundle (made with t/lib/mkimage + umoci), process
# /bin/true, new pid/net/ipc/uts/mount namespaces (umoci's default config).
# Unique id per run; each runtime deletes its container after a foreground
# run. Prints medians, the ratios ct/crun and ct/runc, and peak RSS; then
# the same rootless (uid $ROOTLESS_UID, default 40123, on a
# `ct-spawn spec --rootless` bundle).
#
# On a hybrid cgroup host crun 1.8 refuses to run unless hugetlb has its own
# v1 hierarchy: the script mounts one for the run and removes it after.
#
#   sh bench/spawn.sh [RUNS]        (root; default 50 runs each)
set -eu
RUNS=${1:-50}
SRC=$(cd "$(dirname "$0")/.." && pwd)
CT=${CT_SPAWN:-$SRC/build/bin/ct-spawn}
[ "$(id -u)" = 0 ] || { echo "bench/spawn.sh: run as root" >&2; exit 1; }
[ -x "$CT" ] || { echo "bench/spawn.sh: build first (make); no $CT" >&2; exit 1; }
W=$(mktemp -d /tmp/ct-bench-spawn.XXXXXX)
mounted_hugetlb=0
cleanup() {
	[ $mounted_hugetlb = 1 ] && umount /sys/fs/cgroup/hugetlb 2>/dev/null && rmdir /sys/fs/cgroup/hugetlb 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT INT TERM

"$SRC/t/lib/mkimage" busybox "$W/layout" >/dev/null
umoci unpack --image "$W/layout:latest" "$W/bundle" >/dev/null 2>&1
jq '.process.terminal = false | .process.args = ["/bin/true"]' "$W/bundle/config.json" >"$W/c.json"
mv "$W/c.json" "$W/bundle/config.json"

if [ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ] &&
   [ ! -d /sys/fs/cgroup/hugetlb ]; then
	mkdir /sys/fs/cgroup/hugetlb 2>/dev/null || mount -o remount,rw /sys/fs/cgroup 2>/dev/null
	mkdir -p /sys/fs/cgroup/hugetlb &&
	mount -t cgroup -o hugetlb cgroup /sys/fs/cgroup/hugetlb && mounted_hugetlb=1
fi

now_us() { date +%s%6N; }

# time RUNS starts of "$@ ID" -> median microseconds on stdout
measure() {
	name=$1
	shift
	: >"$W/$name.times"
	i=0
	while [ $i -lt "$RUNS" ]; do
		id=bench-$name-$$-$i
		t0=$(now_us)
		"$@" "$id" >/dev/null 2>"$W/$name.err" || { echo "$name failed:" >&2; cat "$W/$name.err" >&2; return 1; }
		t1=$(now_us)
		echo $((t1 - t0)) >>"$W/$name.times"
		i=$((i + 1))
	done
	sort -n "$W/$name.times" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}

peak_rss() {
	# peak RSS (KiB) of the runtime process itself, via GNU time when present
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f %M "$@" "rss-$$-$(basename "$1")" 2>&1 >/dev/null | tail -n1
	else
		echo "?"
	fi
}

cd "$W"
echo "warming up..." >&2
"$CT" --root "$W/ct-root" run --bundle "$W/bundle" warm-$$ >/dev/null
ct=$(measure ct "$CT" --root "$W/ct-root" run --bundle "$W/bundle")
crun=$(measure crun crun --root "$W/crun-root" run --bundle "$W/bundle" 2>/dev/null || echo "")
runc=$(measure runc runc --root "$W/runc-root" run --bundle "$W/bundle")

printf '%-10s %10s\n' runtime "median(ms)"
printf '%-10s %10.2f\n' ct-spawn "$(echo "$ct" | awk '{ print $1 / 1000 }')"
[ -n "$crun" ] && printf '%-10s %10.2f\n' crun "$(echo "$crun" | awk '{ print $1 / 1000 }')"
printf '%-10s %10.2f\n' runc "$(echo "$runc" | awk '{ print $1 / 1000 }')"
[ -n "$crun" ] && printf 'ct/crun = %.2f\n' "$(echo "$ct $crun" | awk '{ print $1 / $2 }')"
printf 'ct/runc = %.2f\n' "$(echo "$ct $runc" | awk '{ print $1 / $2 }')"
# rootless: the same job run by an unprivileged uid (no passwd entry needed)
# on a `ct-spawn spec --rootless` bundle (its own uid mapped to 0, no
# network namespace, no cgroup), each runtime in its own state dir
RL_UID=${ROOTLESS_UID:-40123}
if command -v setpriv >/dev/null &&
   setpriv --reuid="$RL_UID" --regid="$RL_UID" --clear-groups unshare -U true 2>/dev/null; then
	chmod 755 "$W"
	mkdir -p "$W/rl" "$W/xdg" && cp -a "$W/bundle/rootfs" "$W/rl/rootfs"
	"$CT" spec --rootless --bundle "$W/rl"
	jq --argjson u "$RL_UID" '.process.terminal = false | .process.args = ["/bin/true"] |
		.linux.uidMappings[0].hostID = $u | .linux.gidMappings[0].hostID = $u' \
		"$W/rl/config.json" >"$W/rl.json" && mv "$W/rl.json" "$W/rl/config.json"
	chown -R "$RL_UID:$RL_UID" "$W/rl" "$W/xdg"
	as_rl() { setpriv --reuid="$RL_UID" --regid="$RL_UID" --clear-groups env XDG_RUNTIME_DIR="$W/xdg" "$@"; }
	rct=$(measure rl-ct as_rl "$CT" --root "$W/xdg/ct" run --bundle "$W/rl")
	rcrun=$(measure rl-crun as_rl crun --root "$W/xdg/crun" run --bundle "$W/rl" 2>/dev/null || echo "")
	rrunc=$(measure rl-runc as_rl runc --root "$W/xdg/runc" run --bundle "$W/rl" 2>/dev/null || echo "")
	printf 'rootless (uid %s): ct-spawn %.2f ms' "$RL_UID" "$(echo "$rct" | awk '{ print $1 / 1000 }')"
	[ -n "$rcrun" ] && printf ', crun %.2f ms (ct/crun = %.2f)' "$(echo "$rcrun" | awk '{ print $1 / 1000 }')" \
		"$(echo "$rct $rcrun" | awk '{ print $1 / $2 }')"
	[ -n "$rrunc" ] && printf ', runc %.2f ms (ct/runc = %.2f)' "$(echo "$rrunc" | awk '{ print $1 / 1000 }')" \
		"$(echo "$rct $rrunc" | awk '{ print $1 / $2 }')"
	echo
else
	echo "rootless: skipped (no setpriv, or unprivileged user namespaces are refused)"
fi
# the detached supervisor of `sleep 60` (conmon's, measured on this machine
# kind: about 2.1 MB, shared/NOTES.md)
jq '.process.args = ["sleep", "60"]' "$W/bundle/config.json" >"$W/sleep.json"
mkdir -p "$W/sleeper" && cp "$W/sleep.json" "$W/sleeper/config.json" &&
	jq --arg r "$W/bundle/rootfs" '.root.path = $r' "$W/sleep.json" >"$W/sleeper/config.json"
"$CT" --root "$W/ct-root" run -d --bundle "$W/sleeper" sup-$$ >/dev/null
sleep 0.3
cpid=$(jq .pid "$W/ct-root/sup-$$/state.json")
sup=$(ps -o ppid= -p "$cpid" | tr -d ' ')
rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$sup/status")
"$CT" --root "$W/ct-root" delete --force sup-$$
# conmon's, measured the same way when podman is here (a private store,
# as t/4060 sets it up), else the figure from shared/NOTES.md
conmon=
if command -v podman >/dev/null 2>&1 && command -v conmon >/dev/null 2>&1; then
	hard=$(ulimit -Hn); [ "$hard" = unlimited ] && hard=1048576
	printf '[containers]\ndefault_ulimits = ["nofile=%s:%s", "nproc=32768:32768"]\n[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\nevents_logfile_path = "%s/events.log"\n' \
		"$hard" "$hard" "$W" >"$W/containers.conf"
	printf '[storage]\ndriver = "overlay"\ngraphroot = "%s/pm/graph"\nrunroot = "%s/pm/run"\n' "$W" "$W" >"$W/storage.conf"
	echo 'unqualified-search-registries = []' >"$W/registries.conf"
	pm() {
		CONTAINERS_CONF="$W/containers.conf" CONTAINERS_STORAGE_CONF="$W/storage.conf" \
		CONTAINERS_REGISTRIES_CONF="$W/registries.conf" \
			timeout 60 podman --root "$W/pm/graph" --runroot "$W/pm/run" "$@"
	}
	# podman wants a lower-case path for the image name it derives
	ln -s "$W/layout" "/tmp/ct-bench-layout-$$"
	img=$(pm pull -q "oci:/tmp/ct-bench-layout-$$:latest" 2>/dev/null) || img=
	rm -f "/tmp/ct-bench-layout-$$"
	if [ -n "$img" ] &&
	   pc=$(pm --runtime runc run -d --network none "$img" sleep 60 2>/dev/null); then
		sleep 0.3
		cp=$(pm inspect --format '{{.State.ConmonPid}}' "$pc" 2>/dev/null)
		[ -n "$cp" ] && conmon=$(awk '/^VmRSS:/ { print $2 }' "/proc/$cp/status" 2>/dev/null)
		pm rm -f -t 0 "$pc" >/dev/null 2>&1
	fi
	pm system reset -f >/dev/null 2>&1
fi
if [ -n "$conmon" ]; then
	printf 'supervisor RSS: %s KiB, conmon (measured) %s KiB: ratio %.2f\n' "$rss" "$conmon" \
		"$(echo "$rss $conmon" | awk '{ print $1 / $2 }')"
else
	printf 'supervisor RSS: %s KiB (conmon about 2150 KiB: ratio %.2f)\n' "$rss" "$(echo "$rss" | awk '{ print $1 / 2150 }')"
fi
echo "peak RSS (KiB): ct-spawn $(peak_rss "$CT" --root "$W/ct-root" run --bundle "$W/bundle")" \
	"crun $(peak_rss crun --root "$W/crun-root" run --bundle "$W/bundle")" \
	"runc $(peak_rss runc --root "$W/runc-root" run --bundle "$W/bundle")"
