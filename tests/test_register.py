"""The register's rows on real git repositories: effective revision from history, pending revisions,
scheduled releases, final states, supersession, as-of views, filters, --check, and the CLI."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import CONFIG, GitRepo, sop
from lifecycle_helpers import Office

import docctl
from docctl.core.errors import DocctlError, UsageError
from docctl.register.model import FORMATS, Approver, Pending, Register, Row

Run = Callable[..., tuple[int, str, str]]


def released(
    office: Office,
    doc_id: str = "SOP-001",
    *,
    clauses: str = "[7.5.3]",
    effective: str | None = None,
    extra: dict[str, str] | None = None,
) -> str:
    """A SOP drafted by Sam, approved by Tom and Jane, released by Jane (on ``effective``, if given)."""
    rel = f"sops/{doc_id}.md"
    office.repo.write(rel, sop(doc_id, clauses=clauses, **(extra or {})))
    office.commit_as("sam", f"{doc_id}: draft")
    with office.acting("sam") as qms:
        qms.submit(doc_id)
    with office.acting("tom") as qms:
        qms.approve(doc_id, role="Process Owner")
    with office.acting("jane") as qms:
        qms.approve(doc_id, role="Quality Manager")
    with office.acting("jane") as qms:
        qms.release(doc_id, effective=effective)
    return rel


def revise(office: Office, doc_id: str, rel: str, *, clauses: str, title: str | None = None) -> None:
    """Start the next revision and commit a changed draft of it."""
    with office.acting("sam") as qms:
        qms.revise(doc_id, change="Scope widened to records of external origin")
    text = (office.repo.path / rel).read_text()
    text = text.replace("clauses: [7.5.3]", f"clauses: {clauses}")
    if title:
        text = text.replace("title: Document Control", f"title: {title}")
    office.repo.write(rel, text + "\nA new paragraph.\n")
    office.commit_as("sam", f"{doc_id}: draft revision B")


def approve_and_release(office: Office, doc_id: str, *, effective: str | None = None) -> None:
    with office.acting("sam") as qms:
        qms.submit(doc_id)
    with office.acting("tom") as qms:
        qms.approve(doc_id, role="Process Owner")
    with office.acting("jane") as qms:
        qms.approve(doc_id, role="Quality Manager")
    with office.acting("jane") as qms:
        qms.release(doc_id, effective=effective)


def row(register: Register, doc_id: str) -> Row:
    [found] = [r for r in register.rows if r.id == doc_id]
    return found


def exclude_register(office: Office) -> None:
    """A committed REGISTER.md is not a controlled document (docs/pre-commit.md): -o refuses one."""
    config = (office.repo.path / "docctl.toml").read_text(encoding="utf-8")
    office.repo.write(
        "docctl.toml", config.replace("[docctl]\n", '[docctl]\nexclude = ["**/README.md", "REGISTER.md"]\n')
    )


@pytest.fixture
def office(repo: GitRepo) -> Office:
    repo.commit("Set up the controlled document repository")
    return Office(repo)


# rows -----------------------------------------------------------------------------------------


def test_a_released_document_is_one_row_with_its_approvers_dates_and_fingerprint(office: Office) -> None:
    rel = released(office)
    register = office.qms.register()
    document = office.qms.document("SOP-001")
    assert register.rows == (
        Row(
            id="SOP-001",
            title="Document Control",
            type="SOP",
            revision="A",
            status="effective",
            owner="tom.baker@acme.example",
            owner_name="Tom Baker",
            effective=dt.date(2026, 1, 9),
            review_due=dt.date(2028, 1, 9),
            approvers=(
                Approver(name="Tom Baker", role="Process Owner", meaning="approved", date=dt.date(2026, 1, 7)),
                Approver(name="Jane Smith", role="Quality Manager", meaning="approved", date=dt.date(2026, 1, 8)),
            ),
            clauses=("7.5.3",),
            path=rel,
            pending=None,
            superseded_by=(),
            fingerprint=document.fingerprint,
        ),
    )
    assert register.commit == office.repo.git("rev-parse", "HEAD").strip()
    assert register.as_of is None and register.modified is False and register.generated is None


def test_a_document_never_released_has_no_effective_revision(office: Office) -> None:
    office.repo.write("sops/SOP-002.md", sop("SOP-002"))
    office.commit_as("sam", "SOP-002: draft")
    with office.acting("sam") as qms:
        qms.submit("SOP-002")
    found = row(office.qms.register(), "SOP-002")
    assert (found.revision, found.status, found.pending) == (None, "review", Pending(revision="A", status="review"))
    assert (found.effective, found.review_due, found.approvers, found.fingerprint) == (None, None, (), None)


def test_the_effective_revision_comes_from_history_when_the_working_copy_holds_the_next_draft(office: Office) -> None:
    rel = released(office)
    effective = office.qms.document("SOP-001").fingerprint
    revise(office, "SOP-001", rel, clauses="[7.5.3, 7.5.2]", title="Document and Record Control")
    found = row(office.qms.register(), "SOP-001")
    # revision A's title, clauses, approvers and fingerprint, read from git; B beside it
    assert (found.revision, found.status, found.title, found.clauses) == (
        "A",
        "effective",
        "Document Control",
        ("7.5.3",),
    )
    assert found.pending == Pending(revision="B", status="draft")
    assert found.fingerprint == effective
    assert [a.role for a in found.approvers] == ["Process Owner", "Quality Manager"]
    assert office.qms.document("SOP-001").clauses == ("7.5.3", "7.5.2")


def test_an_uncommitted_draft_in_the_working_copy_is_pending_and_marks_the_register_modified(office: Office) -> None:
    rel = released(office)
    text = (
        (office.repo.path / rel)
        .read_text()
        .replace("revision: A", "revision: B")
        .replace("status: effective", "status: draft")
    )
    office.repo.write(rel, text)
    register = office.qms.register()
    assert (row(register, "SOP-001").revision, row(register, "SOP-001").pending) == (
        "A",
        Pending(revision="B", status="draft"),
    )
    assert register.modified is True
    assert register.source.endswith("with uncommitted changes")


def test_a_scheduled_release_stays_pending_until_its_date(office: Office) -> None:
    rel = released(office)
    revise(office, "SOP-001", rel, clauses="[7.5.3, 7.5.2]")
    approve_and_release(office, "SOP-001", effective="2026-02-01")
    assert office.now.date() < dt.date(2026, 2, 1)
    found = row(office.qms.register(), "SOP-001")
    assert (found.revision, found.effective, found.clauses) == ("A", dt.date(2026, 1, 9), ("7.5.3",))
    assert found.pending == Pending(revision="B", status="scheduled", effective=dt.date(2026, 2, 1))
    office.now = dt.datetime(2026, 2, 1, 8, 0, tzinfo=dt.UTC)
    found = row(office.qms.register(), "SOP-001")
    assert (found.revision, found.effective, found.pending, found.clauses) == (
        "B",
        dt.date(2026, 2, 1),
        None,
        ("7.5.3", "7.5.2"),
    )
    # the same, as of dates: the day before, and the day it takes effect
    assert row(office.qms.register(as_of="2026-01-31"), "SOP-001").revision == "A"
    assert row(office.qms.register(as_of="2026-02-01"), "SOP-001").revision == "B"


def test_the_first_release_scheduled_in_the_future_leaves_the_document_approved(office: Office) -> None:
    released(office, effective="2026-03-01")
    found = row(office.qms.register(), "SOP-001")
    assert (found.revision, found.status, found.pending) == (
        None,
        "approved",
        Pending(revision="A", status="scheduled", effective=dt.date(2026, 3, 1)),
    )


def test_obsolete_and_superseded_documents_stay_in_the_register(office: Office) -> None:
    released(office, "SOP-001")
    released(office, "SOP-002", extra={"supersedes": "SOP-001", "title": "Document and Record Control"})
    released(office, "SOP-003", extra={"title": "Archiving"})
    with office.acting("jane") as qms:
        qms.obsolete("SOP-003", reason="Archiving is covered by SOP-002")
    register = office.qms.register()
    assert [(r.id, r.revision, r.status, r.superseded_by) for r in register.rows] == [
        ("SOP-001", "A", "superseded", ("SOP-002",)),
        ("SOP-002", "A", "effective", ()),
        ("SOP-003", "A", "obsolete", ()),
    ]
    assert [r.id for r in office.qms.register(status="superseded,obsolete").rows] == ["SOP-001", "SOP-003"]


def test_filters_by_status_and_type(office: Office) -> None:
    released(office, "SOP-001")
    office.repo.write("wi/WI-001.md", sop("WI-001", type="WI", title="Deburring"))
    office.commit_as("sam", "WI-001: draft")
    register = office.qms.register()
    assert [(r.id, r.status) for r in register.rows] == [("SOP-001", "effective"), ("WI-001", "draft")]
    assert [r.id for r in office.qms.register(status="draft").rows] == ["WI-001"]
    assert [r.id for r in office.qms.register(type=["SOP"]).rows] == ["SOP-001"]
    assert office.qms.register(status="effective", type="WI").rows == ()
    assert office.qms.register(status="draft", type="WI").selection == "status draft; type WI"
    with pytest.raises(UsageError) as error:
        office.qms.register(status="current")
    assert (
        str(error.value)
        == "unknown status 'current' (use one of draft, review, approved, effective, superseded, obsolete)"
    )


# as of ----------------------------------------------------------------------------------------


def test_as_of_a_date_or_a_commit_shows_what_was_effective_then(office: Office) -> None:
    rel = released(office)
    tag_commit = office.repo.git("rev-parse", "SOP-001/A^{commit}").strip()
    revise(office, "SOP-001", rel, clauses="[7.5.3, 7.5.2]")
    approve_and_release(office, "SOP-001")
    assert row(office.qms.register(), "SOP-001").revision == "B"
    before = office.qms.register(as_of="2026-01-07")  # drafted, in review, one approval of two
    assert (row(before, "SOP-001").revision, row(before, "SOP-001").status) == (None, "review")
    assert before.as_of == dt.date(2026, 1, 7)
    at_tag = office.qms.register(as_of="SOP-001/A")
    assert (row(at_tag, "SOP-001").revision, row(at_tag, "SOP-001").pending, at_tag.commit) == ("A", None, tag_commit)
    assert at_tag.as_of == dt.date(2026, 1, 9)  # the day of the release commit
    during = office.qms.register(as_of=dt.date(2026, 1, 11))
    assert (row(during, "SOP-001").revision, row(during, "SOP-001").pending) == (
        "A",
        Pending(revision="B", status="draft"),
    )
    assert during.source.startswith("As of 2026-01-11, made from commit ")


def test_as_of_a_commit_off_the_first_parent_line_walks_its_own_history(office: Office) -> None:
    released(office)
    office.repo.git("checkout", "-q", "-b", "idea")
    office.repo.write("sops/SOP-009.md", sop("SOP-009", title="An idea"))
    office.commit_as("sam", "SOP-009: draft on a branch")
    office.repo.git("checkout", "-q", "main")
    register = office.qms.register(as_of="idea")
    assert [(r.id, r.revision, r.status) for r in register.rows] == [
        ("SOP-001", "A", "effective"),
        ("SOP-009", None, "draft"),
    ]


def test_as_of_refuses_a_day_before_the_first_commit_and_an_unknown_commit(office: Office) -> None:
    released(office)
    with pytest.raises(UsageError) as error:
        office.qms.register(as_of="2020-01-01")
    assert str(error.value) == "the repository has no commit on or before 2020-01-01"
    with pytest.raises(UsageError) as error:
        office.qms.register(as_of="no-such-thing")
    assert str(error.value) == "'no-such-thing' is neither a date YYYY-MM-DD nor a commit of this repository"


def test_without_git_the_working_copy_is_the_register(tmp_path: Path) -> None:
    root = tmp_path / "plain"
    (root / "sops").mkdir(parents=True)
    (root / "docctl.toml").write_text(CONFIG)
    (root / "sops" / "SOP-001.md").write_text(sop("SOP-001", status="effective", effective="2026-01-12"))
    (root / "sops" / "SOP-002.md").write_text(sop("SOP-002", status="effective", effective="2026-07-01"))
    register = docctl.open(root).register()
    assert [(r.id, r.revision, r.status, r.pending) for r in register.rows] == [
        ("SOP-001", "A", "effective", None),
        ("SOP-002", None, "approved", Pending(revision="A", status="scheduled", effective=dt.date(2026, 7, 1))),
    ]
    assert register.commit is None
    assert register.source == "Made from the working copy (no git commit)"


def test_the_register_reads_history_in_a_fixed_number_of_git_processes(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Effective revisions behind the working copy are read in one batch, never one git call per document."""
    from docctl.adapters import git as gitmod

    def build(count: int) -> int:
        for n in range(1, count + 1):
            repo.write(
                f"sops/SOP-{n:03}.md", sop(f"SOP-{n:03}", status="effective", effective="2026-01-02", clauses="[7.5.3]")
            )
        repo.commit("effective")
        for n in range(1, count + 1):
            repo.write(f"sops/SOP-{n:03}.md", sop(f"SOP-{n:03}", revision="B", change="Wider scope", clauses="[7.5.2]"))
        repo.commit("drafts of B")
        calls: list[str] = []
        real = gitmod.run

        def counting(args: list[str], *rest: object, **kwargs: object) -> object:
            calls.append(args[0])
            return real(args, *rest, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(gitmod, "run", counting)
        register = docctl.open(repo.path).register()
        monkeypatch.setattr(gitmod, "run", real)
        assert {(r.revision, r.clauses, r.pending) for r in register.rows} == {
            ("A", ("7.5.3",), Pending(revision="B", status="draft"))
        }
        return len(calls)

    small = build(2)
    for path in (repo.path / "sops").iterdir():
        path.unlink()
    repo.git("rm", "-q", "-r", "--cached", "sops")
    assert build(12) <= small + 1  # the cache is extended, not rebuilt: never more calls for more documents


# writing and checking -------------------------------------------------------------------------


def test_write_takes_the_format_from_the_suffix_and_writes_atomically(office: Office, tmp_path: Path) -> None:
    released(office)
    register = office.qms.register()
    out = tmp_path / "out"
    for fmt in FORMATS:
        target = register.write(out / f"register.{fmt}")
        assert target.read_bytes() == register.render(fmt)
    assert sorted(p.name for p in out.iterdir()) == sorted(f"register.{fmt}" for fmt in FORMATS)
    register.write(out / "register.txt", format="md")
    assert (out / "register.txt").read_bytes() == register.render("md")
    with pytest.raises(UsageError) as error:
        register.write(out / "register.pdf")
    assert (
        str(error.value)
        == f"cannot tell the register format of '{out / 'register.pdf'}' from its suffix: use --format (csv, json, md, html, docx, xlsx)"
    )


def test_every_format_is_deterministic_and_office_files_carry_fixed_dates(office: Office) -> None:
    released(office)
    first = office.qms.register()
    second = docctl.open(office.repo.path).register()
    for fmt in FORMATS:
        assert first.render(fmt) == second.render(fmt), fmt
    committed = first.committed
    assert committed is not None
    for fmt in ("docx", "xlsx"):
        archive = zipfile.ZipFile(io.BytesIO(first.render(fmt)))
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
        assert f">{committed.astimezone(dt.UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}</dcterms:modified>" in core


def test_a_stamp_records_the_generation_time_only_when_asked(office: Office) -> None:
    released(office)
    plain = json.loads(office.qms.register().render("json"))
    stamped = json.loads(office.qms.register(stamp=True).render("json"))
    assert plain["generated"] is None
    assert stamped["generated"] == office.now.isoformat(timespec="seconds")
    assert plain["rows"] == stamped["rows"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_check_file_compares_rows_not_the_commit_or_the_stamp(office: Office, tmp_path: Path, fmt: str) -> None:
    rel = released(office)
    target = office.qms.register(stamp=True).write(tmp_path / f"register.{fmt}")
    office.repo.write("README.md", "# QMS\n")
    office.commit_as("jane", "A readme")  # a newer commit: the file still lists the same rows
    assert office.qms.register().check_file(target) is None
    revise(office, "SOP-001", rel, clauses="[7.5.3, 7.5.2]")
    pending = "B (draft)" if fmt != "json" else '{"effective": null, "revision": "B", "status": "draft"}'
    column = "Pending revision" if fmt not in ("json", "csv") else "pending_revision" if fmt == "csv" else "pending"
    pending = "B" if fmt == "csv" else pending
    more = " (and 1 more difference)" if fmt == "csv" else ""
    assert office.qms.register().check_file(target) == (
        f"{target} is out of date: SOP-001 {column} is '{pending}', the file says '{'' if fmt != 'json' else 'null'}'{more}"
    )


def test_check_file_names_missing_added_and_unreadable_files(office: Office, tmp_path: Path) -> None:
    released(office, "SOP-001")
    target = office.qms.register().write(tmp_path / "register.md")
    released(office, "SOP-002")
    assert office.qms.register().check_file(target) == f"{target} is out of date: SOP-002 is missing"
    assert office.qms.register(type="WI").check_file(target) == (
        f"{target} is out of date: SOP-001 is no longer in the register"
    )
    assert office.qms.register().check_file(tmp_path / "none.md") == f"{tmp_path / 'none.md'} does not exist"
    (tmp_path / "bad.json").write_text("{")
    message = office.qms.register().check_file(tmp_path / "bad.json")
    assert message is not None and message.startswith(f"{tmp_path / 'bad.json'} is not a json register (")
    (tmp_path / "other.csv").write_text("a,b\n1,2\n")
    assert office.qms.register().check_file(tmp_path / "other.csv") == (
        f"{tmp_path / 'other.csv'} is out of date: its columns differ from the register's (regenerate it with the same format and options)"
    )


@pytest.mark.parametrize(
    ("argv", "loaded"),
    [
        (["check"], []),
        (["register", "--format", "md"], ["docctl.register.build", "docctl.register.model"]),
        (["register", "-o", "../register.docx"], ["docctl.register.build", "docctl.register.model", "docx"]),
        (["register", "-o", "register.xlsx"], ["docctl.register.build", "docctl.register.model", "openpyxl"]),
    ],
    ids=["check", "md", "docx", "xlsx"],
)
def test_the_register_and_its_office_libraries_are_imported_only_when_needed(
    office: Office, argv: list[str], loaded: list[str]
) -> None:
    """``check`` never imports the register; a text format imports neither python-docx nor openpyxl."""
    released(office)
    script = (
        "import sys\nfrom docctl.cli.main import main\ncode = main(sys.argv[1:])\n"
        "wanted = ('docctl.register.build', 'docctl.register.model', 'docx', 'openpyxl')\n"
        "print(code, sorted(m for m in sys.modules if m in wanted))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, *argv], cwd=office.repo.path, capture_output=True, text=True, check=True
    )
    assert result.stdout.splitlines()[-1] == f"0 {loaded}"


def test_excel_output_needs_openpyxl(office: Office, monkeypatch: pytest.MonkeyPatch, run_cli: Run) -> None:
    released(office)
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(DocctlError) as error:
        office.qms.register().render("xlsx")
    assert str(error.value) == "install docctl[xlsx] for Excel output"
    code, _, err = run_cli("register", "-o", "register.xlsx", cwd=office.repo.path)
    assert (code, err) == (2, "docctl: error: install docctl[xlsx] for Excel output\n")
    assert not (office.repo.path / "register.xlsx").exists()


# command line ---------------------------------------------------------------------------------


def test_cli_prints_markdown_by_default_and_writes_files(office: Office, run_cli: Run) -> None:
    released(office)
    code, out, err = run_cli("register", cwd=office.repo.path)
    assert (code, err) == (0, "")
    assert out == office.qms.register().render("md").decode()
    code, out, _ = run_cli("register", "--format", "csv", "--type", "SOP", cwd=office.repo.path)
    assert out.splitlines()[1].startswith("SOP-001,Document Control,SOP,A,effective,tom.baker@acme.example,Tom Baker,")
    code, out, err = run_cli("register", "-o", "docs/register.xlsx", cwd=office.repo.path)
    assert (code, err) == (2, "docctl: error: cannot write docs/register.xlsx: the folder docs does not exist\n")
    (office.repo.path / "docs").mkdir()
    code, out, err = run_cli("register", "-o", "docs/register.xlsx", cwd=office.repo.path)
    assert (code, out, err) == (0, "", "")
    assert (office.repo.path / "docs/register.xlsx").read_bytes()[:2] == b"PK"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "docx"], "docx is a binary format: write it to a file with -o FILE"),
        (
            ["-o", "register.txt"],
            "cannot tell the register format of 'register.txt' from its suffix: use --format (csv, json, md, html, docx, xlsx)",
        ),
        (
            ["--status", "current"],
            "unknown status 'current' (use one of draft, review, approved, effective, superseded, obsolete)",
        ),
        (["--as-of", "1999-12-31"], "the repository has no commit on or before 1999-12-31"),
        (["--check", "a.md", "-o", "b.md"], "--check compares an existing file; it cannot be combined with -o"),
    ],
)
def test_cli_usage_errors_are_one_line_and_exit_2(office: Office, run_cli: Run, args: list[str], message: str) -> None:
    released(office)
    code, out, err = run_cli("register", *args, cwd=office.repo.path)
    assert (code, out, err) == (2, "", f"docctl: error: {message}\n")


