#!/bin/sh
test_description='ct run security flags: --cap-add/--cap-drop, --privileged, --security-opt, --read-only, seen from inside the container'
. "$(dirname "$0")/lib/test-lib.sh"
test_require ROOT OVERLAY BUSYBOX CGROUP JQ
. "$CT_SRC/t/6149-run-lib.sh"

# capeff ARGS...: the container's CapEff, as a hex number
capeff() {
	ct run --rm --network none "$@" busybox grep CapEff /proc/self/status | sed "s/.*:[[:space:]]*//"
}
# bit N of a hex mask
hasbit() { [ $(( (0x$1 >> $2) & 1 )) = 1 ]; }

test_expect_success 'setup: a busybox image' '
	run_image
'

test_expect_success 'by default: Docker'"'"'s capability set, NoNewPrivs 0, seccomp on' '
	ct run --rm --network none busybox grep -E "^(CapEff|NoNewPrivs|Seccomp):" /proc/self/status >out &&
	test_grep "^CapEff:[[:space:]]*00000000a80425fb$" out &&
	test_grep "^NoNewPrivs:[[:space:]]*0$" out &&
	test_grep "^Seccomp:[[:space:]]*2$" out
'

# capcfg FLAGS...: the effective set ct create writes for them, as hex
capcfg() {
	ct create --network none "$@" busybox >id &&
	jq -r ".process.capabilities.effective[]" "$(cfile "$(cat id)" config.json)" >caps &&
	m=0 && while read -r c; do
		n=$(grep -n "^$c$" "$TEST_DIR/capnames" | cut -d: -f1) || return 1
		m=$((m | (1 << (n - 1))))
	done <caps &&
	printf "%016x\n" "$m"
}

test_expect_success '--cap-drop removes one; ALL removes all (inside the container)' '
	c=$(capeff --cap-drop chown) && ! hasbit "$c" 0 && hasbit "$c" 1 &&
	test "$(capeff --cap-drop ALL)" = 0000000000000000
'

test_expect_success '--cap-add adds one; with --cap-drop ALL only the added remain' '
	c=$(capeff --cap-drop ALL --cap-add net_admin) && test "$c" = 0000000000001000
'

test_expect_success 'any case, with or without CAP_, --flag=value' '
	for c in CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID SETPCAP \
		LINUX_IMMUTABLE NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW IPC_LOCK IPC_OWNER \
		SYS_MODULE SYS_RAWIO SYS_CHROOT SYS_PTRACE SYS_PACCT SYS_ADMIN SYS_BOOT SYS_NICE \
		SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG MKNOD LEASE AUDIT_WRITE AUDIT_CONTROL SETFCAP \
		MAC_OVERRIDE MAC_ADMIN SYSLOG WAKE_ALARM BLOCK_SUSPEND AUDIT_READ PERFMON BPF \
		CHECKPOINT_RESTORE; do echo "CAP_$c"; done >capnames &&
	test "$(capcfg)" = 00000000a80425fb &&
	c=$(capcfg --cap-drop=CAP_NET_RAW) && ! hasbit "$c" 13 && hasbit "$c" 0 &&
	test "$(capcfg --cap-drop all)" = 0000000000000000 &&
	test "$(capcfg --cap-drop=ALL --cap-add=CAP_KILL --cap-add chown)" = 0000000000000021 &&
	c=$(capcfg --cap-add Sys_Admin) && hasbit "$c" 21 && hasbit "$c" 0
'

test_expect_success '--cap-add ALL gives every capability ct holds, minus --cap-drop' '
	mine=$(sed -n "s/^CapBnd:[[:space:]]*//p" /proc/self/status) &&
	c=$(capeff --cap-add ALL --cap-drop chown) &&
	test "$(printf "%016x" $((0x$mine & ~1)))" = "$c"
'

