"""The watcher with a real observer (inotify, and polling) on real files in real git repositories.

Every wait is on a condition with a timeout, never a fixed sleep. ``barrier()`` writes a file
without metadata and waits for its DC101: once it is reported, every earlier change has been seen
and processed, so "nothing else was reported" can be asserted without sleeping.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from helpers import GitRepo, front_matter, sop

import docctl
from docctl.formats.docx import new_docx
from docctl.watcher import Watcher, WatchEvent

TIMEOUT = 10.0

# Under load, watchdog may add a watch for a new folder twice and warns about it from its own
# thread; the suite turns warnings into errors, which would kill that thread. The watcher would
# restart the observer and reconcile, but the warning itself is harmless.
pytestmark = pytest.mark.filterwarnings("ignore:Callback with id:RuntimeWarning")
APPROVED_AT = "2026-03-02T10:14:00+00:00"
PEOPLE = {
    "jane": ("Jane Smith", "jane.smith@acme.example"),
    "tom": ("Tom Baker", "tom.baker@acme.example"),
}


# recording ----------------------------------------------------------------------------------------
class Recorder:
    """Collects events from the watcher's thread; waits for conditions with a timeout."""

    def __init__(self) -> None:
        self.events: list[WatchEvent] = []
        self._cond = threading.Condition()
        self._marks = 0

    def __call__(self, event: WatchEvent) -> None:
        with self._cond:
            self.events.append(event)
            self._cond.notify_all()

    def wait_for(self, predicate: Callable[[list[WatchEvent]], bool], timeout: float = TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        with self._cond:
            while not predicate(self.events):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"timed out; events so far: {self.seen()}")
                self._cond.wait(left)

    def wait_event(self, event: str, code: str, path: str, *, times: int = 1, timeout: float = TIMEOUT) -> None:
        """Wait until (event, code, path) has been reported ``times`` times."""
        self.wait_for(lambda events: _triples(events).count((event, code, path)) >= times, timeout)

    def seen(self, *, marks: bool = False) -> list[tuple[str, str, str | None]]:
        """(event, code, path) of every event about a file so far (barrier files only if asked).

        Repository-wide findings without a path (DC406 mandatory gaps) come and go with the set of
        effective documents; the tests look at what happens to files.
        """
        with self._cond:
            triples = _triples(self.events)
        return [t for t in triples if t[2] and (marks or not t[2].startswith("zz-barrier/"))]

    def barrier(self, repo: GitRepo) -> None:
        """Return once the watcher has processed every change made before this call."""
        self._marks += 1
        rel = f"zz-barrier/{self._marks}.md"
        repo.write(rel, "# barrier\n")
        self.wait_event("raised", "DC101", rel)
        (repo.path / rel).unlink()
        self.wait_event("cleared", "DC101", rel)


def _triples(events: list[WatchEvent]) -> list[tuple[str, str, str | None]]:
    return [(e.event, e.finding.code, e.finding.path) for e in events]


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def start(recorder: Recorder) -> Iterator[Callable[..., Watcher]]:
    """Start a watcher on a repository (stopped at the end of the test)."""
    started: list[Watcher] = []

    def start_watcher(repo: GitRepo, **options: object) -> Watcher:
        options.setdefault("debounce", 0.05)
        options.setdefault("reconcile_every", 3600.0)
        watcher = Watcher(docctl.open(repo.path), recorder, **options)  # type: ignore[arg-type]
        started.append(watcher.start())
        return watcher

    yield start_watcher
    for watcher in started:
        watcher.stop()


# documents ----------------------------------------------------------------------------------------
def approval(who: str, role: str, fp: str) -> dict[str, str]:
    name, email = PEOPLE[who]
    return {
        "name": name,
        "by": email,
        "role": role,
        "meaning": "approved",
        "date": APPROVED_AT,
        "fingerprint": fp,
    }


