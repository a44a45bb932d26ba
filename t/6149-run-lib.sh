# t/6149-run-lib.sh: shared by t/61xx-run-*.t (ct run's runtime flags).
# Sourced after test-lib.sh.

test_cleanup 'for d in "$CT_ROOT"/containers/*/; do [ -d "$d" ] && ct rm -f "$(basename "$d")" >/dev/null 2>&1; done'

# run_image: a busybox image named busybox with every applet, a user app
# (1000) and a group app, as `ct image import` makes it from a directory.
run_image() {
	mkdir -p rootfs/bin rootfs/etc rootfs/tmp rootfs/run &&
	cp "$(command -v busybox)" rootfs/bin/busybox &&
	for a in $(rootfs/bin/busybox --list); do
		[ "$a" = busybox ] || ln -s busybox "rootfs/bin/$a" || return 1
	done &&
	echo "root:x:0:0:root:/root:/bin/sh" >rootfs/etc/passwd &&
	echo "app:x:1000:1000:app:/home/app:/bin/sh" >>rootfs/etc/passwd &&
	echo "root:x:0:" >rootfs/etc/group && echo "app:x:1000:" >>rootfs/etc/group &&
	ct import -c "CMD [\"/bin/sh\"]" rootfs busybox >/dev/null
}

# where the container sees a controller's file: v1 (and hybrid) mount each
# controller on its own, v2 has one tree
if [ "$(stat -f -c %T /sys/fs/cgroup 2>/dev/null)" = cgroup2fs ]; then
	run_cgmode=v2
else
	run_cgmode=v1
fi
cgin() {
	if [ $run_cgmode = v2 ]; then echo "/sys/fs/cgroup/$2"; else echo "/sys/fs/cgroup/$1/$2"; fi
}

# cfile ID FILE: a file of the container (ID as ct create prints it)
cfile() { echo "$CT_ROOT/containers/$1/$2"; }