test_expect_success 'unknown capabilities, or ones ct lacks, are refused naming the flag' '
	test_expect_code 125 ct run --rm --network none --cap-add CAP_FLY busybox true 2>err &&
	test_grep "cap-add: unknown capability: \"CAP_FLY\"" err &&
	test_expect_code 125 ct run --rm --network none --cap-drop fly busybox true 2>err &&
	test_grep "cap-drop: unknown capability" err &&
	if ! hasbit "$(sed -n "s/^CapBnd:[[:space:]]*//p" /proc/self/status)" 24; then
		test_expect_code 125 ct run --rm --network none --cap-add SYS_RESOURCE busybox true 2>err &&
		test_grep "lacks CAP_SYS_RESOURCE" err
	fi
'

test_expect_success '--security-opt no-new-privileges sets NoNewPrivs (also :true, not :false)' '
	ct run --rm --network none --security-opt no-new-privileges busybox grep NoNewPrivs /proc/self/status >out &&
	test_grep "1$" out &&
	ct create --network none --security-opt=no-new-privileges:true busybox >id &&
	test "$(jq .process.noNewPrivileges "$(cfile "$(cat id)" config.json)")" = true &&
	ct create --network none --security-opt no-new-privileges --security-opt no-new-privileges:false busybox >id &&
	test "$(jq .process.noNewPrivileges "$(cfile "$(cat id)" config.json)")" = false
'

test_expect_success '--security-opt seccomp=unconfined turns the filter off; seccomp=FILE loads one' '
	ct run --rm --network none --security-opt seccomp=unconfined busybox grep "^Seccomp:" /proc/self/status >out &&
	test_grep "0$" out &&
	cat >prof.json <<-\PROF &&
	{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"],
	 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}
	PROF
	test_must_fail ct run --rm --network none --security-opt seccomp=$PWD/prof.json busybox mkdir /tmp/x 2>err &&
	ct run --rm --network none --security-opt seccomp=$PWD/prof.json busybox sh -c "grep ^Seccomp: /proc/self/status; echo hi" >out &&
	test_grep "2$" out && test_grep "^hi$" out &&
	test_expect_code 125 ct run --rm --network none --security-opt seccomp=$PWD/none.json busybox true 2>err &&
	test_grep "none.json" err &&
	test_expect_code 125 ct run --rm --network none --security-opt apparmor=x busybox true 2>err &&
	test_grep "security-opt \"apparmor=x\": not supported" err
'

test_expect_success '--privileged: every capability ct holds, no seccomp, no masked paths, host devices' '
	mine=$(sed -n "s/^CapBnd:[[:space:]]*//p" /proc/self/status) &&
	ct run --rm --network none --privileged busybox sh -c \
		"grep -E \"^(CapEff|Seccomp):\" /proc/self/status; grep -c \" /proc/keys \" /proc/self/mountinfo; \
		 grep \" /sys \" /proc/self/mountinfo | cut -d\" \" -f6; ls /dev" >out &&
	test_grep "^CapEff:[[:space:]]*$mine$" out &&
	test_grep "^Seccomp:[[:space:]]*0$" out &&
	test_grep "^0$" out &&
	test_grep "^rw" out &&
	test_grep "^loop-control$\|^tty0$\|^kmsg$" out &&
	ct run --rm --network none busybox sh -c "grep -c \" /proc/keys \" /proc/self/mountinfo; ls /dev" >out &&
	test_grep "^1$" out && ! grep -q "^kmsg$" out
'

test_expect_success '--read-only: writing the root fails, /tmp-like tmpfs still works' '
	test_must_fail ct run --rm --network none --read-only busybox touch /x 2>err &&
	test_grep "Read-only file system" err &&
	ct run --rm --network none --read-only --tmpfs /tmp busybox sh -c "touch /tmp/x && echo ok" >out &&
	test_grep "^ok$" out &&
	ct run --rm --network none busybox sh -c "touch /x && echo ok" >out &&
	test_grep "^ok$" out
'

test_done
