# Sourced by the scripts that drive Podman with ct-spawn as its runtime
# (t/4060, t/4018): Podman without systemd, all its state and config in
# $TEST_DIR (shared/NOTES.md: the default ulimits ask for more than this
# machine's root may take, hence the hard limit).
podman_private_config() {
	pc_hard=$(ulimit -Hn)
	[ "$pc_hard" = unlimited ] && pc_hard=1048576
	cat >"$TEST_DIR/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=$pc_hard:$pc_hard", "nproc=32768:32768"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$TEST_DIR/events.log"
EOF
	cat >"$TEST_DIR/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$TEST_DIR/pm/graph"
runroot = "$TEST_DIR/pm/run"
EOF
	echo 'unqualified-search-registries = []' >"$TEST_DIR/registries.conf"
	CONTAINERS_CONF="$TEST_DIR/containers.conf"
	CONTAINERS_STORAGE_CONF="$TEST_DIR/storage.conf"
	CONTAINERS_REGISTRIES_CONF="$TEST_DIR/registries.conf"
	export CONTAINERS_CONF CONTAINERS_STORAGE_CONF CONTAINERS_REGISTRIES_CONF
}
