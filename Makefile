# docctl — two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BUILD := build

.PHONY: demo test bench bench-small bench-scaling lint coverage clean venv

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

venv: $(VENV)/.installed

DOCCTL := $(CURDIR)/$(VENV)/bin/docctl
EXAMPLE := $(BUILD)/acme-qms

demo: $(VENV)/.installed
	$(PY) examples/build_example.py --out $(EXAMPLE) --force
	@echo; echo "== docctl check: every rule, including history, attestation and references"
	cd $(EXAMPLE) && $(DOCCTL) check
	@echo; echo "== docctl show SOP-004: metadata and signature manifest"
	cd $(EXAMPLE) && $(DOCCTL) show SOP-004
	@echo; echo "== docctl history SOP-004: revisions from git"
	cd $(EXAMPLE) && $(DOCCTL) history SOP-004
	@echo; echo "== docctl impact SOP-004: what to review when it changes"
	cd $(EXAMPLE) && $(DOCCTL) impact SOP-004
	@echo; echo "== docctl register: the controlled-document register (also written as HTML, Excel and Word)"
	cd $(EXAMPLE) && $(DOCCTL) register --format md
	cd $(EXAMPLE) && $(DOCCTL) register -o ../acme-register.html && $(DOCCTL) register -o ../acme-register.xlsx && $(DOCCTL) register -o ../acme-register.docx
	@echo; echo "== docctl matrix: ISO 9001:2015 clause coverage (written to $(BUILD)/acme-matrix.html)"
	cd $(EXAMPLE) && $(DOCCTL) matrix --format html -o ../acme-matrix.html
	@echo; echo "The example repository is in $(EXAMPLE); registers and matrix are in $(BUILD)/."

test: $(VENV)/.installed lint
	$(PY) -m pytest -q

# The benchmark suite (docs/performance.md): both generated shapes at 500 and 5,000 documents, six
# commits per document; the repositories are generated once into build/bench/. BENCH_ARGS adds
# options, e.g. BENCH_ARGS="--json build/bench.json --markdown".
bench: $(VENV)/.installed
	$(PY) bench/run.py $(BENCH_ARGS)

bench-small: $(VENV)/.installed
	$(PY) bench/run.py --sizes 500 $(BENCH_ARGS)

bench-scaling: $(VENV)/.installed
	$(PY) bench/run.py --scaling $(BENCH_ARGS)

coverage: $(VENV)/.installed
	$(PY) -m coverage run --source=docctl -m pytest -q
	$(PY) -m coverage report --skip-covered --sort=cover

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check docctl tests examples bench
	$(VENV)/bin/ruff format --check docctl tests examples bench
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

clean:
	rm -rf $(BUILD) $(VENV) .pytest_cache .mypy_cache
