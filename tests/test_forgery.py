"""Forgeries caught without signing (issue 13, items 3 and 4), on real git repositories with fixed
identities and dates.

Self-approval judged from history: the authors of a revision are the people whose commits changed
its content; none of them may approve it where the type forbids self-approval (``approve`` refuses,
``check`` reports DC203). Cheap forgeries: an approval added in a commit whose Docctl trailers name
other content is not attested (DC205); an approval dated more than a day from the commit that added
it, or before the commit that introduced the content it approves, is DC207.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import CONFIG, PEOPLE, GitRepo, sop
from lifecycle_helpers import Office, state

import docctl
from docctl.core.errors import LifecycleError

Run = Callable[..., tuple[int, str, str]]

#: Sam writes procedures (Quality Engineer) and is also the Process Owner of some: two hats.
TWO_HATS = CONFIG.replace('roles = ["Quality Engineer"]', 'roles = ["Quality Engineer", "Process Owner"]')
DOC = "sops/SOP-001.md"


@pytest.fixture
def office(repo: GitRepo) -> Office:
    repo.commit("set up", who="jane", date="2026-01-01T09:00:00+00:00")
    return Office(repo)


@pytest.fixture
def hats(tmp_path: Path) -> Office:
    repo = GitRepo(tmp_path / "two-hats", config=TWO_HATS)
    repo.commit("set up", who="jane", date="2026-01-01T09:00:00+00:00")
    return Office(repo)


def found(office: Office) -> list[tuple[str, str]]:
    return [(f.code, f.message) for f in office.qms.check().findings]


def refused(office: Office, who: str, doc_id: str = "SOP-001", **options: str) -> str:
    """``approve`` as ``who`` is refused (exit status 1) and leaves files, index, HEAD and tags as they were."""
    before = state(office.repo)
    with office.acting(who) as qms, pytest.raises(LifecycleError) as refusal:
        qms.approve(doc_id, **options)
    assert refusal.value.exit_code == 1
    assert state(office.repo) == before
    return str(refusal.value)


def edit(office: Office, old: str, new: str, rel: str = DOC) -> None:
    path = office.repo.path / rel
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def type_in(office: Office, who: str, role: str, *, date: str, fingerprint: str | None = None, rel: str = DOC) -> None:
    """Type an approval into the front matter by hand (approvals are its last key)."""
    name, email = PEOPLE[who]
    fingerprint = fingerprint or office.qms.load(rel).document.fingerprint  # type: ignore[union-attr]
    item = (
        f"  - name: {name}\n    by: {email}\n    role: {role}\n    meaning: approved\n"
        f"    date: {date}\n    fingerprint: {fingerprint}\n"
    )
    path = office.repo.path / rel
    text = path.read_text()
    head, sep, body = text.partition("\n---\n")
    head += "\n" if "\napprovals:" in head else "\napprovals:\n"
    path.write_text(head + item.rstrip("\n") + sep + body)


def commit(
    office: Office,
    message: str,
    *,
    author: str,
    date: str,
    committer: str | None = None,
    committed: str | None = None,
    amend: bool = False,
) -> str:
    """A hand-made commit of everything, with the author, committer and dates given."""
    name, email = PEOPLE[author]
    cname, cemail = PEOPLE[committer or author]
    env = {"GIT_COMMITTER_NAME": cname, "GIT_COMMITTER_EMAIL": cemail, "GIT_COMMITTER_DATE": committed or date}
    if not amend:  # an amend keeps the author and the author date of the commit it replaces
        env |= {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_AUTHOR_DATE": date}
    office.repo.git("add", "-A")
    office.repo.git("commit", "-q", *(["--amend", "--no-edit"] if amend else ["-m", message]), env=env)
    return office.repo.git("rev-parse", "HEAD").strip()


def drafted(office: Office, who: str = "sam", doc_id: str = "SOP-001", **fields: str | None) -> str:
    """A draft SOP committed by ``who``; returns the commit. ``author=None``: no author field."""
    office.repo.write(f"sops/{doc_id}.md", sop(doc_id, **fields))
    return office.commit_as(who, f"{doc_id}: draft")


# 3. self-approval judged from history ------------------------------------------------------------


def writer_names_a_colleague(office: Office) -> str:
    """Sam writes SOP-001, then names Tom as its author and submits it: the issue's scenario."""
    draft = drafted(office)
    edit(office, "author: sam.okafor@acme.example", "author: tom.baker@acme.example")
    office.commit_as("sam", "SOP-001: Tom is the author")
    with office.acting("sam") as qms:
        qms.submit("SOP-001")
    return draft


