# mk/install.mk: make install, make install-strip, make uninstall, make
# check-install. Included by the top-level Makefile, which defines VERSION,
# SOVERSION, SONAME, REALNAME, CARGO, BUILD, STRIP, CRIU_PLUGIN_CARGO_OUT,
# CRIU_PLUGIN_LINK_SO, CRIU_PLUGIN_LIBS_PRIVATE and the build settings
# CRIU_PLUGIN_DEFAULT_DIR and CRIU_OPTS_LAYOUTS.
#
#   make install     builds (cargo build --release, then the versioned link
#                    of the shared library) and installs:
#     $(LIBDIR)/libcriu-plugin.so.$(VERSION)      the shared library
#     $(LIBDIR)/libcriu-plugin.so.$(SOVERSION)    soname link -> the above
#     $(LIBDIR)/libcriu-plugin.so                 development link -> soname
#     $(LIBDIR)/libcriu-plugin.a                  the static library
#     $(INCLUDEDIR)/criu-plugin/criu-plugin.h     for plugins
#     $(INCLUDEDIR)/criu-plugin/criu-plugin-host.h  for hosts (CRIU, tools)
#     $(PKGCONFIGDIR)/criu-plugin.pc              pkg-config file
#     $(BINDIR)/criu-plugin-inspect               if the build produced it,
#     $(MANDIR)/man1/criu-plugin-inspect.1        with its manual page
#                    The headers have a folder of their own: CRIU's package
#                    installs its criu-plugin.h as $(INCLUDEDIR)/criu/.
#   make install-strip   the same, with stripped copies: the shared library
#                    stripped with --strip-unneeded (its dynamic symbols and
#                    versions stay), the static library and the tool with
#                    --strip-debug (STRIP, default strip)
#   make uninstall   removes what `make install` with the same variables put
#                    there, from the install manifest it wrote (see below)
#   make check-install   the install test (ctests/install/run-install-test.sh)
#
# LIBDIR defaults to the platform's library folder under PREFIX
# (mk/libdir.sh): lib/<multiarch triplet> on Debian and Ubuntu, lib64 where
# /usr/lib64 is a folder of its own (Fedora), else lib.
#
# Variables: PREFIX, LIBDIR, INCLUDEDIR, BINDIR, PKGCONFIGDIR, DESTDIR (staged
# installs: every path is prefixed with it, nothing else changes), plus the
# build settings (give `make install` the same ones as `make`: install
# rebuilds with what it is given, so the library and the pkg-config file
# always agree). NO_BUILD=1 skips the cargo build and installs the existing
# one (for `sudo make install` when root has no cargo; then pass the settings
# the build used). CARGO_TARGET_DIR is honoured.
#
# The install manifest: every file, link and folder an install creates is
# recorded in $(BUILD)/install-manifests/<hash of DESTDIR and the folders>;
# `make uninstall` with the same variables removes exactly those (folders
# only if empty) and then the manifest. Without a manifest (after `make
# clean`, or another checkout), uninstall removes the files listed above.
# `make show-install-manifest` prints the manifest's path, `make
# show-install-dirs` the folders.

PREFIX       ?= /usr/local
ifeq ($(origin LIBDIR),undefined)
LIBDIR       := $(PREFIX)/$(shell CC='$(CC)' sh '$(CURDIR)/mk/libdir.sh')
endif
INCLUDEDIR   ?= $(PREFIX)/include
BINDIR       ?= $(PREFIX)/bin
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
MANDIR       ?= $(PREFIX)/share/man
INSTALL      ?= install
LDCONFIG     ?= ldconfig

# The headers' folder.
CRIU_PLUGIN_INCDIR = $(INCLUDEDIR)/criu-plugin
# DESTDIR as an absolute path without a trailing slash (empty when unset).
CRIU_PLUGIN_DEST = $(if $(DESTDIR),$(abspath $(DESTDIR)))
CRIU_PLUGIN_DIRS = $(CRIU_PLUGIN_DEST)|$(LIBDIR)|$(INCLUDEDIR)|$(BINDIR)|$(PKGCONFIGDIR)
CRIU_PLUGIN_MANIFEST = $(BUILD)/install-manifests/$(shell printf '%s' '$(CRIU_PLUGIN_DIRS)' | sha256sum | cut -c1-16)
# The build settings as the library sees them (build.rs: empty = default).
# The plugin folder as pkg-config shows it: without a trailing slash (the
# library's own setting may have one, as CRIU's CR_PLUGIN_DEFAULT does), so
# "$(pkg-config --variable=plugindir criu-plugin)/x.so" is a clean path.
CRIU_PLUGIN_PC_PLUGINDIR_RAW = $(or $(CRIU_PLUGIN_DEFAULT_DIR),/usr/lib/criu/)
CRIU_PLUGIN_PC_PLUGINDIR = $(if $(filter-out /,$(CRIU_PLUGIN_PC_PLUGINDIR_RAW)),$(patsubst %/,%,$(CRIU_PLUGIN_PC_PLUGINDIR_RAW)),$(CRIU_PLUGIN_PC_PLUGINDIR_RAW))
# The layouts of CRIU's struct cr_options the library knows, as it reports
# them (cr_plugin_opts_layouts()): the verified ones (src/opts_layouts.rs),
# then CRIU_OPTS_LAYOUTS, each size once (build.rs checks the values).
CRIU_PLUGIN_PC_LAYOUTS = $(shell { sed -n 's/^ *verified.\([0-9]*\), *\([0-9]*\),.*/\1:\2/p' src/opts_layouts.rs; \
	printf '%s\n' '$(CRIU_OPTS_LAYOUTS)' | tr ',' '\n'; } | awk -F: 'NF == 2 && !seen[$$1]++' | paste -sd, -)
