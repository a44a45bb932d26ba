# Toolchain and flags.
#
# Default: fully static binaries with musl-gcc against the sysroot that
# mk/sysroot.sh builds from Debian source packages into a cache outside the
# checkout. SAN=1: glibc gcc with AddressSanitizer + UBSan against Debian's
# -dev packages, for the unit tests only.

CT_DEPS_DIR ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/ct-deps
SYSROOT := $(CT_DEPS_DIR)/sysroot
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

WARN := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wno-missing-field-initializers -Wno-format-truncation
BASE_CPPFLAGS := -D_GNU_SOURCE -Ilib -DCT_VERSION='"$(VERSION)"'

# Link order matters for static archives: users before what they use.
DEP_LIBS := -larchive -lzstd -lz -lbearssl -lseccomp -ljansson -lyaml -linih

ifeq ($(SAN),1)
B := build/san
CC := gcc
CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=all $(WARN)
CPPFLAGS := $(BASE_CPPFLAGS) -DCT_SAN=1
LDFLAGS := -fsanitize=address,undefined
LDLIBS := $(DEP_LIBS) -lpthread
SYSROOT_STAMP :=
else
B := build
CC := musl-gcc
CFLAGS ?= -O2 -g
CFLAGS += $(WARN) -ffunction-sections -fdata-sections
CPPFLAGS := $(BASE_CPPFLAGS) -isystem $(SYSROOT)/include
LDFLAGS := -static -L$(SYSROOT)/lib -Wl,--gc-sections
LDLIBS := $(DEP_LIBS)
SYSROOT_STAMP := $(SYSROOT)/.stamp
endif

STRIP ?= strip
