# docctl — two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BUILD := build

.PHONY: demo test bench bench-small lint clean venv

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

venv: $(VENV)/.installed

demo: $(VENV)/.installed
	$(PY) examples/build_example.py --out $(BUILD)/acme-qms --force
	cd $(BUILD)/acme-qms && ../../$(VENV)/bin/docctl check
	cd $(BUILD)/acme-qms && ../../$(VENV)/bin/docctl show SOP-001
	@echo "The example repository is in $(BUILD)/acme-qms; try: cd $(BUILD)/acme-qms && ../../$(VENV)/bin/docctl --help"

test: $(VENV)/.installed
	$(PY) -m pytest -q

# The benchmark suite of SPEC §10 (5,000 documents, 30,000 commits; the repository is generated once).
bench: $(VENV)/.installed
	$(PY) bench/run.py $(BENCH_ARGS)

bench-small: $(VENV)/.installed
	$(PY) bench/run.py --documents 500 --commits 3000

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check docctl tests examples
	$(VENV)/bin/mypy

clean:
	rm -rf $(BUILD) $(VENV) .pytest_cache .mypy_cache
