"""The JSON Schemas of schemas/ describe what docctl reads and writes: every example document's
metadata, the example configuration, and the JSON that check, show and register print."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
Run = Callable[..., tuple[int, str, str]]


def schema(name: str) -> dict[str, object]:
    return json.loads((ROOT / "schemas" / name).read_text())


@pytest.fixture(scope="module")
def acme(tmp_path_factory: pytest.TempPathFactory) -> Path:
    sys.path.insert(0, str(ROOT / "examples"))
    from build_example import build

    return build(tmp_path_factory.mktemp("example") / "acme-qms", dt.date(2026, 6, 1))


def metadata_of(path: Path) -> object:
    """The metadata as YAML reads it with every scalar a string (as docctl reads it)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".md":
        text = text.split("\n---\n", 1)[0].removeprefix("---\n")
    return yaml.load(text, Loader=yaml.BaseLoader)  # noqa: S506 - BaseLoader builds no objects


def test_every_example_document_follows_the_document_schema(acme: Path) -> None:
    validator = jsonschema.Draft202012Validator(schema("document.schema.json"))
    files = sorted(acme.rglob("*.md")) + sorted(acme.rglob("*.docx.yml"))
    files = [f for f in files if ".git" not in f.parts and f.name != "README.md"]
    assert len(files) == 21
    for path in files:
        errors = [e.message for e in validator.iter_errors(metadata_of(path))]
        assert errors == [], path


def test_the_document_schema_rejects_what_check_rejects() -> None:
    validator = jsonschema.Draft202012Validator(schema("document.schema.json"))
    bad = {"id": "SOP-001", "title": "T", "type": "SOP", "revision": "A", "status": "released", "owner": "x"}
    assert {e.validator for e in validator.iter_errors(bad)} == {"enum", "pattern"}


def test_show_and_check_json_follow_their_schemas(acme: Path, run_cli: Run) -> None:
    code, out, _ = run_cli("check", "--format", "json", cwd=acme)
    assert code == 0
    jsonschema.validate(json.loads(out), schema("check-report.schema.json"))
    code, out, _ = run_cli("show", "SOP-004", "--format", "json", cwd=acme)
    shown = json.loads(out)
    metadata = {k: v for k, v in shown.items() if k in schema("document.schema.json")["properties"]}  # type: ignore[operator]
    metadata = {k: v for k, v in metadata.items() if v not in (None, [])}
    metadata["approvals"] = [
        {k: a[k] for k in ("name", "by", "role", "meaning", "date", "fingerprint")} for a in shown["approvals"]
    ]
    jsonschema.validate(metadata, schema("document.schema.json"))


def test_register_json_follows_its_schema(acme: Path, run_cli: Run) -> None:
    code, out, _ = run_cli("register", "--format", "json", cwd=acme)
    assert code == 0
    jsonschema.validate(json.loads(out), schema("register.schema.json"))


def test_the_example_configuration_follows_the_config_schema() -> None:
    import tomllib

    data = tomllib.loads((ROOT / "examples/acme-qms/docctl.toml").read_text())
    jsonschema.validate(data, schema("config.schema.json"))