def test_writer_who_names_a_colleague_as_author_cannot_approve(hats: Office, run_cli: Run) -> None:
    draft = writer_names_a_colleague(hats)
    message = refused(hats, "sam", role="Process Owner")
    assert message == (
        f"Sam Okafor wrote revision A of SOP-001 (commit {draft[:12]}); type SOP forbids self-approval: "
        "another holder of Process Owner must sign"
    )
    before = state(hats.repo)
    with hats.acting("sam"):
        code, out, err = run_cli("approve", "SOP-001", "--role", "Process Owner", cwd=hats.repo.path)
    assert (code, out, err) == (1, "", f"docctl: error: {message}\n")
    assert state(hats.repo) == before


def test_self_approval_typed_in_by_hand_is_dc203(hats: Office, run_cli: Run) -> None:
    draft = writer_names_a_colleague(hats)
    with hats.acting("jane") as qms:
        qms.approve("SOP-001", role="Quality Manager")
    type_in(hats, "sam", "Process Owner", date=hats.now.isoformat())
    edit(hats, "status: review", "status: approved")
    hats.commit_as("sam", "SOP-001: Process Owner approval")  # by Sam himself: attested
    assert found(hats) == [
        ("DC201", "approved without a valid approval by Process Owner"),
        (
            "DC203",
            f"Sam Okafor approved as Process Owner revision A, whose content they wrote (commit {draft[:12]}); "
            "type SOP forbids self-approval",
        ),
    ]
    document = hats.qms.document("SOP-001")
    assert [(r.approval.by, r.valid, r.attested) for r in hats.qms.manifest(document)] == [
        ("jane.smith@acme.example", True, True),
        ("sam.okafor@acme.example", False, True),
    ]
    code, out, _ = run_cli("check", "--format", "json", cwd=hats.repo.path)
    assert code == 1 and [f["code"] for f in json.loads(out)["findings"]] == ["DC201", "DC203"]


def test_a_writers_approval_does_not_count_when_the_last_role_signs(hats: Office) -> None:
    draft = writer_names_a_colleague(hats)
    type_in(hats, "sam", "Process Owner", date=hats.now.isoformat())
    hats.commit_as("sam", "SOP-001: Process Owner approval")
    with hats.acting("jane") as qms:
        assert qms.approve("SOP-001", role="Quality Manager").status == "review"
    assert [code for code, _ in found(hats)] == ["DC203"]
    assert found(hats)[0][1].endswith(f"whose content they wrote (commit {draft[:12]}); type SOP forbids self-approval")


def test_self_approval_by_the_author_field_is_reported_once(hats: Office) -> None:
    """Where the ``author`` field already names the signer, the per-document DC203 says it; history adds nothing."""
    drafted(hats)
    with hats.acting("sam") as qms:
        qms.submit("SOP-001")
    type_in(hats, "sam", "Process Owner", date=hats.now.isoformat())
    hats.commit_as("sam", "SOP-001: Process Owner approval")
    assert [code for code, _ in found(hats)] == ["DC203"]


