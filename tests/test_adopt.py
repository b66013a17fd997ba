"""docctl adopt on Markdown files, end to end on real git repositories: the plan, the writing, the
commit, check afterwards, a second run, refusals, --effective, --no-commit, revision prefixes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import CONFIG, GitRepo, sop

import docctl
from docctl.lifecycle.adopt import AdoptionRefused

Run = Callable[..., tuple[int, str, str]]

ADOPT = '\n[adopt]\nrole = "Quality Manager"\n'
TYPED = CONFIG.replace("[types.FRM]\n", '[types.FRM]\npaths = ["forms/**"]\n') + ADOPT

CONTROL_TABLE = """# SOP-106 Nonconforming Product

| Document ID | SOP-106 |
|---|---|
| Revision | C |
| Effective Date | 01.03.2025 |
| Document Owner | Tom Baker |

## Purpose

Nonconforming product is held, assessed and dispositioned.

## Revision history

| Rev | Date | Change |
|---|---|---|
| A | 2019-01-01 | First issue |
| C | 2025-03-01 | Rework limits |
"""

FOREIGN = """---
slug: document-control
doc_id: SOP-001
title: Document Control
rev: Rev. D
status: Released
owner: Jane Smith
effective_date: 2025-02-01
approved_by: J. Smith
tags: [qms, iso9001]
---

# Document Control