def effective_sop(repo: GitRepo, rel: str, doc_id: str = "SOP-001", **overrides: object) -> None:
    """Commit an SOP through its lifecycle: draft, review with Tom's approval, approved, effective.

    Each approval is added by a commit of its approver, so git attests it (no DC205).
    """
    repo.write(rel, sop(doc_id, **overrides))
    repo.commit(f"{doc_id}: draft", who="sam")
    fp = docctl.open(repo.path).load(rel).document.fingerprint  # type: ignore[union-attr]
    tom = [approval("tom", "Process Owner", fp)]
    repo.write(rel, sop(doc_id, status="review", approvals=tom, **overrides))
    repo.commit(f"{doc_id}: approved by Tom", who="tom", date=APPROVED_AT)  # committed when dated (DC207)
    both = [*tom, approval("jane", "Quality Manager", fp)]
    repo.write(rel, sop(doc_id, status="approved", approvals=both, **overrides))
    repo.commit(f"{doc_id}: approved by Jane", who="jane", date=APPROVED_AT)
    repo.write(rel, sop(doc_id, status="effective", effective="2026-03-05", approvals=both, **overrides))
    repo.commit(f"{doc_id}: released", who="jane")


def form_docx(text: str) -> bytes:
    properties = {"identifier": "FRM-001", "version": "A", "title": "Nonconformity Report"}
    return new_docx(title="FRM-001 Nonconformity Report", headings=[text], properties=properties)


def sidecar(**fields: object) -> str:
    base: dict[str, object] = {
        "id": "FRM-001",
        "title": "Nonconformity Report",
        "type": "FRM",
        "revision": "A",
        "status": "draft",
        "owner": "jane.smith@acme.example",
    }
    base.update(fields)
    return front_matter(base).strip("-\n") + "\n"


def effective_form(repo: GitRepo, rel: str = "forms/FRM-001.docx") -> None:
    """Commit an effective .docx form with its sidecar, approved by Jane."""
    repo.write(rel, form_docx("Description"))
    repo.write(rel + ".yml", sidecar())
    repo.commit("FRM-001: draft", who="sam")
    fp = docctl.open(repo.path).load(rel).document.fingerprint  # type: ignore[union-attr]
    signed = [approval("jane", "Quality Manager", fp)]
    repo.write(rel + ".yml", sidecar(status="review", approvals=signed))
    repo.commit("FRM-001: approved", who="jane", date=APPROVED_AT)  # an approval is committed when it is dated
    repo.write(rel + ".yml", sidecar(status="approved", approvals=signed))
    repo.commit("FRM-001: approved", who="jane")
    repo.write(rel + ".yml", sidecar(status="effective", effective="2026-03-05", approvals=signed))
    repo.commit("FRM-001: released", who="jane")


