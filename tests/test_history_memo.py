"""The history pass parses each distinct content once: a .docx body once per blob, however often its
sidecar changes; front matter and body reused from the previous version of the same path. The
results are those of reading every version from scratch."""

from __future__ import annotations

import io
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from helpers import GitRepo, front_matter

import docctl
from docctl.adapters.git import Git
from docctl.formats import docx as docx_format
from docctl.history.load import load_history
from docctl.history.walk import Walker

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))


def docx_bytes(title: str, paragraphs: list[str]) -> bytes:
    import docx

    document = docx.Document(io.BytesIO(docx_format.new_docx(title=title, headings=[], properties={"title": title})))
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def sidecar(**fields: Any) -> str:
    meta = {"id": "FRM-001", "title": "Change Request", "type": "FRM", "revision": "A", "status": "draft"}
    meta.update({"owner": "jane.smith@acme.example", **fields})
    return front_matter(meta).strip().strip("-").strip() + "\n"


def counting_reader(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    calls: list[bytes] = []
    real = docx_format.read_docx

    def counted(data: bytes) -> docx_format.DocxContent:
        calls.append(data)
        return real(data)

    monkeypatch.setattr(docx_format, "read_docx", counted)
    return calls


def test_docx_body_is_read_once_while_only_its_sidecar_changes(repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    repo.write("forms/FRM-001.docx", docx_bytes("Change Request", ["Fill in every field."]))
    repo.write("forms/FRM-001.docx.yml", sidecar())
    repo.commit("draft")
    for step, change in enumerate(["Reviewed", "Checked", "Agreed", "Signed off"]):
        repo.write("forms/FRM-001.docx.yml", sidecar(change=f"{change} {step}"))
        repo.commit(f"sidecar {step}")
    repo.write("forms/FRM-001.docx", docx_bytes("Change Request", ["Fill in every field, in ink."]))
    repo.commit("body edit")
    calls = counting_reader(monkeypatch)
    history = load_history(Git(repo.path), docctl.open(repo.path).config, use_cache=False)
    assert len(history.events("FRM-001")) == 6
    assert len(calls) == 2  # one per .docx blob; reading every version would take six

    Walker.memoise = False
    try:
        calls.clear()
        again = load_history(Git(repo.path), docctl.open(repo.path).config, use_cache=False)
    finally:
        Walker.memoise = True
    assert len(calls) == 6
    assert again.events("FRM-001") == history.events("FRM-001")


def check_json(path: Path, memoise: bool) -> tuple[object, ...]:
    Walker.memoise = memoise
    try:
        qms = docctl.open(path)
        history = load_history(Git(path), qms.config, use_cache=False)
        events = {doc_id: history.events(doc_id) for doc_id in history.ids()}
        shutil.rmtree(path / ".git" / "docctl", ignore_errors=True)  # a cold check
        report = docctl.open(path).check()
    finally:
        Walker.memoise = True
    return events, report.findings


@pytest.mark.parametrize("shape", ["flat", "qms"])
def test_memoised_walk_gives_the_same_history_and_findings(shape: str, tmp_path: Path) -> None:
    from generate import generate

    path = generate(tmp_path / shape, 30, 180, seed=3, shape=shape)
    memoised = check_json(path, True)
    fresh = check_json(path, False)
    assert memoised[0] and memoised == fresh


def test_a_cold_check_does_not_parse_clean_files_again(repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    from helpers import sop

    from docctl.composer import base

    for n in (1, 2, 3):
        repo.write(f"sops/SOP-00{n}.md", sop(f"SOP-00{n}"))
    repo.write("forms/FRM-001.docx", docx_bytes("Change Request", ["Fill in every field."]))
    repo.write("forms/FRM-001.docx.yml", sidecar())
    repo.commit("draft")
    repo.write("sops/SOP-002.md", sop("SOP-002", title="Changed Title"))
    repo.commit("retitle")
    expected = docctl.open(repo.path).check().findings
    shutil.rmtree(repo.path / ".git" / "docctl")
    parsed: list[str] = []
    real = base.load

    def counted(path: str, data: bytes, config: Any, **kwargs: Any) -> Any:
        parsed.append(path)
        return real(path, data, config, **kwargs)

    monkeypatch.setattr(base, "load", counted)
    assert docctl.open(repo.path).check().findings == expected
    assert parsed == []  # the working tree is the tip of the history just read
    repo.write("sops/SOP-003.md", sop("SOP-003", title="Edited Here"))
    shutil.rmtree(repo.path / ".git" / "docctl")
    docctl.open(repo.path).check()
    assert parsed == ["sops/SOP-003.md"]


def test_the_walk_keeps_compact_events_and_only_the_snapshots_of_the_tip(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    from helpers import sop

    from docctl.history import walk

    monkeypatch.setattr(walk, "BATCH", 2)  # several batches of commits
    for step in range(5):
        repo.write("sops/SOP-001.md", sop("SOP-001", change=f"step {step}"))
        repo.write("sops/SOP-002.md", sop("SOP-002", change=f"step {step}"))
        repo.commit(f"step {step}")
    history = load_history(Git(repo.path), docctl.open(repo.path).config, use_cache=False)
    assert len(history.state.snapshots) == 2  # what the two paths hold now, not every version
    events = history.events("SOP-001") + history.events("SOP-002")
    assert len(events) == 10
    snapshots = [event.snapshot for event in events if event.snapshot is not None]
    assert len({id(s.owner) for s in snapshots}) == 1 and len({id(s.title) for s in snapshots}) <= 2
    assert len({id(event.path) for event in history.events("SOP-001")}) == 1


def test_the_log_is_streamed_and_a_failure_is_reported(repo: GitRepo) -> None:
    from docctl.adapters import git as gitmod
    from docctl.core.errors import GitError

    for step in range(3):
        repo.write("notes.md", f"step {step}\n")
        repo.commit(f"step {step}")
    git = Git(repo.path)
    stream = gitmod.iter_log(git, ["HEAD"])
    assert next(stream).subject == "step 0"
    stream.close()  # git is stopped, not waited for to the end
    assert [e.subject for e in gitmod.iter_log(git, ["HEAD"])] == ["step 0", "step 1", "step 2"]
    with pytest.raises(GitError, match="failed"):
        list(gitmod.iter_log(git, ["no-such-branch"]))