def test_a_colleague_who_fixed_a_typo_is_an_author(office: Office) -> None:
    drafted(office, body="\n# SOP-001 Document Control\n\n## Purpose\n\nControll documents.\n")
    edit(office, "Controll documents.", "Control documents.")
    typo = office.commit_as("tom", "SOP-001: typo")
    with office.acting("sam") as qms:
        qms.submit("SOP-001")
    assert refused(office, "tom", role="Process Owner") == (
        f"Tom Baker wrote revision A of SOP-001 (commit {typo[:12]}); type SOP forbids self-approval: "
        "another holder of Process Owner must sign"
    )
    with office.acting("jane") as qms:  # Jane wrote nothing: she may sign
        assert qms.approve("SOP-001", role="Quality Manager").status == "review"


def test_lifecycle_commits_and_a_new_revision_label_make_nobody_an_author(office: Office) -> None:
    """Submit, approve and release change lifecycle fields; ``revise`` changes the label: their authors
    wrote nothing. The writer of the new revision's content did."""
    office.released_sop()
    with office.acting("jane") as qms:
        qms.revise("SOP-001", change="Records move to the new archive system")
    edit(office, "author: jane.smith@acme.example", "author: sam.okafor@acme.example")
    edit(office, "Control documents.", "Control documents and records.")
    office.commit_as("sam", "SOP-001: revision B")
    with office.acting("tom") as qms:
        qms.submit("SOP-001")
    with office.acting("tom") as qms:
        qms.approve("SOP-001", role="Process Owner")
    with office.acting("jane") as qms:
        assert qms.approve("SOP-001", role="Quality Manager").status == "approved"
    assert found(office) == []


def test_uncommitted_content_changes_make_the_approver_an_author(office: Office) -> None:
    """``approve`` commits the working copy: the approver's own edit in it would be signed by them."""
    drafted(office)
    with office.acting("sam") as qms:
        qms.submit("SOP-001")
    edit(office, "Control documents.", "Control all documents.")
    assert refused(office, "tom", role="Process Owner") == (
        "Tom Baker wrote revision A of SOP-001 (the uncommitted working copy); type SOP forbids self-approval: "
        "another holder of Process Owner must sign"
    )


def test_rebase_keeps_the_writer(hats: Office) -> None:
    hats.repo.git("checkout", "-q", "-b", "work")
    drafted(hats, author=None)
    hats.repo.git("checkout", "-q", "main")
    hats.repo.write("unrelated.txt", "x")
    hats.commit_as("jane", "unrelated")
    hats.repo.git("checkout", "-q", "work")
    jane = {"GIT_COMMITTER_NAME": "Jane Smith", "GIT_COMMITTER_EMAIL": "jane.smith@acme.example"}
    hats.repo.git("rebase", "-q", "main", env=jane | {"GIT_COMMITTER_DATE": "2026-01-20T09:00:00+00:00"})
    hats.repo.git("checkout", "-q", "main")
    hats.repo.git("merge", "-q", "--ff-only", "work")
    rebased = hats.repo.git("log", "-1", "--format=%H %ae %ce", "--", DOC).split()
    assert rebased[1:] == ["sam.okafor@acme.example", "jane.smith@acme.example"]
    with hats.acting("sam") as qms:
        qms.submit("SOP-001")
    assert refused(hats, "sam", role="Process Owner").startswith(
        f"Sam Okafor wrote revision A of SOP-001 (commit {rebased[0][:12]});"
    )


def test_squash_keeps_the_commit_author_and_its_co_authors(hats: Office) -> None:
    """A squash merge is one commit by its author; GitHub and GitLab name the squashed commits'
    other authors in Co-authored-by trailers, which count too."""
    hats.repo.git("checkout", "-q", "-b", "work")
    drafted(hats, author=None)
    edit(hats, "Control documents.", "Control the documents.")
    hats.commit_as("tom", "typo")
    hats.repo.git("checkout", "-q", "main")
    hats.repo.git("merge", "-q", "--squash", "work")
    squash = hats.commit_as("sam", "SOP-001: draft (#12)\n\nCo-authored-by: Tom Baker <tom.baker@acme.example>")
    with hats.acting("jane") as qms:
        qms.submit("SOP-001")
    for who in ("sam", "tom"):
        assert refused(hats, who, role="Process Owner").startswith(
            f"{PEOPLE[who][0]} wrote revision A of SOP-001 (commit {squash[:12]});"
        )
    with hats.acting("jane") as qms:
        assert qms.approve("SOP-001", role="Quality Manager").status == "review"


