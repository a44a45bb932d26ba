# ct system verbs: version, info (and the reserved build, compose).
# Sourced by ct.

ct_version() { echo "ct version $CT_VERSION"; }

ct_info() {
	echo "ct version $CT_VERSION"
	echo "Root: $ROOT"
	echo "Containers: $(ids_all | wc -l)"
	echo "Tools:"
	for t in pull push image unpack mount net spawn build compose; do
		have_tool "$t" && echo " ct-$t"
	done
	echo "Kernel: $(uname -sr)"
	if [ -f /sys/fs/cgroup/cgroup.controllers ]; then echo "Cgroups: v2"
	elif [ -d /sys/fs/cgroup/unified ]; then echo "Cgroups: hybrid (v1 + v2)"
	else echo "Cgroups: v1"; fi
}
ct_system_info() { ct_info "$@"; }

# ct build and ct compose belong to ct-build and ct-compose
reserved() {
	v=$1
	shift
	have_tool "$v" || die "'ct $v' is not available in this build (ct-$v is not built yet)"
	tool "$v" "$@"
}
ct_build() { reserved build "$@"; }
ct_compose() { reserved compose "$@"; }
