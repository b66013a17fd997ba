"""The portal of the example repository (what `make demo` writes), and the Python example of
docs/publishing.md run on it."""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from pathlib import Path

import pytest
from site_helpers import broken_links

import docctl

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 6, 1)


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """examples/build_example.py, anchored on the tests' today, in an isolated git environment."""
    sys.path.insert(0, str(ROOT / "examples"))
    from build_example import build

    home = tmp_path_factory.mktemp("example-home")
    (home / ".gitconfig").write_text("[init]\n\tdefaultBranch = main\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(home))
        patch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
        patch.setenv("GIT_CONFIG_NOSYSTEM", "1")
        return build(tmp_path_factory.mktemp("example") / "acme-qms", TODAY)


def test_the_python_example_of_docs_publishing_md_runs(
    example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    page = (ROOT / "docs" / "publishing.md").read_text(encoding="utf-8")
    portal_part = page.split("## The portal", 1)[1]
    [code] = re.findall(r"```python\n(.*?)```", portal_part, re.S)
    monkeypatch.chdir(tmp_path)
    code = code.replace('"build/acme-qms"', repr(str(example))).replace('"build/acme-portal"', '"portal"')
    exec(compile(code, "docs/publishing.md", "exec"), {})
    assert capsys.readouterr().out == "21 0 index.html\n"
    assert broken_links(tmp_path / "portal") == []


def test_the_example_portal(example: Path, tmp_path: Path) -> None:
    report = docctl.open(example).site(tmp_path / "portal")
    out = report.folder
    assert (report.documents, report.archived, report.pages_written, report.files_written) == (21, 0, 28, 8)
    sop_004 = (out / "documents/SOP-004.html").read_text(encoding="utf-8")
    assert "<summary>Changes from revision A to revision B</summary>" in sop_004
    assert '<span class="badge s-superseded">replaced by B</span>' in sop_004
    sop_008 = (out / "documents/SOP-008.html").read_text(encoding="utf-8")
    assert '<meta name="docctl-revision" content="A">' in sop_008 and "Revision B (draft) is in progress" in sop_008
    entries = json.loads((out / "search-index.js").read_text(encoding="utf-8").split("= ", 1)[1].rstrip(";\n"))
    found = [e["id"] for e in entries if "calibration" in e["words"].split()]
    assert "SOP-009" in found
    assert all((out / f"files/{doc_id}-A.docx").is_file() for doc_id in ("FRM-001", "FRM-005"))