def merge_as_jane(office: Office, branch: str) -> None:
    """``git merge --no-ff`` by Jane, now."""
    stamp = office.now.isoformat()
    env = {
        "GIT_AUTHOR_NAME": "Jane Smith",
        "GIT_AUTHOR_EMAIL": "jane.smith@acme.example",
        "GIT_AUTHOR_DATE": stamp,
        "GIT_COMMITTER_NAME": "Jane Smith",
        "GIT_COMMITTER_EMAIL": "jane.smith@acme.example",
        "GIT_COMMITTER_DATE": stamp,
    }
    office.repo.git("merge", "-q", "--no-ff", "-m", f"Merge branch '{branch}'", branch, env=env)


def test_a_merge_credits_the_branch_not_the_person_who_merged(office: Office) -> None:
    office.repo.git("checkout", "-q", "-b", "work")
    drafted(office)
    office.repo.git("checkout", "-q", "main")
    office.repo.write("unrelated.txt", "x")
    office.commit_as("tom", "unrelated")
    merge_as_jane(office, "work")
    with office.acting("sam") as qms:
        qms.submit("SOP-001")
    with office.acting("jane") as qms:  # Jane merged the branch; she wrote nothing of it
        qms.approve("SOP-001", role="Quality Manager")
    with office.acting("tom") as qms:
        assert qms.approve("SOP-001", role="Process Owner").status == "approved"
    assert found(office) == []


def test_a_merged_writer_is_refused(hats: Office) -> None:
    hats.repo.git("checkout", "-q", "-b", "work")
    draft = drafted(hats, author=None)
    hats.repo.git("checkout", "-q", "main")
    hats.repo.write("unrelated.txt", "x")
    hats.commit_as("tom", "unrelated")
    merge_as_jane(hats, "work")
    with hats.acting("jane") as qms:
        qms.submit("SOP-001")
    assert refused(hats, "sam", role="Process Owner").startswith(
        f"Sam Okafor wrote revision A of SOP-001 (commit {draft[:12]});"
    )


# 4. trailers that do not match the approval: DC205 -----------------------------------------------


def trailers(document: str, revision: str, fingerprint: str) -> str:
    return (
        f"SOP-001: approve revision A as Process Owner\n\nDocctl-Action: approve\nDocctl-Document: {document}\n"
        f"Docctl-Revision: {revision}\nDocctl-Fingerprint: {fingerprint}\n"
    )


OTHER = "sha256:" + "0" * 64


@pytest.mark.parametrize(
    ("document", "revision", "fingerprint", "problem"),
    [
        ("SOP-002", "A", None, "trailer Docctl-Document says SOP-002, not SOP-001"),
        ("SOP-001", "B", None, "trailer Docctl-Revision says B, not A"),
        ("SOP-001", "A", OTHER, "trailer Docctl-Fingerprint says sha256:000000000000..., not {short}..."),
        ("SOP-002", "B", None, "trailers Docctl-Document says SOP-002, not SOP-001 and Docctl-Revision says B, not A"),
        ("SOP-001", "A", None, None),
    ],
)
def test_an_approval_whose_commit_trailers_disagree_is_not_attested(
    office: Office, document: str, revision: str, fingerprint: str | None, problem: str | None
) -> None:
    drafted(office)
    with office.acting("sam") as qms:
        qms.submit("SOP-001")
    current = office.qms.document("SOP-001").fingerprint
    type_in(office, "tom", "Process Owner", date=office.now.isoformat())
    added = commit(
        office, trailers(document, revision, fingerprint or current), author="tom", date=office.now.isoformat()
    )
    if problem is None:
        assert found(office) == []
        return
    message = problem.format(short=current[:19])
    assert found(office) == [
        (
            "DC205",
            f"the approval by Tom Baker (Process Owner) was added in commit {added[:12]}, whose {message}: "
            "that commit does not attest it",
        )
    ]


