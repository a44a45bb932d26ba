#!/usr/bin/perl
# t/lib/regtoken.pl - a token service for docker-registry's "auth: token"
# set-up, for tests only.
#
#   regtoken.pl PORTFILE KEY.pem CERT.pem ISSUER USER PASSWORD LOG
#
# Listens on 127.0.0.1 (a free port, written to PORTFILE), answers
# GET /token?service=S&scope=repository:NAME:ACTIONS[ ...] with
# {"token": JWT} when the Basic credentials are USER:PASSWORD, and 401
# otherwise (the registry is private: no anonymous tokens). The JWT is
# RS256, signed with KEY.pem through openssl(1), and carries CERT.pem in
# its x5c header, so a registry whose rootcertbundle is CERT.pem trusts it.
# Every request is logged to LOG as "METHOD PATH auth=yes|no".
use strict;
use warnings;
use IO::Socket::INET;
use MIME::Base64 qw(encode_base64 decode_base64);
use POSIX ();

my ($portfile, $key, $cert, $issuer, $user, $pass, $log) = @ARGV;
die "usage: regtoken.pl PORTFILE KEY CERT ISSUER USER PASS LOG\n" unless defined $log;

open(my $cf, '<', $cert) or die "open $cert: $!\n";
my $pem = do { local $/; <$cf> };
close $cf;
$pem =~ /-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----/s or die "no cert\n";
(my $der64 = $1) =~ s/\s+//g;

my $srv = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0,
	Listen => 16, ReuseAddr => 1, Proto => 'tcp') or die "listen: $!\n";
open(my $pf, '>', "$portfile.tmp") or die; print $pf $srv->sockport, "\n"; close $pf;
rename("$portfile.tmp", $portfile) or die;

sub b64url { my $s = encode_base64($_[0], ''); $s =~ tr{+/}{-_}; $s =~ s/=+$//; $s }
sub jstr { my $s = shift; $s =~ s/(["\\])/\\$1/g; qq("$s") }
sub unescape { my $s = shift; $s =~ s/\+/ /g; $s =~ s/%([0-9A-Fa-f]{2})/chr hex $1/ge; $s }

sub sign {
	my ($input) = @_;
	my $tmp = "$portfile.in.$$";
	open(my $f, '>', $tmp) or die; print $f $input; close $f;
	my $sig = `openssl dgst -sha256 -sign '$key' '$tmp'`;
	unlink $tmp;
	return $sig;
}

sub token {
	my ($service, @scopes) = @_;
	my @access;
	for my $sc (@scopes) {
		my ($type, $rest) = split /:/, $sc, 2;
		next unless defined $rest;
		my ($name, $actions) = $rest =~ /^(.*):([^:]*)$/ or next;
		push @access, sprintf('{"type":%s,"name":%s,"actions":[%s]}', jstr($type),
			jstr($name), join(',', map { jstr($_) } grep { length } split /,/, $actions));
	}
	my $now = time;
	my $hdr = sprintf('{"typ":"JWT","alg":"RS256","x5c":[%s]}', jstr($der64));
	my $claims = sprintf('{"iss":%s,"sub":%s,"aud":%s,"exp":%d,"nbf":%d,"iat":%d,"jti":"%d-%d","access":[%s]}',
		jstr($issuer), jstr($user), jstr($service // ''), $now + 600, $now - 60, $now,
		$$, int(rand(1e9)), join(',', @access));
	my $input = b64url($hdr) . '.' . b64url($claims);
	return $input . '.' . b64url(sign($input));
}

$SIG{CHLD} = 'IGNORE';
while (my $c = $srv->accept) {
	my $pid = fork;
	if (!defined $pid) { close $c; next; }
	if ($pid) { close $c; next; }
	local $/ = "\r\n";
	my $req = <$c> // exit 0;
	my %h;
	while (defined(my $l = <$c>)) {
		last if $l eq "\r\n";
		$l =~ s/\r\n$//;
		my ($n, $v) = split /:\s*/, $l, 2;
		$h{lc $n} = $v;
	}
	my ($method, $path) = split / /, $req;
	my $auth = $h{authorization} // '';
	my $ok = 0;
	if ($auth =~ /^Basic\s+(\S+)/) {
		$ok = decode_base64($1) eq "$user:$pass";
	}
	if (open(my $lf, '>>', $log)) { print $lf "$method $path auth=", ($auth ? 'yes' : 'no'), "\n"; close $lf; }
	my ($service, @scopes);
	if ($path =~ /\?(.*)$/) {
		for my $kv (split /&/, $1) {
			my ($k, $v) = split /=/, $kv, 2;
			$v = unescape($v // '');
			if ($k eq 'service') { $service = $v }
			elsif ($k eq 'scope') { push @scopes, split / /, $v }
		}
	}
	my ($status, $body);
	if (!$ok) {
		($status, $body) = ('401 Unauthorized', '{"details":"wrong or no credentials"}');
	} else {
		($status, $body) = ('200 OK', sprintf('{"token":"%s","expires_in":600}', token($service, @scopes)));
	}
	print $c "HTTP/1.1 $status\r\nContent-Type: application/json\r\nContent-Length: ",
		length($body), "\r\nConnection: close\r\n\r\n$body";
	close $c;
	POSIX::_exit(0);
}
