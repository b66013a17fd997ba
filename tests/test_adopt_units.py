"""docctl adopt, piece by piece: file names, values written elsewhere, control blocks, revision
prefixes and the configuration keys adopt reads."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from helpers import CONFIG

from docctl.config.load import parse_config
from docctl.config.model import Config
from docctl.core.errors import ConfigError
from docctl.core.revisions import Scheme
from docctl.lifecycle.adopt import fields, filenames
from docctl.lifecycle.adopt.controltable import line_clue, table_clues
from docctl.lifecycle.adopt.markdown import clues as markdown_clues
from docctl.lifecycle.adopt.markdown import read_source
from docctl.lifecycle.adopt.synonyms import field_of


def config(extra: str = "", base: str = CONFIG) -> Config:
    text = base + extra
    return parse_config(text.encode(), Path("/qms"), Path("/qms/docctl.toml"))


QP_CONFIG = config('\n[types.QP]\ntitle = "Quality Procedure"\nid_pattern = "QP-{n}"\n')


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("sops/SOP-012 Purchasing Rev C.docx", {"id": "SOP-012", "title": "Purchasing", "revision": "Rev C"}),
        (
            "SOP-014 Prüfmittelüberwachung Rev B.docx",
            {"id": "SOP-014", "title": "Prüfmittelüberwachung", "revision": "Rev B"},
        ),
        ("WI_003_Calibration_r2.md", {"id": "WI-003", "title": "Calibration", "revision": "r2"}),
        ("FRM-001-document-change-request.md", {"id": "FRM-001", "title": "Document change request"}),
        ("sop-12 Purchasing.md", {"id": "SOP-012", "title": "Purchasing"}),
        ("SOP-0012 Purchasing.md", {"id": "SOP-0012", "title": "Purchasing"}),
        ("Purchasing procedure v1.2.docx", {"title": "Purchasing procedure", "revision": "v1.2"}),
        ("Training record.md", {"title": "Training record"}),
        ("R D lab plan.md", {"title": "R D lab plan"}),  # a bare letter after "r" is no revision
        ("SOP-0125a notes.md", {"title": "SOP-0125a notes"}),  # the id must end at a separator
        ("2024-05-01.md", {}),
    ],
)
def test_file_name_clues(name: str, expected: dict[str, str]) -> None:
    found = {clue.field: clue.value for clue in filenames.clues(name, config())}
    assert found == expected


def test_file_name_with_a_dotted_number_is_not_cut_short() -> None:
    found = {clue.field: clue.value for clue in filenames.clues("QP-7.5 Document control v1.2.docx", QP_CONFIG)}
    assert found == {"title": "QP-7.5 Document control", "revision": "v1.2"}
    found = {clue.field: clue.value for clue in filenames.clues("QP-7 Document control v1.2.docx", QP_CONFIG)}
    assert found == {"id": "QP-7", "title": "Document control", "revision": "v1.2"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-04-01", dt.date(2023, 4, 1)),
        ("2023/04/01", dt.date(2023, 4, 1)),
        ("2023-04-01 00:00:00", dt.date(2023, 4, 1)),
        ("2023-04-01T10:00:00+02:00", dt.date(2023, 4, 1)),
        ("01.04.2023", dt.date(2023, 4, 1)),
        ("1 Apr 2023", dt.date(2023, 4, 1)),
        ("April 1, 2023", dt.date(2023, 4, 1)),
        ("13/04/2023", dt.date(2023, 4, 13)),
        ("04/13/2023", dt.date(2023, 4, 13)),
        ("05/05/2023", dt.date(2023, 5, 5)),
        ("soon", None),
        ("31.02.2023", None),
    ],
)
def test_dates_written_elsewhere(text: str, expected: dt.date | None) -> None:
    assert fields.read_date(text) == expected


def test_an_ambiguous_date_is_not_guessed() -> None:
    with pytest.raises(fields.AmbiguousDate, match="'01/04/2023' could be day/month or month/day"):
        fields.read_date("01/04/2023")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("jane.smith@acme.example", "jane.smith@acme.example"),
        ("Jane Smith <Jane.Smith@ACME.example>", "jane.smith@acme.example"),
        ("jane smith", "jane.smith@acme.example"),  # a name in [people]
        ("Quality Manager", None),  # a role is not a person
        ("", None),
    ],
)
def test_people(text: str, expected: str | None) -> None:
    assert fields.read_person(text, config()) == expected


def test_ids_and_types() -> None:
    cfg = config()
    assert fields.read_id("SOP-012", cfg) == fields.IdMatch("SOP-012", "SOP", "")
    assert fields.read_id("sop_12", cfg) == fields.IdMatch("SOP-012", "SOP", "")
    assert fields.read_id("**WI-003**", cfg) == fields.IdMatch("WI-003", "WI", "")
    assert fields.read_id("QP-7.5", cfg) is None
    assert fields.read_id("SOP-012 Purchasing", cfg) is None
    assert fields.id_at_start("SOP-012: Purchasing", cfg) == fields.IdMatch("SOP-012", "SOP", "Purchasing")
    assert fields.read_type("standard operating procedure", cfg) == "SOP"
    assert fields.read_type("WI", cfg) == "WI"
    assert fields.read_type("Procedure", cfg) is None


@pytest.mark.parametrize(
    ("scheme", "text", "expected"),
    [
        (Scheme("letters"), "Rev C", "C"),
        (Scheme("letters"), "Revision: b", "B"),
        (Scheme("letters"), "C", "C"),
        (Scheme("letters"), "2", None),  # not guessed as B
        (Scheme("numbers"), "Rev. 03", "03"),
        (Scheme("numbers"), "r2", "2"),
        (Scheme("numbers"), "Issue 4", "4"),
        (Scheme("numbers"), "C", None),
        (Scheme("major.minor"), "v1.2", "1.2"),
        (Scheme("major.minor"), "Version 1.0", "1.0"),
        (Scheme("major.minor"), "1", None),  # not guessed as 1.0
        (Scheme("numbers", "r"), "r2", "r2"),
        (Scheme("numbers", "r"), "2", "r2"),
        (Scheme("numbers", "Rev. "), "Rev 03", "Rev. 03"),
        (Scheme("major.minor", "v"), "1.2", "v1.2"),
    ],
)
def test_revisions_written_elsewhere(scheme: Scheme, text: str, expected: str | None) -> None:
    assert scheme.read(text) == expected


def test_a_prefixed_scheme_orders_and_steps_revisions() -> None:
    scheme = Scheme("numbers", "Rev. ")
    assert scheme.first == "Rev. 1"
    assert scheme.is_valid("Rev. 03") and not scheme.is_valid("03") and not scheme.is_valid("Rev. C")
    assert scheme.next("Rev. 09") == "Rev. 10"
    assert scheme.key("Rev. 10") > scheme.key("Rev. 09")
    assert scheme.is_successor("Rev. 03", "Rev. 04") and not scheme.is_successor("Rev. 03", "Rev. 05")
    assert scheme.describe() == "whole numbers (1, 2, 3) after the prefix 'Rev. ' (Rev. 1, Rev. 2)"
    assert Scheme("letters").describe() == "capital letters (A, B, ... Z, AA)"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Document No.", "id"),
        ("**Doc ID:**", "id"),
        ("doc_id", "id"),
        ("Date Effective", "effective"),
        ("Next Review", "review_due"),
        ("Rev.", "revision"),
        ("Version", "revision"),
        ("Document Owner", "owner"),
        ("Path", "path"),
        ("Approved by", "approved_by"),
        ("Purpose", None),
    ],
)
def test_synonyms(name: str, expected: str | None) -> None:
    assert field_of(name) == expected


def test_adopt_fields_map_a_repository_s_own_keys() -> None:
    assert field_of("sop_number", {"sop_number": "id"}) == "id"
    assert field_of("SOP Number", {"sop_number": "id"}) == "id"
    assert field_of("number", {"sop_number": "id"}) == "id"  # the synonyms still apply


def test_control_tables_of_labels_and_of_a_header_row() -> None:
    pairs = [["Document ID", "SOP-106"], ["Revision", "C"], ["Purpose", "Buying"]]
    assert [(c.field, c.value) for c in table_clues(pairs, "t", {})] == [("id", "SOP-106"), ("revision", "C")]
    wide = [["Doc No", "SOP-106", "Rev", "C"]]
    assert [(c.field, c.value) for c in table_clues(wide, "t", {})] == [("id", "SOP-106"), ("revision", "C")]
    header = [["Doc No", "Title", "Rev", "Effective Date"], ["FRM-007", "Supplier evaluation", "A", "2023-05-01"]]
    assert [(c.field, c.value) for c in table_clues(header, "t", {})] == [
        ("id", "FRM-007"),
        ("title", "Supplier evaluation"),
        ("revision", "A"),
        ("effective", "2023-05-01"),
    ]
    history = [["Rev", "Date", "Change"], ["A", "2020-01-01", "First issue"], ["B", "2024-03-01", "Intervals"]]
    assert list(table_clues(history, "t", {})) == []


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Document ID: SOP-106", ("id", "SOP-106")),
        ("**Revision:** C", ("revision", "C")),
        ("**Owner**: Jane Smith", ("owner", "Jane Smith")),
        ("Version 1.0", ("revision", "1.0")),
        ("Effective date\t2024-03-01", ("effective", "2024-03-01")),
        ("Note: keep it dry", None),
        ("See https://example.com/x", None),
    ],
)
def test_control_lines(line: str, expected: tuple[str, str] | None) -> None:
    clue = line_clue(line, "l", {})
    assert ((clue.field, clue.value) if clue else None) == expected


def test_markdown_front_matter_or_a_thematic_break() -> None:
    foreign = read_source(b"---\nslug: purchasing\ndoc_id: SOP-012\n---\n# Purchasing\n")
    assert foreign.metadata == {"slug": "purchasing", "doc_id": "SOP-012"} and foreign.body == "# Purchasing\n"
    ruled = read_source(b"---\n\nText after a rule.\n\n---\n\nMore.\n")
    assert ruled.metadata is None and ruled.body == ruled.text
    unclosed = read_source(b"---\nText\n")
    assert unclosed.metadata is None
    crlf = read_source(b"# Title\r\n\r\nText\r\n")
    assert crlf.newline == "\r\n" and crlf.metadata is None
    empty = read_source(b"---\n---\n# T\n")
    assert empty.metadata == {} and empty.body == "# T\n"


def test_markdown_front_matter_that_does_not_parse_is_an_error_not_a_body() -> None:
    from docctl.core.errors import DocumentReadError

    with pytest.raises(DocumentReadError, match="its front matter is not valid YAML"):
        read_source(b"---\ntitle: [unclosed\nid: SOP-1\n---\nBody\n")


def test_markdown_clues_stop_at_the_revision_history() -> None:
    text = (
        "# SOP-106 Nonconforming Product\n\n"
        "| Document ID | SOP-106 |\n|---|---|\n| Revision | C |\n\n"
        "**Owner:** Jane Smith\n\n"
        "## Revision history\n\n"
        "Revision: A\n"
    )
    found = [(c.field, c.value, c.source) for c in markdown_clues(read_source(text.encode()), config())]
    assert found == [
        ("heading", "SOP-106 Nonconforming Product", "first heading (line 1)"),
        ("id", "SOP-106", "control table (line 3)"),
        ("revision", "C", "control table (line 3)"),
        ("owner", "Jane Smith", "line 7 'Owner: Jane Smith'"),
    ]


def test_adopt_configuration() -> None:
    cfg = config(
        '\n[adopt]\nrole = "Quality Manager"\nowner = "Jane.Smith@acme.example"\n'
        'legacy_record = "QMS binder"\n[adopt.fields]\nsop_number = "id"\n'
    )
    assert cfg.adopt.role == "Quality Manager" and cfg.adopt.owner == "jane.smith@acme.example"
    assert cfg.adopt.legacy_record == "QMS binder" and dict(cfg.adopt.fields) == {"sop_number": "id"}
    assert config().adopt.role is None and config().revision_prefix == "" and config().scheme == Scheme("letters")
    prefixed = config(
        base=CONFIG.replace('revision_scheme = "letters"', 'revision_scheme = "numbers"\nrevision_prefix = "r"')
    )
    assert prefixed.scheme == Scheme("numbers", "r")
    typed = config(base=CONFIG.replace("[types.SOP]\n", '[types.SOP]\npaths = ["sops/**"]\n'))
    assert typed.types["SOP"].paths == ("sops/**",)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("\n[adopt]\nrol = 'x'\n", "unknown key 'adopt.rol'"),
        ("\n[adopt]\nowner = 'Jane'\n", "'adopt.owner' must be an email address, not 'Jane'"),
        ("\n[adopt.fields]\nsop_number = 'number'\n", "'adopt.fields.sop_number' must name one of id, title"),
        ("\n[adopt]\nrole = 3\n", "'adopt.role' must be a string"),
    ],
)
def test_adopt_configuration_errors(extra: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")) as error:
        config(extra)
    assert error.value.line is not None


def test_revision_prefix_errors() -> None:
    bad = CONFIG.replace('revision_scheme = "letters"', 'revision_scheme = "letters"\nrevision_prefix = "Rev\\n"')
    with pytest.raises(ConfigError, match="'docctl.revision_prefix' must be a short, printable text") as error:
        config(base=bad)
    assert error.value.line == 4