def test_cli_check_exits_1_with_one_line_when_the_file_is_out_of_date(office: Office, run_cli: Run) -> None:
    rel = released(office)
    exclude_register(office)
    assert run_cli("register", "-o", "REGISTER.md", cwd=office.repo.path)[0] == 0
    assert run_cli("register", "--check", "REGISTER.md", cwd=office.repo.path) == (0, "", "")
    revise(office, "SOP-001", rel, clauses="[7.5.3]")
    code, out, err = run_cli("register", "--check", "REGISTER.md", cwd=office.repo.path)
    assert (code, out) == (1, "")
    assert err == (
        "docctl: REGISTER.md is out of date: SOP-001 Pending revision is 'B (draft)', the file says ''; "
        "regenerate it with: docctl register -o REGISTER.md\n"
    )
    code, _, err = run_cli(
        "register", "--check", "REGISTER.md", "--as-of", "2026-01-09", "--type", "SOP", cwd=office.repo.path
    )
    assert code == 0, err


def test_cli_check_takes_root_after_the_command_as_the_hook_passes_it(
    office: Office, run_cli: Run, tmp_path: Path
) -> None:
    released(office)
    exclude_register(office)
    target = office.repo.path / "REGISTER.md"
    assert run_cli("register", "-o", str(target), cwd=office.repo.path)[0] == 0
    assert run_cli("register", "--check", str(target), "--root", str(office.repo.path), cwd=tmp_path) == (0, "", "")


