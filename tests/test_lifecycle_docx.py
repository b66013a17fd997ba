"""The lifecycle of a .docx document: the sidecar is edited in place, the core properties follow it,
and the content (the fingerprint of the body) is never touched by a lifecycle step."""

from __future__ import annotations

import io
from collections.abc import Callable

import docx
import pytest
from helpers import GitRepo
from test_lifecycle import Step, Team, approval_lines, changed, files_of, head, refused, trailers

from docctl.formats.docx import read_docx

Run = Callable[..., tuple[int, str, str]]
DOCX = "sops/SOP-001-document-control.docx"
SIDECAR = DOCX + ".yml"


@pytest.fixture
def team(repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> Team:
    repo.commit("Set up the controlled document repository")
    return Team(repo, monkeypatch)


def core(repo: GitRepo) -> tuple[str | None, str | None, str | None, str | None]:
    properties = read_docx((repo.path / DOCX).read_bytes()).properties
    return tuple(properties.get(key) for key in ("identifier", "title", "version", "content_status"))  # type: ignore[return-value]


def body(repo: GitRepo) -> str:
    return read_docx((repo.path / DOCX).read_bytes()).body


def test_docx_document_from_new_to_obsolete(team: Team, run_cli: Run) -> None:
    repo = team.repo
    step = Step(team, run_cli)

    out = step(
        "sam",
        "2026-06-01T09:00:00+00:00",
        "new",
        "SOP",
        "Document Control",
        "--format",
        "docx",
        "--owner",
        "tom.baker@acme.example",
    )
    assert out == f"created SOP-001: {DOCX}\n"
    assert sorted(files_of(repo)) == [DOCX, SIDECAR]
    assert (repo.path / SIDECAR).read_text() == (
        "id: SOP-001\ntitle: Document Control\ntype: SOP\nrevision: A\nstatus: draft\n"
        "owner: tom.baker@acme.example\nauthor: sam.okafor@acme.example\nclauses: []\nreferences: []\n"
    )
    assert core(repo) == ("SOP-001", "Document Control", "A", "draft")
    text = body(repo)
    assert text.splitlines()[:2] == ["SOP-001 Document Control", "Purpose"]
    print_a = team.lib().document("SOP-001").fingerprint
    assert trailers(repo)[-1] == ("Docctl-Fingerprint", print_a)

    def expect(
        action: str, revision: str, status: str, removed: list[str], added: list[str], *, docx_changed: bool
    ) -> None:
        assert sorted(files_of(repo)) == ([DOCX, SIDECAR] if docx_changed else [SIDECAR])
        assert changed(repo) == (removed, added)
        document = team.lib().document("SOP-001")
        assert trailers(repo)[:4] == [
            ("Docctl-Action", action),
            ("Docctl-Document", "SOP-001"),
            ("Docctl-Revision", revision),
            ("Docctl-Fingerprint", document.fingerprint),
        ]
        assert core(repo) == ("SOP-001", "Document Control", revision, status)
        assert body(repo) == text
        assert team.lib().check().findings == ()

    step("sam", "2026-06-01T10:00:00+00:00", "submit", "SOP-001")
    expect("submit", "A", "review", ["status: draft"], ["status: review"], docx_changed=True)
    step("tom", "2026-06-02T10:00:00+00:00", "approve", "SOP-001", "--role", "Process Owner", via="env")
    tom = approval_lines("tom", "Process Owner", "2026-06-02T10:00:00+00:00", print_a, first=True)
    expect("approve", "A", "review", [], tom, docx_changed=False)
    step("jane", "2026-06-03T10:00:00+00:00", "approve", "SOP-001", "--role", "Quality Manager")
    jane = approval_lines("jane", "Quality Manager", "2026-06-03T10:00:00+00:00", print_a)
    expect("approve", "A", "approved", ["status: review"], ["status: approved", *jane], docx_changed=True)
    step("jane", "2026-06-04T10:00:00+00:00", "release", "SOP-001")
    expect(
        "release",
        "A",
        "effective",
        ["status: approved"],
        ["status: effective", "effective: 2026-06-04", "review_due: 2028-06-04"],
        docx_changed=True,
    )
    assert repo.git("rev-parse", "SOP-001/A^{commit}").strip() == head(repo)
    assert team.lib().document("SOP-001").fingerprint == print_a

    step("sam", "2027-03-01T10:00:00+00:00", "revise", "SOP-001", "--change", "Records kept ten years")
    expect(
        "revise",
        "B",
        "draft",
        ["revision: A", "status: effective", "effective: 2026-06-04", "review_due: 2028-06-04", *tom, *jane],
        ["revision: B", "status: draft", "change: Records kept ten years"],
        docx_changed=True,
    )

    # the author edits the document in a word processor (here python-docx) and commits it
    team.act("sam")
    document = docx.Document(str(repo.path / DOCX))
    document.add_paragraph("Records are kept for ten years.")
    buffer = io.BytesIO()
    document.save(buffer)
    repo.write(DOCX, buffer.getvalue())
    repo.git("commit", "-q", "-am", "SOP-001: records kept ten years")
    text = body(repo)
    assert text.endswith("Records are kept for ten years.")
    print_b = team.lib().document("SOP-001").fingerprint
    assert core(repo) == ("SOP-001", "Document Control", "B", "draft")

    step("sam", "2027-03-02T10:00:00+00:00", "submit", "SOP-001")
    expect("submit", "B", "review", ["status: draft"], ["status: review"], docx_changed=True)
    step("tom", "2027-03-03T10:00:00+00:00", "approve", "SOP-001", "--role", "Process Owner")
    step("jane", "2027-03-03T11:00:00+00:00", "approve", "SOP-001", "--role", "Quality Manager")
    step("jane", "2027-03-04T10:00:00+00:00", "release", "SOP-001")
    expect(
        "release",
        "B",
        "effective",
        ["status: approved"],
        ["status: effective", "effective: 2027-03-04", "review_due: 2029-03-04"],
        docx_changed=True,
    )
    assert repo.git("tag", "-l").split() == ["SOP-001/A", "SOP-001/B"]
    assert team.lib().document("SOP-001").fingerprint == print_b

    step("jane", "2028-01-10T10:00:00+00:00", "obsolete", "SOP-001", "--reason", "Replaced")
    expect("obsolete", "B", "obsolete", ["status: effective"], ["status: obsolete"], docx_changed=True)


def test_docx_refusal_leaves_both_files_untouched(team: Team, run_cli: Run) -> None:
    team.act("sam")
    team.lib().new("SOP", "Document Control", format="docx", owner="tom.baker@acme.example")
    refused(
        team,
        run_cli,
        "tom",
        ["approve", "SOP-001", "--role", "Process Owner"],
        "SOP-001 is a draft; submit it for review before approving it",
    )


def test_docx_with_crlf_sidecar_and_comments(team: Team) -> None:
    repo = team.repo
    team.act("sam")
    team.lib().new("SOP", "Document Control", format="docx", owner="tom.baker@acme.example")
    sidecar = (
        (repo.path / SIDECAR)
        .read_text()
        .replace("status: draft\n", "status: draft   # lifecycle\n")
        .replace("\n", "\r\n")
    )
    repo.write(SIDECAR, sidecar.encode())
    repo.git("commit", "-q", "-am", "CRLF sidecar")
    team.lib().submit("SOP-001")
    assert (repo.path / SIDECAR).read_bytes() == sidecar.replace("status: draft", "status: review").encode()
    assert core(repo)[3] == "review"
