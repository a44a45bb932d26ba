#!/bin/sh
test_description='ct-pull and ct-push through an HTTP proxy: CONNECT, absolute form, NO_PROXY'
. "$(dirname "$0")/lib/test-lib.sh"
. "$CT_SRC/t/lib/registry.sh"
test_require ROOT REGISTRY SKOPEO MKIMAGE

# The proxy below (perl, on 127.0.0.1) reaches every host it is asked for
# at 127.0.0.1, so the registries get a name, registry.ct-test, that only
# the proxy can resolve: a request that bypasses it fails to resolve.
cat >proxy.pl <<'PERL'
use strict; use warnings; use IO::Socket::INET; use IO::Select; use POSIX ();
my ($portfile, $log, $need) = @ARGV;
my $srv = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0, Listen => 16,
	ReuseAddr => 1) or die "listen: $!";
open(my $pf, '>', "$portfile.tmp") or die; print $pf $srv->sockport, "\n"; close $pf;
rename("$portfile.tmp", $portfile) or die;
$SIG{CHLD} = 'IGNORE';
sub relay {
	my ($a, $b) = @_;
	my $sel = IO::Select->new($a, $b);
	while (1) {
		for my $fh ($sel->can_read(30)) {
			my $n = sysread($fh, my $buf, 65536);
			exit 0 unless $n;
			my $to = $fh == $a ? $b : $a;
			my $off = 0;
			while ($off < $n) { my $w = syswrite($to, $buf, $n - $off, $off); exit 0 unless $w; $off += $w; }
		}
	}
}
while (my $c = $srv->accept) {
	my $pid = fork; next if !defined $pid;
	if ($pid) { close $c; next; }
	my $head = '';
	while ($head !~ /\r\n\r\n/) { sysread($c, my $b, 1) or exit 0; $head .= $b; }
	my ($line) = $head =~ /^([^\r\n]*)/;
	my ($pa) = $head =~ /^Proxy-Authorization: *([^\r\n]*)/mi;
	if (open(my $l, '>>', $log)) { print $l "$line auth=", ($pa // 'none'), "\n"; close $l; }
	if ($need && ($pa // '') ne $need) {
		print $c "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=p\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
		exit 0;
	}
	if ($line =~ m{^CONNECT ([^: ]+):(\d+) }) {
		my ($h, $p) = ($1, $2);
		my $up = $h eq 'registry.ct-test' && IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $p);
		if (!$up) { print $c "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n"; exit 0; }
		print $c "HTTP/1.1 200 Connection established\r\n\r\n";
		relay($c, $up);
	} elsif ($line =~ m{^(\S+) http://([^/: ]+):(\d+)(/\S*) (HTTP/1\.\d)}) {
		my ($m, $h, $p, $path, $v) = ($1, $2, $3, $4, $5);
		my $up = $h eq 'registry.ct-test' && IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $p);
		if (!$up) { print $c "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n"; exit 0; }
		# this request in origin form; later ones on the connection go raw
		(my $rest = $head) =~ s/^[^\n]*\n//;
		$rest =~ s/^Proxy-Authorization:[^\n]*\n//mi;
		print $up "$m $path $v\r\n$rest";
		relay($c, $up);
	} else {
		print $c "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
	}
	exit 0;
}
PERL

proxy_start() {
	rm -f proxy.port
	perl proxy.pl "$TEST_DIR/proxy.port" "$TEST_DIR/proxy.log" "${1:-}" 2>>proxy.err &
	pid=$!
	test_cleanup "kill $pid"
	i=0
	while [ ! -f proxy.port ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	PROXY=127.0.0.1:$(cat proxy.port)
}

test_expect_success 'set up registries (certificate also for registry.ct-test) and a proxy' '
	registry_init &&
	(cd "$REG_DIR" &&
	 printf "subjectAltName=DNS:localhost,DNS:registry.ct-test,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n" >ext &&
	 openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
		-out server.crt -days 2 -extfile ext 2>/dev/null) &&
	registry_start plain && registry_start tls &&
	registry_push "$(ct_fixture busybox)" latest bb:1 &&
	want=$(registry_digest $REG_plain/bb:1) &&
	TLS=registry.ct-test:${REG_tls##*:} && PLAIN=registry.ct-test:${REG_plain##*:} &&
	printf "[registry \"%s\"]\nca = %s\n[registry \"%s\"]\ninsecure = true\n" \
		$TLS "$REG_DIR/ca.crt" $PLAIN >>"$CT_CONFIG" &&
	printf "[registry]\nretries = 0\n" >>"$CT_CONFIG" &&
	proxy_start &&
	test -n "$PROXY"
'

test_expect_success 'HTTPS_PROXY: pull through a CONNECT tunnel, TLS checked end to end' '
	: >proxy.log &&
	HTTPS_PROXY=http://$PROXY ct-pull -v $TLS/bb:1 >out 2>err &&
	echo "$want" >expect && test_cmp expect out &&
	test_grep "^CONNECT $TLS HTTP/1.1 auth=none" proxy.log &&
	test_grep "proxy $PROXY: CONNECT $TLS → 200" err
'

test_expect_success 'HTTP_PROXY: an insecure registry, HTTPS tried first, then plain HTTP in absolute form' '
	: >proxy.log && rm -rf "$CT_ROOT" && mkdir "$CT_ROOT" &&
	https_proxy=$PROXY http_proxy=$PROXY ct-pull -q $PLAIN/bb:1 >out &&
	test_cmp expect out &&
	test_grep "^CONNECT $PLAIN " proxy.log &&
	test_grep "^GET http://$PLAIN/v2/ HTTP/1.1" proxy.log &&
	test_grep "^GET http://$PLAIN/v2/bb/blobs/sha256:" proxy.log
'

test_expect_success 'NO_PROXY bypasses the proxy (and registry.ct-test then does not resolve)' '
	: >proxy.log &&
	test_expect_code 1 env HTTPS_PROXY=http://$PROXY NO_PROXY=example.org,.ct-test \
		ct-pull -q $TLS/bb:1 2>err &&
	test_grep "resolve registry.ct-test" err &&
	test_expect_code 1 env HTTPS_PROXY=http://$PROXY no_proxy=registry.ct-test:${REG_tls##*:} \
		ct-pull -q $TLS/bb:1 2>err &&
	test_grep "resolve registry.ct-test" err &&
	! test -s proxy.log
'

test_expect_success 'localhost and 127.0.0.1 never go through the proxy' '
	: >proxy.log &&
	HTTPS_PROXY=http://$PROXY HTTP_PROXY=http://$PROXY ct-pull -q $REG_tls/bb:1 >out &&
	test_cmp expect out &&
	HTTP_PROXY=http://$PROXY ct-pull -q $REG_plain/bb:1 >out &&
	test_cmp expect out &&
	! test -s proxy.log
'

test_expect_success 'ct-push through the proxy' '
	: >proxy.log &&
	HTTPS_PROXY=http://$PROXY ct-push -q $REG_tls/bb:1 $TLS/viaproxy/bb:1 >out &&
	test_cmp expect out &&
	test_grep "^CONNECT $TLS " proxy.log &&
	registry_digest $REG_plain/viaproxy/bb:1 >got && test_cmp expect got
'

test_expect_success 'proxy credentials from user:password@ go in Proxy-Authorization' '
	kill $pid && proxy_start "Basic $(printf "pu:p@ss" | base64 -w0)" &&
	: >proxy.log &&
	test_expect_code 1 env HTTPS_PROXY=http://$PROXY ct-pull -q $TLS/bb:1 2>err &&
	test_grep "refused CONNECT $TLS: 407" err &&
	test_grep "user:password" err &&
	HTTPS_PROXY=http://pu:p%40ss@$PROXY ct-pull -q $TLS/bb:1 >out &&
	test_cmp expect out &&
	test_grep "^CONNECT $TLS HTTP/1.1 auth=Basic " proxy.log
'

test_expect_success 'a proxy that is not there, or not http://: clear errors' '
	test_expect_code 1 env HTTPS_PROXY=http://127.0.0.1:1 ct-pull -q $TLS/bb:1 2>err &&
	test_grep "connect to the proxy 127.0.0.1 port 1" err &&
	test_expect_code 1 env HTTPS_PROXY=socks5://127.0.0.1:1 ct-pull -q $TLS/bb:1 2>err &&
	test_grep "only http:// proxies are supported" err
'
test_done