def test_a_document_superseded_by_a_scheduled_release_stays_effective_until_that_day(office: Office) -> None:
    released(office, "SOP-001")
    released(
        office,
        "SOP-002",
        extra={"supersedes": "SOP-001", "title": "Document and Record Control"},
        effective="2026-03-02",
    )
    assert office.qms.document("SOP-001").status is docctl.Status.SUPERSEDED  # the file says so at once
    register = office.qms.register()
    assert [(r.id, r.revision, r.status, r.superseded_by, r.pending) for r in register.rows] == [
        ("SOP-001", "A", "effective", (), None),
        ("SOP-002", None, "approved", (), Pending(revision="A", status="scheduled", effective=dt.date(2026, 3, 2))),
    ]
    after = office.qms.register(as_of="2026-03-02")
    assert [(r.id, r.revision, r.status, r.superseded_by) for r in after.rows] == [
        ("SOP-001", "A", "superseded", ("SOP-002",)),
        ("SOP-002", "A", "effective", ()),
    ]


def test_a_docx_document_behind_its_next_draft_is_read_with_its_sidecar_from_git(office: Office) -> None:
    with office.acting("sam") as qms:
        created = qms.new("FRM", "Training Record", format="docx", owner="jane.smith@acme.example")
    sidecar = office.repo.path / (created.path + ".yml")
    sidecar.write_text(sidecar.read_text().replace("clauses: []", "clauses: [7.2]"))
    office.commit_as("sam", "FRM-001: clauses")
    with office.acting("sam") as qms:
        qms.submit("FRM-001")
    with office.acting("jane") as qms:
        qms.approve("FRM-001", role="Quality Manager")
    with office.acting("jane") as qms:
        qms.release("FRM-001")
    with office.acting("sam") as qms:
        qms.revise("FRM-001", change="Adds the trainer's signature")
    sidecar.write_text(sidecar.read_text().replace("clauses: [7.2]", "clauses: [7.2, 7.3]"))
    office.commit_as("sam", "FRM-001: draft of B")
    [found] = office.qms.register().rows
    assert (found.id, found.path, found.revision, found.clauses, found.pending) == (
        "FRM-001",
        created.path,
        "A",
        ("7.2",),
        Pending(revision="B", status="draft"),
    )
    assert [(a.name, a.role) for a in found.approvers] == [("Jane Smith", "Quality Manager")]


