"""Reference rules DC401-DC407: each fires with the right code, path and line, and keeps quiet when
it should, in Markdown and in .docx. Plus what counts as a clause or document reference in text."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from helpers import GitRepo, front_matter, sop

import docctl
from docctl.references.model import Extracted

EFFECTIVE = {"status": "effective", "effective": "2026-03-05"}


def ref_findings(repo: GitRepo, *files: str) -> list[tuple[str, str | None, int | None]]:
    """(code, path, line) of the reference findings (DC4xx) of a check."""
    report = docctl.open(repo.path).check(list(files) or None)
    return [(f.code, f.path, f.line) for f in report.findings if f.code.startswith("DC4")]


def extract(repo: GitRepo, doc_id: str = "SOP-001") -> Extracted:
    """The references of one document, as the composer extracts them for the rules."""
    opened = docctl.open(repo.path)
    return opened.references().extract(opened.document(doc_id))


def messages(repo: GitRepo, code: str) -> list[str]:
    return [f.message for f in docctl.open(repo.path).check().findings if f.code == code]


def body(*lines: str) -> str:
    """A Markdown body: a blank line, the title heading, a blank line, then ``lines``."""
    return "\n# {id} Title\n\n" + "\n".join(lines) + "\n"


def write_sop(repo: GitRepo, doc_id: str, *, text: str = "", **fields: Any) -> str:
    rel = f"sops/{doc_id}.md"
    content = body(text).replace("{id}", doc_id) if text else f"\n# {doc_id} Document Control\n"
    repo.write(rel, sop(doc_id, body=content, **fields))
    return rel


def docx_bytes(title: str, paragraphs: list[str]) -> bytes:
    """A .docx with a Title paragraph and body paragraphs (python-docx)."""
    import docx

    from docctl.formats.docx import new_docx

    document = docx.Document(
        io.BytesIO(new_docx(title=title, headings=[], properties={"title": title.split(" ", 1)[1]}))
    )
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def write_form(repo: GitRepo, doc_id: str = "FRM-001", paragraphs: list[str] | None = None, **fields: Any) -> str:
    """A form as .docx plus sidecar; returns the .docx path."""
    rel = f"forms/{doc_id}.docx"
    repo.write(rel, docx_bytes(f"{doc_id} Change Request", paragraphs or []))
    meta = {
        "id": doc_id,
        "title": "Change Request",
        "type": "FRM",
        "revision": "A",
        "status": "draft",
        "owner": "jane.smith@acme.example",
    }
    meta.update(fields)
    repo.write(rel + ".yml", front_matter(meta).removeprefix("---\n").removesuffix("---\n"))
    return rel


# --- DC401 unknown-clause ----------------------------------------------------------------------


def test_dc401_metadata_clause_not_in_catalogue(repo: GitRepo) -> None:
    write_sop(repo, "SOP-001", clauses=["7.5.3", "7.5.9"])
    assert ref_findings(repo) == [("DC401", "sops/SOP-001.md", 9)]
    assert messages(repo, "DC401") == ["clause 7.5.9 is not in the iso9001:2015 catalogue"]


def test_dc401_metadata_unknown_standard_and_malformed_reference(repo: GitRepo) -> None:
    repo.write(
        "sops/SOP-001.md",
        sop("SOP-001").replace(
            "author:", "clauses:\n  - iso9999:2000#4.1\n  - seven\n  - iso13485:2016#4.2.4\nauthor:"
        ),
    )
    assert ref_findings(repo) == [("DC401", "sops/SOP-001.md", 9), ("DC401", "sops/SOP-001.md", 10)]
    assert messages(repo, "DC401") == [
        "unknown standard 'iso9999:2000' in 'iso9999:2000#4.1' (catalogues: iso13485:2016, iso14001:2015, iso45001:2018, iso9001:2015)",
        "'seven' is not a clause reference: write a clause number (7.5.3) or standard#number (iso13485:2016#4.2.4)",
    ]


def test_dc401_body_clause_not_in_catalogue(repo: GitRepo) -> None:
    write_sop(repo, "SOP-001", text="Purpose.\n\nAs required by ISO 9001:2015 clause 7.5.9, we control documents.")
    # front matter: 8 lines + '---' -> body starts on line 10; heading on 11, text on 13-15
    assert ref_findings(repo) == [("DC401", "sops/SOP-001.md", 15)]
    assert messages(repo, "DC401") == [
        "'ISO 9001:2015 clause 7.5.9': clause 7.5.9 is not in the iso9001:2015 catalogue"
    ]


def test_dc401_docx_sidecar_and_body(repo: GitRepo) -> None:
    write_form(repo, paragraphs=["Fill in per ISO 9001:2015 clause 7.5.9."], clauses=["7.5.2", "11.1"])
    assert ref_findings(repo) == [("DC401", "forms/FRM-001.docx", None), ("DC401", "forms/FRM-001.docx.yml", 7)]


def test_dc401_quiet_for_known_clauses_in_metadata_and_docx(repo: GitRepo) -> None:
    write_sop(
        repo,
        "SOP-001",
        clauses=["7.5", "iso13485:2016#4.2.4", "ISO9001:2015#10.2.1"],
        text="See clause 7.5.3 and ISO 13485:2016 4.2.4.",
    )
    write_form(repo, paragraphs=["Per § 7.5.2 and (ref. 7.5.3.1)."], clauses=["7.5.2"])
    assert ref_findings(repo) == []


NOT_CLAUSES = [
    "## 1. Purpose",
    "## 5.3 Records",
    "1. Identification of the part",
    "Version 2.1 of the software, released 2026-03-02.",
    "Flatness 0.05 mm, roughness Ra 1.6, tolerance ±0.02 mm, 20 ± 2 °C.",
    "Material certificate EN 10204 3.1 for 1.4404 steel.",
    "Audits follow ISO 19011:2018 clause 5.4 and the customer contract clause 12.3.",
    "Electronic records per 21 CFR 11.10 and § 820.30 of 21 CFR.",
    "Measure per ISO 10360-2 and ISO 2768-1; see section 4.2 of QM-001.",
    "Use `clause 9.9` in a code span, ref. 1.4404 and ref. 2026.03.",
    "```\nclause 9.9.9\n```",
    "<!-- clause 9.9 in a comment -->",
    "See https://example.com/clause/9.9 and www.example.com/ref.9.9",
    "Quality since 2019; 8.5 hours per shift; page 7.5 of 10.",
]


@pytest.mark.parametrize("text", NOT_CLAUSES)
def test_numbers_outside_a_clause_context_are_not_clauses(repo: GitRepo, text: str) -> None:
    write_sop(repo, "SOP-001", text=text)
    assert [c.text for c in extract(repo).clauses] == []


CLAUSE_FORMS = [
    ("ISO 9001:2015 clause 7.5.3", [("iso9001:2015", "7.5.3")]),
    ("as required by clause 8.5.1.", [("iso9001:2015", "8.5.1")]),
    ("see § 8.5.1 and §§ 7.1.5", [("iso9001:2015", "8.5.1"), ("iso9001:2015", "7.1.5")]),
    ("calibrated (ref. 7.1.5.1)", [("iso9001:2015", "7.1.5.1")]),
    ("ISO 13485:2016 4.2.4", [("iso13485:2016", "4.2.4")]),
    ("EN ISO 13485:2016, clause 4.2.5", [("iso13485:2016", "4.2.5")]),
    ("sub-clause 7.5.3.2", [("iso9001:2015", "7.5.3.2")]),
    ("ISO 9001:2015 clauses 7.2 and 7.3", [("iso9001:2015", "7.2"), ("iso9001:2015", "7.3")]),
    ("(ref. 7.5.2 c) and (ref. 10.2.1 b 3)", [("iso9001:2015", "7.5.2"), ("iso9001:2015", "10.2.1")]),
    ("ISO 9001:2015 clause\n7.1.5, ref. 7.1.5.2", [("iso9001:2015", "7.1.5"), ("iso9001:2015", "7.1.5.2")]),
    ("(ref. 8.2 to 8.4)", [("iso9001:2015", "8.2"), ("iso9001:2015", "8.3"), ("iso9001:2015", "8.4")]),
    ("Clause 4 and clauses 9.1, 9.2", [("iso9001:2015", "4"), ("iso9001:2015", "9.1"), ("iso9001:2015", "9.2")]),
    ("ISO 14001:2015 § 6.1.2", [("iso14001:2015", "6.1.2")]),
]


@pytest.mark.parametrize(("text", "expected"), CLAUSE_FORMS)
def test_clause_forms_quality_writers_use(repo: GitRepo, text: str, expected: list[tuple[str, str]]) -> None:
    write_sop(repo, "SOP-001", text=text)
    found = [(c.standard, c.number) for c in extract(repo).clauses]
    assert found == expected


def test_clause_mentions_carry_the_line_of_the_number(repo: GitRepo) -> None:
    write_sop(repo, "SOP-001", text="First line.\nISO 9001:2015 clause\n7.1.5 applies.")
    [mention] = extract(repo).clauses
    assert (mention.line, mention.where, mention.text) == (15, "body", "ISO 9001:2015 clause 7.1.5")


# --- DC402 broken-reference ---------------------------------------------------------------------


def test_dc402_metadata_reference_to_a_missing_id(repo: GitRepo) -> None:
    write_sop(repo, "SOP-002")
    write_sop(repo, "SOP-001", references=["SOP-002", "SOP-099"])
    assert ref_findings(repo) == [("DC402", "sops/SOP-001.md", 9)]
    assert messages(repo, "DC402") == ["references SOP-099, which does not exist"]


def test_dc402_metadata_reference_line_in_a_block_list(repo: GitRepo) -> None:
    text = sop("SOP-001").replace("author:", "references:\n  - WI-001\nauthor:")
    repo.write("sops/SOP-001.md", text)
    assert ref_findings(repo) == [("DC402", "sops/SOP-001.md", 9)]


def test_dc402_mentions_in_body_one_finding_per_missing_id(repo: GitRepo) -> None:
    write_sop(repo, "SOP-001", text="Raise a report on FRM-009.\n\nFile FRM-009 with the NCR.")
    assert ref_findings(repo) == [("DC402", "sops/SOP-001.md", 13)]
    assert messages(repo, "DC402") == ["mentions FRM-009, which does not exist (also on line 15)"]


def test_dc402_relative_link_to_a_missing_controlled_file(repo: GitRepo) -> None:
    write_sop(repo, "SOP-002")
    write_sop(repo, "SOP-001", text="Records: [SOP-002](SOP-002.md).\nOld: [records](../sops/SOP-098-old.md#scope)")
    assert ref_findings(repo) == [("DC402", "sops/SOP-001.md", 14)]
    assert messages(repo, "DC402") == [
        "links to sops/SOP-098-old.md, which is not a controlled document in this repository"
    ]


def test_dc402_docx_sidecar_reference_and_body_mention(repo: GitRepo) -> None:
    write_form(repo, paragraphs=["Completed forms are filed per SOP-077."], references=["SOP-078"])
    assert ref_findings(repo) == [("DC402", "forms/FRM-001.docx", None), ("DC402", "forms/FRM-001.docx.yml", 7)]


def test_dc402_quiet_for_code_urls_link_targets_and_existing_ids(repo: GitRepo) -> None:
    write_sop(repo, "SOP-002")
    write_form(repo, paragraphs=["See SOP-001 and SOP-002."], references=["SOP-001"])
    text = (
        "Uses SOP-002 and [the form](../forms/FRM-001.docx) and [FRM-001](../forms/FRM-001.docx.yml).\n"
        "Run `docctl show SOP-099` or see https://example.com/SOP-098 and <https://x.example/WI-097>.\n"
        "This is SOP-001 itself; the file sops/SOP-096-x.md and SOP-095-draft.md are names, not ids.\n"
        "An image ![flow chart](img/SOP-093.png) and a link definition:\n"
        "\n[SOP-094]: http://example.com/SOP-094\n"  # a definition cannot interrupt a paragraph (CommonMark)
        "\n```\nSOP-092\n```\n\n    SOP-091 in an indented code block\n\n<!-- SOP-090 -->\n\n"
        "1. A list item\n\n    continues with SOP-002 (not code)\n"
    )
    write_sop(repo, "SOP-001", references=["SOP-002", "FRM-001"], text=text)
    assert ref_findings(repo) == []
    kinds = [(r.kind, r.target) for r in extract(repo).references]
    assert kinds == [
        ("references", "SOP-002"),
        ("references", "FRM-001"),
        ("link", "forms/FRM-001.docx"),
        ("link", "forms/FRM-001.docx"),
        ("mention", "SOP-002"),
        ("mention", "FRM-001"),
        ("mention", "SOP-002"),
    ]


# --- DC403 obsolete-reference -------------------------------------------------------------------


def test_dc403_effective_document_references_an_obsolete_one(repo: GitRepo) -> None:
    write_sop(repo, "SOP-002", status="obsolete")
    write_sop(repo, "SOP-001", references=["SOP-002"], text="Keep records per SOP-002.", **EFFECTIVE)
    assert ref_findings(repo) == [("DC403", "sops/SOP-001.md", 9), ("DC403", "sops/SOP-001.md", 15)]
    assert messages(repo, "DC403")[0] == "effective document references SOP-002, which is obsolete"


def test_dc403_names_the_successor(repo: GitRepo) -> None:
    write_sop(repo, "SOP-002", status="superseded")
    write_sop(repo, "SOP-003", supersedes="SOP-002", **EFFECTIVE)
    write_sop(repo, "SOP-001", references=["SOP-002"], status="approved")
    assert ref_findings(repo) == [("DC403", "sops/SOP-001.md", 9)]
    assert messages(repo, "DC403") == ["approved document references SOP-002, which is superseded; use SOP-003 instead"]


def test_dc403_docx_sidecar_and_body(repo: GitRepo) -> None:
    write_sop(repo, "SOP-002", status="obsolete")
    write_form(repo, paragraphs=["File per SOP-002."], references=["SOP-002"], **EFFECTIVE)
    assert ref_findings(repo) == [("DC403", "forms/FRM-001.docx", None), ("DC403", "forms/FRM-001.docx.yml", 7)]


def test_dc403_quiet_for_drafts_the_replaced_document_and_revision_history(repo: GitRepo) -> None:
    write_sop(repo, "SOP-002", status="superseded")
    write_sop(repo, "SOP-004", status="obsolete")
    write_sop(repo, "SOP-003", references=["SOP-002"])  # a draft may still name it
    text = "This procedure replaces SOP-002.\n\n## Revision history\n\nB: merged SOP-004 into this procedure.\n\n## Scope\n\nAll."
    write_sop(repo, "SOP-001", supersedes="SOP-002", text=text, **EFFECTIVE)
    write_form(repo, paragraphs=["Replaces SOP-002."], supersedes="SOP-002", status="draft")
    assert [f for f in ref_findings(repo) if f[0] == "DC403"] == []


# --- DC404 unreleased-reference -----------------------------------------------------------------


def test_dc404_effective_document_references_a_never_released_one(repo: GitRepo) -> None:
    write_sop(repo, "SOP-002", status="review")
    write_sop(repo, "SOP-001", references=["SOP-002"], **EFFECTIVE)
    assert ref_findings(repo) == [("DC404", "sops/SOP-001.md", 9)]
    assert messages(repo, "DC404") == [
        "effective document references SOP-002, which has never been released (review, revision A)"
    ]


def test_dc404_docx(repo: GitRepo) -> None:
    write_sop(repo, "SOP-002", status="approved")
    write_form(repo, paragraphs=["See SOP-002."], references=["SOP-002"], **EFFECTIVE)
    assert ref_findings(repo) == [("DC404", "forms/FRM-001.docx", None), ("DC404", "forms/FRM-001.docx.yml", 7)]


def test_dc404_quiet_for_a_later_draft_revision_and_for_draft_referrers(repo: GitRepo) -> None:
    write_sop(repo, "SOP-002", status="draft", revision="C")  # revision C: B was released before
    write_sop(repo, "SOP-003", status="draft")
    write_sop(repo, "SOP-001", references=["SOP-002"], **EFFECTIVE)
    write_sop(repo, "SOP-004", references=["SOP-003"])
    write_form(repo, paragraphs=["See SOP-002."], references=["SOP-002"], **EFFECTIVE)
    assert ref_findings(repo) == []


# --- DC405 supersedes-inconsistent --------------------------------------------------------------


def test_dc405_supersedes_points_nowhere(repo: GitRepo) -> None:
    write_sop(repo, "SOP-001", supersedes="SOP-042")
    assert ref_findings(repo) == [("DC405", "sops/SOP-001.md", 9)]
    assert messages(repo, "DC405") == ["supersedes SOP-042, which does not exist"]


def test_dc405_cycle(repo: GitRepo) -> None:
    write_sop(repo, "SOP-001", supersedes="SOP-002")
    write_sop(repo, "SOP-002", supersedes="SOP-001")
    assert ref_findings(repo) == [("DC405", "sops/SOP-001.md", 9), ("DC405", "sops/SOP-002.md", 9)]
    assert messages(repo, "DC405") == [
        "supersedes forms a cycle: SOP-001 -> SOP-002 -> SOP-001",
        "supersedes forms a cycle: SOP-002 -> SOP-001 -> SOP-002",
    ]


def test_dc405_old_one_not_marked(repo: GitRepo) -> None:
    write_sop(repo, "SOP-001", **EFFECTIVE)
    write_sop(repo, "SOP-002", supersedes="SOP-001", **EFFECTIVE)
    assert ref_findings(repo) == [("DC405", "sops/SOP-002.md", 9)]
    assert messages(repo, "DC405") == [
        "supersedes SOP-001, which is still effective: mark it superseded now that SOP-002 is effective"
    ]


def test_dc405_docx_sidecar(repo: GitRepo) -> None:
    write_form(repo, "FRM-001", **EFFECTIVE)
    write_form(repo, "FRM-002", supersedes="FRM-001", **EFFECTIVE)
    assert ref_findings(repo) == [("DC405", "forms/FRM-002.docx.yml", 7)]


def test_dc405_quiet_when_marked_pending_or_scheduled(repo: GitRepo) -> None:
    write_sop(repo, "SOP-001", status="superseded")
    write_sop(repo, "SOP-002", supersedes="SOP-001", **EFFECTIVE)
    write_sop(repo, "SOP-003", **EFFECTIVE)
    write_sop(repo, "SOP-004", supersedes="SOP-003")  # draft successor: the old one stays in force
    write_sop(repo, "SOP-005", **EFFECTIVE)
    write_sop(repo, "SOP-006", supersedes="SOP-005", status="effective", effective="2026-12-01")  # scheduled
    write_form(repo, "FRM-001", status="obsolete")
    write_form(repo, "FRM-002", supersedes="FRM-001", **EFFECTIVE)
    assert ref_findings(repo) == []


# --- DC406 mandatory-gap ------------------------------------------------------------------------


def test_dc406_one_finding_per_uncovered_item_without_path(repo: GitRepo) -> None:
    write_sop(repo, "SOP-001", clauses=["7.5", "4", "5", "6", "7", "8", "9"], **EFFECTIVE)  # all but clause 10
    report = docctl.open(repo.path).check()
    gaps = [f for f in report.findings if f.code == "DC406"]
    assert [(f.path, f.line, f.document, f.severity.value) for f in gaps] == [(None, None, None, "ofi")]
    assert gaps[0].message == (
        "ISO 9001:2015 10.2.2 record to retain (Nonconformities, actions taken and results of corrective actions): "
        "no effective document claims clause 10.2.2"
    )


def test_dc406_counts_only_effective_documents_and_docx_claims(repo: GitRepo) -> None:
    write_sop(repo, "SOP-001", clauses=["4", "5", "6", "8", "9", "10"], **EFFECTIVE)
    write_sop(repo, "SOP-002", clauses=["7"])  # a draft covers nothing
    write_form(repo, clauses=["7.1.5", "7.2"], **EFFECTIVE)
    gaps = messages(repo, "DC406")
    assert [m.split(" ", 3)[2] for m in gaps] == []  # 7.1.5.1, 7.1.5.2 (parent 7.1.5) and 7.2 covered by the form
    write_form(repo, clauses=["7.1.5.1"], **EFFECTIVE)
    assert [m.split(" ", 3)[2] for m in messages(repo, "DC406")] == ["7.1.5.2", "7.2"]


def test_dc406_quiet_until_documents_claim_clauses_and_in_file_checks(repo: GitRepo) -> None:
    write_sop(repo, "SOP-001", **EFFECTIVE)
    assert ref_findings(repo) == []
    write_sop(repo, "SOP-001", clauses=["7.5"], **EFFECTIVE)
    assert len([f for f in ref_findings(repo) if f[0] == "DC406"]) == 27
    assert ref_findings(repo, str(repo.path / "sops/SOP-001.md")) == []  # not a finding about that file


# --- DC407 suspect-reference (hook, needs history) ------------------------------------------------


@pytest.mark.parametrize(
    ("effective_since", "approved_on", "suspect"),
    [
        (dt.date(2026, 3, 2), dt.date(2026, 3, 1), True),
        (dt.date(2026, 3, 1), dt.date(2026, 3, 1), False),
        (dt.date(2026, 2, 1), dt.date(2026, 3, 1), False),
        (None, dt.date(2026, 3, 1), False),
        (dt.date(2026, 3, 2), None, False),
    ],
)
def test_dc407_is_suspect(effective_since: dt.date | None, approved_on: dt.date | None, suspect: bool) -> None:
    from docctl.rules.references import is_suspect

    assert is_suspect(effective_since, approved_on) is suspect


def test_dc407_hook_fires_with_path_and_line_and_keeps_quiet(repo: GitRepo) -> None:
    from docctl.rules.references import approval_date, suspect_references

    approved = "2026-03-02T10:14:00+00:00"
    approval = {
        "name": "Jane Smith",
        "by": "jane.smith@acme.example",
        "role": "Quality Manager",
        "meaning": "approved",
        "date": approved,
        "fingerprint": "sha256:" + "0" * 64,
    }
    write_sop(repo, "SOP-002", **EFFECTIVE)
    write_sop(repo, "SOP-003", **EFFECTIVE)
    write_sop(repo, "SOP-001", references=["SOP-002", "SOP-003"], approvals=[approval], **EFFECTIVE)
    opened = docctl.open(repo.path)
    assert approval_date(opened.document("SOP-001")) == dt.date(2026, 3, 2)
    newest = {"SOP-002": ("B", dt.date(2026, 4, 1)), "SOP-003": ("A", dt.date(2026, 1, 5))}
    found = list(suspect_references(opened.documents(), opened.context(), newest.get))
    assert [(f.code, f.path, f.line, f.document) for f in found] == [("DC407", "sops/SOP-001.md", 9, "SOP-001")]
    assert (
        found[0].message
        == "SOP-002 revision B took effect on 2026-04-01, after this document was approved on 2026-03-02: review whether it still fits"
    )
