"""Clause catalogues: the built-in standards, custom catalogues from the repository, their errors."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
import yaml
from helpers import CONFIG, GitRepo, sop

import docctl
from docctl.core.errors import ConfigError
from docctl.standards import Kind, builtin_catalogues, load_catalogues

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = Path("/work/shared/reference")
Run = Callable[..., tuple[int, str, str]]


def doc_blocks(lang: str) -> list[str]:
    text = (ROOT / "docs" / "custom-catalogues.md").read_text(encoding="utf-8")
    return re.findall(rf"^```{lang}\n(.*?)^```$", text, flags=re.MULTILINE | re.DOTALL)


AS9100 = doc_blocks("yaml")[0]


def with_catalogue(
    repo: GitRepo, text: str, *, standards: str = '["as9100:2016"]', rel: str = "standards/as9100d.yml"
) -> GitRepo:
    repo.write(rel, text)
    config = CONFIG.replace('standards = ["iso9001:2015"]', f'standards = {standards}\ncatalogues = ["{rel}"]')
    repo.write("docctl.toml", config)
    return repo


# --- built-in ------------------------------------------------------------------------------------


def test_builtin_catalogues() -> None:
    catalogues = builtin_catalogues()
    assert {c: (len(cat.clauses), len(cat.mandatory)) for c, cat in catalogues.items()} == {
        "iso9001:2015": (91, 27),
        "iso14001:2015": (45, 0),
        "iso45001:2018": (56, 0),
        "iso13485:2016": (91, 0),
    }
    iso9001 = catalogues["iso9001:2015"]
    assert iso9001.clause("7.5.3") is not None and iso9001.clause("7.5.3").title == "Control of documented information"  # type: ignore[union-attr]
    assert "7.5.4" not in iso9001 and "10.3" in iso9001
    assert [c.number for c in iso9001.clauses][:3] == ["4", "4.1", "4.2"] and iso9001.clauses[-1].number == "10.3"
    assert sum(m.kind is Kind.DOCUMENT for m in iso9001.mandatory) == 6


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="reference facts not available")
@pytest.mark.parametrize("name", ["iso9001_2015", "iso14001_2015", "iso45001_2018", "iso13485_2016"])
def test_builtin_catalogues_match_the_reference_numbers_and_titles(name: str) -> None:
    catalogue = builtin_catalogues()[name.replace("_", ":", 1).replace("iso", "iso", 1)]
    rows = [line.split("\t") for line in (REFERENCE / f"{name}_clauses.tsv").read_text().splitlines() if line.strip()]
    assert [c.number for c in catalogue.clauses] == [number for number, _ in rows]
    for clause, (_, title) in zip(catalogue.clauses, rows, strict=True):
        if title.startswith("(untitled)"):
            assert clause.untitled and clause.display_title.startswith("(untitled) ")
        else:
            assert (clause.untitled, clause.title) == (False, title)


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="reference facts not available")
def test_iso9001_mandatory_items_match_the_reference() -> None:
    rows = [
        line.split("\t")[:2] for line in (REFERENCE / "iso9001_mandatory.tsv").read_text().splitlines() if line.strip()
    ]
    assert [[m.clause, m.kind.value] for m in builtin_catalogues()["iso9001:2015"].mandatory] == rows


# --- custom ----------------------------------------------------------------------------------------


def test_docs_example_matches_the_schema() -> None:
    schema = json.loads((ROOT / "schemas" / "catalogue.schema.json").read_text())
    for block in doc_blocks("yaml"):
        data = yaml.safe_load(block)
        if "catalogue" in data:
            jsonschema.validate(data, schema)


def test_custom_catalogue_extends_a_builtin(repo: GitRepo) -> None:
    with_catalogue(repo, AS9100)
    catalogues = load_catalogues(docctl.open(repo.path).config)
    as9100 = catalogues.default
    assert (as9100.id, as9100.source, len(as9100.clauses), len(as9100.mandatory)) == (
        "as9100:2016",
        "standards/as9100d.yml",
        98,
        29,
    )
    assert [c.number for c in as9100.clauses if c.number.startswith("8.1")] == [
        "8.1",
        "8.1.1",
        "8.1.2",
        "8.1.3",
        "8.1.4",
    ]
    assert as9100.name == "AS9100D"


def test_custom_catalogue_in_clauses_text_and_matrix(repo: GitRepo, run_cli: Run) -> None:
    with_catalogue(repo, AS9100)
    body = "\n# SOP-001 Document Control\n\nPer AS9100D clause 8.1.4 and ISO 9001:2015 clause 8.4, see § 8.1.9.\n"
    repo.write("sops/SOP-001.md", sop(clauses=["8.1.4", "iso9001:2015#8.4.1"], body=body))
    findings = docctl.open(repo.path).check().findings
    assert [(f.code, f.line, f.message) for f in findings] == [
        ("DC401", 14, "'§ 8.1.9': clause 8.1.9 is not in the as9100:2016 catalogue"),
    ]
    code, out, _ = run_cli("--root", str(repo.path), "matrix", "--format", "json")
    rows = {r["clause"]: r for r in json.loads(out)["clauses"]}
    assert code == 0 and rows["8.1.4"]["documents"][0]["id"] == "SOP-001"


def test_custom_catalogue_untitled_clause(repo: GitRepo) -> None:
    with_catalogue(repo, doc_blocks("yaml")[1], standards='["acme-policy:2025"]', rel="acme.yml")
    clause = load_catalogues(docctl.open(repo.path).config).default.clause("1.1.1")
    assert clause is not None and (clause.untitled, clause.display_title) == (
        True,
        "(untitled) Deputy named in writing",
    )


BAD = [
    (
        'catalogue: x:1\ntitle: X\nclauses:\n  "1": A\n  "8.1.x": B\n',
        "standards/as9100d.yml:5: '8.1.x' is not a clause number (digits separated by dots, e.g. 8.1.4 or A.5.1)",
    ),
    (
        'catalogue: x:1\ntitle: X\nclauses:\n  "1": A\nmandatory:\n  - clause: "1"\n    kind: record\n    what: R\n  - clause: "8.9"\n    kind: record\n    what: R\n',
        "standards/as9100d.yml:9: 'mandatory[1].clause' names clause 8.9, which the catalogue does not list",
    ),
    (
        'catalogue: x:1\ntitle: X\nclauses:\n  "1": A\nmandatory:\n  - clause: "1"\n    kind: form\n    what: R\n',
        "standards/as9100d.yml:7: 'mandatory[0].kind' must be document or record, not 'form'",
    ),
    (
        'catalogue: x:1\ntitle: X\nclause:\n  "1": A\n',
        "standards/as9100d.yml:3: unknown key 'clause' (known: catalogue, title, cited_as, extends, clauses, mandatory)",
    ),
    (
        'catalogue: x:1\ntitle: X\nclauses:\n  "1": A\n  "1": B\n',
        "standards/as9100d.yml:5: duplicate key '1' (first on line 4)",
    ),
    (
        "catalogue: ISO 9001\ntitle: X\nclauses: {}\n",
        "standards/as9100d.yml:1: catalogue id 'iso 9001' must look like 'as9100:2016' (letters, digits, '.', '-', '_', one ':')",
    ),
    (
        "catalogue: iso9001:2015\ntitle: X\nclauses: {}\n",
        "standards/as9100d.yml:1: catalogue 'iso9001:2015' is already defined (built-in); use 'extends' to build on it",
    ),
    (
        "catalogue: x:1\ntitle: X\nextends: as9100:2016\n",
        "standards/as9100d.yml:3: cannot extend 'as9100:2016': no such catalogue (known: iso13485:2016, iso14001:2015, iso45001:2018, iso9001:2015; list custom ones first)",
    ),
    ("catalogue: x:1\nclauses: {}\n", "standards/as9100d.yml:1: required key 'title' is missing"),
    (
        'catalogue: x:1\ntitle: X\nclauses:\n  "1": {title: A, untitled: maybe}\n',
        "standards/as9100d.yml:4: 'clauses.1.untitled' must be true or false",
    ),
    ("catalogue: x:1\ntitle: [unclosed\n", "standards/as9100d.yml:3: invalid YAML: did not find expected ',' or ']'"),
]


@pytest.mark.parametrize(("text", "error"), BAD)
def test_bad_catalogue_is_a_one_line_error_naming_file_and_line(
    repo: GitRepo, run_cli: Run, text: str, error: str
) -> None:
    with_catalogue(repo, text, standards='["iso9001:2015"]')
    with pytest.raises(ConfigError) as raised:
        load_catalogues(docctl.open(repo.path).config)
    assert str(raised.value) == error
    code, out, err = run_cli("--root", str(repo.path), "check")
    assert (code, out, err) == (2, "", f"docctl: error: {error}\n")


def test_missing_catalogue_file_and_unknown_standard_name_docctl_toml(repo: GitRepo) -> None:
    repo.write(
        "docctl.toml",
        CONFIG.replace('standards = ["iso9001:2015"]', 'standards = ["iso9001:2015"]\ncatalogues = ["nope.yml"]'),
    )
    with pytest.raises(ConfigError) as raised:
        load_catalogues(docctl.open(repo.path).config)
    assert (
        str(raised.value)
        == f"{repo.path / 'docctl.toml'}:3: catalogue file 'nope.yml' listed in docctl.toml does not exist"
    )
    repo.write("docctl.toml", CONFIG.replace('standards = ["iso9001:2015"]', 'standards = ["as9100:2016"]'))
    with pytest.raises(ConfigError) as raised:
        load_catalogues(docctl.open(repo.path).config)
    assert str(raised.value) == (
        f"{repo.path / 'docctl.toml'}:2: standard 'as9100:2016' has no clause catalogue "
        "(known: iso13485:2016, iso14001:2015, iso45001:2018, iso9001:2015); add its catalogue file to 'catalogues'"
    )


def test_catalogue_outside_the_repository(repo: GitRepo, tmp_path: Path) -> None:
    (tmp_path / "outside.yml").write_text("catalogue: x:1\ntitle: X\nclauses: {}\n")
    repo.write(
        "docctl.toml",
        CONFIG.replace('standards = ["iso9001:2015"]', 'standards = ["iso9001:2015"]\ncatalogues = ["../outside.yml"]'),
    )
    with pytest.raises(ConfigError, match="catalogue file '../outside.yml' is outside the repository"):
        load_catalogues(docctl.open(repo.path).config)


def test_catalogue_edits_are_picked_up(repo: GitRepo) -> None:
    with_catalogue(repo, 'catalogue: x:1\ntitle: X\nclauses:\n  "1": A\n', standards='["x:1"]')
    config = docctl.open(repo.path).config
    assert "2" not in load_catalogues(config).default
    with_catalogue(repo, 'catalogue: x:1\ntitle: X\nclauses:\n  "1": A\n  "2": B\n', standards='["x:1"]')
    assert "2" in load_catalogues(config).default


def test_editing_a_catalogue_refreshes_cached_clause_findings(repo: GitRepo) -> None:
    """Per-document findings are cached across runs; DC401 depends on the catalogue files too."""
    with_catalogue(repo, 'catalogue: x:1\ntitle: X\nclauses:\n  "1": A\n', standards='["x:1"]')
    repo.write("sops/SOP-001.md", sop(clauses=["1", "2"]))
    repo.commit("catalogue and SOP")
    assert [f.code for f in docctl.open(repo.path).check().findings] == ["DC401"]
    assert [f.code for f in docctl.open(repo.path).check().findings] == ["DC401"]  # from the cache
    with_catalogue(repo, 'catalogue: x:1\ntitle: X\nclauses:\n  "1": A\n  "2": B\n', standards='["x:1"]')
    assert [f.code for f in docctl.open(repo.path).check().findings] == []


def test_one_open_repository_follows_a_catalogue_edit(repo: GitRepo) -> None:
    """The references a repository has extracted (the watcher keeps one open) follow the catalogue files."""
    with_catalogue(repo, 'catalogue: x:1\ntitle: X\nclauses:\n  "1": A\n', standards='["x:1"]')
    repo.write("sops/SOP-001.md", sop(clauses=["1", "2"]))
    opened = docctl.open(repo.path)
    document = opened.document("SOP-001")
    assert [c.problem for c in opened.references().extract(document).clauses] == [
        None,
        "clause 2 is not in the x:1 catalogue",
    ]
    with_catalogue(repo, 'catalogue: x:1\ntitle: X\nclauses:\n  "1": A\n  "2": B\n', standards='["x:1"]')
    assert [c.problem for c in opened.references().extract(document).clauses] == [None, None]


def test_caches_are_keyed_by_the_catalogue_contents_not_their_modification_times(repo: GitRepo) -> None:
    """A fresh clone (a CI job with a restored .git/docctl) gives every file a new modification time:
    the caches that depend on the catalogues must still be found; a changed catalogue must not."""
    import os

    with_catalogue(repo, AS9100)
    repo.write("sops/SOP-001.md", sop("SOP-001", body="\n# SOP-001 Document Control\n\nSee clause 8.1.\n"))
    repo.commit("catalogue and SOP", who="jane", date="2026-01-01T09:00:00+00:00")
    cache = repo.path / ".git" / "docctl"
    first = docctl.open(repo.path).check().findings
    keys = sorted(p.name for p in cache.iterdir() if "-" in p.name)
    catalogue = repo.path / "standards" / "as9100d.yml"
    os.utime(catalogue, (1_000_000_000, 1_000_000_000))
    assert docctl.open(repo.path).check().findings == first
    assert sorted(p.name for p in cache.iterdir() if "-" in p.name) == keys
    catalogue.write_text(AS9100.replace("AS9100D", "AS9100 rev. D"), encoding="utf-8")
    docctl.open(repo.path).check()
    assert len([p for p in cache.iterdir() if p.name.startswith("parsed-")]) == 2
