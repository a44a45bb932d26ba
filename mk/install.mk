# make install PREFIX=/usr/local DESTDIR=
#   $(PREFIX)/bin        ct-* tools, ctbox, ct
#   $(PREFIX)/lib/ct     the verbs of ct (sh, one file per area)
#   $(PREFIX)/share/man  man pages (bin/*/*.1, share/man/*.5 ...)
#   $(PREFIX)/share/ct   seccomp profile, examples, docs
#   $(PREFIX)/share/bash-completion/completions/ct   bash completion

PREFIX ?= /usr/local
DESTDIR ?=
BINDIR := $(DESTDIR)$(PREFIX)/bin
MANDIR := $(DESTDIR)$(PREFIX)/share/man
SHAREDIR := $(DESTDIR)$(PREFIX)/share/ct

MAN_PAGES := $(wildcard bin/*/*.1) $(wildcard share/man/*.[1-8])

.PHONY: install
install: tools
	install -d $(BINDIR) $(SHAREDIR)
	for f in $(TOOL_BINS) $(B)/bin/ctbox $(wildcard $(B)/bin/ct); do \
	  install -m 755 $$f $(BINDIR)/; done
	if [ -f $(B)/bin/ct ]; then install -d $(DESTDIR)$(PREFIX)/lib/ct && \
	  install -m 644 $(B)/lib/ct/*.sh $(DESTDIR)$(PREFIX)/lib/ct/; fi
	for m in $(MAN_PAGES); do \
	  s=$${m##*.}; install -d $(MANDIR)/man$$s; \
	  install -m 644 $$m $(MANDIR)/man$$s/; done
	for d in $(filter-out share/man share/bash-completion,$(wildcard share/*)); do \
	  cp -R $$d $(SHAREDIR)/; done
	install -d $(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 644 share/bash-completion/completions/ct \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions/ct
