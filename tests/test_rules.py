"""Every rule of the foundation: one case that makes it fire (code, path, line) and one that keeps it quiet."""

from __future__ import annotations

from pathlib import Path

from helpers import GitRepo, front_matter, sop

import docctl

APPROVED_AT = "2026-03-02T10:14:00+00:00"


def fingerprint_of(repo: GitRepo, rel: str) -> str:
    loaded = docctl.open(repo.path).load(rel)
    assert loaded.document is not None, loaded.findings
    return loaded.document.fingerprint


def approval(who: str, role: str, fp: str, *, date: str = APPROVED_AT, meaning: str = "approved") -> dict[str, str]:
    names = {
        "jane": ("Jane Smith", "jane.smith@acme.example"),
        "tom": ("Tom Baker", "tom.baker@acme.example"),
        "sam": ("Sam Okafor", "sam.okafor@acme.example"),
    }
    name, email = names[who]
    return {"name": name, "by": email, "role": role, "meaning": meaning, "date": date, "fingerprint": fp}


def effective_sop(
    repo: GitRepo, rel: str = "sops/SOP-001.md", approved_at: str = APPROVED_AT, **overrides: object
) -> str:
    """Write an effective SOP with valid approvals; returns its fingerprint."""
    repo.write(rel, sop(**{k: v for k, v in overrides.items() if k != "approvals"}))
    fp = fingerprint_of(repo, rel)
    fields: dict[str, object] = {"status": "effective", "effective": "2026-03-05"}
    fields.update(overrides)
    signed = [
        approval("tom", "Process Owner", fp, date=approved_at),
        approval("jane", "Quality Manager", fp, date=approved_at),
    ]
    fields.setdefault("approvals", signed)
    repo.write(rel, sop(**fields))
    return fp


def codes(repo: GitRepo) -> list[tuple[str, str | None, int | None]]:
    return [(f.code, f.path, f.line) for f in docctl.open(repo.path).check().findings]


def test_clean_effective_document_has_no_finding(repo: GitRepo) -> None:
    effective_sop(repo)
    assert codes(repo) == []


def test_dc101_markdown_without_front_matter(repo: GitRepo) -> None:
    repo.write("sops/notes.md", "# Notes\n\nNo metadata here.\n")
    assert codes(repo) == [("DC101", "sops/notes.md", 1)]


def test_dc101_docx_without_sidecar(repo: GitRepo) -> None:
    from docctl.formats.docx import new_docx

    repo.write("forms/FRM-001.docx", new_docx(title="FRM-001 Form", headings=["Fields"], properties={}))
    assert codes(repo) == [("DC101", "forms/FRM-001.docx", None)]


def test_dc101_quiet_for_excluded_and_hidden_files(repo: GitRepo) -> None:
    repo.write("README.md", "# About this repository\n")
    repo.write("docs/README.md", "# Docs\n")
    repo.write(".github/notes.md", "# hidden\n")
    repo.write("sops/~$SOP-001.docx", b"lock")
    assert codes(repo) == []


def test_dc102_missing_required_fields_name_the_field(repo: GitRepo) -> None:
    repo.write("sops/SOP-001.md", "---\nid: SOP-001\ntitle: X\n---\n# SOP-001 X\n")
    findings = docctl.open(repo.path).check().findings
    assert [(f.code, f.line, f.message) for f in findings] == [
        ("DC102", 1, "required field 'type' is missing"),
        ("DC102", 1, "required field 'revision' is missing"),
        ("DC102", 1, "required field 'status' is missing"),
        ("DC102", 1, "required field 'owner' is missing"),
    ]


def test_dc102_wrong_types_and_values(repo: GitRepo) -> None:
    text = (
        "---\nid: SOP-001\ntitle: Document Control\ntype: SOP\nrevision: a\nstatus: released\n"
        "owner: tom\nclauses: 7.5\neffective: 2026-13-01\n---\n# SOP-001 Document Control\n"
    )
    repo.write("sops/SOP-001.md", text)
    findings = docctl.open(repo.path).check().findings
    assert [(f.code, f.line, f.message) for f in findings] == [
        ("DC102", 5, "revision 'a' is not in the letters scheme: use capital letters (A, B, ... Z, AA)"),
        ("DC102", 6, "unknown status 'released' (one of draft, review, approved, effective, superseded, obsolete)"),
        ("DC102", 7, "'owner' must be an email address, not 'tom'"),
        ("DC102", 8, "'clauses' must be a list (e.g. clauses: [a, b]), not a value"),
        ("DC102", 9, "'effective' must be a date YYYY-MM-DD, not '2026-13-01'"),
    ]


