#!/bin/sh
test_description='the build: static binaries, ctbox dispatch, make size and install'
. "$(dirname "$0")/lib/test-lib.sh"

tools=$(ctbox --list 2>/dev/null)
[ -n "$tools" ] || skip_all "ctbox lists no tools in $CT_BUILD/bin"
first=$(printf '%s\n' "$tools" | head -n1)

test_expect_success 'every tool and ctbox is a static executable' '
	for t in $tools ctbox; do
		test_static "$CT_BUILD/bin/$t" || return 1
	done
'

test_expect_success 'ctbox --list names exactly the tools built' '
	ls "$CT_BUILD/bin" | grep "^ct-" | grep -v "\." | sort >expect &&
	printf "%s\n" $tools | sort >actual &&
	test_cmp expect actual
'

test_expect_success 'ctbox dispatches by subcommand, short and long name' '
	"$first" --version >direct &&
	ctbox "$first" --version >long &&
	ctbox "${first#ct-}" --version >short &&
	test_cmp direct long &&
	test_cmp direct short
'

test_expect_success 'ctbox --install makes links that dispatch by argv[0]' '
	mkdir links &&
	ctbox --install "$TEST_DIR/links" &&
	for t in $tools; do
		test -L "links/$t" || return 1
	done &&
	"links/$first" --version >via-link &&
	"$first" --version >direct &&
	test_cmp direct via-link
'

test_expect_success 'an unknown tool is a clear usage error' '
	test_expect_code 2 ctbox no-such-tool 2>err &&
	test_grep "no tool named .no-such-tool." err &&
	ln -s "$CT_BUILD/bin/ctbox" ct-nothing &&
	test_expect_code 127 ./ct-nothing 2>err &&
	test_grep "ct-nothing" err
'

test_expect_success 'every tool has --help that fits a screen, and a man page' '
	for t in $tools; do
		"$t" --help >help || return 1
		test "$(wc -l <help)" -le 40 || { echo "$t --help is $(wc -l <help) lines"; return 1; }
		test "$(awk "length > 80" help | wc -l)" = 0 || { echo "$t --help wider than 80"; return 1; }
		test -f "$CT_SRC/bin/$t/$t.1" || { echo "no man page for $t"; return 1; }
	done
'

test_expect_success 'man pages render without warnings' '
	for m in "$CT_SRC"/bin/*/*.1 "$CT_SRC"/share/man/*.[1-8]; do
		[ -f "$m" ] || continue
		LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$m" >/dev/null 2>warn || return 1
		! test -s warn || { echo "$m:"; cat warn; return 1; }
	done
'

test_expect_success 'make size prints a stripped size per binary' '
	make -s -C "$CT_SRC" B="$CT_BUILD" size >size &&
	for t in $tools ctbox; do
		test_grep "^$t  *[0-9][0-9]* bytes stripped" size || return 1
	done
'

test_expect_success 'make install puts binaries, man pages and share files under DESTDIR' '
	make -s -C "$CT_SRC" B="$CT_BUILD" install PREFIX=/usr DESTDIR="$TEST_DIR/dest" >/dev/null &&
	for t in $tools ctbox; do
		test -x "dest/usr/bin/$t" || return 1
	done &&
	test -f dest/usr/share/man/man5/ct.conf.5 &&
	test -f "dest/usr/share/man/man1/$first.1"
'

test_done
