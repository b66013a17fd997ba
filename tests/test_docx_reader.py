"""docctl.formats.docx on real files: python-docx, pandoc and LibreOffice output (no mocks).

The fixtures in tests/fixtures/docx are made by make_fixtures.py there. Bad files are built here
with zipfile from those fixtures; zip directory fields are patched byte-wise where a lying header
is the point of the test.
"""

from __future__ import annotations

import copy
import io
import random
import re
import shutil
import struct
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from docx.document import Document as DocxDocument
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docctl.core.errors import DocumentReadError, UsageError
from docctl.formats import docx as docx_format
from docctl.formats.docx import DocxContent, new_docx, read_docx, set_core_properties

FIXTURES = Path(__file__).parent / "fixtures" / "docx"
MIB = 1024 * 1024

PYTHON_DOCX_BODY = """\
Control of Documents
Purpose

This procedure describes how controlled documents are created, reviewed and approved.
It applies to all documents\tof the QMS
on every site.
Responsibilities
Role\tTask\tRecord
Author\tDrafts\tDraft
QM\tApproves\t
See the register for the current revision.

Annex A text.
ACME Medical\tSOP-004
Controlled copy"""

TRACKED_CHANGES_BODY = """\
Change Control
The change board meets every week.
Approved changes are recorded in the log.
This paragraph was joined with the next one.
An inserted paragraph.
 Staying sentence.
Moved sentence.
See page  of ISO-9001 cooperation.
Details are in the register.
Kept\trow
Cell with two paragraphs\tinserted
End."""

PANDOC_BODY = """\
Control of Records
Purpose
This procedure defines how records are identified, stored and protected.
Responsibilities
Role\tTask
Author\tDrafts the record
Quality Manager\tApproves the record
First item with emphasis and code.
Second item with a link.
A quoted remark.
Text with a line
break and \u201cquotes\u201d.
 Records are kept for at least five years."""

TEXT_BOX_BODY = """\
Text Boxes
Paragraph holding the text box.
Text box line one
Text box line two
Paragraph after the text box."""

CONTENT_CONTROLS_BODY = """\
Content Controls
Block control paragraph one.
Block control paragraph two.
Owner: Jane Smith (Quality)
Field\tValue
Status\tDraft
After the controls."""

SOP_PROPERTIES = {
    "identifier": "SOP-004",
    "version": "1.10",
    "title": "Control of Documents",
    "content_status": "draft",
}
EMPTY_PROPERTIES = {"identifier": "", "version": "", "title": "", "content_status": ""}
W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


# --- helpers -------------------------------------------------------------------------------------


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def normalise(text: str) -> str:
    """Step 3 of the fingerprint recipe (docs/fingerprint.md), as the caller does it."""
    lines = [line.rstrip(" \t") for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def body_of(data: bytes) -> str:
    return normalise(read_docx(data).body)


def rezip(data: bytes, replace: dict[str, bytes | None] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    """``data`` with members replaced (None removes one) and others added at the end."""
    replace = replace or {}
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            content = replace.get(info.filename, source.read(info))
            if content is not None:
                target.writestr(info.filename, content)
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def patch_central_directory(data: bytes, name: str, offset: int, value: bytes) -> bytes:
    """Overwrite a field of ``name``'s central directory header (offsets as in APPNOTE 4.3.12)."""
    start = data.find(b"PK\x01\x02")
    while start != -1:
        length = struct.unpack_from("<H", data, start + 28)[0]
        if data[start + 46 : start + 46 + length] == name.encode():
            at = start + offset
            return data[:at] + value + data[at + len(value) :]
        start = data.find(b"PK\x01\x02", start + 4)
    raise AssertionError(f"{name} not in the central directory")


def saved(document: DocxDocument) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def read_error(data: bytes) -> str:
    with pytest.raises(DocumentReadError) as caught:
        read_docx(data)
    return str(caught.value)


# --- reading the fixtures ------------------------------------------------------------------------

ALL_FIXTURES = sorted(path.name for path in FIXTURES.glob("*.docx"))


def test_there_are_fixtures_of_every_kind() -> None:
    assert ALL_FIXTURES == [
        "content-controls.docx",
        "pandoc.docx",
        "pandoc.libreoffice.docx",
        "python-docx.docx",
        "python-docx.libreoffice.docx",
        "text-box.docx",
        "tracked-changes.docx",
    ]
    assert all((FIXTURES / name).stat().st_size < 30_000 for name in ALL_FIXTURES)


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_every_fixture_reads(name: str) -> None:
    content = read_docx(fixture(name))
    assert isinstance(content, DocxContent)
    assert set(content.properties) == {"identifier", "version", "title", "content_status"}
    assert content.first_heading is not None and content.first_heading in content.body
    assert content.body == content.body.strip("\n")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("python-docx.docx", PYTHON_DOCX_BODY),
        ("python-docx.libreoffice.docx", PYTHON_DOCX_BODY),
        ("tracked-changes.docx", TRACKED_CHANGES_BODY),
        ("pandoc.docx", PANDOC_BODY),
        ("text-box.docx", TEXT_BOX_BODY),
        ("content-controls.docx", CONTENT_CONTROLS_BODY),
    ],
)
def test_body_text_is_exact(name: str, expected: str) -> None:
    assert read_docx(fixture(name)).body == expected


