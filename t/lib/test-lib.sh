# t/lib/test-lib.sh: the shell test library, in the spirit of git's t/.
#
# A test script t/NNNN-topic.t looks like:
#
#     #!/bin/sh
#     test_description='what this script checks'
#     . "$(dirname "$0")/lib/test-lib.sh"
#     test_require ROOT OVERLAY           # skip_all with the reason otherwise
#
#     test_expect_success 'a name that says what is checked' '
#         ct-unpack ... >out &&
#         test_cmp expect out
#     '
#     test_done
#
# It prints TAP for prove. Each script gets its own temporary directory
# ($TEST_DIR, also the cwd) and its own state root ($CT_ROOT inside it).
# Everything a test makes that outlives a command (mounts, network
# namespaces, links, processes, firewall tables) is registered with
# test_cleanup 'command' and undone at exit, in reverse order, even when
# the script fails or is interrupted; a last sweep unmounts anything still
# mounted under $TEST_DIR.
#
# Bodies run in the script's own shell (as in git), so variables persist
# between tests; chain commands with &&. Output of a body is kept in a file
# and shown as TAP comments only when the test fails, or always with
# CT_TEST_VERBOSE=1 (or `sh t/NNNN.t -v`).

set -u

# --- where things are ------------------------------------------------------
if [ -z "${CT_SRC:-}" ]; then
	CT_SRC=$(cd "$(dirname "$0")/.." && pwd)
fi
: "${CT_BUILD:=$CT_SRC/build}"
export CT_SRC CT_BUILD
PATH=$CT_BUILD/bin:$PATH
export PATH
TEST_NAME=$(basename "$0" .t)

for arg in "$@"; do
	case $arg in
	-v|--verbose) CT_TEST_VERBOSE=1 ;;
	esac
done
: "${CT_TEST_VERBOSE:=0}"

test_count=0
test_failed=0
test_fixed=0
test_broken=0
test_cleanups=""
test_done_called=0

# --- the private directory --------------------------------------------------
TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/ct-$TEST_NAME.XXXXXX") || {
	echo "1..0 # SKIP cannot create a temporary directory"
	exit 0
}
export TEST_DIR
CT_ROOT=$TEST_DIR/root
export CT_ROOT
# a private config, so the host's /etc/ct/ct.conf does not change results
CT_CONFIG=$TEST_DIR/ct.conf
: >"$CT_CONFIG"
export CT_CONFIG
# the dependency cache lives under the real HOME; keep finding it
: "${CT_DEPS_DIR:=${XDG_CACHE_HOME:-$HOME/.cache}/ct-deps}"
export CT_DEPS_DIR
HOME=$TEST_DIR/home
mkdir -p "$HOME" "$CT_ROOT"
export HOME
unset DOCKER_CONFIG XDG_DATA_HOME XDG_CONFIG_HOME XDG_RUNTIME_DIR
# A private tmux server: its sessions get this script's environment (a
# shared server keeps the environment of whoever started it), and no other
# script's clean-up can take it down under us.
TMUX_TMPDIR=$TEST_DIR
export TMUX_TMPDIR
unset TMUX
# ct-spawn's compiled seccomp filters go here, not to the host's /run
CT_SECCOMP_CACHE=$TEST_DIR/seccomp-cache
export CT_SECCOMP_CACHE
cd "$TEST_DIR" || exit 1

# --- clean-up ---------------------------------------------------------------

# test_cleanup 'shell command': run at exit, last registered first.
test_cleanup() {
	test_cleanups="$1
$test_cleanups"
}

# Unmount every mount point under $TEST_DIR, deepest first.
test_sweep_mounts_() {
	[ -r /proc/self/mountinfo ] || return 0
	awk -v d="$TEST_DIR" '
		{ p = $5; gsub(/\\040/, " ", p)
		  if (p == d || index(p, d "/") == 1) print length(p) " " p }' \
		/proc/self/mountinfo | sort -rn | cut -d' ' -f2- |
	while IFS= read -r m; do
		umount -l "$m" 2>/dev/null || true
	done
}

test_run_cleanups_() {
	trap - EXIT INT TERM HUP
	printf '%s\n' "$test_cleanups" | while IFS= read -r c; do
		[ -n "$c" ] || continue
		( eval "$c" ) >/dev/null 2>&1 || true
	done
	if command -v ip >/dev/null 2>&1; then
		ip netns list 2>/dev/null | awk -v s="-$$" '
			$1 ~ /^ct-test-/ && substr($1, length($1) - length(s) + 1) == s { print $1 }' |
		while IFS= read -r ns; do ip netns delete "$ns" 2>/dev/null; done
	fi
	if [ -S "$TEST_DIR/tmux-$(id -u)/default" ]; then
		tmux kill-server >/dev/null 2>&1 || true
	fi
	test_sweep_mounts_
	if [ -n "${CT_TEST_KEEP:-}" ]; then
		echo "# kept $TEST_DIR" >&2
	else
		rm -rf "$TEST_DIR" 2>/dev/null || {
			test_sweep_mounts_
			rm -rf "$TEST_DIR" 2>/dev/null || echo "# could not remove $TEST_DIR" >&2
		}
	fi
}

