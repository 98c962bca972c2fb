# criu-plugin: build, test, benchmark and install.
#
#   make setup     install the system packages the build and tests need, then build
#   make check     run every test (Rust, C harness, sanitizers, valgrind, real CRIU)
#   make bench     benchmarks (release build), figures and ratios
#   make install   install (PREFIX, LIBDIR, INCLUDEDIR, BINDIR, DESTDIR)

# Build settings, reported by the library (cr_plugin_default_dir(),
# cr_plugin_opts_layouts()) and the pkg-config file. CRIU_OPTS_LAYOUTS adds
# layouts of CRIU's struct cr_options (SIZE:OFFSET,...) to the verified ones.
CRIU_PLUGIN_DEFAULT_DIR ?= /usr/lib/criu/
CRIU_OPTS_LAYOUTS ?=
export CRIU_PLUGIN_DEFAULT_DIR CRIU_OPTS_LAYOUTS

# The release version, written once in Cargo.toml; its major number is
# the C ABI version (the soname's).
VERSION   := $(shell sed -n 's/^version = "\(.*\)"$$/\1/p' Cargo.toml | head -n1)
SOVERSION := $(firstword $(subst ., ,$(VERSION)))
ifeq ($(VERSION),)
$(error no version = "..." line in Cargo.toml)
endif
CARGO     ?= cargo
BUILD     := $(CURDIR)/build
STAGE     := $(BUILD)/lib
SONAME    := libcriu-plugin.so.$(SOVERSION)
REALNAME  := libcriu-plugin.so.$(VERSION)


.PHONY: print-version check-skip
.PHONY: all setup deps lib headers check check-rust check-c check-c-valgrind \
	check-c-sanitizers check-beyond e2e bench install uninstall clean

all: lib

# System packages for the build and every test (Debian).
deps:
	bash .ci/deps.sh

setup: deps all

# The release library, staged with its soname links under build/lib.
lib:
	$(CARGO) build --release
	mkdir -p $(STAGE)
	cp -f target/release/libcriu_plugin.so $(STAGE)/$(REALNAME)
	ln -sf $(REALNAME) $(STAGE)/$(SONAME)
	ln -sf $(SONAME) $(STAGE)/libcriu-plugin.so
	cp -f target/release/libcriu_plugin.a $(STAGE)/libcriu-plugin.a

# Rewrite the generated headers in include/ after changing the Rust ABI.
headers:
	CRIU_PLUGIN_WRITE_HEADERS=1 $(CARGO) build

check: check-rust check-c check-beyond check-skip check-hostile check-layouts check-inspect check-inspect-hostile check-install check-c-valgrind check-c-sanitizers e2e

check-rust:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) test --workspace

check-c: lib
	$(MAKE) -C ctests check LIBDIR=$(STAGE)

# Order, strict mode, trust, symbols, secure execution, built-ins, version skew.
check-beyond: lib
	bash ctests/beyond/run.sh $(STAGE)

# Skipping plugins by name (CRIU_PLUGIN_SKIP, cr_plugin_set_skip).
check-skip: lib
	bash ctests/skip/run.sh $(STAGE)

# Which layouts of CRIU's opts the library reads and writes; CRIU_OPTS_LAYOUTS.
.PHONY: check-layouts
check-layouts: lib
	bash ctests/layouts/run.sh $(STAGE)

check-c-valgrind: lib
	$(MAKE) -C ctests check-valgrind LIBDIR=$(STAGE)

check-c-sanitizers: lib
	$(MAKE) -C ctests check-sanitizers LIBDIR=$(STAGE)

e2e: lib
	bash ctests/e2e/run-e2e.sh

clean:
	$(CARGO) clean
	rm -rf $(BUILD)
	$(MAKE) -C ctests clean

# install / uninstall / pkg-config (mk/install.mk), benchmarks (mk/bench.mk),
# the inspection tool's tests (mk/inspect.mk).
include mk/install.mk
include mk/bench.mk
include mk/inspect.mk
include mk/hostile.mk

# The long fuzzing run of the ELF and descriptor readers (stable Rust):
# mutations of real shared objects for FUZZ_SECONDS (default 600).
FUZZ_SECONDS ?= 600
FUZZ_FILES ?= $(wildcard /lib/x86_64-linux-gnu/libc.so.6 /lib/x86_64-linux-gnu/libgcc_s.so.1 $(STAGE)/libcriu-plugin.so)
.PHONY: fuzz
fuzz: lib
	$(CARGO) run --release --example fuzz_elf -- $(FUZZ_SECONDS) $(FUZZ_FILES)

# The version and C ABI version, for scripts.
print-version:
	@echo $(VERSION) $(SOVERSION)