@pytest.mark.parametrize(
    ("original", "resaved"),
    [
        ("python-docx.docx", "python-docx.libreoffice.docx"),
        ("pandoc.docx", "pandoc.libreoffice.docx"),
    ],
)
def test_libreoffice_resave_keeps_the_body(original: str, resaved: str) -> None:
    assert fixture(original) != fixture(resaved)
    assert body_of(fixture(original)) == body_of(fixture(resaved))


def test_tracked_changes_are_accepted() -> None:
    body = read_docx(fixture("tracked-changes.docx")).body
    assert "every week" in body and "An inserted paragraph." in body and "\tinserted" in body
    assert "every month" not in body and "usually" not in body
    assert "A deleted paragraph." not in body and "Deleted" not in body
    assert body.count("Moved sentence.") == 1
    assert "PAGE" not in body and "HYPERLINK" not in body  # field codes
    assert "See page  of" in body  # the PAGE field's result is generated, not text


def test_headers_footers_tables_and_footnotes_are_in_the_body() -> None:
    lines = read_docx(fixture("python-docx.docx")).body.split("\n")
    assert lines[-2:] == ["ACME Medical\tSOP-004", "Controlled copy"]  # header, then footer
    assert "Author\tDrafts\tDraft" in lines
    pandoc_lines = read_docx(fixture("pandoc.docx")).body.split("\n")
    assert pandoc_lines[-1] == " Records are kept for at least five years."
    assert "Quality Manager\tApproves the record" in pandoc_lines


def test_a_text_box_is_read_once() -> None:
    data = fixture("text-box.docx")
    assert members(data)["word/document.xml"].count(b"Text box line one") == 2  # Choice, Fallback
    assert read_docx(data).body.count("Text box line one") == 1


def test_a_changed_word_changes_the_body() -> None:
    document = docx.Document(io.BytesIO(fixture("python-docx.docx")))
    paragraph = document.paragraphs[3]
    assert paragraph.text.endswith("reviewed and approved.")
    paragraph.runs[0].text = paragraph.runs[0].text.replace("approved", "released")
    changed = body_of(saved(document))
    assert changed != body_of(fixture("python-docx.docx"))
    assert changed == normalise(PYTHON_DOCX_BODY.replace("and approved.", "and released."))


def test_a_changed_header_changes_the_body() -> None:
    document = docx.Document(io.BytesIO(fixture("python-docx.docx")))
    document.sections[0].header.paragraphs[0].text = "ACME Medical\tSOP-005"
    assert body_of(saved(document)) == normalise(PYTHON_DOCX_BODY.replace("SOP-004", "SOP-005"))


def test_generated_fields_and_empty_or_repeated_headers_are_left_out() -> None:
    document = docx.Document(io.BytesIO(new_docx(title="Fields", headings=[], properties={})))
    section = document.sections[0]
    section.header.paragraphs[0].text = "Header text"
    first_reference = copy.deepcopy(section._sectPr.xpath("w:headerReference")[0])
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False  # an empty first-page header
    footer = section.footer.paragraphs[0]
    footer.text = "Page "
    page_field = f'<w:fldSimple {W_NS} w:instr=" PAGE "><w:r><w:t>7</w:t></w:r></w:fldSimple>'
    footer._p.append(parse_xml(page_field))
    copied = document.add_section()  # a header part of its own with the same text
    copied.header.is_linked_to_previous = False
    copied.header.paragraphs[0].text = "Header text"
    shared = document.add_section()  # a reference to the first header part again
    shared._sectPr.insert(0, first_reference)
    document.add_paragraph("Last section.")
    data = saved(document)
    assert members(data)["word/document.xml"].count(first_reference.get(qn("r:id")).encode()) == 2
    assert read_docx(data).body.split("\n") == ["Fields", "Last section.", "Header text", "Page "]