@pytest.fixture(scope="module")
def qms_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built once (ten commits take a while), copied for each test."""
    home = tmp_path_factory.mktemp("template-home")
    (home / ".gitconfig").write_text("[init]\n\tdefaultBranch = main\n")
    with pytest.MonkeyPatch.context() as env:  # the isolation of conftest, which is per test
        env.setenv("HOME", str(home))
        env.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
        env.setenv("GIT_CONFIG_NOSYSTEM", "1")
        env.setenv("DOCCTL_NOW", "2026-06-01T12:00:00+00:00")
        repo = GitRepo(tmp_path_factory.mktemp("template") / "qms")
        effective_sop(repo, "sops/SOP-001.md")
        effective_form(repo)
        assert [f for f in docctl.open(repo.path).check().findings if f.path] == []
    return repo.path


@pytest.fixture
def qms(qms_template: Path, tmp_path: Path) -> GitRepo:
    """An effective SOP and an effective .docx form, committed, without findings."""
    shutil.copytree(qms_template, tmp_path / "qms", symlinks=True)
    repo = GitRepo(tmp_path / "qms")
    repo.clock = 20  # later commits come after the template's
    return repo


# editors' save patterns (real file operations, in the order the editors do them) ---------------
def save_in_place(path: Path, data: bytes) -> None:
    """gedit/nano/VS Code without atomic save: truncate and write the same file, in pieces."""
    with open(path, "r+b") as handle:
        handle.truncate(0)
        handle.write(data[: len(data) // 2])
        handle.flush()
        handle.write(data[len(data) // 2 :])


def save_vim(path: Path, data: bytes) -> None:
    """vim: probe file 4913, rename the original to file~, write a new file, drop the backup."""
    probe = path.with_name("4913")
    probe.write_bytes(b"")
    probe.unlink()
    backup = path.with_name(path.name + "~")
    os.rename(path, backup)
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    backup.unlink()


def save_vscode(path: Path, data: bytes) -> None:
    """VS Code atomic save: a hidden temp file beside the document, renamed over it."""
    temp = path.with_name(f".{path.name}.vsctmp")
    temp.write_bytes(data)
    os.replace(temp, path)


def save_jetbrains(path: Path, data: bytes) -> None:
    """JetBrains safe write: NAME___jb_tmp___; NAME to NAME___jb_old___; tmp to NAME; old gone."""
    temp = path.with_name(path.name + "___jb_tmp___")
    old = path.with_name(path.name + "___jb_old___")
    temp.write_bytes(data)
    os.rename(path, old)
    os.rename(temp, path)
    old.unlink()


def save_libreoffice(path: Path, data: bytes) -> None:
    """LibreOffice: .~lock.NAME# while open; the save writes luNNNN.tmp and renames it over NAME."""
    lock = path.with_name(f".~lock.{path.name}#")
    lock.write_text(",Jane Smith,host,01.06.2026 12:00,file:///home/jane/.config/libreoffice/4;\n")
    temp = path.with_name("lu1234abcd.tmp")
    temp.write_bytes(data)
    os.replace(temp, path)
    lock.unlink()


def save_word(path: Path, data: bytes) -> None:
    """Word: owner file ~$NAME; writes ~WRD0000.tmp, original to ~WRL0001.tmp, swap, delete."""
    owner = path.with_name("~$" + path.name[2:])
    owner.write_bytes(b"\x0aJane Smith")
    new = path.with_name("~WRD0000.tmp")
    new.write_bytes(data)
    old = path.with_name("~WRL0001.tmp")
    os.rename(path, old)
    os.rename(new, path)
    old.unlink()
    owner.unlink()


SOP = "sops/SOP-001.md"
FORM = "forms/FRM-001.docx"


def edited(text: str) -> bytes:
    return text.replace("Control documents.", "Control documents, and records.").encode()


# the definition of done -------------------------------------------------------------------
def test_vim_vscode_and_libreoffice_saves_each_report_dc202_once(
    qms: GitRepo, start: Callable[..., Watcher], recorder: Recorder
) -> None:
    start(qms)
    original = (qms.path / SOP).read_bytes()
    original_form = (qms.path / FORM).read_bytes()
    steps: list[tuple[Callable[[Path, bytes], None], str, bytes, bytes]] = [
        (save_vim, SOP, edited(original.decode()), original),
        (save_vscode, SOP, edited(original.decode()), original),
        (save_libreoffice, FORM, form_docx("Description of the nonconformity"), original_form),
    ]
    expected = []
    for save, rel, changed, back in steps:
        save(qms.path / rel, changed)
        recorder.wait_event("raised", "DC202", rel, times=expected.count(("raised", "DC202", rel)) + 1)
        recorder.barrier(qms)
        save(qms.path / rel, back)  # reverting the edit clears the finding
        expected += [("raised", "DC202", rel), ("cleared", "DC202", rel)]
        recorder.wait_event("cleared", "DC202", rel, times=expected.count(("cleared", "DC202", rel)))
        recorder.barrier(qms)
    assert recorder.seen() == expected


