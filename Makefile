# The two commands of the README: `make run` and `make test`. Both bootstrap by themselves.
.PHONY: run test test-slow bootstrap samples bench-tables bench-throughput clean-data

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

# Table benchmark against pdfplumber, Camelot and img2table on ICDAR 2013 (prints figures).
# The peers live in their own venv (.venv-bench) so they cannot change the main environment.
bench-tables: bootstrap
	@test -x .venv-bench/bin/python || python3 -m venv .venv-bench
	@test -f .venv-bench/.installed -a .venv-bench/.installed -nt pyproject.toml || \
		(.venv-bench/bin/pip install -q -e '.[bench]' && touch .venv-bench/.installed)
	OMP_THREAD_LIMIT=1 .venv-bench/bin/python scripts/bench_tables.py $(ARGS)

# Throughput benchmark (pages/s, peak memory, bare tesseract floor, ocrmypdf peer, 1,000-file re-run).
bench-throughput: bootstrap
	@test -x .venv-bench/bin/python || python3 -m venv .venv-bench
	@test -f .venv-bench/.installed -a .venv-bench/.installed -nt pyproject.toml || \
		(.venv-bench/bin/pip install -q -e '.[bench]' && touch .venv-bench/.installed)
	OMP_THREAD_LIMIT=1 .venv/bin/python -m bench.throughput $(ARGS)

clean-data:
	rm -rf $(KINERJA_HOME)