def test_first_heading_by_style_name() -> None:
    document = docx.Document(io.BytesIO(new_docx(title="", headings=[], properties={})))
    document.styles["Heading 1"].style_id = "berschrift1"  # as Word names it in German
    document.add_paragraph("Plain text")
    document.add_paragraph("Einleitung", style="Heading 1")
    content = read_docx(saved(document))
    assert content.first_heading == "Einleitung"
    assert b'w:val="berschrift1"' in members(saved(document))["word/document.xml"]


@pytest.mark.parametrize(
    ("name", "heading"),
    [
        ("python-docx.docx", "Control of Documents"),
        ("python-docx.libreoffice.docx", "Control of Documents"),
        ("pandoc.docx", "Control of Records"),
        ("pandoc.libreoffice.docx", "Control of Records"),
        ("tracked-changes.docx", "Change Control"),
    ],
)
def test_first_heading(name: str, heading: str) -> None:
    assert read_docx(fixture(name)).first_heading == heading


# --- core properties -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("python-docx.docx", SOP_PROPERTIES),
        ("python-docx.libreoffice.docx", SOP_PROPERTIES),
        ("pandoc.docx", {**EMPTY_PROPERTIES, "title": "Control of Records"}),
        ("pandoc.libreoffice.docx", {**EMPTY_PROPERTIES, "title": "Control of Records"}),
    ],
)
def test_core_properties(name: str, expected: dict[str, str]) -> None:
    assert dict(read_docx(fixture(name)).properties) == expected


@pytest.mark.parametrize("name", ["python-docx.docx", "python-docx.libreoffice.docx", "pandoc.docx"])
def test_set_core_properties_round_trips_and_keeps_other_members(name: str) -> None:
    original = fixture(name)
    wanted = {
        "identifier": "SOP-010",
        "version": "2.0",
        "title": "Résumé – “new”",
        "content_status": "effective",
    }
    updated = set_core_properties(original, wanted)
    assert dict(read_docx(updated).properties) == wanted
    before, after = members(original), members(updated)
    assert list(before) == list(after)
    assert {k: v for k, v in before.items() if k != "docProps/core.xml"} == {
        k: v for k, v in after.items() if k != "docProps/core.xml"
    }
    assert read_docx(updated).body == read_docx(original).body


def test_set_core_properties_keeps_other_core_properties() -> None:
    updated = set_core_properties(fixture("python-docx.libreoffice.docx"), {"version": "1.11"})
    core = members(updated)["docProps/core.xml"]
    assert b"<dc:language>en-US</dc:language>" in core and b"<cp:version>1.11</cp:version>" in core
    assert dict(read_docx(updated).properties) == {**SOP_PROPERTIES, "version": "1.11"}


def test_set_core_properties_creates_a_missing_core_part() -> None:
    original = fixture("pandoc.docx")
    parts = members(original)
    rels = re.sub(rb"<Relationship [^>]*core-properties[^>]*/>", b"", parts["_rels/.rels"])
    types = re.sub(rb"<Override [^>]*/docProps/core.xml[^>]*/>", b"", parts["[Content_Types].xml"])
    assert b"core" not in rels and b"core.xml" not in types
    without = rezip(original, {"docProps/core.xml": None, "_rels/.rels": rels, "[Content_Types].xml": types})
    assert dict(read_docx(without).properties) == EMPTY_PROPERTIES
    updated = set_core_properties(without, SOP_PROPERTIES)
    assert dict(read_docx(updated).properties) == SOP_PROPERTIES
    after = members(updated)
    assert list(after)[-1] == "docProps/core.xml"
    assert b'Target="docProps/core.xml"' in after["_rels/.rels"]
    assert b'PartName="/docProps/core.xml"' in after["[Content_Types].xml"]
    document = docx.Document(io.BytesIO(updated))  # python-docx finds the new part
    assert document.core_properties.identifier == "SOP-004"


def test_set_core_properties_refuses_an_unknown_key() -> None:
    with pytest.raises(UsageError) as caught:
        set_core_properties(fixture("pandoc.docx"), {"owner": "x"})
    assert str(caught.value) == "unknown core property: owner"


def test_broken_or_missing_core_properties_read_as_empty() -> None:
    broken = rezip(fixture("python-docx.docx"), {"docProps/core.xml": b"<cp:coreProperties"})
    assert dict(read_docx(broken).properties) == EMPTY_PROPERTIES
    missing = rezip(fixture("python-docx.docx"), {"docProps/core.xml": None})
    assert dict(read_docx(missing).properties) == EMPTY_PROPERTIES
    assert read_docx(missing).body == PYTHON_DOCX_BODY


# --- new documents -------------------------------------------------------------------------------