test_exit_() {
	status=$?
	if [ "$test_done_called" = 0 ]; then
		echo "# the script stopped before test_done (exit status $status)"
		status=1
	fi
	test_run_cleanups_
	exit "$status"
}
trap test_exit_ EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# --- TAP --------------------------------------------------------------------

# skip_all 'reason': the whole script does not apply to this machine.
skip_all() {
	echo "1..0 # SKIP $*"
	test_done_called=1
	exit 0
}

test_show_output_() {
	# $1: output file; shown as TAP comments
	[ -s "$1" ] || return 0
	sed 's/^/#   /' "$1"
}

test_body_status_() {
	# runs the body, records its status whatever the output mode
	test_out_=$TEST_DIR/.out-$test_count
	{
		eval "$1"
	} </dev/null >"$test_out_" 2>&1
	test_status_=$?
	if [ "$CT_TEST_VERBOSE" = 1 ]; then
		sed 's/^/# /' "$test_out_"
	fi
	return $test_status_
}

# test_expect_success [PREREQ,...] 'name' 'body'
test_expect_success() {
	test_prereq_=""
	if [ $# = 3 ]; then
		test_prereq_=$1
		shift
	fi
	test_count=$((test_count + 1))
	if [ -n "$test_prereq_" ] && ! test_have_prereq "$test_prereq_"; then
		echo "ok $test_count # SKIP $1 (missing $test_missing_prereq_)"
		return 0
	fi
	if test_body_status_ "$2"; then
		echo "ok $test_count - $1"
	else
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $1"
		echo "#   body:"
		printf '%s\n' "$2" | sed 's/^/#     /'
		echo "#   output (status $test_status_):"
		[ "$CT_TEST_VERBOSE" = 1 ] || test_show_output_ "$TEST_DIR/.out-$test_count"
	fi
	rm -f "$TEST_DIR/.out-$test_count"
}

# test_expect_failure 'name' 'body': a known breakage (TAP TODO).
test_expect_failure() {
	test_count=$((test_count + 1))
	if test_body_status_ "$2"; then
		test_fixed=$((test_fixed + 1))
		echo "ok $test_count - $1 # TODO known breakage vanished"
	else
		test_broken=$((test_broken + 1))
		echo "not ok $test_count - $1 # TODO known breakage"
	fi
	rm -f "$TEST_DIR/.out-$test_count"
}

# test_skip 'name' 'reason'
test_skip() {
	test_count=$((test_count + 1))
	echo "ok $test_count # SKIP $1 ($2)"
}

test_done() {
	test_done_called=1
	echo "1..$test_count"
	if [ "$test_failed" -gt 0 ]; then
		echo "# failed $test_failed of $test_count"
		exit 1
	fi
	exit 0
}

# --- prerequisites ------------------------------------------------------------

# Each prerequisite is probed once per script. Names:
#   ROOT OVERLAY USERNS NETNS CGROUP NFT SKOPEO UMOCI BUSYBOX JQ TMUX
#   CRUN RUNC PODMAN REGISTRY SETCAP MKIMAGE STRACE
test_probe_() {
	case $1 in
	ROOT) [ "$(id -u)" = 0 ] ;;
	OVERLAY) grep -qw overlay /proc/filesystems 2>/dev/null ||
		{ modprobe overlay 2>/dev/null && grep -qw overlay /proc/filesystems; } ;;
	USERNS) unshare -U true 2>/dev/null ;;
	NETNS) [ "$(id -u)" = 0 ] && unshare -n true 2>/dev/null ;;
	MOUNTNS) [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null ;;
	CGROUP) [ "$(id -u)" = 0 ] && [ -d /sys/fs/cgroup ] ;;
	NFT) command -v nft >/dev/null && [ "$(id -u)" = 0 ] ;;
	SKOPEO) command -v skopeo >/dev/null ;;
	UMOCI) command -v umoci >/dev/null ;;
	BUSYBOX) [ -x /bin/busybox ] && /bin/busybox --list 2>/dev/null | grep -qx httpd ;;
	JQ) command -v jq >/dev/null ;;
	TMUX) command -v tmux >/dev/null ;;
	CRUN) command -v crun >/dev/null ;;
	RUNC) command -v runc >/dev/null ;;
	PODMAN) command -v podman >/dev/null ;;
	REGISTRY) command -v docker-registry >/dev/null && command -v htpasswd >/dev/null ;;
	SETCAP) command -v setcap >/dev/null && command -v getcap >/dev/null ;;
	MKIMAGE) [ "$(id -u)" = 0 ] && [ -x /bin/busybox ] && command -v jq >/dev/null ;;
	STRACE) command -v strace >/dev/null && strace -f -o /dev/null true 2>/dev/null ;;
	*) echo "# unknown prerequisite $1" >&2; return 1 ;;
	esac
}

