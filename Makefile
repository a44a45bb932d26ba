# ct: top-level Makefile. The pieces live in mk/:
#   mk/config.mk   toolchain, flags, paths (musl sysroot or SAN=1 glibc build)
#   mk/rules.mk    how lib/, bin/ and t/unit/ become build/
#   mk/check.mk    setup, unit tests, TAP tests, lint
#   mk/install.mk  make install PREFIX=... DESTDIR=...
# `make` builds every tool; `make check` is the whole set-up and test run.

.DEFAULT_GOAL := all

include mk/config.mk
include mk/rules.mk
include mk/check.mk
include mk/install.mk


.PHONY: all clean distclean help demo

# The main job in a minute, as root, with no registry: a busybox image from
# Debian's busybox-static, a web server on a published port, the page
# fetched from the host, ct ps, and everything removed again.
demo: setup tools
	PATH=$(CURDIR)/$(B)/bin:$$PATH sh share/examples/demo.sh

all: tools

clean:
	rm -rf build

help:
	@echo 'make              build the static tools into build/bin (builds the sysroot first)'
	@echo 'make demo         build, then run a container serving a page on a published port'
	@echo 'make check        install test dependencies, build, run every test (root)'
	@echo 'make check SAN=1  unit tests under AddressSanitizer+UBSan (glibc gcc)'
	@echo 'make lint         cppcheck and clang-tidy'
	@echo 'make size         stripped size of each binary'
	@echo 'make install      PREFIX=/usr/local DESTDIR='
	@echo 'make deps         only the musl sysroot (cached in $(CT_DEPS_DIR))'
