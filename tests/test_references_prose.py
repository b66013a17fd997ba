"""What counts as a reference in a Markdown body, read through markdown-it-py tokens: the title
heading (DC106), prose versus code, links and lines; and which clause numbers in prose are clause
references (DC401), with the false findings a real third-party set of SOPs produced as cases."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

import pytest
from helpers import GitRepo, sop

import docctl
from docctl.formats.markdown import read_body, title_heading
from docctl.references.clauses import ClauseScanner
from docctl.standards import Catalogues, builtin_catalogues


def write_sop(repo: GitRepo, text: str, doc_id: str = "SOP-001", **fields: Any) -> None:
    """SOP-001 with ``text`` after the title heading: front matter lines 1-9, heading on 11, text from 13."""
    repo.write(f"sops/{doc_id}.md", sop(doc_id, body=f"\n# {doc_id} Document Control\n\n{text}\n", **fields))


def findings(repo: GitRepo, code: str) -> list[tuple[int | None, str]]:
    return [(f.line, f.message) for f in docctl.open(repo.path).check().findings if f.code == code]


def clause_refs(repo: GitRepo, doc_id: str = "SOP-001") -> list[tuple[str, str, int | None]]:
    opened = docctl.open(repo.path)
    extracted = opened.references().extract(opened.document(doc_id))
    return [(c.standard, c.number, c.line) for c in extracted.clauses if c.where == "body"]


def mentions(repo: GitRepo, doc_id: str = "SOP-001") -> list[tuple[str, str, int | None, bool]]:
    opened = docctl.open(repo.path)
    extracted = opened.references().extract(opened.document(doc_id))
    return [(r.kind, r.target, r.line, r.historical) for r in extracted.references if r.kind in ("link", "mention")]


# --- the title heading (DC106) -------------------------------------------------------------------

TITLE_HEADINGS = [
    ("\n# SOP-001 Document Control\n\ntext\n", ("SOP-001 Document Control", 11)),
    ("# Document Control #\n", ("Document Control", 10)),
    ("<!-- reviewed 2026 -->\n\n# Document Control\n", ("Document Control", 12)),
    ("<!--\n  a comment\n  over lines\n-->\n# Document Control\n", ("Document Control", 14)),
    ("Document Control\n================\n\ntext\n", ("Document Control", 10)),
    ("\r\n# Document Control\r\n\r\ntext\r\n", ("Document Control", 11)),
    ("\n" * 12 + "# Document Control\n", ("Document Control", 22)),
    ("    # indented: a code block\n", (None, None)),
    ("## Document Control\n", (None, None)),
    ("Introduction.\n\n# Document Control\n", (None, None)),
    ("```\n# in a fence\n```\n", (None, None)),
    ("Line one\n" * 30 + "\n# Document Control\n", (None, None)),
    ("", (None, None)),
]


@pytest.mark.parametrize(("body", "expected"), TITLE_HEADINGS)
def test_title_heading_is_the_level_one_heading_that_opens_the_body(
    body: str, expected: tuple[str | None, int | None]
) -> None:
    assert title_heading(body, 10) == expected


def test_dc106_reads_the_heading_after_a_comment(repo: GitRepo) -> None:
    repo.write("sops/SOP-001.md", sop(body="\n<!-- template v2 -->\n\n# SOP-001 Records Control\n"))
    assert findings(repo, "DC106") == [
        (13, "the title heading 'SOP-001 Records Control' does not match the title 'Document Control'")
    ]


# --- prose, links and lines ----------------------------------------------------------------------


def test_prose_leaves_out_code_html_autolinks_and_link_targets() -> None:
    body = read_body(
        "Text SOP-001 and `SOP-002` and <!-- SOP-003 --> and <https://x.example/SOP-004>.\n"
        "[SOP-005](SOP-006.md) ![SOP-007](SOP-008.png)\n\n"
        "```\nSOP-009\n```\n\n    SOP-010\n\n<!--\nSOP-011\n-->\n\n"
        "<div>\nSOP-012 in an HTML block\n</div>\n",
        1,
    )
    text = " ".join(p.text for p in body.prose)
    assert [n for n in range(1, 13) if f"SOP-{n:03}" in text] == [1, 5, 7, 12]
    assert [(link.destination, link.line) for link in body.links] == [("SOP-006.md", 2)]


def test_prose_keeps_the_line_of_every_part() -> None:
    body = read_body(
        "> quoted\n> SOP-001\n\n| a | b |\n|---|---|\n| SOP-002 | x |\n\n"
        "Code `spanning\ntwo lines` then\nSOP-003.[^1]\n\n[^1]: Footnote SOP-004.\n",
        10,
    )
    lines = {word: p.line + p.text[: p.text.index(word)].count("\n") for p in body.prose for word in p.text.split()}
    assert [lines["SOP-001"], lines["SOP-002"], lines["SOP-003."], lines["SOP-004."]] == [11, 15, 19, 21]


def test_mentions_in_tables_lists_quotes_and_footnotes(repo: GitRepo) -> None:
    text = (
        "| Record | Form |\n|---|---|\n| NCR | FRM-003 |\n\n"
        "* item WI-001\n  continued WI-002\n\n> SOP-004 applies.\n\nSee the note.[^1]\n\n[^1]: Kept per SOP-005."
    )
    write_sop(repo, text)
    assert mentions(repo) == [
        ("mention", "FRM-003", 15, False),
        ("mention", "WI-001", 17, False),
        ("mention", "WI-002", 18, False),
        ("mention", "SOP-004", 20, False),
        ("mention", "SOP-005", 24, False),
    ]


def test_reference_style_links_count_where_the_text_uses_them(repo: GitRepo) -> None:
    write_sop(repo, "Records.", doc_id="SOP-002")
    text = (
        "Records: [the procedure][records] and [SOP-002].\n\nA link over\n[two\nlines](SOP-002.md).\n\n"
        "[records]: SOP-002.md\n[SOP-002]: ./SOP-002.md\n[unused]: SOP-099.md"
    )
    write_sop(repo, text)
    assert [(kind, target, line) for kind, target, line, _ in mentions(repo)] == [
        ("link", "sops/SOP-002.md", 13),
        ("link", "sops/SOP-002.md", 13),
        ("link", "sops/SOP-002.md", 17),
        ("mention", "SOP-002", 13),
    ]
    assert findings(repo, "DC402") == []


def test_setext_revision_history_heading_makes_mentions_historical(repo: GitRepo) -> None:
    write_sop(repo, "Uses SOP-002.\n\nRevision history\n----------------\n\nB: replaced SOP-003.")
    assert mentions(repo) == [("mention", "SOP-002", 13, False), ("mention", "SOP-003", 18, True)]


# --- clause references in prose (DC401) ----------------------------------------------------------

NOT_CLAUSE_REFERENCES = [
    # the kinds of the false DC401 findings on a real third-party set of 81 SOPs and templates:
    # "§ 42" of a national law, "clauses 1 and 8" of a guidance document
    "Records are kept as § 42 of the national archive law requires.",
    "The guidance document explains this in clauses 1 and 8.",
    "Personal data is erased per § 35 BDSG.",
    "Complaints are handled as set out in clause 2 of the quality agreement.",
    "The MDR requires this (Annex II, section 3).",
    "See clause 11 of the supply contract.",
    # realistic prose around them
    "Section 3 of this procedure lists the records.",
    "Design controls follow § 820.30 of 21 CFR.",
    "Disputes are settled under clause 4 of the contract.",
    "The steps in section 5.6 below apply to every order.",
    "As described in section 4.2, the owner signs.",
    "Clause 7.5.3 of this procedure names the archive.",
]


@pytest.mark.parametrize("text", NOT_CLAUSE_REFERENCES)
def test_numbers_that_are_no_clause_of_a_configured_standard_are_not_findings(repo: GitRepo, text: str) -> None:
    write_sop(repo, text)
    assert clause_refs(repo) == []
    assert findings(repo, "DC401") == []


CLAUSE_FINDINGS = [
    ("As ISO 9001:2015 clause 7.5.9 requires.", "ISO 9001:2015 clause 7.5.9", "7.5.9", "iso9001:2015"),
    ("Per ISO 9001 § 42.", "ISO 9001 § 42", "42", "iso9001:2015"),
    ("Retained per clause 7.5.9.", "clause 7.5.9", "7.5.9", "iso9001:2015"),
    ("Files are kept (§ 7.5.9).", "§ 7.5.9", "7.5.9", "iso9001:2015"),
    ("Per ISO 13485:2016 §4.2.9.", "ISO 13485:2016 §4.2.9", "4.2.9", "iso13485:2016"),
    ("Per clause 4.2.9 of ISO 13485:2016.", "clause 4.2.9 of ISO 13485:2016", "4.2.9", "iso13485:2016"),
]


@pytest.mark.parametrize(("text", "written", "number", "catalogue"), CLAUSE_FINDINGS)
def test_unknown_clauses_of_a_named_or_the_default_standard_still_fire(
    repo: GitRepo, text: str, written: str, number: str, catalogue: str
) -> None:
    write_sop(repo, text)
    assert findings(repo, "DC401") == [(13, f"'{written}': clause {number} is not in the {catalogue} catalogue")]


CLAUSE_REFERENCES = [
    ("ISO 9001 clause 7.5.3", [("iso9001:2015", "7.5.3")]),
    ("ISO 13485:2016 §4.2.4", [("iso13485:2016", "4.2.4")]),
    ("clause 7.5.3", [("iso9001:2015", "7.5.3")]),
    ("section 7.5 of ISO 9001", [("iso9001:2015", "7.5")]),
    ("clause 4.2.4 of ISO 13485:2016", [("iso13485:2016", "4.2.4")]),
    ("clause 8.5.1 of the standard", [("iso9001:2015", "8.5.1")]),
    ("clauses 7.1 to 7.3 and § 10.2", [("iso9001:2015", n) for n in ("7.1", "7.2", "7.3", "10.2")]),
    ("ISO 9001:2015 section 4.4", [("iso9001:2015", "4.4")]),
    ("as clause 8.5.1 in all cases requires", [("iso9001:2015", "8.5.1")]),
]


@pytest.mark.parametrize(("text", "expected"), CLAUSE_REFERENCES)
def test_clause_references_in_prose(text: str, expected: list[tuple[str, str]]) -> None:
    scanner = ClauseScanner(Catalogues(MappingProxyType(dict(builtin_catalogues())), ("iso9001:2015",)))
    assert [(m.standard, m.number) for m in scanner.scan(text)] == expected


def test_numbers_go_to_the_configured_standard_that_has_them() -> None:
    """Unnamed numbers are the default standard's, or another configured standard's when only that
    one has them; they count only if a configured standard can have them (ISO 13485 ends at 8)."""
    catalogues = Catalogues(MappingProxyType(dict(builtin_catalogues())), ("iso13485:2016", "iso9001:2015"))
    found = ClauseScanner(catalogues).scan("clause 4.2.4, clause 10.2, clause 8.9 and § 42")
    assert [(m.standard, m.number) for m in found] == [
        ("iso13485:2016", "4.2.4"),
        ("iso9001:2015", "10.2"),
        ("iso13485:2016", "8.9"),
    ]
    only = ClauseScanner(Catalogues(MappingProxyType(dict(builtin_catalogues())), ("iso13485:2016",)))
    assert list(only.scan("clause 10.2 and § 42")) == []


def test_clause_references_in_code_and_link_targets_are_not_read(repo: GitRepo) -> None:
    write_sop(repo, "Use `clause 9.9.9` here, [the clause 7.5.3 form](clause-9.9.md), and ISO 9001\nclause 7.5.3.")
    assert clause_refs(repo) == [("iso9001:2015", "7.5.3", 13), ("iso9001:2015", "7.5.3", 14)]
