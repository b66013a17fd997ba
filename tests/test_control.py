"""Configuration as part of control (issue 13): an edit of docctl.toml that drops an approved or
effective document is DC310, an unmatched controlled glob DC109, a sidecar without its .docx
DC108; globs that can never match and `approvers = []` are configuration errors; a check outside
git says which rules it skipped. Real git repositories, the real CLI, the real watcher."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import jsonschema
import pytest
from helpers import GitRepo, sop
from lifecycle_helpers import Office
from test_watch import Recorder, effective_form

import docctl
from docctl.watcher import Watcher

Run = Callable[..., tuple[int, str, str]]
ROOT = Path(__file__).resolve().parents[1]
SOP = "sops/SOP-001.md"
GIT_CODES = "DC105, DC205, DC206, DC301, DC302, DC303, DC304, DC306, DC407"


@pytest.fixture
def office(repo: GitRepo) -> Office:
    """An effective SOP-001 (released through the lifecycle) and nothing to report."""
    repo.commit("set up", who="jane", date="2026-01-01T09:00:00+00:00")
    office = Office(repo)
    office.released_sop()
    assert office.qms.check().findings == ()
    return office


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def start(recorder: Recorder) -> Iterator[Callable[[GitRepo], Watcher]]:
    """Start a real watcher (inotify) on a repository; stopped at the end of the test."""
    started: list[Watcher] = []

    def start_watcher(repo: GitRepo) -> Watcher:
        watcher = Watcher(docctl.open(repo.path), recorder, debounce=0.05, reconcile_every=3600.0)
        started.append(watcher.start())
        return watcher

    yield start_watcher
    for watcher in started:
        watcher.stop()


def edit_config(repo: GitRepo, old: str, new: str) -> None:
    path = repo.path / "docctl.toml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


EXCLUDE = 'fail_on = "major"\nexclude = ["**/README.md", "sops/SOP-001.md"]'  # exclude on line 5
DC310_EXCLUDED = (
    "SOP-001 (effective revision A) is no longer controlled: the exclude glob 'sops/SOP-001.md' "
    "(docctl.toml:5) matches it; restore the configuration, or make it obsolete first (docctl obsolete) "
    "and exclude it after"
)


def found(office: Office) -> list[tuple[str, str | None, int | None, str]]:
    """The findings of a check by a new process (which reads docctl.toml as it is now)."""
    qms = docctl.open(office.repo.path, clock=office.clock)
    return [(f.code, f.path, f.line, f.message) for f in qms.check().findings]


# DC310 removed-from-control ----------------------------------------------------------------------


def test_excluding_an_effective_document_is_major_until_the_configuration_is_restored(
    office: Office, run_cli: Run
) -> None:
    repo = office.repo
    edit_config(repo, 'fail_on = "major"', EXCLUDE)
    code, out, err = run_cli("check", cwd=repo.path)
    assert (code, out) == (1, f"{SOP}: DC310 {DC310_EXCLUDED}\n")
    assert "0 file(s) checked: 1 major" in err
    report = json.loads(run_cli("check", "--format", "json", cwd=repo.path)[1])
    assert [(f["code"], f["severity"], f["document"], f["path"]) for f in report["findings"]] == [
        ("DC310", "major", "SOP-001", SOP)
    ]
    office.commit_as("sam", "tidy the configuration")  # committed, it is still reported
    assert run_cli("check", cwd=repo.path)[:2] == (1, f"{SOP}: DC310 {DC310_EXCLUDED}\n")
    repo.git("revert", "--no-edit", "HEAD")
    assert run_cli("check", cwd=repo.path)[:2] == (0, "")


def test_made_obsolete_through_the_lifecycle_the_document_may_leave_control(office: Office) -> None:
    with office.acting("jane") as qms:
        qms.obsolete("SOP-001", reason="replaced by the supplier portal")
    edit_config(office.repo, 'fail_on = "major"', EXCLUDE)
    office.commit_as("jane", "archive SOP-001")
    assert found(office) == []


def test_narrowing_controlled_names_the_controlled_line(office: Office) -> None:
    """The approved (not yet effective) SOP-004 counts as well; the draft SOP-003 does not."""
    office.repo.write("sops/SOP-003.md", sop("SOP-003", title="Training", body="\n# SOP-003 Training\n"))
    office.commit_as("sam", "SOP-003: draft")
    with office.acting("sam") as qms:
        qms.new("SOP", "Records", owner="tom.baker@acme.example")
        qms.submit("SOP-004")
    with office.acting("tom") as qms:
        qms.approve("SOP-004", role="Process Owner")
    with office.acting("jane") as qms:
        qms.approve("SOP-004", role="Quality Manager")
    approved = office.qms.document("SOP-004")
    assert approved.status == "approved"
    edit_config(office.repo, 'fail_on = "major"', 'fail_on = "major"\ncontrolled = ["wis/**/*.md"]')
    assert [(c, p, line) for c, p, line, _ in found(office)] == [
        ("DC109", "docctl.toml", 5),
        ("DC310", SOP, None),
        ("DC310", approved.path, None),
    ]
    assert found(office)[2][3] == (
        "SOP-004 (approved revision A) is no longer controlled: no controlled glob (docctl.toml:5) matches it; "
        "restore the configuration, or make it obsolete first (docctl obsolete) and exclude it after"
    )


def test_deleted_and_excluded_in_one_change_is_reported_by_check_and_the_hook(office: Office, run_cli: Run) -> None:
    """The history is read with the configuration of the check, which no longer sees the file: the
    deletion is found against HEAD's configuration instead."""
    repo = office.repo
    edit_config(repo, 'fail_on = "major"', EXCLUDE)
    (repo.path / SOP).unlink()
    message = (
        "SOP-001 (effective revision A) was deleted and taken out of control: the exclude glob "
        "'sops/SOP-001.md' (docctl.toml:5) matches it; restore the file and the configuration, and make "
        "it obsolete instead"
    )
    assert run_cli("check", cwd=repo.path)[:2] == (1, f"{SOP}: DC310 {message}\n")
    repo.git("add", "-A")
    assert run_cli("check", "--hook", cwd=repo.path)[:2] == (1, f"{SOP}: DC310 {message}\n")


