# make bench: the loader's cost against CRIU 4.1.1's own loader and the
# dlopen floor. Builds everything in release mode, runs the
# measurements side by side (interleaved, medians) and prints one table;
# BENCHMARKS.md explains it and records one run. Takes about ten minutes; nothing
# in `make check` depends on it.
#
#   BENCH_REPS=N        repetitions of each timed measurement (default 15, >= 5)
#   BENCH_CRIU_REPS=N   dump + restore pairs for the real-CRIU figure (default 101)
#   BENCH_BUILD_CRIU=1  build (or bring up to date) the two CRIU 4.1.1 trees
#                       the real-CRIU figure needs (ctests/e2e/build-criu.sh
#                       4.1.1 stock|lib, as `make e2e` does)
#   BENCH_SKIP_CRIU=1   leave the real-CRIU figure out
#   BENCH_SCALE=N,N     plugin counts of the scale figure (default 4096,10000;
#                       empty: none; 10000 takes about a third of the run)
#   BENCH_SCALE_REPS=N  repetitions of the scale figure (default 5)

BENCH_REPS ?= 15
BENCH_CRIU_REPS ?= 101
BENCH_BUILD_CRIU ?= 0
BENCH_SKIP_CRIU ?= 0
BENCH_SCALE ?= 4096,10000
BENCH_SCALE_REPS ?= 5
PYTHON ?= python3

.PHONY: bench bench-build bench-clean

# CRIU 4.1.1's tarball (for criu/plugin.c, extracted into bench/build, never
# committed) comes from the e2e test's fetch script.
bench-build: lib
	bash ctests/e2e/fetch-criu.sh 4.1.1
	$(CARGO_RELEASE) --example bench_dispatch
	$(MAKE) -C bench LIBDIR=$(STAGE) INCLUDE=$(CURDIR)/include \
		TARBALL=$(CURDIR)/.cache/criu_4.1.1.orig.tar.xz

bench: bench-build
	BENCH_BUILD_CRIU=$(BENCH_BUILD_CRIU) $(PYTHON) bench/run.py --reps $(BENCH_REPS) \
		--criu-reps $(BENCH_CRIU_REPS) --scale '$(BENCH_SCALE)' \
		--scale-reps $(BENCH_SCALE_REPS) $(if $(filter 1,$(BENCH_SKIP_CRIU)),--skip-criu)

bench-clean:
	$(MAKE) -C bench clean