def test_an_approval_typed_in_without_trailers_keeps_todays_rule(office: Office) -> None:
    drafted(office)
    with office.acting("sam") as qms:
        qms.submit("SOP-001")
    type_in(office, "tom", "Process Owner", date=office.now.isoformat())
    commit(office, "Tom's approval, typed in by Tom", author="tom", date=office.now.isoformat())
    assert found(office) == []


def test_an_approval_smuggled_into_the_approvers_commit_by_amending_it(office: Office, run_cli: Run) -> None:
    """Sam amends Tom's approval commit of SOP-001 to add a 'Tom' approval to SOP-002: git keeps Tom as
    the author, but the commit's trailers still speak of SOP-001."""
    drafted(office)
    drafted(office, "sam", "SOP-002", title="Records", body="\n# SOP-002 Records\n\n## Purpose\n\nKeep records.\n")
    with office.acting("sam") as qms:
        qms.submit("SOP-001")
    with office.acting("sam") as qms:
        qms.submit("SOP-002")
    with office.acting("tom") as qms:
        qms.approve("SOP-001", role="Process Owner")
    approved = office.qms.document("SOP-001")
    rel = "sops/SOP-002.md"
    type_in(office, "tom", "Process Owner", date=approved.approvals[0].date.isoformat(), rel=rel)  # type: ignore[union-attr]
    amended = commit(office, "", author="tom", committer="sam", date=office.now.isoformat(), amend=True)
    assert office.repo.git("log", "-1", "--format=%ae %ce").split() == [
        "tom.baker@acme.example",
        "sam.okafor@acme.example",
    ]
    other = office.qms.document("SOP-002").fingerprint
    assert found(office) == [
        (
            "DC205",
            f"the approval by Tom Baker (Process Owner) was added in commit {amended[:12]}, whose trailers "
            f"Docctl-Document says SOP-001, not SOP-002 and Docctl-Fingerprint says {approved.fingerprint[:19]}..., "
            f"not {other[:19]}...: that commit does not attest it",
        )
    ]
    code, out, _ = run_cli("show", "SOP-002", cwd=office.repo.path)
    assert f"commit {amended[:12]} by the approver, but its Docctl trailers name other content: NOT attested" in out
    code, out, _ = run_cli("show", "SOP-002", "--format", "json", cwd=office.repo.path)
    assert [(a["by"], a["attested"]) for a in json.loads(out)["approvals"]] == [("tom.baker@acme.example", False)]


# 4. approval dates judged against the commits: DC207 ---------------------------------------------


def test_an_approval_committed_days_after_its_date_is_dc207(office: Office) -> None:
    drafted(office)
    with office.acting("sam") as qms:
        qms.submit("SOP-001")
    signed = office.now
    with office.acting("tom") as qms:
        qms.approve("SOP-001", role="Process Owner", commit=False)
    later = (signed + dt.timedelta(days=3)).isoformat()
    added = commit(office, "Tom's approval", author="tom", date=later)
    assert found(office) == [
        (
            "DC207",
            f"approval by Tom Baker is dated {signed.isoformat()}, more than a day from commit {added[:12]} "
            f"that added it ({later})",
        )
    ]


def test_an_approval_committed_within_a_day_of_its_date_passes(office: Office) -> None:
    drafted(office)
    with office.acting("sam") as qms:
        qms.submit("SOP-001")
    signed = office.now
    with office.acting("tom") as qms:
        qms.approve("SOP-001", role="Process Owner", commit=False)
    commit(office, "Tom's approval", author="tom", date=(signed + dt.timedelta(hours=20)).isoformat())
    assert found(office) == []