def test_a_docctl_root_below_the_git_top_level(repo: GitRepo) -> None:
    (repo.path / "docctl.toml").rename(repo.path / "qms.toml")
    repo.write("qms/docctl.toml", (repo.path / "qms.toml").read_text())
    (repo.path / "qms.toml").unlink()
    repo.write("qms/sops/SOP-001.md", sop("SOP-001", status="effective", effective="2026-01-02", clauses="[7.5.3]"))
    repo.commit("SOP-001 effective")
    repo.write("qms/sops/SOP-001.md", sop("SOP-001", revision="B", change="Wider scope", clauses="[7.5.2]"))
    repo.commit("SOP-001 draft of B")
    register = docctl.open(repo.path / "qms").register()
    assert [(r.path, r.revision, r.clauses, r.pending) for r in register.rows] == [
        ("sops/SOP-001.md", "A", ("7.5.3",), Pending(revision="B", status="draft")),
    ]
    first = row(docctl.open(repo.path / "qms").register(as_of="2026-01-01"), "SOP-001")  # effective from the 2nd
    assert (first.revision, first.pending) == (
        None,
        Pending(revision="A", status="scheduled", effective=dt.date(2026, 1, 2)),
    )
    second = row(docctl.open(repo.path / "qms").register(as_of="2026-01-02"), "SOP-001")
    assert (second.revision, second.clauses, second.pending) == ("A", ("7.5.3",), Pending(revision="B", status="draft"))
