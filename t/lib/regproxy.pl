#!/usr/bin/perl
# t/lib/regproxy.pl - a fault-injecting HTTP proxy in front of a plain-HTTP
# registry, for tests only.
#
#   regproxy.pl PORTFILE UPSTREAM_PORT DIR
#
# Listens on 127.0.0.1 and 127.0.0.2 (one free port, written to PORTFILE),
# forwards each request to 127.0.0.1:UPSTREAM_PORT (one request per
# connection), and logs "ADDR METHOD PATH auth=yes|no range=R" to DIR/log.
# What it breaks is read from DIR/mode at every request, one word and its
# arguments:
#   pass                    nothing
#   flip                    blob bodies get one byte flipped (at offset 10)
#   cut N                   blob bodies stop after N bytes (connection closed)
#   busy K                  the first K blob GETs get 429 + Retry-After: 1
#   manifest FILE TYPE      manifest GETs are answered with FILE as TYPE
#   redirect                127.0.0.1 wants Basic auth (401 without), and
#                           sends blob GETs with 307 to 127.0.0.2
use strict;
use warnings;
use IO::Socket::INET;
use Socket qw(MSG_PEEK);
use IO::Select;
use POSIX ();

my ($portfile, $up, $dir) = @ARGV;
die "usage: regproxy.pl PORTFILE UPSTREAM_PORT DIR\n" unless defined $dir;

my ($a, $b, $port);
for (1 .. 50) {
	$a = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0, Listen => 32,
		ReuseAddr => 1) or die "listen: $!\n";
	$port = $a->sockport;
	$b = IO::Socket::INET->new(LocalAddr => '127.0.0.2', LocalPort => $port, Listen => 32,
		ReuseAddr => 1) and last;
	close $a;
}
die "no port\n" unless $b;
open(my $pf, '>', "$portfile.tmp") or die; print $pf "$port\n"; close $pf;
rename("$portfile.tmp", $portfile) or die;

sub mode {
	open(my $f, '<', "$dir/mode") or return ('pass');
	my $l = <$f> // 'pass';
	close $f;
	chomp $l;
	return split ' ', $l;
}

sub take_busy {
	my ($k) = @_;
	# one counter, under a lock: children race
	open(my $lf, '>>', "$dir/busy.lock") or return 0;
	flock($lf, 2);
	my $n = 0;
	if (open(my $f, '<', "$dir/busy.count")) { $n = <$f> // 0; chomp $n; close $f; }
	my $hit = $n < $k;
	if ($hit) { open(my $f, '>', "$dir/busy.count"); print $f $n + 1, "\n"; close $f; }
	close $lf;
	return $hit;
}

sub reply {
	my ($c, $status, $hdrs, $body) = @_;
	$body //= '';
	print $c "HTTP/1.1 $status\r\n${hdrs}Content-Length: ", length($body),
		"\r\nConnection: close\r\n\r\n$body";
}

sub handle {
	my ($c, $addr) = @_;
	# a TLS ClientHello (client trying https first): hang up, as a plain
	# HTTP server's 400 would make it fall back
	my $first = '';
	recv($c, $first, 1, MSG_PEEK);
	if ($first ne '' && ord($first) == 0x16) {
		syswrite($c, "HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
		shutdown($c, 1);
		my $junk;
		sysread($c, $junk, 65536);
		return;
	}
	local $/ = "\r\n";
	my $req = <$c> // return;
	my @h;
	my ($auth, $range, $clen) = ('no', '-', 0);
	while (defined(my $l = <$c>)) {
		last if $l eq "\r\n";
		$auth = 'yes' if $l =~ /^Authorization:/i;
		$range = $1 if $l =~ /^Range:\s*(\S+)/i;
		$clen = $1 if $l =~ /^Content-Length:\s*(\d+)/i;
		next if $l =~ /^(Connection|Authorization):/i;
		push @h, $l;
	}
	my ($method, $path) = split / /, $req;
	if (open(my $lf, '>>', "$dir/log")) {
		print $lf "$addr $method $path auth=$auth range=$range\n";
		close $lf;
	}
	my $body = '';
	read($c, $body, $clen) if $clen;
	my @m = mode();
	my $blob = $method eq 'GET' && $path =~ m{^/v2/.+/blobs/sha256:};
	if ($m[0] eq 'redirect') {
		if ($addr eq '127.0.0.1' && $auth eq 'no') {
			return reply($c, '401 Unauthorized',
				"WWW-Authenticate: Basic realm=\"proxy\"\r\n", '{"errors":[]}');
		}
		if ($addr eq '127.0.0.1' && $blob) {
			return reply($c, '307 Temporary Redirect',
				"Location: http://127.0.0.2:$port$path\r\n");
		}
	}
	if ($m[0] eq 'busy' && $blob && take_busy($m[1])) {
		return reply($c, '429 Too Many Requests', "Retry-After: 1\r\n",
			'{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}');
	}
	if ($m[0] eq 'manifest' && $method eq 'GET' && $path =~ m{/manifests/}) {
		open(my $f, '<', $m[1]) or return reply($c, '500 No File');
		binmode $f;
		my $data = do { local $/; <$f> };
		close $f;
		return reply($c, '200 OK', "Content-Type: $m[2]\r\n", $data);
	}
	my $u = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $up) or return;
	print $u "$method $path HTTP/1.1\r\n", @h, "Connection: close\r\n\r\n", $body;
	# response head
	my $head = '';
	while (defined(my $l = <$u>)) {
		$head .= $l;
		last if $l eq "\r\n";
	}
	print $c $head;
	my $sent = 0;
	my $buf;
	while (1) {
		my $n = read($u, $buf, 65536);
		last unless $n;
		if ($blob && $m[0] eq 'flip' && $sent <= 10 && $sent + $n > 10) {
			substr($buf, 10 - $sent, 1) = chr(ord(substr($buf, 10 - $sent, 1)) ^ 0xff);
		}
		if ($blob && $m[0] eq 'cut' && $sent + $n >= $m[1]) {
			print $c substr($buf, 0, $m[1] - $sent);
			return;
		}
		print $c $buf;
		$sent += $n;
	}
}

$SIG{CHLD} = 'IGNORE';
my $sel = IO::Select->new($a, $b);
while (1) {
	for my $l ($sel->can_read) {
		my $c = $l->accept or next;
		my $addr = $l == $a ? '127.0.0.1' : '127.0.0.2';
		my $pid = fork;
		if (!defined $pid) { close $c; next; }
		if ($pid) { close $c; next; }
		$c->autoflush(1);
		binmode $c;
		handle($c, $addr);
		close $c;
		POSIX::_exit(0);
	}
}
