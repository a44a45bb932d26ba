# Tests.
#
# make check        the whole thing on a fresh Debian 12 as root: install the
#                   packages (mk/setup.sh), build the sysroot and the tools,
#                   run the C unit tests and the TAP scripts t/NNNN-*.t with
#                   prove, in parallel.
# make check SAN=1  build and run the unit tests with ASan+UBSan (glibc gcc).
# make test         skip the set-up; run what is built.
# T=t/0010-x.t      run only these scripts (make test T=...).

PROVE ?= prove
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
T ?=

TEST_ENV = CT_SRC=$(CURDIR) CT_BUILD=$(abspath $(B)) CT_DEPS_DIR=$(CT_DEPS_DIR) \
	PATH=$(abspath $(B))/bin:$$PATH

.PHONY: check test unit setup lint
check:
	@sh mk/setup.sh
	@$(MAKE) --no-print-directory all-for-check
	@$(MAKE) --no-print-directory test

ifeq ($(SAN),1)
all-for-check: $(UNIT_BINS)
test: $(UNIT_BINS)
	$(TEST_ENV) $(PROVE) -j$(JOBS) --exec '' $(UNIT_BINS)
else
all-for-check: tools $(UNIT_BINS)
test: $(if $(T),,$(UNIT_BINS))
	$(TEST_ENV) $(PROVE) -j$(JOBS) --timer --exec 'sh t/lib/run-one' \
		$(or $(T),$(UNIT_BINS) $(sort $(wildcard t/[0-9]*.t)))
endif
.PHONY: all-for-check

unit: $(UNIT_BINS)
	$(TEST_ENV) $(PROVE) -j$(JOBS) --exec '' $(UNIT_BINS)

setup:
	@sh mk/setup.sh

# cppcheck and clang-tidy see the same headers as the musl build.
LINT_SRC := $(LIB_SRC) $(wildcard bin/ct-*/*.c) mk/single.c mk/ctbox.c $(UNIT_SRC)
# (and the compiler's own headers, cpuid.h for lib/digest's SHA-NI check)
LINT_INC := -nostdinc -isystem /usr/include/x86_64-linux-musl -isystem $(SYSROOT)/include \
	$(addprefix -isystem ,$(lastword $(sort $(wildcard /usr/lib/llvm-*/lib/clang/*/include)))) \
	-Ilib -It/unit -I$(B)/gen -D_GNU_SOURCE -DCT_VERSION='"lint"' -DTOOL_MAIN=lint_main
lint: $(SYSROOT_STAMP) $(B)/gen/applets.h
	cppcheck --quiet --error-exitcode=1 --std=c11 --enable=warning,portability,performance \
		--inline-suppr --suppress=missingIncludeSystem -D_GNU_SOURCE -DCT_VERSION='"lint"' \
		-DTOOL_MAIN=lint_main -Ilib -It/unit -I$(B)/gen $(LINT_SRC)
	clang-tidy --quiet $(LINT_SRC) -- $(LINT_INC) -std=c11
