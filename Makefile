# The two commands of the README: `make run` and `make test`. Both bootstrap by themselves.
.PHONY: run test test-slow bootstrap samples bench clean-data

KINERJA_HOME ?= data
export KINERJA_HOME

bootstrap:
	@bash scripts/bootstrap.sh

# Copy the bundled demo inbox into the data home and process it.
run: bootstrap
	@mkdir -p $(KINERJA_HOME)/inbox
	@cp -p samples/inbox/* $(KINERJA_HOME)/inbox/
	.venv/bin/kinerja run --home $(KINERJA_HOME)

test: bootstrap
	.venv/bin/python -m pytest -q

# Full-corpus and other long tests.
test-slow: bootstrap
	.venv/bin/python -m pytest -q -m slow

# Regenerate samples/inbox and samples/truth from samples/content (deterministic).
samples: bootstrap
	.venv/bin/python -m samples.generate

clean-data:
	rm -rf $(KINERJA_HOME)
