"""The lifecycle on real git repositories, as users drive it: new, submit, approve, release, review,
revise, obsolete, supersession; refusals; --no-commit; atomicity; in-place editing of the metadata."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import PEOPLE, GitRepo, sop
from lifecycle_helpers import state

import docctl
from docctl.adapters import git as gitmod
from docctl.core.errors import MetadataError
from docctl.formats.frontmatter import MetadataText

Run = Callable[..., tuple[int, str, str]]
PATH = "sops/SOP-001-document-control.md"


class Team:
    """Who acts and when: git identities (``git config user.*`` or GIT_AUTHOR_*/GIT_COMMITTER_*) and the clock."""

    def __init__(self, repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
        self.repo = repo
        self.monkeypatch = monkeypatch

    def act(self, who: str, *, via: str = "config") -> None:
        name, email = PEOPLE[who]
        variables = ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL")
        if via == "env":
            for variable in variables:
                self.monkeypatch.setenv(variable, email if variable.endswith("EMAIL") else name)
            return
        for variable in variables:
            self.monkeypatch.delenv(variable, raising=False)
        self.repo.git("config", "user.name", name)
        self.repo.git("config", "user.email", email)

    def at(self, stamp: str) -> None:
        self.monkeypatch.setenv("DOCCTL_NOW", stamp)

    def lib(self) -> docctl.Repository:
        return docctl.open(self.repo.path)


@pytest.fixture
def team(repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> Team:
    repo.commit("Set up the controlled document repository")
    return Team(repo, monkeypatch)


# reading git --------------------------------------------------------------------------------------


def head(repo: GitRepo) -> str:
    return repo.git("rev-parse", "HEAD").strip()


def trailers(repo: GitRepo, rev: str = "HEAD") -> list[tuple[str, str]]:
    text = repo.git("log", "-1", "--format=%(trailers:only,unfold)", rev)
    return [(key, value.strip()) for key, _, value in (line.partition(":") for line in text.splitlines() if line)]


def author(repo: GitRepo, rev: str = "HEAD") -> tuple[str, str, str]:
    name, email, date = repo.git("log", "-1", "--format=%an%x00%ae%x00%aI", rev).strip().split("\x00")
    return name, email, date


def changed(repo: GitRepo, rev: str = "HEAD") -> tuple[list[str], list[str]]:
    """The removed and the added lines of a commit (``git show --format= -U0``), in order."""
    lines = repo.git("show", "--format=", "-U0", "--no-color", rev).splitlines()
    removed = [line[1:] for line in lines if line.startswith("-") and not line.startswith("--- ")]
    added = [line[1:] for line in lines if line.startswith("+") and not line.startswith("+++ ")]
    return removed, added


def files_of(repo: GitRepo, rev: str = "HEAD") -> list[str]:
    return repo.git("show", "--format=", "--name-only", rev).split()


def fingerprint(team: Team, doc_id: str = "SOP-001") -> str:
    return team.lib().document(doc_id).fingerprint


def approval_lines(who: str, role: str, date: str, print_: str, *, first: bool = False) -> list[str]:
    name, email = PEOPLE[who]
    return [
        *(["approvals:"] if first else []),
        f"  - name: {name}",
        f"    by: {email}",
        f"    role: {role}",
        "    meaning: approved",
        f"    date: {date}",
        f"    fingerprint: {print_}",
    ]


class Step:
    """Runs one CLI step and checks what every step must do: one new commit by the actor, nothing left over."""

    def __init__(self, team: Team, run_cli: Run) -> None:
        self.team = team
        self.run_cli = run_cli

    def __call__(self, who: str, stamp: str, *args: str, via: str = "config") -> str:
        repo = self.team.repo
        self.team.act(who, via=via)
        self.team.at(stamp)
        before = head(repo)
        code, out, err = self.run_cli(*args, cwd=repo.path)
        assert (code, err) == (0, ""), err
        commit = head(repo)
        assert repo.git("rev-parse", f"{commit}^").strip() == before
        assert author(repo) == (*PEOPLE[who], stamp)
        assert repo.status() == ""
        return out


# the walk -------------------------------------------------------------------------------------------


def test_markdown_document_from_new_to_obsolete(team: Team, run_cli: Run) -> None:
    repo = team.repo
    step = Step(team, run_cli)

    out = step(
        "sam", "2026-06-01T09:00:00+00:00", "new", "SOP", "Document Control", "--owner", "tom.baker@acme.example"
    )
    assert out == f"created SOP-001: {PATH}\n"
    text = (repo.path / PATH).read_text()
    assert text.startswith(
        "---\nid: SOP-001\ntitle: Document Control\ntype: SOP\nrevision: A\nstatus: draft\n"
        "owner: tom.baker@acme.example\nauthor: sam.okafor@acme.example\nclauses: []\nreferences: []\n---\n"
    )
    print_a = fingerprint(team)
    assert files_of(repo) == [PATH]
    assert changed(repo) == ([], text.splitlines())
    assert trailers(repo) == [
        ("Docctl-Action", "new"),
        ("Docctl-Document", "SOP-001"),
        ("Docctl-Revision", "A"),
        ("Docctl-Fingerprint", print_a),
    ]

    def expect(
        action: str, revision: str, print_: str, removed: list[str], added: list[str], *extra: tuple[str, str]
    ) -> None:
        assert files_of(repo) == [PATH]
        assert changed(repo) == (removed, added)
        assert trailers(repo) == [
            ("Docctl-Action", action),
            ("Docctl-Document", "SOP-001"),
            ("Docctl-Revision", revision),
            ("Docctl-Fingerprint", print_),
            *extra,
        ]
        assert fingerprint(team) == print_

    out = step("sam", "2026-06-01T10:00:00+00:00", "submit", "SOP-001")
    assert out == f"SOP-001 revision A: submit -> review (commit {head(repo)[:12]})\n"
    expect("submit", "A", print_a, ["status: draft"], ["status: review"])

    out = step("tom", "2026-06-02T11:00:00+00:00", "approve", "SOP-001", "--role", "Process Owner", via="env")
    assert out == f"SOP-001 revision A: approve -> review (commit {head(repo)[:12]})\n"
    expect(
        "approve",
        "A",
        print_a,
        [],
        approval_lines("tom", "Process Owner", "2026-06-02T11:00:00+00:00", print_a, first=True),
    )
    assert repo.git("log", "-1", "--format=%s") == "SOP-001: approve revision A as Process Owner\n"

    out = step("jane", "2026-06-03T12:00:00+00:00", "approve", "SOP-001", "--role", "Quality Manager", via="env")
    assert out == f"SOP-001 revision A: approve -> approved (commit {head(repo)[:12]})\n"
    jane_a = approval_lines("jane", "Quality Manager", "2026-06-03T12:00:00+00:00", print_a)
    expect("approve", "A", print_a, ["status: review"], ["status: approved", *jane_a])

    out = step("jane", "2026-06-05T08:00:00+00:00", "release", "SOP-001")
    release_a = head(repo)
    assert out == f"SOP-001 revision A: release -> effective (commit {release_a[:12]}, tag SOP-001/A)\n"
    expect(
        "release",
        "A",
        print_a,
        ["status: approved"],
        ["status: effective", "effective: 2026-06-05", "review_due: 2028-06-05"],
    )
    assert repo.git("cat-file", "-t", "SOP-001/A").strip() == "tag"
    assert repo.git("rev-parse", "SOP-001/A^{commit}").strip() == release_a
    assert repo.git("tag", "-l", "--format=%(contents:subject)|%(taggeremail)", "SOP-001/A") == (
        "SOP-001 revision A effective 2026-06-05|<jane.smith@acme.example>\n"
    )

    out = step("tom", "2027-05-20T09:30:00+00:00", "review", "SOP-001", "--outcome", "keep", via="env")
    assert out == f"SOP-001 revision A: review -> effective (commit {head(repo)[:12]})\n"
    expect(
        "review",
        "A",
        print_a,
        ["review_due: 2028-06-05"],
        ["review_due: 2029-05-20"],
        ("Docctl-Outcome", "keep"),
        ("Docctl-Reviewed-By", "tom.baker@acme.example"),
    )

    out = step(
        "sam",
        "2027-06-01T09:00:00+00:00",
        "revise",
        "SOP-001",
        "--change",
        "Records are kept ten years",
        "--change-request",
        "CR-12",
    )
    assert out == f"SOP-001 revision B: revise -> draft (commit {head(repo)[:12]})\n"
    tom_a = approval_lines("tom", "Process Owner", "2026-06-02T11:00:00+00:00", print_a, first=True)
    print_b = fingerprint(team)
    assert print_b != print_a  # the revision is part of the identity
    expect(
        "revise",
        "B",
        print_b,
        ["revision: A", "status: effective", "effective: 2026-06-05", "review_due: 2029-05-20", *tom_a, *jane_a],
        ["revision: B", "status: draft", "change: Records are kept ten years", "change_request: CR-12"],
    )
    document = team.lib().document("SOP-001")
    assert (document.approvals, document.effective, document.review_due) == ((), None, None)

    # the author edits the body and commits it as usual
    team.act("sam")
    body = (repo.path / PATH).read_text().replace("## Records\n", "## Records\n\nRecords are kept for ten years.\n")
    repo.write(PATH, body)
    repo.git("commit", "-q", "-am", "SOP-001: records kept ten years")
    print_b = fingerprint(team)

    step("sam", "2027-06-02T09:00:00+00:00", "submit", "SOP-001")
    expect("submit", "B", print_b, ["status: draft"], ["status: review"])
    step("tom", "2027-06-03T09:00:00+00:00", "approve", "SOP-001", "--role", "Process Owner")
    expect(
        "approve",
        "B",
        print_b,
        [],
        approval_lines("tom", "Process Owner", "2027-06-03T09:00:00+00:00", print_b, first=True),
    )
    step("jane", "2027-06-03T10:00:00+00:00", "approve", "SOP-001", "--role", "Quality Manager")
    expect(
        "approve",
        "B",
        print_b,
        ["status: review"],
        ["status: approved", *approval_lines("jane", "Quality Manager", "2027-06-03T10:00:00+00:00", print_b)],
    )
    # the approvals go after the change description, whatever the order of the other keys
    lines = (repo.path / PATH).read_text().splitlines()
    assert lines.index("approvals:") == lines.index("change_request: CR-12") + 1

    out = step("jane", "2027-06-04T10:00:00+00:00", "release", "SOP-001", "--effective", "2027-06-15")
    assert out == f"SOP-001 revision B: release -> effective (commit {head(repo)[:12]}, tag SOP-001/B)\n"
    expect(
        "release",
        "B",
        print_b,
        ["status: approved"],
        ["status: effective", "effective: 2027-06-15", "review_due: 2029-06-15"],
    )
    assert repo.git("rev-parse", "SOP-001/B^{commit}").strip() == head(repo)
    assert repo.git("tag", "-l").split() == ["SOP-001/A", "SOP-001/B"]

    out = step(
        "jane",
        "2028-01-10T10:00:00+00:00",
        "obsolete",
        "SOP-001",
        "--reason",
        "Replaced by the  ERP workflow",
        via="env",
    )
    assert out == f"SOP-001 revision B: obsolete -> obsolete (commit {head(repo)[:12]})\n"
    expect(
        "obsolete",
        "B",
        print_b,
        ["status: effective"],
        ["status: obsolete"],
        ("Docctl-Reason", "Replaced by the ERP workflow"),
    )
    assert repo.git("log", "-1", "--format=%s") == "SOP-001: make obsolete: Replaced by the ERP workflow\n"
    assert repo.git("rev-list", "--count", "HEAD").strip() == "14"
    assert team.lib().check().findings == ()


def walk(
    team: Team, doc_id: str, to: str, *, author: str = "sam", doc_type: str = "SOP", title: str = "Document Control"
) -> str:
    """Drive a new document through the library up to ``to`` (draft, review, approved, effective); returns its path."""
    team.act(author)
    created = team.lib().new(doc_type, title, owner="tom.baker@acme.example")
    assert created.id == doc_id
    if to == "draft":
        return created.path
    team.lib().submit(doc_id)
    if to == "review":
        return created.path
    roles = team.lib().config.types[doc_type].approvers
    holders = {"Process Owner": "tom", "Quality Manager": "jane"}
    for role in roles:
        team.act(holders[role])
        team.lib().approve(doc_id, role=role)
    if to == "approved":
        return created.path
    team.lib().release(doc_id)
    return created.path


def test_release_marks_the_superseded_document_in_the_same_commit(team: Team, run_cli: Run) -> None:
    repo = team.repo
    old = walk(team, "SOP-001", "effective")
    team.act("sam")
    created = team.lib().new("SOP", "Document and Record Control", owner="tom.baker@acme.example")
    # the author says what the new procedure replaces, as users do: in the front matter
    text = (repo.path / created.path).read_text().replace("references: []\n", "references: []\nsupersedes: SOP-001\n")
    repo.write(created.path, text)
    repo.git("commit", "-q", "-am", "SOP-002: replaces SOP-001")
    team.lib().submit("SOP-002")
    team.act("tom")
    team.lib().approve("SOP-002", role="Process Owner")
    team.act("jane")
    team.lib().approve("SOP-002", role="Quality Manager")

    step = Step(team, run_cli)
    out = step("jane", "2026-06-01T12:00:00+00:00", "release", "SOP-002")
    assert out == f"SOP-002 revision A: release -> effective (commit {head(repo)[:12]}, tag SOP-002/A)\n"
    assert sorted(files_of(repo)) == sorted([old, created.path])
    assert (
        repo.git("log", "-1", "--format=%s")
        == "SOP-002: release revision A, effective 2026-06-01, superseding SOP-001\n"
    )
    old_diff = repo.git("show", "--format=", "-U0", "HEAD", "--", old).splitlines()
    assert [line for line in old_diff if line[:1] in "+-" and line[:3] not in ("+++", "---")] == [
        "-status: effective",
        "+status: superseded",
    ]
    assert trailers(repo)[:3] == [
        ("Docctl-Action", "release"),
        ("Docctl-Document", "SOP-002"),
        ("Docctl-Revision", "A"),
    ]
    assert team.lib().document("SOP-001").status is docctl.Status.SUPERSEDED
    assert team.lib().document("SOP-002").status is docctl.Status.EFFECTIVE
    # a superseded document is final
    team.act("sam")
    code, _, err = run_cli("revise", "SOP-001", "--change", "Bring it back", cwd=repo.path)
    assert (code, err) == (
        1,
        "docctl: error: SOP-001 is superseded; a final document cannot be revised (create a new one that supersedes it)\n",
    )


def test_revise_in_review_reworks_the_same_revision(team: Team) -> None:
    repo = team.repo
    path = walk(team, "SOP-001", "review")
    team.act("tom")
    team.lib().approve("SOP-001", role="Process Owner")
    team.act("sam")
    result = team.lib().revise("SOP-001", change="Scope clarified after review")
    assert (result.revision, result.status) == ("A", "draft")
    assert repo.git("log", "-1", "--format=%s") == "SOP-001: rework revision A: Scope clarified after review\n"
    removed, added = changed(repo)
    assert added == ["status: draft", "change: Scope clarified after review"]
    assert removed[0] == "status: review" and removed[1] == "approvals:" and len(removed) == 8
    assert "approvals" not in (repo.path / path).read_text()


def test_revise_of_an_approved_document_starts_the_next_revision(team: Team) -> None:
    walk(team, "SOP-001", "approved")
    team.act("sam")
    result = team.lib().revise("SOP-001", change="Found a gap before release")
    assert (result.revision, result.status) == ("B", "draft")
    assert team.lib().document("SOP-001").approvals == ()


def test_scheduled_release_keeps_its_date(team: Team) -> None:
    walk(team, "SOP-001", "approved")
    team.act("jane")
    result = team.lib().release("SOP-001", effective="2026-09-01")
    document = team.lib().document("SOP-001")
    assert (result.tag, document.effective.isoformat() if document.effective else None) == ("SOP-001/A", "2026-09-01")
    assert team.lib().document("SOP-001").review_due.isoformat() == "2028-09-01"  # type: ignore[union-attr]


def test_release_without_tag(team: Team, run_cli: Run) -> None:
    walk(team, "SOP-001", "approved")
    code, out, _ = run_cli("release", "SOP-001", "--no-tag", cwd=team.repo.path)
    assert (code, out) == (0, f"SOP-001 revision A: release -> effective (commit {head(team.repo)[:12]})\n")
    assert team.repo.git("tag", "-l") == ""


def test_self_approval_allowed_where_the_type_allows_it(team: Team) -> None:
    walk(team, "WI-001", "review", author="tom", doc_type="WI", title="Calibrate gauges")
    team.act("tom")
    result = team.lib().approve("WI-001", role="Process Owner")
    assert result.status == "approved"


# refusals -------------------------------------------------------------------------------------------


def refused(team: Team, run_cli: Run, who: str, args: list[str], message: str) -> None:
    """The step is refused with exit 1 and one line; work tree, index, status, HEAD and tags as they were."""
    team.act(who)
    before = state(team.repo)
    code, out, err = run_cli(*args, cwd=team.repo.path)
    assert (code, out, err) == (1, "", f"docctl: error: {message}\n")
    assert state(team.repo) == before


def test_refused_approval_without_the_role(team: Team, run_cli: Run) -> None:
    walk(team, "SOP-001", "review")
    refused(
        team,
        run_cli,
        "sam",
        ["approve", "SOP-001", "--role", "Quality Manager"],
        "Sam Okafor does not hold the role Quality Manager (holds Quality Engineer)",
    )


def test_refused_approval_by_someone_not_in_people(team: Team, run_cli: Run) -> None:
    walk(team, "SOP-001", "review")
    team.repo.git("config", "user.email", "guest@elsewhere.example")
    before = state(team.repo)
    code, _, err = run_cli("approve", "SOP-001", "--role", "Quality Manager", cwd=team.repo.path)
    assert (code, err) == (
        1,
        "docctl: error: guest@elsewhere.example is not in [people] of docctl.toml and cannot approve\n",
    )
    assert state(team.repo) == before


def test_refused_approval_of_a_draft(team: Team, run_cli: Run) -> None:
    walk(team, "SOP-001", "draft")
    refused(
        team,
        run_cli,
        "tom",
        ["approve", "SOP-001", "--role", "Process Owner"],
        "SOP-001 is a draft; submit it for review before approving it",
    )


def test_refused_second_approval_for_the_same_role(team: Team, run_cli: Run) -> None:
    walk(team, "SOP-001", "review")
    team.act("tom")
    team.lib().approve("SOP-001", role="Process Owner")
    refused(
        team,
        run_cli,
        "tom",
        ["approve", "SOP-001", "--role", "Process Owner"],
        "Tom Baker has already signed SOP-001 revision A as Process Owner (approved)",
    )


def test_refused_release_with_a_missing_approval(team: Team, run_cli: Run) -> None:
    path = walk(team, "SOP-001", "review")
    team.act("tom")
    team.lib().approve("SOP-001", role="Process Owner")
    # someone marks it approved by hand
    team.repo.write(path, (team.repo.path / path).read_text().replace("status: review", "status: approved"))
    team.repo.commit("mark approved")
    refused(team, run_cli, "jane", ["release", "SOP-001"], "SOP-001 lacks a valid approval by Quality Manager")


def test_refused_release_with_a_stale_approval(team: Team, run_cli: Run) -> None:
    path = walk(team, "SOP-001", "approved")
    team.repo.write(path, (team.repo.path / path).read_text() + "\nA sentence added after approval.\n")
    refused(
        team,
        run_cli,
        "jane",
        ["release", "SOP-001"],
        # the finding check reports (DC202), named: release and check cannot disagree
        "SOP-001 cannot be released: DC202 content changed after approval by Tom Baker (Process Owner) on "
        "2026-06-01; restore the approved content, or revise it and approve it again",
    )


def test_refused_signature_while_an_approval_is_stale(team: Team, run_cli: Run) -> None:
    path = walk(team, "SOP-001", "review")
    team.act("tom")
    team.lib().approve("SOP-001", role="Process Owner")
    team.repo.write(path, (team.repo.path / path).read_text() + "\nEdited during review.\n")
    team.repo.commit("edit during review", who="sam")
    refused(
        team,
        run_cli,
        "jane",
        ["approve", "SOP-001", "--role", "Quality Manager"],
        "SOP-001 changed after approval by Tom Baker (Process Owner); restore the approved content, "
        "or revise it to clear the approvals",
    )


def test_refused_self_approval(team: Team, run_cli: Run) -> None:
    walk(team, "SOP-001", "review", author="tom")
    refused(
        team,
        run_cli,
        "tom",
        ["approve", "SOP-001", "--role", "Process Owner"],
        "Tom Baker authored revision A of SOP-001; type SOP forbids self-approval",
    )


def test_refused_revision_of_an_obsolete_document(team: Team, run_cli: Run) -> None:
    walk(team, "SOP-001", "effective")
    team.act("jane")
    team.lib().obsolete("SOP-001", reason="Withdrawn")
    refused(
        team,
        run_cli,
        "sam",
        ["revise", "SOP-001", "--change", "Revive it"],
        "SOP-001 is obsolete; a final document cannot be revised (create a new one that supersedes it)",
    )


def test_refused_release_while_another_file_of_the_id_is_effective(team: Team, run_cli: Run) -> None:
    walk(team, "SOP-001", "approved")
    team.repo.write("sops/SOP-001-rev-a.md", sop("SOP-001", status="effective", effective="2026-01-15"))
    team.repo.commit("keep a copy of revision A")
    refused(
        team,
        run_cli,
        "jane",
        ["release", "SOP-001"],
        "another file of SOP-001 is effective (sops/SOP-001-rev-a.md); only one revision may be effective: "
        "revise that file instead, or mark it superseded first",
    )


def test_refused_by_that_does_not_match_the_git_identity(team: Team, run_cli: Run) -> None:
    walk(team, "SOP-001", "review")
    refused(
        team,
        run_cli,
        "jane",
        ["approve", "SOP-001", "--role", "Quality Manager", "--by", "tom.baker@acme.example"],
        "--by tom.baker@acme.example does not match your git identity jane.smith@acme.example",
    )


def test_by_that_matches_is_accepted(team: Team, run_cli: Run) -> None:
    walk(team, "SOP-001", "review")
    team.act("jane")
    code, _, err = run_cli(
        "approve", "SOP-001", "--role", "Quality Manager", "--by", "Jane.Smith@acme.example", cwd=team.repo.path
    )
    assert (code, err) == (0, "")


@pytest.mark.parametrize(
    ("to", "args", "message"),
    [
        ("review", ["submit", "SOP-001"], "SOP-001 is in review; only a draft can be submitted for review"),
        (
            "approved",
            ["approve", "SOP-001", "--role", "Quality Manager"],
            "Jane Smith has already signed SOP-001 revision A as Quality Manager (approved)",
        ),
        (
            "effective",
            ["approve", "SOP-001", "--role", "Quality Manager"],
            "SOP-001 is effective; only a document in review (or approved) can be signed",
        ),
        ("review", ["release", "SOP-001"], "SOP-001 is in review; only an approved document can be released"),
        (
            "draft",
            ["revise", "SOP-001", "--change", "More"],
            "SOP-001 is already a draft (revision A); edit it directly",
        ),
        (
            "draft",
            ["review", "SOP-001", "--outcome", "keep"],
            "SOP-001 is a draft; only an effective document has periodic reviews",
        ),
        (
            "approved",
            ["release", "SOP-001", "--effective", "2026-05-01"],
            "the effective date 2026-05-01 is before the last approval on 2026-06-01",
        ),
        ("effective", ["release", "SOP-001"], "SOP-001 is effective; only an approved document can be released"),
        ("effective", ["obsolete", "SOP-001", "--reason", " "], "--reason must say why the document is withdrawn"),
        (
            "effective",
            ["revise", "SOP-001", "--change", " "],
            "--change must describe what changes and why, on one line",
        ),
        ("effective", ["approve", "SOP-002", "--role", "Quality Manager"], "no document with id 'SOP-002'"),
    ],
)
def test_refused_illegal_steps(team: Team, run_cli: Run, to: str, args: list[str], message: str) -> None:
    walk(team, "SOP-001", to)
    expected_code = 2 if message.startswith("no document") else 1
    team.act("jane")
    before = state(team.repo)
    code, out, err = run_cli(*args, cwd=team.repo.path)
    assert (code, out, err) == (expected_code, "", f"docctl: error: {message}\n")
    assert state(team.repo) == before


def test_refused_supersession_of_a_document_that_is_not_effective(team: Team, run_cli: Run) -> None:
    walk(team, "SOP-001", "draft")
    path = walk(team, "SOP-002", "draft")
    team.repo.write(
        path, (team.repo.path / path).read_text().replace("references: []\n", "references: []\nsupersedes: SOP-001\n")
    )
    team.repo.commit("SOP-002 replaces SOP-001", who="sam")
    for who, role in (("sam", None), ("tom", "Process Owner"), ("jane", "Quality Manager")):
        team.act(who)
        if role is None:
            team.lib().submit("SOP-002")
        else:
            team.lib().approve("SOP-002", role=role)
    refused(
        team,
        run_cli,
        "jane",
        ["release", "SOP-002"],
        "SOP-002 supersedes SOP-001, which is a draft; only an effective document can be superseded "
        "(make SOP-001 obsolete instead)",
    )


def test_refused_step_over_uncommitted_changes(team: Team, run_cli: Run) -> None:
    repo = team.repo
    path = walk(team, "SOP-001", "draft")
    # the author has staged an edit of the body, and keeps an unstaged one
    repo.write(path, (repo.path / path).read_text() + "\nStaged sentence.\n")
    repo.git("add", "--", path)
    repo.write(path, (repo.path / path).read_text() + "\nUnstaged sentence.\n")
    assert repo.status() == f"MM {path}\n"
    refused(
        team,
        run_cli,
        "sam",
        ["submit", "SOP-001"],
        f"{path} has changes that are not committed; commit them first, so that the submit commit holds "
        "the submit alone (or use --no-commit)",
    )
    code, out, _ = run_cli("submit", "SOP-001", "--no-commit", cwd=repo.path)
    assert (code, out) == (0, "SOP-001 revision A: submit -> review (staged, not committed)\n")


def test_refused_step_on_a_document_never_committed(team: Team, run_cli: Run) -> None:
    team.repo.write("sops/SOP-001.md", sop())
    refused(
        team,
        run_cli,
        "sam",
        ["submit", "SOP-001"],
        "sops/SOP-001.md has changes that are not committed; commit them first, so that the submit commit "
        "holds the submit alone (or use --no-commit)",
    )


def block_commits(repo: GitRepo) -> Path:
    """A prepare-commit-msg hook that fails: it runs even with --no-verify."""
    hook = repo.path / ".git" / "hooks" / "prepare-commit-msg"
    hook.parent.mkdir(exist_ok=True)
    hook.write_text('#!/bin/sh\necho "commits are blocked by policy" >&2\nexit 1\n')
    hook.chmod(0o755)
    return hook


def test_failing_commit_puts_files_and_index_back(team: Team, run_cli: Run) -> None:
    repo = team.repo
    walk(team, "SOP-001", "draft")
    repo.write("notes.txt", "staged, not docctl's\n")
    repo.git("add", "notes.txt")
    block_commits(repo)
    refused(
        team,
        run_cli,
        "sam",
        ["submit", "SOP-001"],
        "git commit -q --no-verify failed (exit 1): commits are blocked by policy; nothing was changed",
    )
    assert repo.status() == "A  notes.txt\n"


def test_no_commit_leaves_the_edit_staged(team: Team, run_cli: Run) -> None:
    repo = team.repo
    path = walk(team, "SOP-001", "draft")
    before = head(repo)
    code, out, err = run_cli("submit", "SOP-001", "--no-commit", cwd=repo.path)
    assert (code, out, err) == (0, "SOP-001 revision A: submit -> review (staged, not committed)\n", "")
    assert head(repo) == before
    assert repo.status() == f"M  {path}\n"
    staged = [
        line
        for line in repo.git("diff", "--cached", "-U0").splitlines()
        if line[:1] in "+-" and line[:3] not in ("+++", "---")
    ]
    assert staged == ["-status: draft", "+status: review"]


def test_no_commit_release_makes_no_tag(team: Team) -> None:
    walk(team, "SOP-001", "approved")
    result = team.lib().release("SOP-001", commit=False)
    assert (result.commit, result.tag) == (None, None)
    assert team.repo.git("tag", "-l") == ""


# atomicity --------------------------------------------------------------------------------------------


def test_an_exception_in_the_middle_leaves_everything_as_it_was(team: Team, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = team.repo
    walk(team, "SOP-001", "effective")
    path = walk(team, "SOP-002", "approved")
    repo.write(
        path, (repo.path / path).read_text().replace("references: []\n", "references: []\nsupersedes: SOP-001\n")
    )
    repo.commit("SOP-002 replaces SOP-001", who="sam")
    # supersedes is part of the identity: approve the new content again
    team.act("sam")
    team.lib().revise("SOP-002", change="Replaces SOP-001")
    team.lib().submit("SOP-002")
    for who, role in (("tom", "Process Owner"), ("jane", "Quality Manager")):
        team.act(who)
        team.lib().approve("SOP-002", role=role)
    before = state(repo)

    def commit_then_fail(git: gitmod.Git, message: str, *, paths: list[str], env: object = None) -> str:
        gitmod.stage(git, paths)  # the files are written and staged when the failure comes
        assert len(paths) == 2 and repo.git("diff", "--cached", "--name-only") != ""
        raise RuntimeError("power cut")

    monkeypatch.setattr(gitmod, "commit", commit_then_fail)
    with pytest.raises(RuntimeError, match="power cut"):
        team.lib().release("SOP-002")
    assert state(repo) == before
    assert repo.git("diff", "--cached", "--name-only") == ""


def test_an_interrupt_while_writing_leaves_everything_as_it_was(team: Team, monkeypatch: pytest.MonkeyPatch) -> None:
    from docctl.lifecycle import change as lifecycle

    walk(team, "SOP-001", "review")
    team.act("jane")
    before = state(team.repo)
    real = lifecycle.write_atomic
    calls: list[Path] = []

    def write_then_interrupt(path: Path, data: bytes) -> None:
        calls.append(path)
        real(path, data)
        if len(calls) == 1:
            raise KeyboardInterrupt

    monkeypatch.setattr(lifecycle, "write_atomic", write_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        team.lib().approve("SOP-001", role="Quality Manager")
    assert state(team.repo) == before


# in-place editing -------------------------------------------------------------------------------------


def test_lifecycle_edits_keep_comments_quoting_crlf_and_flow_lists(team: Team) -> None:
    repo = team.repo
    text = (
        "---\r\n"
        "# Document control procedure\r\n"
        "id: SOP-001   # never reused\r\n"
        "title: 'Document Control'\r\n"
        "type: SOP\r\n"
        'revision: "A"\r\n'
        'status: "draft"  # set by docctl\r\n'
        "owner: tom.baker@acme.example\r\n"
        "author: sam.okafor@acme.example\r\n"
        'clauses: ["7.5.2", "7.5.3"]   # ISO 9001\r\n'
        "references: []\r\n"
        "---\r\n"
        "\r\n# SOP-001 Document Control\r\n\r\n## Purpose\r\n\r\nControl documents.\r\n"
    )
    repo.write("sops/SOP-001.md", text.encode())
    repo.commit("SOP-001 first draft", who="sam")
    team.act("sam")
    team.lib().submit("SOP-001")
    team.act("tom")
    team.lib().approve("SOP-001", role="Process Owner")
    team.act("jane")
    team.lib().approve("SOP-001", role="Quality Manager")
    result = (repo.path / "sops/SOP-001.md").read_bytes().decode()
    print_ = team.lib().document("SOP-001").fingerprint
    expected = text.replace('status: "draft"  # set by docctl', 'status: "approved"  # set by docctl').replace(
        "references: []\r\n",
        "references: []\r\n"
        + "".join(
            line + "\r\n"
            for line in [
                *approval_lines("tom", "Process Owner", "2026-06-01T12:00:00+00:00", print_, first=True),
                *approval_lines("jane", "Quality Manager", "2026-06-01T12:00:00+00:00", print_),
            ]
        ),
    )
    assert result == expected
    assert changed(repo) == (
        ['status: "review"  # set by docctl'],
        [
            'status: "approved"  # set by docctl',
            *approval_lines("jane", "Quality Manager", "2026-06-01T12:00:00+00:00", print_),
        ],
    )


def test_approvals_appended_in_the_style_of_the_existing_list(team: Team) -> None:
    repo = team.repo
    repo.write("sops/SOP-001.md", sop(status="review"))
    print_ = team.lib().document("SOP-001").fingerprint
    signed = (
        "approvals:\n- name: Sam Okafor\n  by: sam.okafor@acme.example\n  role: Quality Engineer\n"
        f"  meaning: authored\n  date: 2026-05-30T10:00:00+00:00\n  fingerprint: {print_}\n---\n\n#"
    )
    repo.write("sops/SOP-001.md", sop(status="review").replace("---\n\n#", signed, 1))
    repo.commit("SOP-001 in review", who="sam")
    team.act("tom")
    team.lib().approve("SOP-001", role="Process Owner")
    assert changed(repo) == (
        [],
        [
            "- name: Tom Baker",
            "  by: tom.baker@acme.example",
            "  role: Process Owner",
            "  meaning: approved",
            "  date: 2026-06-01T12:00:00+00:00",
            f"  fingerprint: {print_}",
        ],
    )


@pytest.mark.parametrize(
    ("before", "key", "value", "after"),
    [
        ("id: X\nstatus: draft\n", "status", "review", "id: X\nstatus: review\n"),
        ("status: draft # by docctl\n", "status", "review", "status: review # by docctl\n"),
        ('status: "draft"\n', "status", "review", 'status: "review"\n'),
        ("status: 'draft'   # quoted\n", "status", "review", "status: 'review'   # quoted\n"),
        ("change: 'it''s # not a comment' # a comment\n", "change", "it's done", "change: 'it''s done' # a comment\n"),
        ('change: "a # b"\n', "change", "yes", 'change: "yes"\n'),
        ("change: old\n", "change", "yes", 'change: "yes"\n'),
        ("change: old\n", "change", "a: b", 'change: "a: b"\n'),
        ("change: old\n", "change", "", 'change: ""\n'),
        ("change: >-\n  folded\n  text\nid: X\n", "change", "short", "change: short\nid: X\n"),
        ("id: X\r\nstatus: draft\r\n", "status", "review", "id: X\r\nstatus: review\r\n"),
        ("id: X\nstatus: draft", "status", "review", "id: X\nstatus: review"),
        ("id: X\nstatus: draft", "effective", "2026-06-01", "id: X\nstatus: draft\neffective: 2026-06-01"),
        (
            "id: X\nclauses: [7.5, 8.1]  # flow\nrevision: A\n",
            "effective",
            "2026-06-01",
            "id: X\nclauses: [7.5, 8.1]  # flow\nrevision: A\neffective: 2026-06-01\n",
        ),
    ],
)
def test_set_keeps_everything_but_the_value(before: str, key: str, value: str, after: str) -> None:
    meta = MetadataText(before)
    meta.set(key, value)
    assert meta.text() == after


def test_set_places_a_new_key_after_the_first_anchor_present() -> None:
    meta = MetadataText("id: X\nstatus: approved\nrevision: A\nclauses:\n  - 7.5\n\n# end\n")
    meta.set("effective", "2026-06-01", after=("missing", "status"))
    meta.set("change", "Why", after=("clauses",))
    assert (
        meta.text()
        == "id: X\nstatus: approved\neffective: 2026-06-01\nrevision: A\nclauses:\n  - 7.5\nchange: Why\n\n# end\n"
    )


def test_remove_takes_the_whole_block_and_nothing_else() -> None:
    meta = MetadataText(
        "id: X\napprovals:\n  - name: A\n    by: a@b\n  # a comment inside\n  - name: B\n# kept\nchange: x\n"
    )
    meta.remove("approvals")
    meta.remove("not-there")
    assert meta.text() == "id: X\n# kept\nchange: x\n"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("id: X\n", "id: X\napprovals:\n  - name: C\n    by: c@d\n"),
        ("id: X\napprovals: []\nchange: x\n", "id: X\napprovals:\n  - name: C\n    by: c@d\nchange: x\n"),
        ("id: X\napprovals: []  # none yet\n", "id: X\napprovals:  # none yet\n  - name: C\n    by: c@d\n"),
        (
            "approvals:\n- name: A\n  by: a@b\nchange: x\n",
            "approvals:\n- name: A\n  by: a@b\n- name: C\n  by: c@d\nchange: x\n",
        ),
        (
            "approvals:\n    -   name: A\n        by: a@b\n\n# end\n",
            "approvals:\n    -   name: A\n        by: a@b\n    -   name: C\n        by: c@d\n\n# end\n",
        ),
        (
            "approvals:\r\n  - name: A\r\n    by: a@b\r\n",
            "approvals:\r\n  - name: A\r\n    by: a@b\r\n  - name: C\r\n    by: c@d\r\n",
        ),
        ("approvals:\n  - name: A\n    by: a@b", "approvals:\n  - name: A\n    by: a@b\n  - name: C\n    by: c@d"),
    ],
)
def test_append_item_keeps_the_list_style(before: str, after: str) -> None:
    meta = MetadataText(before)
    meta.append_item("approvals", {"name": "C", "by": "c@d"})
    assert meta.text() == after


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("approvals: [{name: A}]\n", "'approvals' is written as a flow list; write it as a block list to edit it"),
        ("approvals: none\n", "'approvals' is not a list"),
    ],
)
def test_append_item_refuses_what_it_cannot_edit_in_place(text: str, message: str) -> None:
    with pytest.raises(MetadataError) as caught:
        MetadataText(text).append_item("approvals", {"name": "C"})
    assert str(caught.value) == message


def test_a_flow_list_of_approvals_refuses_the_step(team: Team, run_cli: Run) -> None:
    team.repo.write(
        "sops/SOP-001.md",
        sop(status="review").replace("---\n\n#", "approvals: []\n---\n\n#").replace("approvals: []", "approvals: [ ]"),
    )
    team.repo.commit("SOP-001 in review", who="sam")
    refused(
        team,
        run_cli,
        "tom",
        ["approve", "SOP-001", "--role", "Process Owner"],
        "sops/SOP-001.md: cannot edit the metadata: 'approvals' is written as a flow list; write it as a block list to edit it",
    )


# new ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--dir", "../elsewhere"], "--dir ../elsewhere must be a folder inside the repository, relative to its root"),
        (["--dir", "/tmp"], "--dir /tmp must be a folder inside the repository, relative to its root"),
        (
            ["--dir", "drafts"],
            "drafts/SOP-001-document-control.md would not be a controlled file (see controlled and exclude in docctl.toml)",
        ),
        (
            ["--format", "docx", "--dir", "drafts"],
            "drafts/SOP-001-document-control.docx would not be a controlled file (see controlled and exclude in docctl.toml)",
        ),
    ],
)
def test_new_refuses_a_folder_outside_control(tmp_path: Path, run_cli: Run, args: list[str], message: str) -> None:
    from helpers import CONFIG

    repo = GitRepo(tmp_path / "qms", CONFIG.replace('fail_on = "major"', 'fail_on = "major"\nexclude = ["drafts/**"]'))
    repo.commit("setup")
    before = state(repo)
    code, out, err = run_cli("new", "SOP", "Document Control", *args, cwd=repo.path)
    assert (code, out, err) == (2, "", f"docctl: error: {message}\n")
    assert state(repo) == before
    assert not (tmp_path / "elsewhere").exists()


def test_docctl_root_below_the_git_top_level(tmp_path: Path, run_cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """The docctl root is a folder of a larger git work tree: paths, staging and rollback still hold."""
    from helpers import CONFIG

    top = GitRepo(tmp_path / "company")
    (top.path / "docctl.toml").unlink()
    top.write("README.md", "# company\n")
    top.write("qms/docctl.toml", CONFIG)
    top.commit("setup", who="sam")
    team = Team(top, monkeypatch)
    team.act("sam")
    code, out, _ = run_cli("--root", str(top.path / "qms"), "new", "SOP", "Document Control", cwd=top.path)
    assert (code, out) == (0, f"created SOP-001: {PATH}\n")
    assert files_of(top) == [f"qms/{PATH}"]
    hook = block_commits(top)
    top.write("README.md", "# company, edited\n")
    top.git("add", "README.md")
    before = state(top)
    code, _, err = run_cli("--root", str(top.path / "qms"), "submit", "SOP-001", cwd=top.path / "qms" / "sops")
    assert (code, err) == (
        1,
        "docctl: error: git commit -q --no-verify failed (exit 1): commits are blocked by policy; nothing was changed\n",
    )
    assert state(top) == before
    hook.unlink()
    code, _, _ = run_cli("--root", str(top.path / "qms"), "submit", "SOP-001", cwd=top.path / "qms" / "sops")
    assert code == 0
    assert files_of(top) == [f"qms/{PATH}"]
    assert changed(top) == (["status: draft"], ["status: review"])
    assert top.status() == "M  README.md\n"


def test_periodic_review_with_outcome_revise_or_obsolete(team: Team, run_cli: Run) -> None:
    repo = team.repo
    walk(team, "SOP-001", "effective")
    team.act("tom")
    refused(
        team,
        run_cli,
        "tom",
        ["review", "SOP-001", "--outcome", "revise"],
        "a review with outcome revise needs --change",
    )
    refused(
        team,
        run_cli,
        "tom",
        ["review", "SOP-001", "--outcome", "obsolete"],
        "a review with outcome obsolete needs --reason",
    )
    code, out, _ = run_cli(
        "review", "SOP-001", "--outcome", "revise", "--change", "Periodic review: new ERP", cwd=repo.path
    )
    assert (code, out) == (0, f"SOP-001 revision B: revise -> draft (commit {head(repo)[:12]})\n")
    assert trailers(repo)[0] == ("Docctl-Action", "revise")
    assert team.lib().document("SOP-001").change == "Periodic review: new ERP"


def test_a_signature_with_another_meaning(team: Team) -> None:
    repo = team.repo
    walk(team, "SOP-001", "review", author="tom")
    team.act("sam")
    result = team.lib().approve("SOP-001", role="Quality Engineer", meaning="reviewed")
    assert result.status == "review"
    assert repo.git("log", "-1", "--format=%s") == "SOP-001: sign (reviewed) revision A as Quality Engineer\n"
    assert changed(repo)[1][4] == "    meaning: reviewed"
    # the author may sign as author, never approve their own revision
    team.act("tom")
    assert team.lib().approve("SOP-001", role="Process Owner", meaning="authored").status == "review"