Documents are reviewed and approved before issue.
"""


@pytest.fixture
def qms(tmp_path: Path) -> GitRepo:
    """A repository holding documents written elsewhere, committed before adoption."""
    repo = GitRepo(tmp_path / "qms", TYPED)
    repo.write("sops/nonconforming.md", CONTROL_TABLE)
    repo.write("sops/document-control.md", FOREIGN)
    repo.write("forms/Training record.md", "# Training Record\n\nName, date, course, trainer.\n")
    repo.commit("the documents as they came")
    return repo


def test_dry_run_shows_each_value_and_its_source_and_writes_nothing(qms: GitRepo, run_cli: Run) -> None:
    before = {p: p.read_bytes() for p in qms.path.rglob("*") if p.is_file() and ".git" not in p.parts}
    code, out, err = run_cli("--root", str(qms.path), "adopt", "--dry-run")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == ["PATH", "ID", "TYPE", "REV", "STATUS", "OWNER", "TITLE"]
    assert lines[1].split() == [
        "forms/Training",
        "record.md",
        "FRM-001",
        "FRM",
        "A",
        "draft",
        "jane.smith@acme.example",
        "Training",
        "Record",
    ]
    assert lines[2] == (
        "    from: id next free FRM id; title first heading (line 1); type [types.FRM] paths; "
        "revision first revision of the scheme; owner you (git user.email)"
    )
    assert (
        "    from: id front matter 'doc_id'; title front matter 'title'; type the id SOP-001; revision front matter 'rev'; owner front matter 'owner'"
        in out
    )
    assert (
        "    from: id control table (line 3); title first heading (line 1); type the id SOP-106; "
        "revision control table (line 3); owner control table (line 3)"
    ) in out
    assert lines[-1] == "dry run, nothing written: docctl adopt would adopt 3 files as draft"
    after = {p: p.read_bytes() for p in qms.path.rglob("*") if p.is_file() and ".git" not in p.parts}
    assert after == before and qms.status() == ""


def test_adopt_then_check_then_adopt_again(qms: GitRepo, run_cli: Run) -> None:
    head = qms.git("rev-parse", "HEAD").strip()
    code, out, err = run_cli("--root", str(qms.path), "adopt")
    assert (code, err) == (0, "")
    assert out.splitlines()[-1].startswith("adopted 3 files as draft (commit ")
    assert qms.git("rev-list", "--count", f"{head}..HEAD").strip() == "1" and qms.status() == ""
    message = qms.git("log", "-1", "--format=%an <%ae>%n%B")
    assert message.startswith("Jane Smith <jane.smith@acme.example>\nadopt 3 documents as draft\n")
    trailers = qms.git("log", "-1", "--format=%(trailers:only)").splitlines()
    assert trailers[0] == "Docctl-Action: adopt"
    assert [t for t in trailers if t.startswith("Docctl-Document")] == [
        "Docctl-Document: FRM-001",
        "Docctl-Document: SOP-001",
        "Docctl-Document: SOP-106",
    ]
    code, out, _ = run_cli("--root", str(qms.path), "check", "--format", "json")
    report = json.loads(out)
    assert code == 0 and report["findings"] == [] and report["checked"] == 3
    code, out, err = run_cli("--root", str(qms.path), "adopt")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "Controlled already, left as they are (3): forms/Training record.md, sops/document-control.md, sops/nonconforming.md",
        "",
        "nothing to adopt: 3 files are controlled already",
    ]
    assert qms.git("rev-list", "--count", f"{head}..HEAD").strip() == "1"


def test_the_body_is_kept_byte_for_byte(qms: GitRepo) -> None:
    original = (qms.path / "sops/nonconforming.md").read_bytes()
    docctl.open(qms.path).adopt()
    adopted = (qms.path / "sops/nonconforming.md").read_bytes()
    assert adopted.endswith(b"\n---\n" + original)
    assert adopted.decode().split("---\n")[1] == (
        "id: SOP-106\n"
        "title: Nonconforming Product\n"
        "type: SOP\n"
        "revision: C\n"
        "status: draft\n"
        "owner: tom.baker@acme.example\n"
        'change: "Brought under docctl control at revision C; earlier revisions are recorded outside docctl '
        '(paper records before adoption)"\n'
    )


def test_foreign_front_matter_keeps_its_keys_and_gains_docctl_s(qms: GitRepo) -> None:
    docctl.open(qms.path).adopt()
    text = (qms.path / "sops/document-control.md").read_text()
    assert text == (
        "---\n"
        "slug: document-control\n"
        "doc_id: SOP-001\n"
        "title: Document Control\n"
        "rev: Rev. D\n"
        "status: draft  # was: Released (before docctl adopt)\n"
        "owner: jane.smith@acme.example  # was: Jane Smith (before docctl adopt)\n"
        "effective_date: 2025-02-01\n"
        "approved_by: J. Smith\n"
        "tags: [qms, iso9001]\n"
        "id: SOP-001\n"
        "type: SOP\n"
        "revision: D\n"
        'change: "Brought under docctl control at revision D; earlier revisions are recorded outside docctl '
        '(paper records before adoption)"\n'
        "---\n" + FOREIGN.split("---\n", 2)[2]
    )
    document = docctl.open(qms.path).document("SOP-001")
    assert (document.title, document.revision, document.status) == ("Document Control", "D", docctl.Status.DRAFT)


def test_crlf_file_gets_crlf_front_matter_and_keeps_every_byte(repo: GitRepo) -> None:
    body = b"# Receiving Inspection\r\n\r\nGoods are inspected on arrival.\r\n"
    repo.write("work-instructions/wi_005_receiving_inspection_rev_a.md", body)
    adoption = docctl.open(repo.path).adopt()
    [row] = adoption.plan.adopted
    assert (row.value("id"), row.value("revision"), row.value("title")) == ("WI-005", "A", "Receiving Inspection")
    data = (repo.path / "work-instructions/wi_005_receiving_inspection_rev_a.md").read_bytes()
    head, _, rest = data.partition(b"\r\n---\r\n")
    assert rest == body and head.startswith(b"---\r\nid: WI-005\r\n") and b"\n" not in head.replace(b"\r\n", b"")


def test_body_that_opens_with_a_thematic_break(repo: GitRepo) -> None:
    body = b"---\n\nA procedure that starts with a rule.\n\n---\n\nAnd has another.\n"
    repo.write("sops/ruled.md", body)
    docctl.open(repo.path).adopt(type="SOP")
    data = (repo.path / "sops/ruled.md").read_bytes()
    assert data.endswith(b"\n---\n" + body)
    document = docctl.open(repo.path).document("SOP-001")
    assert document.body == body.decode() and document.title == "Ruled"


def test_byte_order_mark_is_dropped_and_the_rest_kept(repo: GitRepo) -> None:
    body = b"# Calibration\n\nText.\n"
    repo.write("WI-002 Calibration.md", b"\xef\xbb\xbf" + body)
    docctl.open(repo.path).adopt()
    data = (repo.path / "WI-002 Calibration.md").read_bytes()
    assert data.startswith(b"---\nid: WI-002\n") and data.endswith(b"---\n" + body)
    assert docctl.open(repo.path).check().findings == ()


def test_adopt_fields_map_a_repository_s_own_keys(tmp_path: Path) -> None:
    config = TYPED + '[adopt.fields]\nsop_number = "id"\nprocess_lead = "owner"\n'
    repo = GitRepo(tmp_path / "qms", config)
    repo.write("sops/a.md", "---\nsop_number: SOP-042\nprocess_lead: tom.baker@acme.example\n---\n# Cleaning\n")
    [row] = docctl.open(repo.path).adopt(dry_run=True).plan.adopted
    assert (row.value("id"), row.values["id"].source) == ("SOP-042", "front matter 'sop_number'")
    assert (row.value("owner"), row.values["owner"].source) == ("tom.baker@acme.example", "front matter 'process_lead'")


def test_flags_and_defaults_for_owner_and_author(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "qms", TYPED + 'owner = "tom.baker@acme.example"\nauthor = "sam.okafor@acme.example"\n')
    repo.write("forms/a.md", "# Form A\n")
    repo.write("forms/b.md", "# Form B\n\nOwner: jane.smith@acme.example\n")
    qms = docctl.open(repo.path)
    rows = {row.path: row for row in qms.adopt(dry_run=True).plan.adopted}
    assert rows["forms/a.md"].values["owner"].source == "[adopt] owner"
    assert rows["forms/a.md"].values["author"].source == "[adopt] author"
    assert rows["forms/b.md"].values["owner"].source == "line 3 'Owner: jane.smith@acme.example'"
    rows = {row.path: row for row in qms.adopt(dry_run=True, owner="Jane.Smith@acme.example").plan.adopted}
    assert {row.value("owner") for row in rows.values()} == {"jane.smith@acme.example"}
    assert rows["forms/b.md"].values["owner"].source == "--owner"


def test_id_clashes_are_refused_and_nothing_is_written(qms: GitRepo, run_cli: Run) -> None:
    qms.write("sops/SOP-106 Nonconforming Product Rev C.md", "# Nonconforming Product\n")
    qms.commit("a copy")
    code, out, _ = run_cli("--root", str(qms.path), "adopt", "--dry-run")
    assert code == 1
    assert "  sops/SOP-106 Nonconforming Product Rev C.md: id SOP-106 is also claimed by sops/nonconforming.md" in out
    assert "  sops/nonconforming.md: id SOP-106 is also claimed by sops/SOP-106 Nonconforming Product Rev C.md" in out
    code, out, err = run_cli("--root", str(qms.path), "adopt")
    assert code == 1 and qms.status() == ""
    assert err == (
        "docctl: error: 2 file(s) cannot be adopted, nothing was written: sops/SOP-106 Nonconforming Product Rev C.md: "
        "id SOP-106 is also claimed by sops/nonconforming.md; and 1 more\n"
    )
    with pytest.raises(AdoptionRefused) as refused:
        docctl.open(qms.path).adopt()
    assert [row.path for row in refused.value.plan.refused] == [
        "sops/SOP-106 Nonconforming Product Rev C.md",
        "sops/nonconforming.md",
    ]


def test_an_id_in_use_or_in_history_is_refused_and_never_generated(repo: GitRepo) -> None:
    repo.write("sops/SOP-001.md", sop("SOP-001"))
    repo.write("sops/SOP-002.md", sop("SOP-002"))
    repo.commit("two documents")
    (repo.path / "sops/SOP-002.md").unlink()
    repo.commit("SOP-002 deleted")
    repo.write("old/SOP-001 Document Control.md", "# Document Control\n")
    repo.write("old/SOP-002 Old.md", "# Old\n")
    repo.write("new/Cleaning.md", "# Cleaning\n")
    plan = docctl.open(repo.path).adopt(dry_run=True, type="SOP").plan
    reasons = {row.path: row.reason for row in plan.refused}
    assert reasons == {
        "old/SOP-001 Document Control.md": "id SOP-001 is the id of sops/SOP-001.md already",
        "old/SOP-002 Old.md": "id SOP-002 was used before (git history); ids are never reused: give it another",
    }
    [new] = plan.adopted
    assert (new.value("id"), new.values["id"].source) == ("SOP-003", "next free SOP id")
    assert [row.path for row in plan.controlled] == ["sops/SOP-001.md"]


def test_files_that_cannot_be_adopted_are_refused_with_a_reason(repo: GitRepo, run_cli: Run) -> None:
    repo.write("sops/latin1.md", "# Prüfung\n".encode("latin-1"))
    repo.write("sops/broken.md", "---\ntitle: [unclosed\nid: SOP-9\n---\n# Broken\n")
    repo.write("sops/untyped.md", "# Untyped\n")
    repo.write("notes/list.txt", "not a document\n")
    (repo.path / "sops/link.md").symlink_to(repo.path / "sops/untyped.md")
    repo.write("sops/bad-effective.md", "---\neffective: soon\n---\n# SOP-007 Bad\n")
    code, out, _ = run_cli("adopt", "--dry-run", "sops", "notes/list.txt", cwd=repo.path)
    assert code == 1
    assert "  notes/list.txt: only Markdown and .docx files can be adopted" in out
    assert "  sops/latin1.md: cannot be read: line 1: not UTF-8 text (byte 0xfc)" in out
    assert "  sops/broken.md: cannot be read: line 3: its front matter is not valid YAML: did not find expected" in out
    assert "  sops/link.md: a symbolic link: adopt the file it points to instead" in out
    assert "  sops/untyped.md: no type: its name and contents give no id of a type; name one with --type" in out
    assert (
        "  sops/bad-effective.md: with docctl's keys it would not be a valid document: "
        "sops/bad-effective.md:2: 'effective' must be a date YYYY-MM-DD, not 'soon'"
    ) in out


def test_a_path_outside_the_controlled_globs_is_refused_when_named(tmp_path: Path, run_cli: Run) -> None:
    repo = GitRepo(tmp_path / "qms", CONFIG.replace("[docctl]\n", '[docctl]\ncontrolled = ["sops/**"]\n'))
    repo.write("drafts/x.md", "# X\n")
    repo.write("sops/SOP-004 Y.md", "# Y\n")
    code, out, _ = run_cli("--root", str(repo.path), "adopt", "--dry-run", str(repo.path / "drafts/x.md"))
    assert code == 1
    assert "drafts/x.md: not in a controlled path: 'controlled' and 'exclude' in docctl.toml leave it out" in out
    code, out, _ = run_cli("--root", str(repo.path), "adopt", "--dry-run")
    assert code == 0 and "drafts" not in out and "SOP-004" in out
    code, _, err = run_cli("adopt", "--dry-run", "nowhere", cwd=repo.path)
    assert code == 2 and err.endswith("docctl: error: nowhere: no such file or folder\n")


def test_a_revision_that_does_not_fit_the_scheme_is_refused(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "qms", CONFIG.replace('revision_scheme = "letters"', 'revision_scheme = "numbers"'))
    repo.write("SOP-012 Purchasing Rev C.md", "# Purchasing\n")
    [row] = docctl.open(repo.path).adopt(dry_run=True).plan.refused
    assert row.reason == (
        "its revision 'Rev C' (file name) does not fit the numbers scheme: set revision_scheme "
        "(and revision_prefix) in docctl.toml to the scheme your documents use"
    )


def test_uncommitted_changes_of_a_tracked_file_are_refused(qms: GitRepo, run_cli: Run) -> None:
    (qms.path / "sops/nonconforming.md").write_text(CONTROL_TABLE + "\nEdited.\n")
    code, _, err = run_cli("--root", str(qms.path), "adopt")
    assert code == 1
    assert "sops/nonconforming.md has changes that are not committed; commit them first" in err
    assert qms.status() == " M sops/nonconforming.md\n"


def test_untracked_files_go_into_the_adoption_commit(repo: GitRepo) -> None:
    repo.commit("docctl.toml")
    repo.write("SOP-003 Cleaning.md", "# Cleaning\n")
    adoption = docctl.open(repo.path).adopt()
    assert adoption.commit is not None and repo.status() == ""
    assert repo.git("show", "--name-status", "--format=", "HEAD").splitlines() == ["A\tSOP-003 Cleaning.md"]


def test_in_a_repository_without_commits(repo: GitRepo) -> None:
    repo.write("SOP-003 Cleaning.md", "# Cleaning\n")
    adoption = docctl.open(repo.path).adopt()
    assert adoption.commit is not None
    assert repo.git("show", "--name-only", "--format=", "HEAD").splitlines() == ["SOP-003 Cleaning.md"]
    assert repo.status() == "?? docctl.toml\n"


def test_no_commit_stages_the_adoption(qms: GitRepo, run_cli: Run) -> None:
    head = qms.git("rev-parse", "HEAD")
    code, out, _ = run_cli("--root", str(qms.path), "adopt", "--no-commit")
    assert code == 0 and out.splitlines()[-1] == "adopted 3 files as draft (staged, not committed)"
    assert qms.git("rev-parse", "HEAD") == head
    assert sorted(qms.status().splitlines()) == [
        'M  "forms/Training record.md"',
        "M  sops/document-control.md",
        "M  sops/nonconforming.md",
    ]


def test_outside_git_a_dry_run_works_and_adopt_is_refused(tmp_path: Path, run_cli: Run) -> None:
    root = tmp_path / "plain"
    root.mkdir()
    (root / "docctl.toml").write_text(CONFIG)
    (root / "SOP-003 Cleaning.md").write_text("# Cleaning\n")
    code, out, _ = run_cli("--root", str(root), "adopt", "--dry-run", "--owner", "tom.baker@acme.example")
    assert code == 0 and "SOP-003" in out
    code, out, _ = run_cli("--root", str(root), "adopt", "--dry-run")
    assert code == 1 and "SOP-003 Cleaning.md: no owner: give --owner, or set owner in [adopt] of docctl.toml" in out
    code, _, err = run_cli("--root", str(root), "adopt", "--owner", "tom.baker@acme.example")
    assert code == 1 and "not a git work tree" in err


def test_json_plan(qms: GitRepo, run_cli: Run) -> None:
    code, out, _ = run_cli("adopt", "--dry-run", "--format", "json", "sops", cwd=qms.path)
    data = json.loads(out)
    assert code == 0 and data["dry_run"] is True and data["commit"] is None and data["status"] == "draft"
    assert data["counts"] == {"adopt": 2, "refused": 0, "controlled": 0}
    row = data["rows"][1]
    assert row["path"] == "sops/nonconforming.md" and row["action"] == "adopt"
    assert {key: row[key] for key in ("id", "type", "revision", "status", "owner", "title")} == {
        "id": "SOP-106",
        "type": "SOP",
        "revision": "C",
        "status": "draft",
        "owner": "tom.baker@acme.example",
        "title": "Nonconforming Product",
    }
    assert row["sources"]["id"] == "control table (line 3)" and row["metadata_path"] == "sops/nonconforming.md"


def test_usage_errors(qms: GitRepo, run_cli: Run) -> None:
    code, _, err = run_cli("--root", str(qms.path), "adopt", "--type", "XYZ")
    assert (code, err) == (2, "docctl: error: unknown type 'XYZ' (known: FRM, SOP, WI)\n")
    code, _, err = run_cli("--root", str(qms.path), "adopt", "--owner", "Jane")
    assert (code, err) == (2, "docctl: error: --owner must be an email address, not 'Jane'\n")


# --- --effective ----------------------------------------------------------------------------------


def test_effective_adoption_is_an_attested_approval(qms: GitRepo, run_cli: Run) -> None:
    code, out, err = run_cli("--root", str(qms.path), "adopt", "--effective", "--legacy-record", "QMS binder 2")
    assert (code, err) == (0, "")
    assert out.splitlines()[-1].startswith("adopted 3 files as effective (commit ")
    text = (qms.path / "sops/nonconforming.md").read_text()
    fingerprint = docctl.open(qms.path).document("SOP-106").fingerprint
    assert text.split("---\n")[1] == (
        "id: SOP-106\n"
        "title: Nonconforming Product\n"
        "type: SOP\n"
        "revision: C\n"
        "status: effective\n"
        "owner: tom.baker@acme.example\n"
        "effective: 2025-03-01\n"
        "review_due: 2027-03-01\n"
        'change: "Brought under docctl control at revision C; earlier revisions are recorded outside docctl '
        '(QMS binder 2)"\n'
        "legacy_approval: QMS binder 2\n"
        "approvals:\n"
        "  - name: Jane Smith\n"
        "    by: jane.smith@acme.example\n"
        "    role: Quality Manager\n"
        "    meaning: approved\n"
        "    date: 2026-06-01T12:00:00+00:00\n"
        f"    fingerprint: {fingerprint}\n"
    )
    foreign = docctl.open(qms.path).document("SOP-001")
    assert foreign.legacy_approval == "QMS binder 2 (approved by J. Smith)"
    assert foreign.effective is not None and foreign.effective.isoformat() == "2025-02-01"
    code, out, _ = run_cli("--root", str(qms.path), "check", "--format", "json")
    codes = {item["code"] for item in json.loads(out)["findings"]}
    assert code == 0 and not codes & {"DC101", "DC201", "DC202", "DC205", "DC207", "DC304"}, codes
    assert qms.git("log", "-1", "--format=%ae").strip() == "jane.smith@acme.example"


def test_effective_needs_the_role_from_the_configuration(tmp_path: Path, run_cli: Run) -> None:
    repo = GitRepo(tmp_path / "qms", CONFIG)
    repo.write("SOP-003 Cleaning.md", "# Cleaning\n")
    code, _, err = run_cli("--root", str(repo.path), "adopt", "--effective", "--dry-run")
    assert code == 2
    assert err == (
        "docctl: error: adopt --effective needs the role that declares adopted documents in force: "
        'set role in [adopt] of docctl.toml (e.g. role = "Quality Manager")\n'
    )
    repo.write("docctl.toml", CONFIG + ADOPT)
    repo.git("config", "user.email", "tom.baker@acme.example")
    code, _, err = run_cli("--root", str(repo.path), "adopt", "--effective")
    assert code == 1
    assert err == (
        "docctl: error: adopt --effective approves as Quality Manager: Tom Baker does not hold the role "
        "Quality Manager (holds Process Owner)\n"
    )
    assert repo.status() == '?? "SOP-003 Cleaning.md"\n?? docctl.toml\n'


def test_effective_refuses_a_self_approval_the_type_forbids(qms: GitRepo) -> None:
    plan = docctl.open(qms.path).adopt(dry_run=True, effective=True, author="jane.smith@acme.example").plan
    reasons = {row.path: row.reason for row in plan.refused}
    assert reasons == {
        path: "you (jane.smith@acme.example) are its author (--author) and type "
        f"{kind} forbids self-approval, so the adoption approval would not count: give another --author"
        for path, kind in (
            ("forms/Training record.md", "FRM"),
            ("sops/document-control.md", "SOP"),
            ("sops/nonconforming.md", "SOP"),
        )
    }


def test_the_next_revision_needs_every_approval_again(qms: GitRepo) -> None:
    from lifecycle_helpers import Office

    docctl.open(qms.path).adopt(effective=True)
    office = Office(qms, start="2026-06-02T09:00:00+00:00")
    with office.acting("sam") as repo:
        repo.revise("SOP-106", change="Add the quarantine area")
    document = docctl.open(qms.path).document("SOP-106")
    assert (document.revision, document.legacy_approval, document.approvals) == ("D", None, ())
    with office.acting("sam") as repo:
        repo.submit("SOP-106")
    with office.acting("jane") as repo:
        result = repo.approve("SOP-106", role="Quality Manager")
    assert result.status == "review"  # the Process Owner has not signed yet: one role is not all of them


# --- revision prefixes ------------------------------------------------------------------------------


def test_prefixed_revisions_are_read_as_revisions(tmp_path: Path, run_cli: Run) -> None:
    config = CONFIG.replace('revision_scheme = "letters"', 'revision_scheme = "numbers"\nrevision_prefix = "r"')
    repo = GitRepo(tmp_path / "qms", config + ADOPT)
    repo.write("sops/a.md", "---\ndoc_id: SOP-001\nrev: r2\n---\n# Purchasing\n")
    repo.write("sops/b.md", "---\ndoc_id: SOP-002\nrevision: 3\n---\n# Receiving\n")
    repo.commit("as they came")
    docctl.open(repo.path).adopt(effective=True)
    text = (repo.path / "sops/b.md").read_text()
    assert "revision: r3  # was: 3 (before docctl adopt)\n" in text
    qms = docctl.open(repo.path)
    assert qms.document("SOP-001").revision == "r2"
    qms.revise("SOP-001", change="New supplier rating")
    assert docctl.open(repo.path).document("SOP-001").revision == "r3"
    code, out, _ = run_cli("--root", str(repo.path), "check", "--format", "json")
    codes = {item["code"] for item in json.loads(out)["findings"]}
    assert not codes & {"DC102", "DC302", "DC303"}, codes
    code, out, _ = run_cli("--root", str(repo.path), "history", "SOP-001")
    assert out.splitlines()[0].startswith("SOP-001 revision r2: effective")
    assert "SOP-001 revision r3: draft" in out


def test_a_prefix_with_a_space_releases_with_a_tag_without_it(tmp_path: Path) -> None:
    from lifecycle_helpers import Office

    config = CONFIG.replace('revision_scheme = "letters"', 'revision_scheme = "numbers"\nrevision_prefix = "Rev. "')
    repo = GitRepo(tmp_path / "qms", config)
    repo.write("WI-001 Deburring Rev. 03.md", "# Deburring\n")
    repo.commit("as it came", who="tom")
    office = Office(repo)
    with office.acting("tom") as qms:
        [row] = qms.adopt().plan.adopted
        assert row.value("revision") == "Rev. 03"
        qms.submit("WI-001")
        qms.approve("WI-001", role="Process Owner")
        result = qms.release("WI-001")
    assert result.tag == "WI-001/Rev.03" and result.revision == "Rev. 03"


# --- init -------------------------------------------------------------------------------------------


def test_init_counts_the_documents_waiting_and_names_no_web_site(tmp_path: Path, run_cli: Run) -> None:
    folder = tmp_path / "qms"
    folder.mkdir()
    (folder / "sops").mkdir()
    (folder / "sops/SOP-001 Document Control.md").write_text("# Document Control\n")
    (folder / "sops/Purchasing.docx").write_bytes((Path(__file__).parent / "fixtures/adopt/pandoc.docx").read_bytes())
    (folder / "README.md").write_text("# About this folder\n")
    code, out, _ = run_cli("init", str(folder), "--name", "Jane Smith", "--email", "jane.smith@acme.example")
    assert code == 0
    assert out.splitlines()[-1] == (
        "2 documents in controlled paths are not under control yet (no metadata): "
        "'docctl adopt --dry-run' shows how they would be adopted"
    )
    config = (folder / "docctl.toml").read_text()
    assert "http" not in config and "docs/configuration.md" in config
    code, out, _ = run_cli(
        "init", str(tmp_path / "empty"), "--name", "Jane Smith", "--email", "jane.smith@acme.example"
    )
    assert code == 0 and "adopt" not in out


def test_a_folder_without_documents(repo: GitRepo, run_cli: Run) -> None:
    (repo.path / "empty").mkdir()
    code, out, _ = run_cli("adopt", "--dry-run", "empty", cwd=repo.path)
    assert (code, out) == (0, "nothing to adopt: no Markdown or .docx files in controlled paths here\n")


TEMPLATE_STYLE = """# SOP Supplier Audits