@pytest.mark.parametrize("save", [save_in_place, save_jetbrains, save_vim, save_vscode], ids=lambda f: f.__name__)
def test_markdown_save_patterns(
    qms: GitRepo,
    start: Callable[..., Watcher],
    recorder: Recorder,
    save: Callable[[Path, bytes], None],
) -> None:
    start(qms)
    original = (qms.path / SOP).read_bytes()
    save(qms.path / SOP, edited(original.decode()))
    recorder.wait_event("raised", "DC202", SOP)
    save(qms.path / SOP, original)
    recorder.wait_event("cleared", "DC202", SOP)
    recorder.barrier(qms)
    assert recorder.seen() == [("raised", "DC202", SOP), ("cleared", "DC202", SOP)]


@pytest.mark.parametrize("save", [save_word, save_libreoffice, save_in_place], ids=lambda f: f.__name__)
def test_docx_save_patterns_and_office_scratch_files(
    qms: GitRepo,
    start: Callable[..., Watcher],
    recorder: Recorder,
    save: Callable[[Path, bytes], None],
) -> None:
    start(qms)
    original = (qms.path / FORM).read_bytes()
    save(qms.path / FORM, form_docx("What went wrong"))
    recorder.wait_event("raised", "DC202", FORM)
    save(qms.path / FORM, original)
    recorder.wait_event("cleared", "DC202", FORM)
    recorder.barrier(qms)
    assert recorder.seen() == [("raised", "DC202", FORM), ("cleared", "DC202", FORM)]


def test_new_form_without_metadata_is_dc101_and_scratch_files_are_not_documents(
    qms: GitRepo, start: Callable[..., Watcher], recorder: Recorder
) -> None:
    start(qms)
    qms.write("forms/FRM-002.md", "# Training Record\n\n| Name | Date |\n")
    qms.write("forms/FRM-003.docx", form_docx("Fields"))
    for name in (
        "~$M-003.docx",
        "~WRL0001.tmp",
        ".~lock.FRM-003.docx#",
        "FRM-002.md~",
        "4913",
        ".FRM-002.md.swp",
        "FRM-002.md___jb_tmp___",
    ):
        qms.write(f"forms/{name}", b"scratch")
    recorder.wait_event("raised", "DC101", "forms/FRM-002.md")
    recorder.wait_event("raised", "DC101", "forms/FRM-003.docx")
    recorder.barrier(qms)
    assert sorted(recorder.seen()) == [
        ("raised", "DC101", "forms/FRM-002.md"),
        ("raised", "DC101", "forms/FRM-003.docx"),
    ]
    event = next(e for e in recorder.events if e.finding.path == "forms/FRM-002.md")
    assert event.to_dict() == {
        "code": "DC101",
        "rule": "uncontrolled-document",
        "severity": "major",
        "document": None,
        "path": "forms/FRM-002.md",
        "line": 1,
        "message": "no metadata: add YAML front matter (id, title, type, revision, status, owner) between '---' lines",
        "event": "raised",
        "time": "2026-06-01T12:00:00+00:00",
    }


def test_sidecar_change_rechecks_its_docx(qms: GitRepo, start: Callable[..., Watcher], recorder: Recorder) -> None:
    start(qms)
    sidecar = qms.path / (FORM + ".yml")
    original = sidecar.read_text()
    sidecar.write_text(original.replace("revision: A\n", "revision: A\nclauses: [8.7]\n"))  # in the fingerprint
    recorder.wait_event("raised", "DC202", FORM)
    sidecar.unlink()
    recorder.wait_event("raised", "DC101", FORM)
    sidecar.write_text(original)
    recorder.wait_event("cleared", "DC101", FORM)
    recorder.barrier(qms)
    assert recorder.seen() == [
        ("raised", "DC202", FORM),
        ("cleared", "DC202", FORM),
        ("raised", "DC101", FORM),
        ("cleared", "DC101", FORM),
    ]