def test_the_hook_judges_the_staged_configuration(office: Office, run_cli: Run) -> None:
    repo = office.repo
    before = (repo.path / "docctl.toml").read_text()
    edit_config(repo, 'fail_on = "major"', EXCLUDE)
    repo.git("add", "docctl.toml")
    (repo.path / "docctl.toml").write_text(before)  # the working copy is as HEAD; the index excludes SOP-001
    assert run_cli("check", cwd=repo.path)[:2] == (0, "")
    assert run_cli("check", "--hook", cwd=repo.path)[:2] == (1, f"{SOP}: DC310 {DC310_EXCLUDED}\n")
    repo.git("reset", "-q", "--", "docctl.toml")
    edit_config(repo, 'fail_on = "major"', EXCLUDE)  # now only the working copy excludes it
    assert run_cli("check", "--hook", cwd=repo.path)[:2] == (0, "")


def test_a_type_taken_away_is_reported(office: Office) -> None:
    edit_config(office.repo, "[types.SOP]", "[types.PROC]")
    assert [(c, p, line) for c, p, line, _ in found(office)] == [("DC102", SOP, 4), ("DC310", SOP, 4)]
    assert found(office)[1][3] == (
        "SOP-001 (effective revision A) is no longer controlled: docctl.toml defines no type 'SOP', so no "
        "approval matrix applies to it; restore [types.SOP], or make the document obsolete first"
    )


def test_the_watcher_reports_it_on_a_configuration_reload(
    office: Office, start: Callable[[GitRepo], Watcher], recorder: Recorder
) -> None:
    repo = office.repo
    watcher = start(repo)
    edit_config(repo, 'fail_on = "major"', EXCLUDE)
    recorder.wait_event("raised", "DC310", SOP)
    assert [e.finding.message for e in recorder.events if e.finding.code == "DC310"] == [DC310_EXCLUDED]
    assert watcher.findings == list(docctl.open(repo.path).check().findings)
    repo.git("checkout", "--", "docctl.toml")
    recorder.wait_event("cleared", "DC310", SOP)


# configuration errors --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            'controlled = ["sops/[a-"]',
            "docctl.toml:5: 'docctl.controlled' glob 'sops/[a-' has a '[' that is never closed with ']'",
        ),
        (
            'controlled = ["/etc/*"]',
            "docctl.toml:5: 'docctl.controlled' glob '/etc/*' is absolute: globs are paths relative to the "
            "folder of docctl.toml",
        ),
        (
            'exclude = ["../**/*.md"]',
            "docctl.toml:5: 'docctl.exclude' glob '../**/*.md' leaves the folder of docctl.toml ('..'): only "
            "files below it can be controlled",
        ),
    ],
)
def test_a_glob_that_can_never_match_is_a_configuration_error(
    office: Office, run_cli: Run, edit: str, message: str
) -> None:
    """On main each of these left "0 file(s) checked" and exit 0."""
    edit_config(office.repo, 'fail_on = "major"', f'fail_on = "major"\n{edit}')
    code, out, err = run_cli("check", cwd=office.repo.path)
    assert (code, out, err) == (2, "", f"docctl: error: {office.repo.path / message}\n")