# $(call criu_plugin_rel,DIR): DIR with a leading $(PREFIX)/ written as ${prefix}/.
criu_plugin_rel = $(if $(filter $(PREFIX)/%,$(1)),$${prefix}/$(patsubst $(PREFIX)/%,%,$(1)),$(1))

# The files `make install` puts in place (without DESTDIR), for the uninstall
# fallback; the tool only when present.
CRIU_PLUGIN_INSTALLED = \
	$(LIBDIR)/$(REALNAME) $(LIBDIR)/$(SONAME) $(LIBDIR)/libcriu-plugin.so \
	$(LIBDIR)/libcriu-plugin.a $(CRIU_PLUGIN_INCDIR)/criu-plugin.h \
	$(CRIU_PLUGIN_INCDIR)/criu-plugin-host.h $(PKGCONFIGDIR)/criu-plugin.pc \
	$(BINDIR)/criu-plugin-inspect \
	$(MANDIR)/man1/criu-plugin-inspect.1

.PHONY: install install-strip install-build uninstall check-install show-install-manifest \
	show-install-dirs

install-build:
	$(CARGO_RELEASE) --workspace
	@$(CRIU_PLUGIN_LINK_SO)

# Shell helpers of the install recipe; $$m is the manifest.
#   mkd DIR          creates DIR and its missing parents, recording each
#   put MODE SRC DST [STRIPFLAGS]  installs a file and records it; strips
#                    the copy with STRIPFLAGS when the install strips
#   lnk TARGET LINK  makes a symbolic link and records it
CRIU_PLUGIN_INSTALL_FUNCS = \
	mkd() { p=$$1; new=; while [ ! -d "$$p" ]; do new="$$p $$new"; p=$$(dirname "$$p"); done; \
		for n in $$new; do mkdir "$$n"; echo "d $$n" >>"$$m"; done; }; \
	put() { $(INSTALL) -m "$$1" "$$2" "$$3"; echo "f $$3" >>"$$m"; \
		if [ -n "$$strip" ] && [ -n "$${4:-}" ]; then $(STRIP) $$4 "$$3"; echo "  STRIP   $$3 ($$4)"; \
		else echo "  INSTALL $$3"; fi; }; \
	lnk() { ln -sfn "$$1" "$$2"; echo "l $$2" >>"$$m"; echo "  LINK    $$2 -> $$1"; }