def test_an_approval_dated_before_the_content_it_approves_is_dc207(office: Office) -> None:
    """Tom's approval claims 09:00; the content it signs was committed at 10:00. His own commit at
    noon adds it: attested, within a day of its commit, and still impossible."""
    drafted(office)
    with office.acting("sam") as qms:
        qms.submit("SOP-001")
    office.now = dt.datetime(2026, 2, 1, 9, tzinfo=dt.UTC)
    edit(office, "Control documents.", "Control all documents.")
    content = commit(office, "SOP-001: wording", author="sam", date="2026-01-20T10:00:00+00:00")
    type_in(office, "tom", "Process Owner", date="2026-01-20T09:00:00+00:00")
    commit(office, "Tom's approval", author="tom", date="2026-01-20T12:00:00+00:00")
    assert found(office) == [
        (
            "DC207",
            f"approval by Tom Baker is dated 2026-01-20T09:00:00+00:00, before commit {content[:12]} "
            "(2026-01-20T10:00:00+00:00) that introduced the content it approves",
        )
    ]


def test_content_restored_counts_from_its_restoration(office: Office) -> None:
    """The content an approval signs is introduced by the commit that last changed the document into it."""
    drafted(office)
    with office.acting("sam") as qms:
        qms.submit("SOP-001")
    office.now = dt.datetime(2026, 2, 1, 9, tzinfo=dt.UTC)
    edit(office, "Control documents.", "Control all documents.")
    commit(office, "wording", author="sam", date="2026-01-20T10:00:00+00:00")
    edit(office, "Control all documents.", "Control documents.")
    restored = commit(office, "wording back", author="sam", date="2026-01-21T10:00:00+00:00")
    type_in(office, "tom", "Process Owner", date="2026-01-20T12:00:00+00:00")
    commit(office, "Tom's approval", author="tom", date="2026-01-21T11:00:00+00:00")
    assert [(c, m.split(", before commit ")[1][:12]) for c, m in found(office)] == [("DC207", restored[:12])]


def test_branch_approvals_merged_or_rebased_later_keep_their_dates(office: Office) -> None:
    """Work and approvals on a branch, integrated days later: the branch's commits date them."""
    office.repo.git("checkout", "-q", "-b", "work")
    drafted(office)
    with office.acting("sam") as qms:
        qms.submit("SOP-001")
    with office.acting("tom") as qms:
        qms.approve("SOP-001", role="Process Owner")
    with office.acting("jane") as qms:
        qms.approve("SOP-001", role="Quality Manager")
    office.repo.git("checkout", "-q", "main")
    office.repo.write("unrelated.txt", "x")
    office.commit_as("jane", "unrelated")
    late = {"GIT_AUTHOR_DATE": "2026-02-20T09:00:00+00:00", "GIT_COMMITTER_DATE": "2026-02-20T09:00:00+00:00"}
    office.repo.git("merge", "-q", "--no-ff", "-m", "Merge branch 'work'", "work", env=late)
    assert found(office) == []
    office.repo.git("reset", "-q", "--hard", "HEAD^1")
    office.repo.git("checkout", "-q", "work")
    office.repo.git("rebase", "-q", "main", env={"GIT_COMMITTER_DATE": "2026-02-21T09:00:00+00:00"})
    office.repo.git("checkout", "-q", "main")
    office.repo.git("merge", "-q", "--ff-only", "work")
    assert found(office) == []


def test_an_unattested_approval_is_dc205_not_also_dc207(office: Office) -> None:
    """An approval whose commit is not the approver's says nothing through that commit's date."""
    drafted(office)
    with office.acting("sam") as qms:
        qms.submit("SOP-001")
    type_in(office, "tom", "Process Owner", date="2026-01-02T09:00:00+00:00")
    commit(office, "Tom's approval, by Sam", author="sam", date="2026-01-20T09:00:00+00:00")
    assert [code for code, _ in found(office)] == ["DC205"]