def test_new_docx() -> None:
    data = new_docx(
        title="SOP-004 Control of Documents",
        headings=["Purpose", "Scope"],
        properties=SOP_PROPERTIES,
    )
    content = read_docx(data)
    assert content.body == "SOP-004 Control of Documents\nPurpose\n\nScope"
    assert content.first_heading == "SOP-004 Control of Documents"
    assert dict(content.properties) == SOP_PROPERTIES
    document = docx.Document(io.BytesIO(data))
    assert [p.style.name for p in document.paragraphs if p.style is not None] == [
        "Title",
        "Heading 1",
        "Normal",
        "Heading 1",
        "Normal",
    ]
    assert document.core_properties.created is not None and document.core_properties.created.year == 2000


def test_new_docx_is_deterministic() -> None:
    first = new_docx(title="T", headings=["A"], properties={"identifier": "WI-001"})
    assert first == new_docx(title="T", headings=["A"], properties={"identifier": "WI-001"})
    assert first != new_docx(title="T", headings=["B"], properties={"identifier": "WI-001"})
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert dict(read_docx(first).properties) == {
        **EMPTY_PROPERTIES,
        "identifier": "WI-001",
        "title": "T",
    }


# --- bad input (docs/reference.md) ------------------------------------------------------------------------


def _zeros_member() -> bytes:
    return rezip(fixture("pandoc.docx"), add={"word/media/zeros.bin": bytes(2 * MIB)})


def _noise_member() -> bytes:
    return rezip(
        fixture("pandoc.docx"),
        add={"word/media/noise.bin": random.Random(0).randbytes(MIB + MIB // 2)},
    )


DTD_DOCUMENT = b"""<?xml version="1.0"?>
<!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>"""


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: b"", "not a .docx file (not a zip archive)"),
        (lambda: b"---\nid: SOP-001\n---\n", "not a .docx file (not a zip archive)"),
        (
            lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024),
            "encrypted or legacy .doc file; save it as .docx",
        ),
        (
            lambda: fixture("pandoc.docx")[:5000],
            "corrupt .docx file (truncated or damaged zip archive)",
        ),
        (
            lambda: b"PK\x03\x04 this is not really a zip",
            "corrupt .docx file (truncated or damaged zip archive)",
        ),
        (
            lambda: rezip(fixture("pandoc.docx"), {"word/document.xml": None}),
            "not a .docx file (no word/document.xml)",
        ),
        (_zeros_member, "possible zip bomb: word/media/zeros.bin is compressed more than 200 to 1"),
        (
            lambda: patch_central_directory(
                fixture("pandoc.docx"), "word/document.xml", 24, struct.pack("<I", 300 * MIB)
            ),
            "possible zip bomb: more than 200 MiB uncompressed",
        ),
        (
            lambda: patch_central_directory(fixture("pandoc.docx"), "word/document.xml", 24, struct.pack("<I", 100)),
            "corrupt .docx file (cannot inflate word/document.xml)",
        ),
        (
            lambda: patch_central_directory(fixture("pandoc.docx"), "word/document.xml", 8, struct.pack("<H", 1)),
            "corrupt .docx file (encrypted zip member word/document.xml)",
        ),
        (
            lambda: rezip(fixture("pandoc.docx"), {"word/document.xml": DTD_DOCUMENT}),
            "XML with a DTD or entities is not accepted (word/document.xml)",
        ),
        (
            lambda: rezip(
                fixture("pandoc.docx"),
                {"docProps/core.xml": b'<!DOCTYPE x SYSTEM "http://example.com/x.dtd"><x/>'},
            ),
            "XML with a DTD or entities is not accepted (docProps/core.xml)",
        ),
        (
            lambda: rezip(
                fixture("pandoc.docx"),
                {"word/document.xml": DTD_DOCUMENT.decode().encode("utf-16")},
            ),
            "XML with a DTD or entities is not accepted (word/document.xml)",
        ),
        (
            lambda: rezip(
                fixture("pandoc.docx"),
                {"word/document.xml": b"<w:document>\n<w:body>\n</w:document>"},
            ),
            "malformed XML in word/document.xml (line 1)",
        ),
        (
            lambda: rezip(
                fixture("pandoc.docx"),
                {"word/footnotes.xml": b"<w:footnotes xmlns:w='x'>\n\n<</w:footnotes>"},
            ),
            "malformed XML in word/footnotes.xml (line 3)",
        ),
    ],
    ids=[
        "empty",
        "markdown",
        "ole",
        "truncated",
        "zip-magic-only",
        "no-document",
        "ratio",
        "declared-size",
        "lying-size",
        "encrypted-member",
        "dtd-entities",
        "dtd-core",
        "dtd-utf16",
        "malformed",
        "malformed-footnotes",
    ],
)
def test_bad_files_are_refused_with_one_line(make: Callable[[], bytes], message: str) -> None:
    assert read_error(make()) == message


