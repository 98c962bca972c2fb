# Hostile input: the loader (ctests/hostile/run.sh, all of it as root) and the
# inspection tool (ctests/inspect/hostile.sh). ctests/hostile/README.md lists
# every input and what must happen.
#
#   make -f mk/hostile.mk check-hostile            (from the top folder)
#   make -f mk/hostile.mk check-inspect-hostile
#   make -f mk/hostile.mk check-hostile-criu-c     the loader's cases against
#                                                  CRIU 4.1.1's own loader
#
# Included from the top Makefile (include mk/hostile.mk) it uses that
# Makefile's lib and inspect targets; run alone it includes the top Makefile
# first, for the same targets.

ifndef HOSTILE_MK_INCLUDED
HOSTILE_MK_INCLUDED := 1

ifeq ($(origin STAGE),undefined)
include Makefile
endif

.PHONY: check-hostile check-inspect-hostile check-hostile-criu-c

check-hostile: lib
	bash ctests/hostile/run.sh $(STAGE)

check-inspect-hostile: inspect
	bash ctests/inspect/hostile.sh $(INSPECT)

# For comparison only (it fails: CRIU's loader has none of the checks).
check-hostile-criu-c:
	bash ctests/e2e/fetch-criu.sh
	bash ctests/hostile/run.sh --criu-c $(CURDIR)/.cache/criu_4.1.1.orig.tar.xz

endif