# $(call criu_plugin_install,STRIP): the install recipe; STRIP non-empty
# strips the installed copies.
define criu_plugin_install
@set -e; strip='$(1)'; \
	for v in '$(LIBDIR)' '$(INCLUDEDIR)' '$(BINDIR)' '$(PKGCONFIGDIR)'; do \
		case "$$v" in /*) ;; *) echo "install: '$$v' is not an absolute path (LIBDIR, INCLUDEDIR, BINDIR, PKGCONFIGDIR)" >&2; exit 1 ;; esac; \
	done; \
	case '$(MANDIR)' in /*) ;; *) echo "install: '$(MANDIR)' is not an absolute path (MANDIR)" >&2; exit 1 ;; esac; \
	out='$(CRIU_PLUGIN_CARGO_OUT)'; d='$(CRIU_PLUGIN_DEST)'; m='$(CRIU_PLUGIN_MANIFEST)'; \
	for f in $(REALNAME) libcriu_plugin.a; do \
		[ -f "$$out/$$f" ] || { echo "install: $$out/$$f does not exist: build first (make)" >&2; exit 1; }; \
	done; \
	mkdir -p '$(BUILD)/install-manifests'; \
	[ -f "$$m" ] || echo "# criu-plugin install manifest: DIRS=$(CRIU_PLUGIN_DIRS)" >"$$m"; \
	$(CRIU_PLUGIN_INSTALL_FUNCS); \
	pc='$(BUILD)/criu-plugin.pc'; \
	sed -e 's|@PREFIX@|$(PREFIX)|' \
	    -e 's|@LIBDIR@|$(call criu_plugin_rel,$(LIBDIR))|' \
	    -e 's|@INCLUDEDIR@|$(call criu_plugin_rel,$(INCLUDEDIR))|' \
	    -e 's|@PLUGINDIR@|$(CRIU_PLUGIN_PC_PLUGINDIR)|' \
	    -e 's|@OPTS_LAYOUTS@|$(CRIU_PLUGIN_PC_LAYOUTS)|' \
	    -e 's|@SOVERSION@|$(SOVERSION)|' \
	    -e 's|@VERSION@|$(VERSION)|' \
	    -e 's|@LIBS_PRIVATE@|$(CRIU_PLUGIN_LIBS_PRIVATE)|' \
	    criu-plugin.pc.in >"$$pc.tmp"; \
	mv -f "$$pc.tmp" "$$pc"; \
	mkd "$$d$(LIBDIR)"; mkd "$$d$(CRIU_PLUGIN_INCDIR)"; mkd "$$d$(PKGCONFIGDIR)"; \
	put 0755 "$$out/$(REALNAME)" "$$d$(LIBDIR)/$(REALNAME)" --strip-unneeded; \
	lnk $(REALNAME) "$$d$(LIBDIR)/$(SONAME)"; \
	lnk $(SONAME) "$$d$(LIBDIR)/libcriu-plugin.so"; \
	put 0644 "$$out/libcriu_plugin.a" "$$d$(LIBDIR)/libcriu-plugin.a" --strip-debug; \
	put 0644 include/criu-plugin.h "$$d$(CRIU_PLUGIN_INCDIR)/criu-plugin.h"; \
	put 0644 include/criu-plugin-host.h "$$d$(CRIU_PLUGIN_INCDIR)/criu-plugin-host.h"; \
	put 0644 "$$pc" "$$d$(PKGCONFIGDIR)/criu-plugin.pc"; \
	if [ -f "$$out/criu-plugin-inspect" ]; then \
		mkd "$$d$(BINDIR)"; put 0755 "$$out/criu-plugin-inspect" "$$d$(BINDIR)/criu-plugin-inspect" --strip-debug; \
		mkd "$$d$(MANDIR)/man1"; put 0644 inspect/criu-plugin-inspect.1 "$$d$(MANDIR)/man1/criu-plugin-inspect.1"; \
	fi; \
	awk '!seen[$$0]++' "$$m" >"$$m.tmp"; mv -f "$$m.tmp" "$$m"; \
	if [ -z "$$d" ] && [ "$$(id -u)" = 0 ] && command -v $(LDCONFIG) >/dev/null 2>&1; then $(LDCONFIG); fi; \
	echo "installed criu-plugin $(VERSION)$(if $(1), (stripped)) (plugindir $(CRIU_PLUGIN_PC_PLUGINDIR), opts_layouts $(CRIU_PLUGIN_PC_LAYOUTS)); manifest $$m"
endef

install: $(if $(NO_BUILD),,install-build)
	$(call criu_plugin_install,)

install-strip: $(if $(NO_BUILD),,install-build)
	$(call criu_plugin_install,1)

uninstall:
	@set -e; d='$(CRIU_PLUGIN_DEST)'; m='$(CRIU_PLUGIN_MANIFEST)'; \
	if [ -f "$$m" ]; then \
		tac "$$m" | while read -r t p; do \
			case "$$t" in \
			f|l) if [ -e "$$p" ] || [ -L "$$p" ]; then rm -f "$$p"; echo "  RM      $$p"; fi ;; \
			d) if rmdir "$$p" 2>/dev/null; then echo "  RMDIR   $$p"; fi ;; \
			esac; \
		done; \
		rm -f "$$m"; \
	else \
		echo "uninstall: no install manifest for these variables ($$m);"; \
		echo "uninstall: removing the files make install puts there"; \
		for p in $(CRIU_PLUGIN_INSTALLED); do \
			if [ -e "$$d$$p" ] || [ -L "$$d$$p" ]; then rm -f "$$d$$p"; echo "  RM      $$d$$p"; fi; \
		done; \
		if rmdir "$$d$(CRIU_PLUGIN_INCDIR)" 2>/dev/null; then echo "  RMDIR   $$d$(CRIU_PLUGIN_INCDIR)"; fi; \
	fi; \
	if [ -z "$$d" ] && [ "$$(id -u)" = 0 ] && command -v $(LDCONFIG) >/dev/null 2>&1; then $(LDCONFIG); fi

show-install-manifest:
	@echo '$(CRIU_PLUGIN_MANIFEST)'

# The folders an install with these variables uses, one VAR=value a line.
show-install-dirs:
	@printf '%s\n' 'PREFIX=$(PREFIX)' 'LIBDIR=$(LIBDIR)' 'INCLUDEDIR=$(INCLUDEDIR)' \
		'HEADERS=$(CRIU_PLUGIN_INCDIR)' 'BINDIR=$(BINDIR)' 'PKGCONFIGDIR=$(PKGCONFIGDIR)' \
		'MANDIR=$(MANDIR)'

check-install:
	bash ctests/install/run-install-test.sh