def test_damaged_compressed_data_is_refused() -> None:
    data = bytearray(fixture("pandoc.docx"))
    local_name = data.find(b"word/document.xml")  # in the member's local header
    start = local_name + len("word/document.xml") + 40  # well inside its deflated data
    data[start : start + 64] = bytes(64)
    assert read_error(bytes(data)) in {
        "corrupt .docx file (cannot inflate word/document.xml)",
        "malformed XML in word/document.xml (line 1)",
    }


def test_total_size_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _noise_member()
    assert read_docx(data).body == PANDOC_BODY  # 1.5 MiB that does not compress is fine
    monkeypatch.setattr(docx_format, "MAX_UNCOMPRESSED_BYTES", 1 * MIB)
    assert read_error(data) == "possible zip bomb: more than 1 MiB uncompressed"


def test_input_size_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docx_format, "MAX_INPUT_BYTES", 10_000)
    assert read_error(fixture("pandoc.docx")) == "file is larger than 10000 bytes"
    monkeypatch.setattr(docx_format, "MAX_INPUT_BYTES", MIB)
    assert read_docx(fixture("pandoc.docx")).body == PANDOC_BODY


def test_set_core_properties_refuses_bad_files_too() -> None:
    with pytest.raises(DocumentReadError) as caught:
        set_core_properties(_zeros_member(), SOP_PROPERTIES)
    assert str(caught.value) == "possible zip bomb: word/media/zeros.bin is compressed more than 200 to 1"


@settings(max_examples=75, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), min_size=1, max_size=6),
    st.integers(min_value=0),
)
def test_damaged_files_raise_only_document_read_error(changes: list[tuple[int, int]], cut: int) -> None:
    data = bytearray(fixture("pandoc.docx"))
    for position, value in changes:
        data[position % len(data)] = value
    damaged = bytes(data[: len(data) - cut % 200])
    try:
        content = read_docx(damaged)
    except DocumentReadError as error:
        assert "\n" not in str(error)
    else:
        assert isinstance(content.body, str)


# --- live re-saves (LibreOffice, pandoc) ---------------------------------------------------------


def _libreoffice_resave(sources: list[Path], out: Path, profile: Path) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    command = [
        soffice,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--convert-to",
        "docx",
        "--outdir",
        str(out),
        *map(str, sources),
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=300)


@pytest.mark.tools
def test_live_libreoffice_resave_keeps_the_body(tmp_path: Path) -> None:
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    sources = tmp_path / "in"
    sources.mkdir()
    names = [
        "python-docx.docx",
        "pandoc.docx",
        "tracked-changes.docx",
        "text-box.docx",
        "content-controls.docx",
    ]
    for name in names:
        (sources / name).write_bytes(fixture(name))
    (sources / "new.docx").write_bytes(new_docx(title="New", headings=["One", "Two"], properties=SOP_PROPERTIES))
    paths = sorted(sources.iterdir())
    _libreoffice_resave(paths, tmp_path / "out", tmp_path / "profile")
    for path in paths:
        resaved = (tmp_path / "out" / path.name).read_bytes()
        assert resaved != path.read_bytes()
        assert body_of(resaved) == body_of(path.read_bytes()), path.name
    assert dict(read_docx((tmp_path / "out" / "new.docx").read_bytes()).properties) == SOP_PROPERTIES


@pytest.mark.tools
def test_live_pandoc_then_libreoffice_keeps_the_body(tmp_path: Path) -> None:
    pandoc = shutil.which("pandoc")
    if pandoc is None or shutil.which("soffice") is None:
        pytest.skip("pandoc or LibreOffice (soffice) is not installed")
    source = tmp_path / "in.md"
    source.write_text(
        "# Scope\n\nText with a footnote.[^1]\n\n| A | B |\n|---|---|\n| 1 | 2 |\n\n[^1]: The note.\n",
        encoding="utf-8",
    )
    made = tmp_path / "pandoc" / "made.docx"
    made.parent.mkdir()
    subprocess.run([pandoc, "-o", str(made), "--", str(source)], check=True, capture_output=True, timeout=120)
    _libreoffice_resave([made], tmp_path / "out", tmp_path / "profile")
    original = body_of(made.read_bytes())
    assert original == "Scope\nText with a footnote.\nA\tB\n1\t2\n The note."
    assert body_of((tmp_path / "out" / "made.docx").read_bytes()) == original