def test_docctl_steps_raise_no_date_finding(office: Office) -> None:
    office.released_sop()
    assert found(office) == []
    assert list(docctl.open(office.repo.path, clock=office.clock).check().findings) == []


def test_the_oldest_commit_of_a_shallow_clone_makes_nobody_an_author(office: Office, run_cli: Run) -> None:
    """Cut off at Tom's submit commit, a shallow clone shows that commit as the one that brought all
    the content: who wrote it is unknown there, so it makes nobody an author (and dates no content)."""
    drafted(office)
    with office.acting("tom") as qms:
        qms.submit("SOP-001")
    with office.acting("tom") as qms:
        qms.approve("SOP-001", role="Process Owner")
    with office.acting("jane") as qms:
        qms.approve("SOP-001", role="Quality Manager")
    assert found(office) == []
    clone = office.repo.path.parent / "shallow"
    office.repo.git("clone", "-q", "--depth", "3", f"file://{office.repo.path}", str(clone))
    assert (clone / ".git" / "shallow").read_text().strip() == office.repo.git("rev-parse", "HEAD~2").strip()
    code, out, err = run_cli("check", "--fail-on", "ofi", cwd=clone)
    assert (code, out) == (0, "") and "shallow clone" in err


# revisions reviewed on a branch and merged ----------------------------------------------------------


def revised_on_branch(office: Office, *, skip_review: bool = False) -> str:
    """SOP-001 revision A effective on main; revision B revised, edited, submitted and approved by Tom
    and Jane on the branch ``review/SOP-001``. ``skip_review``: Sam types status approved straight
    after the edit (draft -> approved, no review, no approvals). Returns the branch's last commit."""
    office.released_sop()
    office.repo.git("checkout", "-q", "-b", "review/SOP-001")
    with office.acting("sam") as qms:
        qms.revise("SOP-001", change="Purpose states who controls documents")
    edit(office, "Control documents.", "The quality manager controls documents.")
    office.commit_as("sam", "SOP-001: wording")
    if skip_review:
        edit(office, "status: draft", "status: approved")
        office.commit_as("sam", "SOP-001: approved")
    else:
        with office.acting("sam") as qms:
            qms.submit("SOP-001")
        with office.acting("tom") as qms:
            qms.approve("SOP-001", role="Process Owner")
        with office.acting("jane") as qms:
            qms.approve("SOP-001", role="Quality Manager")
    last = office.repo.git("rev-parse", "HEAD").strip()
    office.repo.git("checkout", "-q", "main")
    office.repo.write("unrelated.txt", "x")
    office.commit_as("tom", "unrelated")
    office.tick()
    merge_as_jane(office, "review/SOP-001")
    return last


def test_a_revision_reviewed_on_a_branch_and_merged_is_no_illegal_step(office: Office) -> None:
    """On the first-parent line the merge takes SOP-001 from A effective to B approved in one commit;
    the branch holds the draft, review and approvals between, and those are what is judged."""
    revised_on_branch(office)
    first_parent = office.repo.git("log", "--first-parent", "--format=%s", "--", DOC).splitlines()
    assert first_parent[0] == "Merge branch 'review/SOP-001'" and "submit" not in " ".join(first_parent[:1])
    assert found(office) == []
    with office.acting("jane") as qms:
        assert qms.release("SOP-001").status == "effective"
    assert found(office) == []


def test_an_illegal_step_on_a_merged_branch_names_the_branch_commit(office: Office) -> None:
    skipped = revised_on_branch(office, skip_review=True)
    steps = [(code, message) for code, message in found(office) if code == "DC304"]
    assert steps == [("DC304", f"illegal status step draft -> approved in commit {skipped[:12]} by Sam Okafor")]