# deletions, moves, git ---------------------------------------------------------------------------
def test_deleting_an_effective_document_is_dc306_and_restoring_it_clears(
    qms: GitRepo, start: Callable[..., Watcher], recorder: Recorder
) -> None:
    start(qms)
    (qms.path / SOP).unlink()
    recorder.wait_event("raised", "DC306", SOP)
    event = next(e for e in recorder.events if e.finding.code == "DC306")
    assert (event.finding.document, event.finding.severity.value, event.finding.message) == (
        "SOP-001",
        "major",
        "SOP-001 (effective revision A) was deleted in the working copy; restore it and make it obsolete instead",
    )
    assert event.finding in docctl.open(qms.path).check().findings  # the same finding as check's
    qms.git("checkout", "--", SOP)
    recorder.wait_event("cleared", "DC306", SOP)
    recorder.barrier(qms)
    assert recorder.seen() == [("raised", "DC306", SOP), ("cleared", "DC306", SOP)]


def test_deletion_is_judged_on_history_as_check_judges_it(
    qms: GitRepo, start: Callable[..., Watcher], recorder: Recorder
) -> None:
    """The working copy had already put the document back to draft: what git holds is effective."""
    watcher = start(qms)
    path = qms.path / SOP
    path.write_text(path.read_text().replace("status: effective", "status: draft"))
    recorder.barrier(qms)
    path.unlink()
    recorder.wait_event("raised", "DC306", SOP)
    recorder.barrier(qms)
    assert watcher.findings == list(docctl.open(qms.path).check().findings)


def test_severities_and_ignores_of_the_configuration_apply(
    qms: GitRepo, start: Callable[..., Watcher], recorder: Recorder
) -> None:
    config = qms.path / "docctl.toml"
    config.write_text(config.read_text() + '\n[severity]\nDC306 = "minor"\n\n[ignore]\n"drafts/**" = ["DC101"]\n')
    start(qms)
    qms.write("drafts/idea.md", "# an idea, not yet a document\n")
    (qms.path / SOP).unlink()
    recorder.wait_event("raised", "DC306", SOP)
    recorder.barrier(qms)
    assert recorder.seen() == [("raised", "DC306", SOP)]
    assert next(e for e in recorder.events if e.finding.code == "DC306").finding.severity.value == "minor"


def test_moving_a_document_or_a_folder_is_not_a_deletion(
    qms: GitRepo, start: Callable[..., Watcher], recorder: Recorder
) -> None:
    qms.write("forms/notes.md", "# notes\n")
    watcher = start(qms)
    os.rename(qms.path / "sops", qms.path / "procedures")
    os.rename(qms.path / "forms", qms.path / "records")
    recorder.wait_event("raised", "DC101", "records/notes.md")
    os.rename(qms.path / "procedures/SOP-001.md", qms.path / "SOP-001.md")
    recorder.barrier(qms)
    assert sorted(recorder.seen()) == [
        ("cleared", "DC101", "forms/notes.md"),
        ("raised", "DC101", "records/notes.md"),
    ]
    assert watcher.findings == list(docctl.open(qms.path).check().findings)


def test_deleting_a_folder_reports_each_effective_document(
    qms: GitRepo, start: Callable[..., Watcher], recorder: Recorder
) -> None:
    effective_sop(qms, "sops/SOP-002.md", "SOP-002")
    qms.write("sops/draft.md", "# not yet a document\n")
    qms.commit("second SOP")
    start(qms)
    shutil.rmtree(qms.path / "sops")
    recorder.wait_event("raised", "DC306", "sops/SOP-002.md")
    recorder.barrier(qms)
    assert sorted(recorder.seen()) == [
        ("cleared", "DC101", "sops/draft.md"),
        ("raised", "DC306", "sops/SOP-001.md"),
        ("raised", "DC306", "sops/SOP-002.md"),
    ]