| ISO 13485:2016 Section | Document Section |
|------------------------|------------------|
| 7.4.1                  | All              |

## Summary

This SOP describes how suppliers are audited.

|  |  |
|---------------------------------|------------------------------------------------------|
| **Process Owner**               | < *enter role of process owner* >                    |
| **Key Performance Indicators**  | < *enter KPIs to be tracked for the Management Review* > |

## Process Steps

|              |                         |
|--------------|-------------------------|
| Participants | QMO                     |
| Input        | List of suppliers       |
"""


def test_a_template_style_sop_with_placeholders(repo: GitRepo) -> None:
    """The shape of the public SOP templates teams start from: a clause table, placeholders where the
    owner goes, tables of participants. The placeholder is noted, not taken for an owner."""
    repo.write("qms/sop-supplier-audits.md", TEMPLATE_STYLE)
    [row] = docctl.open(repo.path).adopt(dry_run=True, type="SOP").plan.adopted
    assert (row.value("id"), row.value("title"), row.value("owner")) == (
        "SOP-001",
        "SOP Supplier Audits",
        "jane.smith@acme.example",
    )
    assert row.notes == (
        "control table (line 11): owner '< *enter role of process owner* >' not used "
        "(neither an email nor the name of a person in [people])",
    )
    docctl.open(repo.path).adopt(type="SOP")
    assert (repo.path / "qms/sop-supplier-audits.md").read_text().endswith("\n---\n" + TEMPLATE_STYLE)


def test_crlf_front_matter_of_their_own_stays_crlf(repo: GitRepo) -> None:
    text = "---\r\ndoc_id: SOP-008\r\nstatus: Released\r\n---\r\n# Calibration\r\n\r\nText.\r\n"
    repo.write("SOP-008.md", text.encode())
    docctl.open(repo.path).adopt()
    data = (repo.path / "SOP-008.md").read_bytes()
    assert data.replace(b"\r\n", b"").count(b"\n") == 0 and data.endswith(b"---\r\n# Calibration\r\n\r\nText.\r\n")
    assert b"status: draft  # was: Released (before docctl adopt)\r\n" in data
    assert docctl.open(repo.path).document("SOP-008").title == "Calibration"


def test_uncontrolled_lists_what_adopt_would_take(qms: GitRepo) -> None:
    repo = docctl.open(qms.path)
    assert repo.uncontrolled() == ["forms/Training record.md", "sops/document-control.md", "sops/nonconforming.md"]
    repo.adopt()
    assert docctl.open(qms.path).uncontrolled() == []