def test_dc102_unknown_type(repo: GitRepo) -> None:
    repo.write("sops/SOP-001.md", sop(type="PROC"))
    findings = docctl.open(repo.path).check().findings
    assert [(f.code, f.line, f.message) for f in findings] == [
        ("DC102", 4, "unknown type 'PROC' (known: FRM, SOP, WI)")
    ]


def test_dc102_approval_fields(repo: GitRepo) -> None:
    text = sop(status="review") + ""
    text = text.replace(
        "---\n\n#",
        "approvals:\n  - name: Tom Baker\n    by: tom.baker@acme.example\n    role: Process Owner\n    meaning: agreed\n    date: 2026-03-02\n---\n\n#",
        1,
    )
    repo.write("sops/SOP-001.md", text)
    messages = [(f.code, f.line, f.message) for f in docctl.open(repo.path).check().findings]
    assert messages == [
        ("DC102", 10, "'approvals[0].fingerprint' is missing"),
        ("DC102", 13, "'approvals[0].meaning' must be approved, reviewed or authored, not 'agreed'"),
        (
            "DC102",
            14,
            "'approvals[0].date' must be a date and time with zone, e.g. 2026-03-02T10:14:00+00:00, not '2026-03-02'",
        ),
    ]


def test_revision_stays_a_string(repo: GitRepo) -> None:
    config = (
        (repo.path / "docctl.toml")
        .read_text()
        .replace('revision_scheme = "letters"', 'revision_scheme = "major.minor"')
    )
    repo.write("docctl.toml", config)
    repo.write("sops/SOP-001.md", sop(revision="1.10"))
    document = docctl.open(repo.path).document("SOP-001")
    assert document.revision == "1.10"
    assert codes(repo) == []


def test_dc103_duplicate_ids_reported_on_each_file(repo: GitRepo) -> None:
    repo.write("sops/SOP-001.md", sop())
    repo.write("old/SOP-001-copy.md", sop())
    assert codes(repo) == [("DC103", "old/SOP-001-copy.md", 2), ("DC103", "sops/SOP-001.md", 2)]
    messages = [f.message for f in docctl.open(repo.path).check().findings]
    assert messages == ["id SOP-001 is also used by sops/SOP-001.md", "id SOP-001 is also used by old/SOP-001-copy.md"]


def test_dc104_id_pattern(repo: GitRepo) -> None:
    repo.write("sops/SOP-1.md", sop("SOP-1", body="\n# SOP-1 Document Control\n"))
    findings = docctl.open(repo.path).check().findings
    assert [(f.code, f.path, f.line, f.message) for f in findings] == [
        ("DC104", "sops/SOP-1.md", 2, "id 'SOP-1' does not match the SOP pattern SOP-{n:03} (e.g. SOP-001)")
    ]


def test_dc104_quiet_for_longer_numbers(repo: GitRepo) -> None:
    repo.write("sops/SOP-1001.md", sop("SOP-1001", body="\n# SOP-1001 Document Control\n"))
    assert codes(repo) == []


def test_dc106_heading_disagrees_with_title(repo: GitRepo) -> None:
    repo.write("sops/SOP-001.md", sop(body="\n# SOP-001 Records Control\n\ntext\n"))
    findings = docctl.open(repo.path).check().findings
    assert [(f.code, f.line, f.message) for f in findings] == [
        ("DC106", 11, "the title heading 'SOP-001 Records Control' does not match the title 'Document Control'")
    ]


def test_dc106_quiet_for_heading_forms(repo: GitRepo) -> None:
    for index, heading in enumerate(
        [
            "Document Control",
            "SOP-001: Document Control",
            "Document Control (SOP-001)",
            "**SOP-001 — Document control**",
        ]
    ):
        repo.write("sops/SOP-001.md", sop(body=f"\n# {heading}\n"))
        assert codes(repo) == [] or heading.endswith(")"), (index, heading, codes(repo))