def test_checkout_of_another_branch_raises_nothing(
    qms: GitRepo, start: Callable[..., Watcher], recorder: Recorder
) -> None:
    qms.git("checkout", "-q", "-b", "next")
    body = "\n# SOP-001 Document Control\n\nControl documents and records.\n"
    effective_sop(qms, SOP, revision="B", change="Scope extended to records", body=body)
    effective_sop(qms, "sops/SOP-002.md", "SOP-002")
    (qms.path / FORM).unlink()
    (qms.path / (FORM + ".yml")).unlink()
    qms.commit("form withdrawn")
    qms.git("checkout", "-q", "main")
    start(qms)
    qms.git("checkout", "-q", "next")  # SOP-001 changes, SOP-002 appears, the form disappears
    recorder.barrier(qms)
    qms.git("checkout", "-q", "main")
    recorder.barrier(qms)
    assert recorder.seen() == []
    qms.write(".git/notes.md", "# inside .git: never a document\n")
    recorder.barrier(qms)
    assert recorder.seen() == []


def test_duplicate_ids_are_raised_and_cleared_across_files(
    qms: GitRepo, start: Callable[..., Watcher], recorder: Recorder
) -> None:
    start(qms)
    qms.write("sops/SOP-001-copy.md", sop("SOP-001"))
    recorder.wait_for(lambda events: len([t for t in _triples(events) if t[1] == "DC103"]) == 2)
    (qms.path / "sops/SOP-001-copy.md").unlink()
    recorder.wait_for(lambda events: len([t for t in _triples(events) if t[1] == "DC103"]) == 4)
    recorder.barrier(qms)
    assert sorted(recorder.seen()) == sorted(
        [
            ("raised", "DC103", "sops/SOP-001-copy.md"),
            ("raised", "DC103", SOP),
            ("cleared", "DC103", "sops/SOP-001-copy.md"),
            ("cleared", "DC103", SOP),
        ]
    )


# robustness ---------------------------------------------------------------------------------------
def test_burst_of_5000_files_loses_none(repo: GitRepo, start: Callable[..., Watcher], recorder: Recorder) -> None:
    start(repo)
    names = [f"burst/{i % 10}/{i:04}.md" for i in range(5000)]
    for name in names:
        repo.write(name, "# no metadata\n")
    recorder.wait_for(lambda events: len(events) >= 5000, timeout=60)
    shutil.rmtree(repo.path / "burst")
    recorder.wait_for(lambda events: len(events) >= 10000, timeout=60)
    recorder.barrier(repo)
    seen = recorder.seen()
    assert sorted(seen) == sorted([("raised", "DC101", n) for n in names] + [("cleared", "DC101", n) for n in names])