test_prereq_cache_=" "
test_missing_prereq_=""
# test_have_prereq A,B,...: true when all hold; sets test_missing_prereq_
test_have_prereq() {
	test_missing_prereq_=""
	for p in $(printf '%s' "$1" | tr ',' ' '); do
		case $test_prereq_cache_ in
		*" $p=1 "*) continue ;;
		*" $p=0 "*) test_missing_prereq_="$test_missing_prereq_ $p"; continue ;;
		esac
		if test_probe_ "$p" >/dev/null 2>&1; then
			test_prereq_cache_="$test_prereq_cache_$p=1 "
		else
			test_prereq_cache_="$test_prereq_cache_$p=0 "
			test_missing_prereq_="$test_missing_prereq_ $p"
		fi
	done
	test_missing_prereq_=${test_missing_prereq_# }
	[ -z "$test_missing_prereq_" ]
}

# test_require A B ...: skip the whole script unless all hold.
test_require() {
	for p in "$@"; do
		test_have_prereq "$p" || skip_all "needs $p ($(test_prereq_why_ "$p"))"
	done
}

test_prereq_why_() {
	case $1 in
	ROOT) echo "run as root" ;;
	OVERLAY) echo "the kernel has no overlay filesystem" ;;
	USERNS) echo "user namespaces are not allowed here" ;;
	NETNS|MOUNTNS) echo "cannot create the namespace" ;;
	*) echo "not available on this machine" ;;
	esac
}

# --- assertions ---------------------------------------------------------------

# test_cmp EXPECTED ACTUAL: files equal, else show the diff.
test_cmp() {
	diff -u "$1" "$2"
}

# test_must_fail CMD...: fails normally (not killed by a signal, not 127).
test_must_fail() {
	"$@"
	s=$?
	if [ $s = 0 ]; then
		echo "test_must_fail: '$*' succeeded" >&2
		return 1
	elif [ $s -gt 128 ] && [ $s -le 192 ]; then
		echo "test_must_fail: '$*' died of signal $((s - 128))" >&2
		return 1
	elif [ $s = 127 ]; then
		echo "test_must_fail: '$*' not found" >&2
		return 1
	fi
	return 0
}

# test_expect_code N CMD...: exits with exactly N.
test_expect_code() {
	want=$1
	shift
	"$@"
	s=$?
	[ $s = "$want" ] && return 0
	echo "test_expect_code: '$*' exited $s, want $want" >&2
	return 1
}

# test_grep [grep options] PATTERN FILE: like grep, but shows the file on failure.
test_grep() {
	eval "test_grep_file_=\${$#}"
	grep "$@" && return 0
	echo "test_grep: no match for '$*'; the file was:" >&2
	sed 's/^/| /' "$test_grep_file_" >&2
	return 1
}

test_path_is_file() { [ -f "$1" ] || { echo "not a file: $1" >&2; return 1; }; }
test_path_is_dir() { [ -d "$1" ] || { echo "not a directory: $1" >&2; return 1; }; }
test_path_is_missing() { ! [ -e "$1" ] && ! [ -L "$1" ] || { echo "exists: $1" >&2; return 1; }; }

# test_static BINARY: a fully static executable.
test_static() {
	file -L "$1" | grep -q 'statically linked' ||
		{ echo "not static: $(file -L "$1")" >&2; return 1; }
}

# --- fixtures -------------------------------------------------------------------

# ct_fixture KIND [mkimage options...]: print the path of an OCI image
# layout made by t/lib/mkimage, built once per build tree and shared by every
# script (under a lock, since prove runs scripts in parallel). Layouts are
# read-only to tests: copy one (cp -a) before changing it.
ct_fixture() {
	fx_key=$(printf '%s' "$*" | tr -c 'A-Za-z0-9._-' '_')
	fx_dir=$CT_BUILD/fixtures/$fx_key
	mkdir -p "$CT_BUILD/fixtures"
	(
		flock 9
		if [ ! -f "$fx_dir/index.json" ]; then
			rm -rf "$fx_dir.tmp"
			fx_kind=$1
			shift
			"$CT_SRC/t/lib/mkimage" "$@" "$fx_kind" "$fx_dir.tmp" >/dev/null &&
				mv "$fx_dir.tmp" "$fx_dir"
		fi
	) 9>"$CT_BUILD/fixtures/.lock" || return 1
	[ -f "$fx_dir/index.json" ] || return 1
	printf '%s\n' "$fx_dir"
}

# test_netns NAME: a throw-away network namespace named ct-test-NAME-PID,
# removed at exit (also when made in a $(...) subshell: the exit sweeps
# every ct-test-*-PID namespace of this script). Prints its name.
test_netns() {
	ns=ct-test-$1-$$
	ip netns add "$ns" || return 1
	test_cleanup "ip netns delete $ns"
	ip -n "$ns" link set lo up
	printf '%s\n' "$ns"
}

# test_bg NAME CMD...: start CMD in the background, killed at exit.
test_bg() {
	bg_name=$1
	shift
	"$@" &
	eval "test_pid_$bg_name=$!"
	test_cleanup "kill $! 2>/dev/null; sleep 0.1; kill -9 $! 2>/dev/null"
}
