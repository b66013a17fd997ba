# docctl — two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BUILD := build

.PHONY: demo test fuzz bench bench-small bench-scaling lint coverage clean venv

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
	@echo; echo "== docctl export SOP-004: a controlled PDF copy with signature page and history ($(BUILD)/SOP-004-copy.pdf)"
	cd $(EXAMPLE) && $(DOCCTL) export SOP-004 -o ../SOP-004-copy.pdf
	@echo; echo "== docctl verify: is the copy current?"
	cd $(EXAMPLE) && $(DOCCTL) verify ../SOP-004-copy.pdf
	@echo; echo "== SOP-004 revised (Sam), approved (Li, Jane) and released (Jane); the old copy is verified again"
	cd $(EXAMPLE) && $(call AS,Sam Okafor,sam.okafor) $(DOCCTL) revise SOP-004 --change "Added on-site audits of critical suppliers" --change-request CR-2026-031
	cd $(EXAMPLE) && sed -i 's/^## References$$/## Supplier audits\n\nCritical suppliers are audited on site at least every three years.\n\n## References/' sops/SOP-004-*.md \
	  && git add sops && $(call AS,Sam Okafor,sam.okafor) git commit -q -m "SOP-004: on-site supplier audits"
	cd $(EXAMPLE) && $(call AS,Sam Okafor,sam.okafor) $(DOCCTL) submit SOP-004
	cd $(EXAMPLE) && $(call AS,Li Chen,li.chen) $(DOCCTL) approve SOP-004 --role "Process Owner"
	cd $(EXAMPLE) && $(call AS,Jane Smith,jane.smith) $(DOCCTL) approve SOP-004 --role "Quality Manager"
	cd $(EXAMPLE) && $(call AS,Jane Smith,jane.smith) $(DOCCTL) release SOP-004
	cd $(EXAMPLE) && $(DOCCTL) verify ../SOP-004-copy.pdf || true
	@echo; echo "== docctl site: the point-of-use portal of the documents in force"
	cd $(EXAMPLE) && $(DOCCTL) site -o ../acme-portal
	@echo; echo "== docctl audit --record: the internal audit of document control, committed as a record"
	cd $(EXAMPLE) && $(call AS,Jane Smith,jane.smith) $(DOCCTL) audit --record -o ../acme-audit.html
	cd $(EXAMPLE) && $(DOCCTL) audit -o ../acme-audit.docx
	@echo; echo "== docctl audit-pack: the stage-1 evidence pack for the certification body"
	cd $(EXAMPLE) && $(DOCCTL) audit-pack --as-of $$(date +%F) -o ../acme-evidence-pack.zip
	@echo; echo "The example repository is in $(EXAMPLE); registers, matrix, the copy, the portal, the audit report and the evidence pack are in $(BUILD)/."

# Run a command as one of the example's people: $(call AS,Full Name,first.last)
AS = GIT_AUTHOR_NAME="$(1)" GIT_AUTHOR_EMAIL=$(2)@acme.example GIT_COMMITTER_NAME="$(1)" GIT_COMMITTER_EMAIL=$(2)@acme.example

# The suite runs on every core (pytest-xdist); each test file stays on one worker, so its
# module-scoped repositories are built once. `$(PY) -m pytest -q` runs it in one process.
test: $(VENV)/.installed lint
	$(PY) -m pytest -q -n auto --dist loadfile

# Property tests with many random examples (FUZZ_EXAMPLES per test, default 20000); `make test` runs
# them derandomized. A failure prints its input: add it to the fixed examples (docs/testing.md).
fuzz: $(VENV)/.installed
	$(PY) -m pytest -q -p no:cacheprovider -m hypothesis --hypothesis-profile=fuzz $(FUZZ_ARGS)

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