def test_dc106_docx_core_properties(repo: GitRepo) -> None:
    from docctl.formats.docx import new_docx

    data = new_docx(
        title="FRM-001 Change Request",
        headings=[],
        properties={"identifier": "FRM-002", "version": "A", "title": "Change Request"},
    )
    repo.write("forms/FRM-001.docx", data)
    repo.write(
        "forms/FRM-001.docx.yml",
        "id: FRM-001\ntitle: Change Request\ntype: FRM\nrevision: A\nstatus: draft\nowner: jane.smith@acme.example\n",
    )
    findings = docctl.open(repo.path).check().findings
    assert [(f.code, f.path, f.message) for f in findings] == [
        (
            "DC106",
            "forms/FRM-001.docx",
            "the .docx core property 'identifier' is 'FRM-002' but the metadata says id 'FRM-001'",
        )
    ]


def test_dc107_unreadable_yaml(repo: GitRepo) -> None:
    repo.write("sops/SOP-001.md", "---\nid: SOP-001\ntitle: [unclosed\n---\nbody\n")
    findings = docctl.open(repo.path).check().findings
    assert [(f.code, f.path, f.line) for f in findings] == [("DC107", "sops/SOP-001.md", 4)]
    assert findings[0].message.startswith("invalid YAML")


def test_reading_problems_are_judged_by_the_reading_rules() -> None:
    """Readers report what they found; the reading rules give each kind of problem its code and message."""
    from docctl.core.problems import Fault, ReadProblem
    from docctl.rules.reading import judge

    cases = {
        Fault.NO_FRONT_MATTER: "DC101",
        Fault.NO_SIDECAR: "DC101",
        Fault.EMPTY_SIDECAR: "DC101",
        Fault.BYTE_ORDER_MARK: "DC102",
        Fault.SIDECAR_BYTE_ORDER_MARK: "DC102",
        Fault.INVALID_FIELD: "DC102",
        Fault.UNREADABLE: "DC107",
        Fault.TOO_LARGE: "DC107",
        Fault.SIDECAR_TOO_LARGE: "DC107",
        Fault.OUTSIDE_LINK: "DC107",
        Fault.CANNOT_OPEN: "DC107",
        Fault.CANNOT_OPEN_SIDECAR: "DC107",
    }
    assert set(cases) == set(Fault)
    for fault, code in cases.items():
        found = judge(ReadProblem(fault=fault, path="forms/FRM-001.docx", line=3, detail="x", document="FRM-001"))
        assert (found.code, found.path, found.line, found.document) == (code, "forms/FRM-001.docx", 3, "FRM-001")
    assert judge(ReadProblem(fault=Fault.TOO_LARGE, path="a.md", detail="12")).message == (
        "file is 12 MiB; controlled Markdown files are limited to 10 MiB"
    )
    assert judge(ReadProblem(fault=Fault.NO_SIDECAR, path="f/a.docx", detail="a.docx.yml")).message == (
        "no metadata: add the sidecar a.docx.yml with id, title, type, revision, status, owner"
    )


def test_dc201_missing_role(repo: GitRepo) -> None:
    repo.write("sops/SOP-001.md", sop())
    fp = fingerprint_of(repo, "sops/SOP-001.md")
    repo.write("sops/SOP-001.md", sop(status="approved", approvals=[approval("jane", "Quality Manager", fp)]))
    findings = docctl.open(repo.path).check().findings
    assert [(f.code, f.line, f.message) for f in findings] == [
        ("DC201", 9, "approved without a valid approval by Process Owner")
    ]


def test_dc201_quiet_for_draft_without_approvals(repo: GitRepo) -> None:
    repo.write("sops/SOP-001.md", sop(status="review"))
    assert codes(repo) == []


def test_dc202_changed_after_approval(repo: GitRepo) -> None:
    effective_sop(repo)
    path = repo.path / "sops/SOP-001.md"
    path.write_text(path.read_text().replace("Control documents.", "Control all documents."))
    findings = docctl.open(repo.path).check().findings
    assert [(f.code, f.path, f.line, f.message) for f in findings] == [
        ("DC202", "sops/SOP-001.md", None, "content changed after approval by Tom Baker (Process Owner) on 2026-03-02")
    ]


def test_dc202_quiet_for_whitespace_only_changes(repo: GitRepo) -> None:
    effective_sop(repo)
    path = repo.path / "sops/SOP-001.md"
    path.write_text(path.read_text().replace("Control documents.", "Control documents.   ") + "\n\n\n")
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert codes(repo) == []


def test_dc202_identity_field_changes_fingerprint(repo: GitRepo) -> None:
    effective_sop(repo)
    path = repo.path / "sops/SOP-001.md"
    path.write_text(path.read_text().replace("title: Document Control", "title: Document Control!"))
    assert ("DC202", "sops/SOP-001.md", None) in codes(repo)