def test_approvers_empty_is_a_configuration_error(office: Office, run_cli: Run) -> None:
    edit_config(office.repo, 'approvers = ["Process Owner", "Quality Manager"]', "approvers = []")
    code, out, err = run_cli("check", cwd=office.repo.path)
    assert (code, out) == (2, "")
    assert err == (
        f"docctl: error: {office.repo.path / 'docctl.toml'}:10: 'types.SOP.approvers' must name at least one "
        "role, and no empty one: a document of the type could otherwise become effective without a signature\n"
    )


# DC109 unmatched-glob ----------------------------------------------------------------------------


def test_a_controlled_glob_that_matches_nothing_is_an_ofi(office: Office, run_cli: Run) -> None:
    edit_config(
        office.repo, 'fail_on = "major"', 'fail_on = "major"\ncontrolled = [\n  "sops/*.md",\n  "sop/*.docx",\n]'
    )
    code, out, _ = run_cli("check", cwd=office.repo.path)
    assert (code, out) == (
        0,
        "docctl.toml:7: DC109 controlled glob 'sop/*.docx' matches no Markdown or Word file: no document is "
        "controlled through it; correct it, or remove it\n",
    )


def test_the_default_globs_are_not_reported(repo: GitRepo) -> None:
    """`docctl init` writes both defaults; a repository without Word files is normal."""
    edit_config(repo, 'fail_on = "major"', 'fail_on = "major"\ncontrolled = ["**/*.md", "**/*.docx"]')
    repo.write(SOP, sop())
    repo.commit("set up")
    assert docctl.open(repo.path).check().findings == ()


# DC108 orphan-sidecar ----------------------------------------------------------------------------


def test_a_sidecar_whose_docx_is_gone_is_reported(repo: GitRepo, run_cli: Run) -> None:
    effective_form(repo)
    (repo.path / "forms/FRM-001.docx").unlink()
    code, out, _ = run_cli("check", cwd=repo.path)
    assert code == 1
    assert out.splitlines() == [
        "forms/FRM-001.docx: DC306 FRM-001 (effective revision A) was deleted in the working copy; restore it "
        "and make it obsolete instead",
        "forms/FRM-001.docx.yml: DC108 sidecar without its .docx: FRM-001.docx is gone, so FRM-001 (effective "
        "revision A) is no longer read; restore the .docx (a controlled document is made obsolete, not "
        "deleted), or move the sidecar with it",
    ]
    repo.git("add", "-A")
    assert run_cli("check", "--hook", cwd=repo.path)[1] == out


def test_an_orphan_sidecar_of_a_draft_is_reported_too(repo: GitRepo) -> None:
    """No history knows a draft never committed: DC108 is the only trace of the lost .docx."""
    repo.commit("set up")
    repo.write("forms/FRM-009.docx.yml", "id: FRM-009\n")
    assert [(f.code, f.path, f.severity.value, f.document) for f in docctl.open(repo.path).check().findings] == [
        ("DC108", "forms/FRM-009.docx.yml", "major", "FRM-009")
    ]


def test_the_watcher_reports_an_orphan_sidecar(
    repo: GitRepo, start: Callable[[GitRepo], Watcher], recorder: Recorder
) -> None:
    effective_form(repo)
    start(repo)
    (repo.path / "forms/FRM-001.docx").unlink()
    recorder.wait_event("raised", "DC108", "forms/FRM-001.docx.yml")
    (repo.path / "forms/FRM-001.docx.yml").unlink()
    recorder.wait_event("cleared", "DC108", "forms/FRM-001.docx.yml")


# notices -----------------------------------------------------------------------------------------


def forge(repo_path: Path, rel: str) -> None:
    """An effective SOP whose two approvals were typed in by hand (with the right fingerprint)."""
    path = repo_path / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    body = "\n# SOP-002 Purchasing\n\nBuy from approved suppliers.\n"
    path.write_text(sop("SOP-002", title="Purchasing", body=body))
    fp = docctl.open(repo_path).load(rel).document.fingerprint  # type: ignore[union-attr]
    approvals = [
        {
            "name": name,
            "by": email,
            "role": role,
            "meaning": "approved",
            "date": "2026-01-02T09:00:00+00:00",
            "fingerprint": fp,
        }
        for name, email, role in [
            ("Tom Baker", "tom.baker@acme.example", "Process Owner"),
            ("Jane Smith", "jane.smith@acme.example", "Quality Manager"),
        ]
    ]
    path.write_text(
        sop("SOP-002", title="Purchasing", body=body, status="effective", effective="2026-01-03", approvals=approvals)
    )


