# criu-plugin-inspect: build the release tool and run its tests: on folders
# of good and bad C plugins (ctests/inspect/run.sh), on restores of
# hand-made and real images (images.sh), and of its manual page
# (manpage.sh).

INSPECT := $(CURDIR)/target/release/criu-plugin-inspect

.PHONY: inspect check-inspect

# The tool alone (target/release/criu-plugin-inspect).
inspect:
	$(CARGO) build --release -p criu-plugin-inspect

check-inspect: inspect
	bash ctests/inspect/run.sh $(INSPECT)
	bash ctests/inspect/images.sh $(INSPECT)
	bash ctests/inspect/manpage.sh $(INSPECT)
