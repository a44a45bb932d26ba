#!/bin/sh
# demo.sh: a minute to see that ct works, with no registry and no internet.
# `make demo` runs it as root. It
#   1. makes a busybox image from Debian's busybox-static (ct import),
#   2. runs a detached container serving a page with busybox httpd on a
#      published port (ct run -d -p HOST:80),
#   3. fetches the page from the host,
#   4. shows ct ps,
#   5. removes everything it made: container, image, network state, and its
#      private state root.
set -eu

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@"; }

[ "$(id -u)" = 0 ] || { echo "demo: run as root (containers need namespaces and mounts)" >&2; exit 1; }
BUSYBOX=${BUSYBOX:-$(command -v busybox || true)}
[ -n "$BUSYBOX" ] && file -L "$BUSYBOX" 2>/dev/null | grep -q 'statically linked' || {
	echo "demo: needs a static busybox (apt-get install busybox-static)" >&2; exit 1; }
command -v ct >/dev/null || { echo "demo: ct not on PATH (make; PATH=\$PWD/build/bin:\$PATH)" >&2; exit 1; }

# A private state root, removed at the end: the demo leaves no trace.
CT_ROOT=$(mktemp -d /tmp/ct-demo.XXXXXX)
export CT_ROOT
WORK=$CT_ROOT/work
forward=$(cat /proc/sys/net/ipv4/ip_forward)
cleanup() {
	set +e
	ct rm -f demo-web >/dev/null 2>&1
	for n in $(ct-net ls -q 2>/dev/null); do ct-net rm "$n" >/dev/null 2>&1; done
	ct-image rm -f busybox >/dev/null 2>&1
	echo "$forward" >/proc/sys/net/ipv4/ip_forward
	rm -rf "$CT_ROOT"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step "1. an image from Debian's busybox-static"
mkdir -p "$WORK/rootfs/bin" "$WORK/rootfs/www"
cp "$BUSYBOX" "$WORK/rootfs/bin/busybox"
for a in sh httpd echo cat ls; do ln -s busybox "$WORK/rootfs/bin/$a"; done
echo "<h1>Hello from a ct container</h1>" >"$WORK/rootfs/www/index.html"
show ct import -c 'CMD ["/bin/sh"]' "$WORK/rootfs" busybox
show ct images

step "2. a detached web server on a published port"
port=8080
while ! ct run -d --name demo-web -p "$port:80" busybox httpd -f -p 80 -h /www >"$WORK/id" 2>"$WORK/err"; do
	if grep -q "in use\|taken" "$WORK/err" && [ "$port" -lt 8090 ]; then
		ct rm -f demo-web >/dev/null 2>&1 || :
		port=$((port + 1))
		continue
	fi
	cat "$WORK/err" >&2
	exit 1
done
echo "\$ ct run -d --name demo-web -p $port:80 busybox httpd -f -p 80 -h /www"
cat "$WORK/id"

step "3. the page, fetched from the host"
i=0
until "$BUSYBOX" wget -q -O "$WORK/page" "http://127.0.0.1:$port/" 2>/dev/null; do
	i=$((i + 1))
	[ "$i" -lt 50 ] || { echo "demo: no answer on 127.0.0.1:$port" >&2; exit 1; }
	sleep 0.1
done
echo "\$ wget -q -O - http://127.0.0.1:$port/"
cat "$WORK/page"

step "4. what is running"
show ct ps

step "5. clean up"
show ct rm -f demo-web
cleanup
trap - EXIT
echo "done: nothing of the demo is left"
