"""The bundled example (examples/build_example.py): a believable history made by docctl itself."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import docctl

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def acme(tmp_path_factory: pytest.TempPathFactory) -> Path:
    sys.path.insert(0, str(ROOT / "examples"))
    import datetime as dt

    from build_example import build

    return build(tmp_path_factory.mktemp("example") / "acme-qms", dt.date(2026, 6, 1))


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True).stdout


def test_documents_and_their_states(acme: Path) -> None:
    repo = docctl.open(acme)
    documents = {d.id: d for d in repo.documents()}
    assert len(documents) == 21
    assert {d.type for d in documents.values()} == {"QM", "POL", "SOP", "WI", "FRM"}
    assert sum(d.format == "docx" for d in documents.values()) == 5
    assert documents["SOP-008"].status is docctl.Status.DRAFT and documents["SOP-008"].revision == "B"
    assert documents["SOP-004"].status is docctl.Status.EFFECTIVE and documents["SOP-004"].revision == "B"
    assert all(d.status is docctl.Status.EFFECTIVE for i, d in documents.items() if i != "SOP-008")


def test_history_is_made_by_several_people_through_docctl(acme: Path) -> None:
    authors = set(git(acme, "log", "--format=%ae").split())
    assert authors == {
        "jane.smith@acme.example",
        "tom.baker@acme.example",
        "li.chen@acme.example",
        "sam.okafor@acme.example",
        "maria.keller@acme.example",
    }
    actions = git(acme, "log", "--format=%(trailers:key=Docctl-Action,valueonly)").split()
    assert {"submit", "approve", "release", "revise", "review"} <= set(actions)
    tags = git(acme, "tag").split()
    assert "SOP-004/A" in tags and "SOP-004/B" in tags and "SOP-008/B" not in tags


def test_revisions_from_history(acme: Path) -> None:
    repo = docctl.open(acme)
    a, b = repo.history("SOP-004")
    assert (a.revision, b.revision) == ("A", "B")
    assert [s.status for s in b.steps] == ["draft", "review", "approved", "effective"]
    assert b.change and b.change_request == "CR-2025-014"
    assert {x.commit.author_email for x in b.approvals} == {x.by for x in b.approvals}
    pending = repo.history("SOP-008")[-1]
    assert (pending.revision, pending.status) == ("B", "draft")


def test_forms_are_real_office_files(acme: Path) -> None:
    import zipfile

    writers = set()
    for path in sorted(acme.glob("forms/*.docx")):
        with zipfile.ZipFile(path) as archive:
            app = archive.read("docProps/app.xml").decode() if "docProps/app.xml" in archive.namelist() else ""
        writers.add("LibreOffice" if "LibreOffice" in app else "pandoc")
    assert writers == {"LibreOffice", "pandoc"}