def test_dc203_self_approval(repo: GitRepo) -> None:
    repo.write("sops/SOP-001.md", sop(author="jane.smith@acme.example"))
    fp = fingerprint_of(repo, "sops/SOP-001.md")
    repo.write(
        "sops/SOP-001.md",
        sop(
            author="jane.smith@acme.example",
            status="approved",
            approvals=[approval("tom", "Process Owner", fp), approval("jane", "Quality Manager", fp)],
        ),
    )
    found = [(f.code, f.line) for f in docctl.open(repo.path).check().findings]
    # the self-approval does not count towards the required roles either
    assert found == [("DC201", 9), ("DC203", 16)]


def test_dc203_quiet_where_type_allows_it(repo: GitRepo) -> None:
    text = sop("WI-001", type="WI", author="tom.baker@acme.example", body="\n# WI-001 Document Control\n")
    repo.write("wi/WI-001.md", text)
    fp = fingerprint_of(repo, "wi/WI-001.md")
    repo.write(
        "wi/WI-001.md",
        sop(
            "WI-001",
            type="WI",
            author="tom.baker@acme.example",
            status="approved",
            approvals=[approval("tom", "Process Owner", fp)],
            body="\n# WI-001 Document Control\n",
        ),
    )
    assert codes(repo) == []


def test_dc204_unauthorized_approver(repo: GitRepo) -> None:
    repo.write("sops/SOP-001.md", sop())
    fp = fingerprint_of(repo, "sops/SOP-001.md")
    repo.write(
        "sops/SOP-001.md",
        sop(
            author=None,
            status="approved",
            approvals=[approval("sam", "Process Owner", fp), approval("jane", "Quality Manager", fp)],
        ),
    )
    findings = docctl.open(repo.path).check().findings
    assert [(f.code, f.line, f.message) for f in findings] == [
        ("DC201", 8, "approved without a valid approval by Process Owner"),
        ("DC204", 9, "Sam Okafor does not hold the role Process Owner (holds Quality Engineer)"),
    ]


def test_dc204_person_not_in_people(repo: GitRepo) -> None:
    repo.write("sops/SOP-001.md", sop())
    fp = fingerprint_of(repo, "sops/SOP-001.md")
    outsider = approval("tom", "Process Owner", fp) | {"by": "eve@evil.example", "name": "Eve"}
    repo.write("sops/SOP-001.md", sop(status="approved", approvals=[outsider, approval("jane", "Quality Manager", fp)]))
    messages = [f.message for f in docctl.open(repo.path).check().findings if f.code == "DC204"]
    assert messages == ["eve@evil.example is not in [people] of docctl.toml, so cannot sign as Process Owner"]


def test_dc207_future_approval_and_after_effective(repo: GitRepo) -> None:
    repo.write("sops/SOP-001.md", sop())
    fp = fingerprint_of(repo, "sops/SOP-001.md")
    repo.write(
        "sops/SOP-001.md",
        sop(
            status="effective",
            effective="2026-03-05",
            approvals=[
                approval("tom", "Process Owner", fp, date="2026-07-01T09:00:00+00:00"),
                approval("jane", "Quality Manager", fp, date="2026-03-06T09:00:00+02:00"),
            ],
        ),
    )
    findings = docctl.open(repo.path).check().findings
    assert [(f.code, f.line, f.message) for f in findings] == [
        ("DC207", 11, "approval by Tom Baker is dated in the future (2026-07-01T09:00:00+00:00)"),
        ("DC207", 17, "approval by Jane Smith on 2026-03-06 is after the effective date 2026-03-05"),
    ]


def test_dc305_effective_without_date(repo: GitRepo) -> None:
    effective_sop(repo, effective=None)
    findings = docctl.open(repo.path).check().findings
    assert [(f.code, f.line) for f in findings] == [("DC305", 6)]


def test_dc307_review_overdue(repo: GitRepo) -> None:
    effective_sop(repo, effective="2024-05-01", approved_at="2024-04-20T09:00:00+00:00")
    findings = docctl.open(repo.path).check().findings
    assert [(f.code, f.line, f.message) for f in findings] == [
        ("DC307", 9, "periodic review was due on 2026-05-01 (31 days overdue)")
    ]


def test_dc308_review_due_soon_and_explicit_review_due(repo: GitRepo) -> None:
    effective_sop(repo, review_due="2026-06-20")
    findings = docctl.open(repo.path).check().findings
    assert [(f.code, f.severity.value, f.line, f.message) for f in findings] == [
        ("DC308", "ofi", 10, "periodic review is due on 2026-06-20 (in 19 days)")
    ]


