# criu-plugin-inspect: build the release tool and run its tests: on folders
# of good and bad C plugins (ctests/inspect/run.sh), on restores of
# hand-made and real images (images.sh), of its manual page (manpage.sh),
# and against the loader itself on the trust walk, the skip list and odd
# names (loader.sh, which also needs the library: lib).

INSPECT := $(CURDIR)/target/release/criu-plugin-inspect

.PHONY: inspect check-inspect

# The tool alone (target/release/criu-plugin-inspect).
inspect:
	$(CARGO_RELEASE) -p criu-plugin-inspect

check-inspect: inspect lib
	bash ctests/inspect/run.sh $(INSPECT)
	bash ctests/inspect/images.sh $(INSPECT)
	bash ctests/inspect/manpage.sh $(INSPECT)
	bash ctests/inspect/loader.sh $(INSPECT) $(STAGE)