def test_outside_git_check_names_the_skipped_rules(office: Office, tmp_path: Path, run_cli: Run) -> None:
    """A forged approval is DC205 in git; copied out of git it cannot be judged, and check says so
    instead of passing silently."""
    forge(office.repo.path, "sops/SOP-002.md")
    office.commit_as("sam", "SOP-002")
    assert [f.code for f in office.qms.check().findings] == ["DC205", "DC205"]
    copy = tmp_path / "export"
    shutil.copytree(office.repo.path, copy, ignore=shutil.ignore_patterns(".git"))
    code, out, err = run_cli("check", cwd=copy)
    assert (code, out) == (0, "")
    notice = (
        f"not a git repository: the history, attestation and signature rules were skipped ({GIT_CODES}); "
        "approvals are not attested: nothing shows who wrote them"
    )
    assert err.splitlines() == [f"docctl: {notice}", "docctl: 2 file(s) checked: 0 major, 0 minor, 0 ofi"]
    report = json.loads(run_cli("check", "--format", "json", cwd=copy)[1])
    assert report["notices"] == [notice]
    jsonschema.validate(report, json.loads((ROOT / "schemas/check-report.schema.json").read_text()))


def test_notices_in_json_inside_git(office: Office, tmp_path: Path, run_cli: Run) -> None:
    report = json.loads(run_cli("check", "--format", "json", cwd=office.repo.path)[1])
    assert report["notices"] == []
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{office.repo.path}", str(clone)], check=True)
    report = json.loads(run_cli("check", "--format", "json", cwd=clone)[1])
    assert report["notices"] == [
        "this is a shallow clone: history before its oldest commit is unknown and approvals in that commit "
        "cannot be attested; fetch the whole history (git fetch --unshallow)"
    ]


def test_before_the_first_commit_check_says_approvals_are_not_attested(repo: GitRepo, run_cli: Run) -> None:
    repo.write(SOP, sop(status="review"))
    report = json.loads(run_cli("check", "--format", "json", cwd=repo.path)[1])
    assert report["notices"] == [
        f"no commit yet: the history, attestation and signature rules were skipped ({GIT_CODES}); approvals "
        "are not attested until a commit records who added them"
    ]


DELETED_EXCLUDED = (
    "SOP-001 (effective revision A) was deleted and taken out of control: the exclude glob "
    "'sops/SOP-001.md' (docctl.toml:5) matches it; restore the file and the configuration, and make "
    "it obsolete instead"
)


def test_deleted_and_excluded_in_one_commit_stays_reported(office: Office, run_cli: Run) -> None:
    """Committed together, HEAD's configuration already agrees with the check's: the commit that
    changed docctl.toml is compared with its parent instead."""
    repo = office.repo
    edit_config(repo, 'fail_on = "major"', EXCLUDE)
    (repo.path / SOP).unlink()
    office.commit_as("sam", "tidy up")
    assert run_cli("check", cwd=repo.path)[:2] == (1, f"{SOP}: DC310 {DELETED_EXCLUDED}\n")
    repo.write("notes.txt", "later work\n")
    office.commit_as("jane", "later work")  # the cache of configuration changes is extended
    assert run_cli("check", "--hook", cwd=repo.path)[:2] == (1, f"{SOP}: DC310 {DELETED_EXCLUDED}\n")
    repo.git("revert", "--no-edit", "HEAD~1")  # file and configuration back: nothing to report
    assert run_cli("check", cwd=repo.path)[:2] == (0, "")


def test_excluded_first_and_deleted_in_a_later_commit_stays_reported(office: Office, run_cli: Run) -> None:
    repo = office.repo
    edit_config(repo, 'fail_on = "major"', EXCLUDE)
    office.commit_as("sam", "exclude SOP-001")
    assert run_cli("check", cwd=repo.path)[:2] == (1, f"{SOP}: DC310 {DC310_EXCLUDED}\n")
    repo.git("rm", "-q", SOP)
    office.commit_as("sam", "remove SOP-001")  # docctl no longer watched it
    assert run_cli("check", cwd=repo.path)[:2] == (1, f"{SOP}: DC310 {DELETED_EXCLUDED}\n")


def test_made_obsolete_excluded_and_deleted_is_not_reported(office: Office) -> None:
    with office.acting("jane") as qms:
        qms.obsolete("SOP-001", reason="replaced by the supplier portal")
    edit_config(office.repo, 'fail_on = "major"', EXCLUDE)
    (office.repo.path / SOP).unlink()
    office.commit_as("jane", "archive SOP-001")
    assert found(office) == []
