"""History from git: renames, mass moves, merges, rebases, amended releases, deletions; the
history rules; the cache giving the same answers as a cold run."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import GitRepo, sop
from lifecycle_helpers import Office, codes

import docctl
from docctl.adapters.git import Git
from docctl.history.cache import cache_dir
from docctl.history.load import load_history

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def office(repo: GitRepo) -> Office:
    repo.commit("set up", who="jane", date="2026-01-01T09:00:00+00:00")
    return Office(repo)


def summary(qms: docctl.Repository, doc_id: str) -> list[tuple[str, str, list[str], str]]:
    return [(r.revision, r.status, [s.status for s in r.steps], r.path) for r in qms.history(doc_id)]


def test_lifecycle_history_steps_and_approvals(office: Office) -> None:
    office.released_sop()
    [revision] = office.qms.history("SOP-001")
    assert revision.revision == "A" and revision.status == "effective"
    assert [(s.status, s.commit.author_email) for s in revision.steps] == [
        ("draft", "sam.okafor@acme.example"),
        ("review", "sam.okafor@acme.example"),
        ("approved", "jane.smith@acme.example"),
        ("effective", "jane.smith@acme.example"),
    ]
    assert [(a.role, a.commit.author_email) for a in revision.approvals] == [
        ("Process Owner", "tom.baker@acme.example"),
        ("Quality Manager", "jane.smith@acme.example"),
    ]
    assert revision.effective is not None and revision.released is not None
    assert codes(office.qms) == []


def test_rename_keeps_one_history(office: Office) -> None:
    office.released_sop()
    office.repo.git("mv", "sops", "procedures")
    office.commit_as("jane", "move procedures")
    assert summary(office.qms, "SOP-001") == [
        ("A", "effective", ["draft", "review", "approved", "effective"], "procedures/SOP-001.md")
    ]
    assert codes(office.qms) == []


def test_mass_move_of_every_file(office: Office) -> None:
    for n in range(1, 41):
        office.repo.write(
            f"sops/SOP-{n:03}.md", sop(f"SOP-{n:03}", body=f"\n# SOP-{n:03} Document Control\n\nText {n}.\n")
        )
    office.commit_as("sam", "forty drafts")
    (office.repo.path / "quality").mkdir()
    office.repo.git("mv", "sops", "quality/procedures")
    office.commit_as("jane", "reorganise")
    history = office.qms.history_index()
    assert history is not None and len(history.ids()) == 40
    assert all(office.qms.history(f"SOP-{n:03}")[-1].path == f"quality/procedures/SOP-{n:03}.md" for n in range(1, 41))
    assert all(len(history.events(f"SOP-{n:03}")) == 2 for n in range(1, 41))
    assert codes(office.qms) == []


def test_move_with_edit_is_followed_by_id(office: Office) -> None:
    office.repo.write("a/SOP-001.md", sop(body="\n# SOP-001 Document Control\n\nFirst text.\n"))
    office.commit_as("sam", "draft")
    (office.repo.path / "a/SOP-001.md").unlink()
    office.repo.write("b/renamed.md", sop(body="\n# SOP-001 Document Control\n\nEntirely different words here.\n"))
    office.commit_as("sam", "move and rewrite")
    assert summary(office.qms, "SOP-001") == [("A", "draft", ["draft"], "b/renamed.md")]


def test_deleted_effective_document_is_dc306(office: Office) -> None:
    rel = office.released_sop()
    (office.repo.path / rel).unlink()
    found = office.qms.check().findings
    assert [(f.code, f.path, f.message) for f in found] == [
        (
            "DC306",
            "sops/SOP-001.md",
            "SOP-001 (effective revision A) was deleted in the working copy; restore it and make it obsolete instead",
        )
    ]
    office.commit_as("tom", "remove old procedure")
    [finding] = office.qms.check().findings
    assert finding.code == "DC306" and "was deleted in commit " in finding.message and "by Tom Baker" in finding.message


def test_deleted_draft_is_not_dc306(office: Office) -> None:
    office.repo.write("sops/SOP-001.md", sop())
    office.commit_as("sam", "draft")
    (office.repo.path / "sops/SOP-001.md").unlink()
    office.commit_as("sam", "drop the draft")
    assert codes(office.qms) == []


def test_obsolete_then_deleted_is_not_dc306(office: Office) -> None:
    rel = office.released_sop()
    with office.acting("jane") as qms:
        qms.obsolete("SOP-001", reason="process discontinued")
    (office.repo.path / rel).unlink()
    office.commit_as("jane", "remove")
    assert codes(office.qms) == []


def test_dc301_content_changed_after_release_with_forged_fingerprints(office: Office) -> None:
    rel = office.released_sop()
    path = office.repo.path / rel
    text = path.read_text()
    old_fp = office.qms.document("SOP-001").fingerprint
    path.write_text(text.replace("Control documents.", "Control some documents."))
    new_fp = office.qms.document("SOP-001").fingerprint
    path.write_text(path.read_text().replace(old_fp, new_fp))  # forge: approvals now match the new content
    office.commit_as("sam", "small wording fix")
    found = [(f.code, f.message) for f in office.qms.check().findings]
    assert [c for c, _ in found] == ["DC301", "DC205", "DC205"]
    assert found[1][1].startswith("the approval by Tom Baker (Process Owner) was added in commit ")
    assert found[1][1].endswith("authored by sam.okafor@acme.example, not by the approver")
    assert "revision A was released, then its content changed in commit " in found[0][1]


def test_dc302_revision_skipped_and_dc303_boilerplate(office: Office) -> None:
    rel = office.released_sop()
    with office.acting("sam") as qms:
        qms.revise("SOP-001", change="update")
    path = office.repo.path / rel
    path.write_text(path.read_text().replace("revision: B", "revision: D"))
    office.commit_as("sam", "renumber")
    found = [(f.code, f.line, f.message) for f in office.qms.check().findings]
    assert found == [
        ("DC302", 5, "revision D skips from B (expected C)"),
        ("DC303", 9, "revision D has a boilerplate change description 'update'; say what changed and why"),
    ]


def test_dc303_missing_change(office: Office) -> None:
    rel = office.released_sop()
    path = office.repo.path / rel
    path.write_text(
        path.read_text().replace("revision: A", "revision: B").replace("status: effective", "status: draft")
    )
    found = [(f.code, f.message) for f in office.qms.check().findings]
    assert ("DC303", "revision B has no 'change' saying what changed and why") in found


def test_dc304_draft_straight_to_effective(office: Office) -> None:
    office.repo.write("sops/SOP-001.md", sop())
    office.commit_as("sam", "draft")
    path = office.repo.path / "sops/SOP-001.md"
    path.write_text(path.read_text().replace("status: draft", "status: effective\neffective: 2026-01-10"))
    found = [(f.code, f.line, f.message) for f in office.qms.check().findings if f.code == "DC304"]
    assert found == [("DC304", 6, "illegal status step draft -> effective in the working copy")]
    office.commit_as("sam", "release it myself")
    found = [(f.code, f.message) for f in office.qms.check().findings if f.code == "DC304"]
    assert len(found) == 1 and found[0][1].startswith("illegal status step draft -> effective in commit ")


def test_dc105_id_reused_for_another_document(office: Office) -> None:
    office.released_sop()
    with office.acting("jane") as qms:
        qms.obsolete("SOP-001", reason="merged into the quality manual")
    (office.repo.path / "sops/SOP-001.md").unlink()
    office.commit_as("jane", "remove obsolete file")
    office.repo.write("sops/SOP-001-new.md", sop(title="Calibration", body="\n# SOP-001 Calibration\n"))
    found = [(f.code, f.line, f.message) for f in office.qms.check().findings]
    assert len(found) == 1 and found[0][:2] == ("DC105", 2)
    assert found[0][2].startswith("id SOP-001 belonged to 'Document Control' (obsolete in commit ")


def test_new_never_reuses_a_deleted_id(office: Office) -> None:
    office.repo.write("sops/SOP-001.md", sop())
    office.commit_as("sam", "draft")
    (office.repo.path / "sops/SOP-001.md").unlink()
    office.commit_as("sam", "drop")
    with office.acting("jane") as qms:
        created = qms.new("SOP", "Another")
    assert created.id == "SOP-002"


def test_approval_merged_from_a_branch_is_attested_by_its_author(office: Office) -> None:
    office.repo.write("sops/SOP-001.md", sop())
    office.commit_as("sam", "draft")
    with office.acting("sam") as qms:
        qms.submit("SOP-001")
    office.repo.git("checkout", "-q", "-b", "approvals")
    with office.acting("tom") as qms:
        qms.approve("SOP-001", role="Process Owner")
    with office.acting("jane") as qms:
        qms.approve("SOP-001", role="Quality Manager")
    office.repo.git("checkout", "-q", "main")
    office.repo.write("unrelated.txt", "x")
    office.commit_as("sam", "unrelated work on main")
    office.tick()
    office.repo.git(
        "merge",
        "--no-ff",
        "-q",
        "-m",
        "Merge approvals",
        "approvals",
        env={
            "GIT_AUTHOR_NAME": "Sam Okafor",
            "GIT_AUTHOR_EMAIL": "sam.okafor@acme.example",
            "GIT_COMMITTER_NAME": "Sam Okafor",
            "GIT_COMMITTER_EMAIL": "sam.okafor@acme.example",
        },
    )
    assert office.qms.document("SOP-001").status is docctl.Status.APPROVED
    assert codes(office.qms) == []
    [revision] = office.qms.history("SOP-001")
    # on the first-parent chain both arrive with Sam's merge; history names the branch commits
    assert [(a.role, a.commit.author_email, a.commit.merge) for a in revision.approvals] == [
        ("Process Owner", "tom.baker@acme.example", False),
        ("Quality Manager", "jane.smith@acme.example", False),
    ]


def test_squash_merge_rewrites_authorship(office: Office) -> None:
    office.repo.write("sops/SOP-001.md", sop())
    office.commit_as("sam", "draft")
    with office.acting("sam") as qms:
        qms.submit("SOP-001")
    office.repo.git("checkout", "-q", "-b", "approvals")
    with office.acting("tom") as qms:
        qms.approve("SOP-001", role="Process Owner")
    office.repo.git("checkout", "-q", "main")
    office.repo.git("merge", "--squash", "-q", "approvals")
    office.commit_as("sam", "squashed approvals")
    assert [f.code for f in office.qms.check().findings] == ["DC205"]


def test_rebase_keeps_attestation(office: Office) -> None:
    office.repo.write("sops/SOP-001.md", sop())
    office.commit_as("sam", "draft")
    with office.acting("sam") as qms:
        qms.submit("SOP-001")
    office.repo.git("checkout", "-q", "-b", "approvals")
    with office.acting("tom") as qms:
        qms.approve("SOP-001", role="Process Owner")
    office.repo.git("checkout", "-q", "main")
    office.repo.write("unrelated.txt", "x")
    office.commit_as("sam", "unrelated")
    office.repo.git("checkout", "-q", "approvals")
    office.repo.git(
        "rebase",
        "-q",
        "main",
        env={"GIT_COMMITTER_NAME": "Sam Okafor", "GIT_COMMITTER_EMAIL": "sam.okafor@acme.example"},
    )
    office.repo.git("checkout", "-q", "main")
    office.repo.git("merge", "-q", "--ff-only", "approvals")
    assert codes(office.qms) == []


def test_amended_release_rebuilds_the_cache(office: Office) -> None:
    office.released_sop()
    qms = office.qms
    before = summary(qms, "SOP-001")
    git = Git(office.repo.path)
    assert (cache_dir(git) / "meta.pickle").exists()
    office.repo.git(
        "commit",
        "-q",
        "--amend",
        "-m",
        "SOP-001: release revision A (amended message)",
        env={"GIT_COMMITTER_NAME": "Jane Smith", "GIT_COMMITTER_EMAIL": "jane.smith@acme.example"},
    )
    fresh = docctl.open(office.repo.path, clock=office.clock)
    assert summary(fresh, "SOP-001") == before
    tip = fresh.history("SOP-001")[-1].steps[-1].commit.id
    assert tip == office.repo.git("rev-parse", "HEAD").strip()


def test_cache_matches_a_cold_run(office: Office) -> None:
    office.released_sop()
    office.released_sop("SOP-002", title="Records")
    git = Git(office.repo.path)
    warm_start = load_history(git, office.qms.config)  # cached at this tip
    with office.acting("tom") as qms:
        qms.revise("SOP-001", change="Add the retention table for quality records")
    office.released_sop("SOP-003", title="Training")
    incremental = load_history(git, office.qms.config)
    cold = load_history(git, office.qms.config, use_cache=False)
    assert warm_start.tip != incremental.tip == cold.tip
    for doc_id in ("SOP-001", "SOP-002", "SOP-003"):
        assert incremental.revisions(doc_id) == cold.revisions(doc_id)
    assert incremental.ids() == cold.ids()


def test_corrupt_cache_is_ignored(office: Office) -> None:
    office.released_sop()
    git = Git(office.repo.path)
    assert office.qms.check().findings == ()
    for shard in cache_dir(git).glob("*.pickle"):
        shard.write_bytes(b"not a pickle")
    fresh = docctl.open(office.repo.path, clock=office.clock)
    assert summary(fresh, "SOP-001")[0][1] == "effective"


def test_history_cli_text_json_md(office: Office, run_cli: Run) -> None:
    office.released_sop()
    with office.acting("sam") as qms:
        qms.revise("SOP-001", change="Add electronic distribution", change_request="CR-7")
    code, out, _ = run_cli("history", "SOP-001", cwd=office.repo.path)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("SOP-001 revision A: effective, effective 2026-01-")
    assert "  change: Add electronic distribution [CR-7]" in lines
    code, out, _ = run_cli("history", "SOP-001", "--format", "json", cwd=office.repo.path)
    data = json.loads(out)
    assert [r["revision"] for r in data["revisions"]] == ["A", "B"]
    assert [a["role"] for a in data["revisions"][0]["approvals"]] == ["Process Owner", "Quality Manager"]
    code, out, _ = run_cli("history", "SOP-001", "--format", "md", cwd=office.repo.path)
    rows = out.splitlines()
    assert rows[0] == "| Revision | Status | Effective | Change | Change request | Approved by | Commit |"
    assert rows[2].startswith("| A | effective | 2026-01-") and "Tom Baker (Process Owner" in rows[2]
    assert rows[3].startswith("| B | draft |  | Add electronic distribution | CR-7 |")


def test_diff_and_show_rev(office: Office, run_cli: Run) -> None:
    rel = office.released_sop()
    with office.acting("sam") as qms:
        qms.revise("SOP-001", change="Say which documents")
    path = office.repo.path / rel
    path.write_text(path.read_text().replace("Control documents.", "Control quality documents."))
    office.commit_as("sam", "draft B")
    code, out, _ = run_cli("diff", "SOP-001", "A", "B", cwd=office.repo.path)
    assert code == 0
    assert "-Control documents.\n+Control quality documents." in out
    assert "-revision: A\n+revision: B" in out
    code, out, _ = run_cli("show", "SOP-001", "--rev", "A", cwd=office.repo.path)
    assert "Revision:       A\nStatus:         effective" in out
    code, _, err = run_cli("diff", "SOP-001", "A", "Q", cwd=office.repo.path)
    assert (code, err) == (2, "docctl: error: SOP-001 has no revision 'Q' in its history (known: A, B)\n")


def test_at_a_date_and_a_commit(office: Office) -> None:
    office.released_sop()
    released_on = office.now.date()
    office.tick(30)
    with office.acting("sam") as qms:
        qms.revise("SOP-001", change="Add electronic distribution")
    past = office.qms.at(released_on.isoformat())
    assert past.document("SOP-001").status is docctl.Status.EFFECTIVE
    assert office.qms.document("SOP-001").status is docctl.Status.DRAFT
    tagged = office.qms.at("SOP-001/A")
    assert tagged.document("SOP-001").revision == "A"
    with pytest.raises(docctl.UsageError, match="read-only"):
        past.submit("SOP-001")
    with pytest.raises(docctl.UsageError, match="no commit on or before 2020-01-01"):
        office.qms.at("2020-01-01")


def test_history_of_unknown_id(office: Office, run_cli: Run) -> None:
    code, _, err = run_cli("history", "SOP-404", cwd=office.repo.path)
    assert (code, err) == (2, "docctl: error: git history has no document with id 'SOP-404'\n")


def test_user_git_config_does_not_change_history(office: Office, tmp_path: Path) -> None:
    office.released_sop()
    expected = summary(office.qms, "SOP-001")
    for key, value in (
        ("log.follow", "true"),
        ("diff.renames", "false"),
        ("log.showSignature", "true"),
        ("color.ui", "always"),
        ("core.quotePath", "true"),
    ):
        office.repo.git("config", key, value)
    git = Git(office.repo.path)
    history = load_history(git, office.qms.config, use_cache=False)
    assert [
        (r.revision, r.status, [s.status for s in r.steps], r.path) for r in history.revisions("SOP-001")
    ] == expected


def test_subfolder_root(tmp_path: Path) -> None:
    outer = GitRepo(tmp_path / "company")
    (outer.path / "docctl.toml").rename(tmp_path / "keep.toml")
    outer.write("qms/docctl.toml", (tmp_path / "keep.toml").read_text())
    outer.write("qms/sops/SOP-001.md", sop())
    outer.write("engineering/notes.md", "# not controlled\n")
    outer.commit("start")
    qms = docctl.open(outer.path / "qms")
    assert summary(qms, "SOP-001") == [("A", "draft", ["draft"], "sops/SOP-001.md")]
    assert (
        subprocess.run(["git", "-C", str(outer.path), "status", "--porcelain"], capture_output=True, text=True).stdout
        == ""
    )


def test_a_shard_rewritten_by_another_process_forces_a_rebuild(office: Office) -> None:
    office.released_sop()
    office.released_sop("SOP-002", title="Records")
    git = Git(office.repo.path)
    expected = load_history(git, office.qms.config, use_cache=False).revisions("SOP-001")
    assert office.qms.check().findings == ()  # writes the cache at HEAD
    folder = cache_dir(git)
    assert (folder / "meta.pickle").exists()
    import pickle

    for shard in folder.glob("events-*.pickle"):
        generation, events = pickle.loads(shard.read_bytes())
        shard.write_bytes(pickle.dumps(("another-generation", events)))
    assert load_history(git, office.qms.config).revisions("SOP-001") == expected


def test_dc407_suspect_reference_until_reviewed(office: Office) -> None:
    office.released_sop("SOP-001", title="Records")
    office.repo.write(
        "sops/SOP-002.md",
        sop(
            "SOP-002",
            title="Archiving",
            references=["SOP-001"],
            body="\n# SOP-002 Archiving\n\nKeep records per SOP-001.\n",
        ),
    )
    office.commit_as("sam", "SOP-002: draft")
    with office.acting("sam") as qms:
        qms.submit("SOP-002")
    with office.acting("tom") as qms:
        qms.approve("SOP-002", role="Process Owner")
    with office.acting("jane") as qms:
        qms.approve("SOP-002", role="Quality Manager")
    with office.acting("jane") as qms:
        qms.release("SOP-002")
    assert codes(office.qms) == []
    office.tick(10)
    with office.acting("sam") as qms:
        qms.revise("SOP-001", change="Records move to the new archive system")
    with office.acting("sam") as qms:
        qms.submit("SOP-001")
    with office.acting("tom") as qms:
        qms.approve("SOP-001", role="Process Owner")
    with office.acting("jane") as qms:
        qms.approve("SOP-001", role="Quality Manager")
    with office.acting("jane") as qms:
        qms.release("SOP-001")
    found = office.qms.check().findings
    assert [(f.code, f.path, f.line) for f in found] == [("DC407", "sops/SOP-002.md", 11)]  # the references line
    assert found[0].message.startswith("SOP-001 revision B took effect on 2026-01-")
    with office.acting("jane") as qms:
        qms.review("SOP-002", outcome="keep")
    assert codes(office.qms) == []


def test_shallow_clone_does_not_blame_the_oldest_commit(office: Office, tmp_path: Path, run_cli: Run) -> None:
    """CI checkouts are often shallow: the oldest commit then holds approvals whose authors git
    cannot show. They are not judged (DC205), check says why once, and a full clone judges all."""
    office.released_sop()
    office.repo.write("unrelated.txt", "x")
    office.commit_as("sam", "unrelated")
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{office.repo.path}", str(clone)], check=True)
    code, out, err = run_cli("check", cwd=clone)
    assert (code, out) == (0, "")
    assert "this is a shallow clone" in err
    code, out, _ = run_cli("show", "SOP-001", cwd=clone)
    assert out.count("(the oldest commit of a shallow clone: who added it is unknown)") == 2
    subprocess.run(["git", "-C", str(clone), "fetch", "-q", "--unshallow"], check=True)
    code, out, err = run_cli("check", cwd=clone)
    assert (code, out) == (0, "") and "shallow" not in err
    assert [s.status for s in docctl.open(clone).history("SOP-001")[0].steps] == [
        "draft",
        "review",
        "approved",
        "effective",
    ]
