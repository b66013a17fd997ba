"""The example repository (examples/acme-qms): references resolve, no reference finding, and the
ISO 9001 matrix lists every clause with the documents that address it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import docctl
from docctl.standards import builtin_catalogues

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def acme(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("example") / "acme-qms"
    home = tmp_path_factory.mktemp("home")
    (home / ".gitconfig").write_text("[init]\n\tdefaultBranch = main\n")
    env = {
        "HOME": str(home),
        "GIT_CONFIG_GLOBAL": str(home / ".gitconfig"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
    }
    script = ROOT / "examples" / "build_example.py"
    subprocess.run(
        [sys.executable, str(script), "--out", str(out), "--today", "2026-06-01"],
        check=True,
        env=env,
        capture_output=True,
    )
    return out


def test_example_has_no_finding(acme: Path) -> None:
    report = docctl.open(acme).check()
    assert [str(f) for f in report.findings] == []


def test_example_matrix_lists_every_iso9001_clause(acme: Path) -> None:
    matrix = docctl.open(acme).matrix()
    catalogue = builtin_catalogues()["iso9001:2015"]
    assert [r.number for r in matrix.rows] == [c.number for c in catalogue.clauses]
    rows = {r.number: r for r in matrix.rows}
    assert [c.document for c in rows["7.5.3"].cells] == ["FRM-001", "SOP-001", "SOP-002"]
    assert [c.document for c in rows["7.5.3"].cells if c.weak] == ["FRM-001"]
    assert rows["8.5.5"].coverage == "inherited" and rows["8.5.5"].inherited_from == (("QM-001", "8.5"),)
    assert matrix.summary["gaps"] == 0 and matrix.summary["mandatory_gaps"] == 0 and matrix.summary["mandatory"] == 27


def test_example_xref_and_impact(acme: Path, run_cli: Callable[..., tuple[int, str, str]]) -> None:
    code, out, _ = run_cli("--root", str(acme), "xref", "FRM-003", "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert [e["id"] for e in data["out"]] == ["SOP-005"]
    assert [e["id"] for e in data["in"]] == [
        "SOP-002",
        "SOP-004",
        "SOP-005",
        "SOP-008",
        "SOP-009",
        "WI-001",
        "WI-002",
        "WI-003",
    ]
    affected = docctl.open(acme).impact("SOP-005", depth=1).affected
    assert {e.document.id for e in affected} >= {"FRM-003", "QM-001", "WI-002"}


def test_docs_python_example_runs(acme: Path) -> None:
    """The ```python block of docs/cross-references.md, on the example repository."""
    import re

    page = (ROOT / "docs" / "cross-references.md").read_text(encoding="utf-8")
    [code] = re.findall(r"^```python\n(.*?)^```$", page, flags=re.MULTILINE | re.DOTALL)
    namespace: dict[str, object] = {}
    exec(compile(code.replace('"build/acme-qms"', repr(str(acme))), "cross-references.md", "exec"), namespace)
    assert str(namespace["html"]).startswith("<!DOCTYPE html>")
    assert namespace["data"]["document"]["id"] == "SOP-009"  # type: ignore[index]