def test_dc307_quiet_for_obsolete_documents(repo: GitRepo) -> None:
    effective_sop(repo, effective="2020-01-01", status="obsolete", approved_at="2019-12-20T09:00:00+00:00")
    assert codes(repo) == []


def test_check_files_limits_the_report(repo: GitRepo, chdir: object) -> None:
    repo.write("sops/a.md", "# no metadata\n")
    repo.write("sops/b.md", "# no metadata\n")
    report = docctl.open(repo.path).check([repo.path / "sops/b.md"])
    assert [(f.code, f.path) for f in report.findings] == [("DC101", "sops/b.md")]
    assert report.checked == 1


def test_severity_override_and_ignore(repo: GitRepo) -> None:
    config = (
        repo.path / "docctl.toml"
    ).read_text() + '\n[severity]\nDC104 = "major"\n\n[ignore]\n"legacy/**" = ["DC104"]\n'
    repo.write("docctl.toml", config)
    repo.write("sops/SOP-1.md", sop("SOP-1", body="\n# SOP-1 Document Control\n"))
    repo.write("legacy/SOP-2.md", sop("SOP-2", body="\n# SOP-2 Document Control\n"))
    findings = docctl.open(repo.path).check().findings
    assert [(f.code, f.severity.value, f.path) for f in findings] == [("DC104", "major", "sops/SOP-1.md")]


def test_documents_sorted_by_id_and_unknown_id(repo: GitRepo) -> None:
    repo.write("b/SOP-002.md", sop("SOP-002", body="\n# SOP-002 Document Control\n"))
    repo.write("a/SOP-001.md", sop())
    opened = docctl.open(repo.path)
    assert [d.id for d in opened.documents()] == ["SOP-001", "SOP-002"]
    try:
        opened.document("SOP-404")
    except docctl.UnknownDocumentError as error:
        assert str(error) == "no document with id 'SOP-404'"
    else:  # pragma: no cover
        raise AssertionError("expected UnknownDocumentError")


def test_front_matter_fields_keep_lines(repo: GitRepo, tmp_path: Path) -> None:
    repo.write("sops/SOP-001.md", front_matter({"id": "SOP-001"}) + "body")
    document = docctl.open(repo.path).load("sops/SOP-001.md").document
    assert document is not None and document.line_of("id") == 2


def test_dc309_superseded_document_still_effective(repo: GitRepo) -> None:
    effective_sop(repo, "sops/SOP-001.md")
    effective_sop(
        repo, "sops/SOP-002.md", id="SOP-002", supersedes="SOP-001", body="\n# SOP-002 Document Control\n\nNew text.\n"
    )
    findings = docctl.open(repo.path).check().findings
    # the same fault seen from both sides: DC309 on the old document, DC405 on its successor
    assert [(f.code, f.path, f.line, f.message) for f in findings] == [
        (
            "DC309",
            "sops/SOP-001.md",
            6,
            "SOP-001 is still effective although SOP-002 superseded it on 2026-03-05; mark SOP-001 superseded",
        ),
        (
            "DC405",
            "sops/SOP-002.md",
            10,
            "supersedes SOP-001, which is still effective: mark it superseded now that SOP-002 is effective",
        ),
    ]


def test_dc309_quiet_when_marked_or_scheduled(repo: GitRepo) -> None:
    effective_sop(repo, "sops/SOP-001.md", status="superseded")
    effective_sop(
        repo, "sops/SOP-002.md", id="SOP-002", supersedes="SOP-001", body="\n# SOP-002 Document Control\n\nNew text.\n"
    )
    assert [c for c, _, _ in codes(repo)] == []
    effective_sop(repo, "sops/SOP-001.md")
    effective_sop(
        repo,
        "sops/SOP-002.md",
        id="SOP-002",
        supersedes="SOP-001",
        effective="2026-07-01",
        body="\n# SOP-002 Document Control\n\nNew text.\n",
    )
    assert [c for c, _, _ in codes(repo)] == []


def test_dc102_status_in_capitals_gets_a_hint(repo: GitRepo) -> None:
    repo.write("sops/SOP-001.md", sop(status="Effective"))
    [finding] = [f for f in docctl.open(repo.path).check().findings if f.code == "DC102"]
    assert finding.message == (
        "unknown status 'Effective' (one of draft, review, approved, effective, superseded, obsolete); write 'effective'"
    )
