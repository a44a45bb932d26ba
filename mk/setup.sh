#!/bin/sh
# mk/setup.sh: install what building and testing ct needs, with apt-get.
# Idempotent and quick when everything is there. Run by `make check`.
set -eu

# build: the musl toolchain and what the dependency sysroot needs
BUILD_PKGS="gcc make musl-tools gperf dpkg-dev cmake ca-certificates file binutils"
# test: the TAP runner, fixtures, peers the tests interoperate with
TEST_PKGS="perl man-db groff-base busybox-static skopeo umoci jq libcap2-bin tmux iproute2 nftables
	docker-registry apache2-utils openssl crun runc uidmap procps psmisc strace"
# quality gates: SAN=1 links the unit tests against Debian's glibc -dev
# packages; make lint runs cppcheck and clang-tidy
GATE_PKGS="cppcheck clang-tidy libjansson-dev libbearssl-dev libarchive-dev
	libseccomp-dev libyaml-dev libinih-dev libzstd-dev zlib1g-dev"
# benchmarks compare with these (bench/*.sh); installed so they can run
BENCH_PKGS="podman buildah conmon hyperfine debootstrap"

PKGS="$BUILD_PKGS $TEST_PKGS $GATE_PKGS $BENCH_PKGS"

missing=""
for p in $PKGS; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case $status in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done

if [ -z "$missing" ]; then
	echo "setup: all packages present" >&2
	exit 0
fi

if [ "$(id -u)" != 0 ]; then
	echo "setup: missing packages:$missing" >&2
	echo "setup: run 'make check' as root, or install them with apt-get" >&2
	exit 1
fi

echo "setup: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2 || echo "setup: apt-get update reported errors; trying the install anyway" >&2
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing >&2
