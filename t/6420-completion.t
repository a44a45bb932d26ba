#!/bin/sh
test_description='bash completion of ct: verbs, sub-verbs, container and image names, run flags and values; make install puts it in place'
. "$(dirname "$0")/lib/test-lib.sh"
test_require ROOT OVERLAY BUSYBOX
command -v bash >/dev/null || skip_all "needs bash"

COMP=$CT_SRC/share/bash-completion/completions/ct
test_cleanup 'for d in "$CT_ROOT"/containers/*/; do [ -d "$d" ] && ct rm -f "$(basename "$d")" >/dev/null 2>&1; done'

# comp 'ct WORDS...': the completions bash offers for the last word (may be
# empty: end the line with a space), one per line, sorted
comp() {
	bash -c '
		. "$1" || exit 1
		line=$2
		read -r -a COMP_WORDS <<<"$line"
		case $line in *" ") COMP_WORDS+=("") ;; esac
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE=$line COMP_POINT=${#line}
		_ct
		printf "%s\n" "${COMPREPLY[@]}" | sort -u | sed "/^\$/d"
	' comp "$COMP" "$1"
}

test_expect_success 'setup: an image and a container named web' '
	mkdir -p rootfs/bin &&
	cp "$(command -v busybox)" rootfs/bin/busybox &&
	ln -s busybox rootfs/bin/sh &&
	ct import -c "CMD [\"/bin/sh\"]" rootfs busybox:1.0 >/dev/null &&
	ct create --network none --name web busybox:1.0 >id
'

test_expect_success 'the file is valid bash and registers _ct for ct' '
	bash -c ". \"$COMP\" && complete -p ct" >out &&
	grep -q -- "-F _ct ct$" out
'

test_expect_success 'ct r<TAB>: the verbs that start with r' '
	comp "ct r" >out &&
	printf "%s\n" rename restart rm rmi run >expect &&
	test_cmp expect out
'

test_expect_success 'ct start <TAB> lists the container by name and short id' '
	comp "ct start " >out &&
	grep -qx web out &&
	grep -qx "$(printf %.12s "$(cat id)")" out &&
	comp "ct container stop w" >out &&
	test "$(cat out)" = web
'

test_expect_success 'ct run <TAB> and ct rmi <TAB> offer the image' '
	comp "ct run " >out && grep -qx busybox:1.0 out &&
	comp "ct rmi b" >out && test "$(cat out)" = busybox:1.0 &&
	comp "ct run --rm -e A=1 --name x b" >out && test "$(cat out)" = busybox:1.0
'

test_expect_success 'after the image, run completes nothing of its own' '
	comp "ct run busybox:1.0 " >out &&
	! test -s out
'

test_expect_success 'run flags and their values' '
	comp "ct run --netw" >out &&
	printf "%s\n" --network --network-alias >expect && test_cmp expect out &&
	comp "ct run --network " >out &&
	grep -qx none out && grep -qx host out && grep -qx bridge out &&
	comp "ct run --pull " >out &&
	printf "%s\n" always missing never >expect && test_cmp expect out &&
	comp "ct run --ip" >out &&
	printf "%s\n" --ip --ip6 >expect && test_cmp expect out &&
	comp "ct run --ip6 fd00::5 busyb" >out && grep -qx busybox:1.0 out
'

test_expect_success 'management sub-verbs' '
	comp "ct system " >out &&
	printf "%s\n" df info prune version >expect && test_cmp expect out &&
	comp "ct image p" >out &&
	printf "%s\n" prune pull push >expect && test_cmp expect out &&
	comp "ct system prune --v" >out && test "$(cat out)" = --volumes
'

test_expect_success 'make install puts it under share/bash-completion/completions' '
	make -s -C "$CT_SRC" install B="$CT_BUILD" PREFIX=/usr DESTDIR="$TEST_DIR/dest" >log 2>&1 &&
	test_cmp "$COMP" dest/usr/share/bash-completion/completions/ct &&
	! test -e dest/usr/share/ct/bash-completion
'

test_done