def test_periodic_reconcile_catches_a_lost_event(
    qms: GitRepo, start: Callable[..., Watcher], recorder: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An overflowing kernel queue (or a network drive) loses events: reconciling finds them."""
    from docctl import watcher as watch

    dispatch = watch._Queue.dispatch

    def lossy(self: watch._Queue, event: object) -> None:
        if "lost" not in str(getattr(event, "src_path", "")) + str(getattr(event, "dest_path", "")):
            dispatch(self, event)  # type: ignore[arg-type]

    monkeypatch.setattr(watch._Queue, "dispatch", lossy)
    start(qms, reconcile_every=0.3)
    qms.write("forms/lost.md", "# lost\n")
    recorder.wait_event("raised", "DC101", "forms/lost.md")
    (qms.path / "forms/lost.md").unlink()
    recorder.wait_event("cleared", "DC101", "forms/lost.md")


def test_a_changed_configuration_is_read_again(qms: GitRepo, start: Callable[..., Watcher], recorder: Recorder) -> None:
    qms.write("forms/notes.md", "# notes\n")
    start(qms)
    config = qms.path / "docctl.toml"
    config.write_text(config.read_text().replace("[docctl]\n", '[docctl]\nexclude = ["forms/notes.md"]\n', 1))
    recorder.wait_event("cleared", "DC101", "forms/notes.md")
    config.write_text("[docctl\n")  # invalid: the watcher keeps the configuration it has
    recorder.barrier(qms)
    assert recorder.seen() == [("cleared", "DC101", "forms/notes.md")]


def test_a_dead_observer_is_restarted_and_nothing_is_lost(
    qms: GitRepo, start: Callable[..., Watcher], recorder: Recorder
) -> None:
    watcher = start(qms)
    dead = watcher._observer
    assert dead is not None
    dead.stop()  # as if one of watchdog's threads had crashed
    dead.join(TIMEOUT)
    qms.write("forms/while-dead.md", "# written while nobody watched\n")
    recorder.wait_event("raised", "DC101", "forms/while-dead.md")
    assert watcher._observer is not dead and watcher.running
    recorder.barrier(qms)


def test_baseline_is_silent_unless_asked(qms: GitRepo, start: Callable[..., Watcher], recorder: Recorder) -> None:
    qms.write("forms/old.md", "# present before the watcher started\n")
    watcher = start(qms)
    assert [(f.code, f.path) for f in watcher.findings] == [("DC101", "forms/old.md")]
    recorder.barrier(qms)
    assert recorder.seen() == []
    watcher.stop()
    start(qms, report_existing=True)
    assert recorder.seen() == [("raised", "DC101", "forms/old.md")]


def test_polling_observer(qms: GitRepo, start: Callable[..., Watcher], recorder: Recorder) -> None:
    start(qms, polling=True, poll_interval=0.1)
    original = (qms.path / SOP).read_bytes()
    save_vim(qms.path / SOP, edited(original.decode()))
    qms.write("forms/FRM-002.md", "# new form\n")
    recorder.wait_event("raised", "DC202", SOP)
    recorder.wait_event("raised", "DC101", "forms/FRM-002.md")
    (qms.path / SOP).unlink()
    recorder.wait_event("raised", "DC306", SOP)
    recorder.barrier(qms)
    assert sorted(recorder.seen()) == sorted(
        [
            ("raised", "DC202", SOP),
            ("raised", "DC101", "forms/FRM-002.md"),
            ("cleared", "DC202", SOP),
            ("raised", "DC306", SOP),
        ]
    )


def test_an_error_in_on_event_stops_the_watcher_and_is_raised(qms: GitRepo) -> None:
    def broken(event: WatchEvent) -> None:
        raise RuntimeError(f"cannot deliver {event.finding.code}")

    watcher = Watcher(qms.path, broken, debounce=0.05).start()
    qms.write("forms/x.md", "# x\n")
    with pytest.raises(RuntimeError, match="cannot deliver DC101"):
        watcher.wait(TIMEOUT)
    assert not watcher.running
    watcher.stop()


def test_watch_function_stops_on_event(qms: GitRepo, recorder: Recorder) -> None:
    stop = threading.Event()

    def on_event(event: WatchEvent) -> None:
        recorder(event)
        stop.set()

    thread = threading.Thread(target=docctl.watch, args=(qms.path, on_event), kwargs={"stop": stop, "debounce": 0.05})
    thread.start()
    deadline = time.monotonic() + TIMEOUT
    count = 0
    while not stop.is_set() and time.monotonic() < deadline:  # until the watcher observes: new files
        count += 1
        qms.write(f"forms/x{count}.md", "# x\n")
        stop.wait(0.2)
    thread.join(TIMEOUT)
    assert not thread.is_alive()
    assert recorder.seen()[0][:2] == ("raised", "DC101")


def test_inotify_limits_are_a_readable_error(qms: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from docctl import watcher as watch

    def no_watches(self: object) -> None:  # the kernel's limit, the one edge mocked here
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(watch.Observer, "start", no_watches)
    with pytest.raises(docctl.DocctlError) as caught:
        Watcher(qms.path).start()
    assert str(caught.value) == (
        f"cannot watch {qms.path}: the system's inotify limits are reached"
        " (No space left on device); raise fs.inotify.max_user_watches / max_user_instances,"
        " or use --polling"
    )


def test_the_python_example_of_the_documentation_runs(qms: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    text = (Path(__file__).parent.parent / "docs/watcher.md").read_text()
    [code] = [block.split("```", 1)[0] for block in text.split("```python\n")[1:]]
    done = threading.Event()

    def someone_saves() -> None:  # until the example's watcher has seen a save
        count = 0
        while not done.wait(0.2):
            count += 1
            qms.write(f"forms/new-{count}.md", "# a form without metadata\n")

    writer = threading.Thread(target=someone_saves)
    writer.start()
    try:
        exec(compile(code, "docs/watcher.md", "exec"), {"QMS": qms.path})
    finally:
        done.set()
        writer.join()
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "0 finding(s) held at start"
    assert lines[1].startswith("raised forms/new-") and ": DC101 no metadata" in lines[1]
    assert ast.literal_eval(lines[2])["event"] == "raised"


# the command line ---------------------------------------------------------------------------------
def _wait_file(path: Path, predicate: Callable[[str], bool]) -> str:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        text = path.read_text() if path.exists() else ""
        if predicate(text):
            return text
        time.sleep(0.02)
    raise AssertionError(f"{path}: condition not met; content: {path.read_text() if path.exists() else None!r}")


def _start_cli(repo: GitRepo, *args: str) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "docctl", "watch", *args],
        cwd=repo.path,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stderr is not None
    line = process.stderr.readline()  # "docctl: watching ..." once the baseline is taken
    assert line.startswith("docctl: watching "), line
    return process


def test_cli_jsonl_exec_and_sigterm(qms: GitRepo, tmp_path: Path) -> None:
    jsonl = tmp_path / "events.jsonl"
    received = tmp_path / "received.txt"
    hook = tmp_path / "hook.py"
    hook.write_text(
        "import os, sys\n"
        f"with open({str(received)!r}, 'a') as out:\n"
        "    out.write(os.environ['DOCCTL_EVENT'] + ' ' + sys.stdin.read())\n"
    )
    process = _start_cli(qms, "--jsonl", str(jsonl), "--exec", f"{sys.executable} {hook}")
    qms.write("forms/FRM-002.md", "# no metadata\n")
    line = json.loads(_wait_file(jsonl, lambda text: text.endswith("\n")))
    assert (line["event"], line["code"], line["path"], line["time"]) == (
        "raised",
        "DC101",
        "forms/FRM-002.md",
        "2026-06-01T12:00:00+00:00",
    )
    assert set(line) == {
        "code",
        "rule",
        "severity",
        "document",
        "path",
        "line",
        "message",
        "event",
        "time",
    }
    text = _wait_file(received, lambda text: text.endswith("\n"))
    assert text.startswith("raised {") and json.loads(text.split(" ", 1)[1]) == line
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=TIMEOUT)
    assert process.returncode == 0, err
    assert "raised  forms/FRM-002.md:1: DC101 no metadata" in out
    assert err.strip().endswith("docctl: stopped (SIGTERM)")
    assert "Traceback" not in err


def test_cli_sigterm_twice_stops_cleanly(qms: GitRepo) -> None:
    """A second SIGTERM (a wrapper such as timeout(1) forwarding one more) while the watcher is
    stopping once raised inside the threading machinery and broke a lock; now it is only noted."""
    process = _start_cli(qms)
    process.send_signal(signal.SIGTERM)
    process.send_signal(signal.SIGTERM)
    _out, err = process.communicate(timeout=TIMEOUT)
    assert process.returncode == 0, err
    assert "Traceback" not in err and err.strip().endswith("docctl: stopped (SIGTERM)")


def test_cli_ctrl_c_exits_130(qms: GitRepo) -> None:
    process = _start_cli(qms)
    process.send_signal(signal.SIGINT)
    _out, err = process.communicate(timeout=TIMEOUT)
    assert process.returncode == 130, err
    assert "docctl: interrupted" in err
    assert "Traceback" not in err


def test_cli_exec_command_must_exist(qms: GitRepo, run_cli: Callable[..., tuple[int, str, str]]) -> None:
    code, _out, err = run_cli("--root", str(qms.path), "watch", "--exec", "no-such-program-4913 --flag")
    assert (code, err) == (2, "docctl: error: --exec: command not found: no-such-program-4913\n")
