# criu-plugin-inspect: build the release tool and run its tests on folders of
# good and bad C plugins (ctests/inspect/run.sh).

INSPECT := $(CURDIR)/target/release/criu-plugin-inspect

.PHONY: inspect check-inspect

# The tool alone (target/release/criu-plugin-inspect).
inspect:
	$(CARGO) build --release -p criu-plugin-inspect

check-inspect: inspect
	bash ctests/inspect/run.sh $(INSPECT)
