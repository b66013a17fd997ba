"""Read and write ``.docx`` files: body text for the fingerprint, core properties, new documents.

Bad input (docs/reference.md, "Bad input") is refused with a one-line :class:`DocumentReadError` before any XML is
parsed: the file size, the OLE header of encrypted and legacy files, the zip directory (declared
sizes and compression ratios) and the presence of ``word/document.xml`` are checked first; members
are then inflated with a cap, and XML with a DTD or entities is refused before lxml sees it.

The body text (docs/fingerprint.md, "The body of a .docx") is the document as if all tracked changes were accepted, built to
be the same after Word or LibreOffice saves the file again: only text is taken (never run splits,
bookmarks, field codes, list numbers or page breaks), generated field results (page numbers, dates,
tables of contents) are left out, each header and footer is taken once, and footnotes follow the
order of their references.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from lxml import etree

from docctl.core.errors import DocumentReadError, UsageError

__all__ = ["DocxContent", "new_docx", "read_docx", "set_core_properties"]

# Limits of the bad-input rules (docs/reference.md), module constants so that tests can lower them.
MIB = 1024 * 1024
MAX_INPUT_BYTES = 50 * MIB
MAX_UNCOMPRESSED_BYTES = 200 * MIB
MAX_COMPRESSION_RATIO = 200
RATIO_CHECK_MIN_BYTES = 1 * MIB

NOT_A_ZIP = "not a .docx file (not a zip archive)"
OLE_FILE = "encrypted or legacy .doc file; save it as .docx"
TRUNCATED = "corrupt .docx file (truncated or damaged zip archive)"
NO_DOCUMENT = "not a .docx file (no word/document.xml)"
DTD_REFUSED = "XML with a DTD or entities is not accepted"
TOO_DEEP = "corrupt .docx file (XML nested too deeply)"

_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_ZIP_MAGIC = b"PK"
_DTD_MARKERS = tuple(
    marker.encode(codec) for marker in ("<!DOCTYPE", "<!ENTITY") for codec in ("utf-8", "utf-16-le", "utf-16-be")
)
_DOCUMENT = "word/document.xml"
_CORE = "docProps/core.xml"
_PACKAGE_RELS = "_rels/.rels"
_CONTENT_TYPES = "[Content_Types].xml"
_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_FIXED_CORE_TIME = "2000-01-01T00:00:00Z"

_Element = Any  # lxml ships no type information
_DateTime = tuple[int, int, int, int, int, int]
_Rels = Mapping[str, tuple[str, str]]  # relationship id -> (type, zip member)

_W = (
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",
)
_R = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://purl.oclc.org/ooxml/officeDocument/relationships",
)
_PREFIX_OF_NAMESPACE = {
    **dict.fromkeys(_W, "w"),
    "http://schemas.openxmlformats.org/markup-compatibility/2006": "mc",
    "http://schemas.openxmlformats.org/officeDocument/2006/math": "m",
    "http://purl.oclc.org/ooxml/officeDocument/math": "m",
}
_CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
_DC = "http://purl.org/dc/elements/1.1/"
_DCTERMS = "http://purl.org/dc/terms/"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_CORE_REL_TYPE = f"{_PKG_RELS}/metadata/core-properties"
_CORE_CONTENT_TYPE = "application/vnd.openxmlformats-package.core-properties+xml"

# property key -> (namespace, local name) in docProps/core.xml
_CORE_FIELDS: Mapping[str, tuple[str, str]] = {
    "identifier": (_DC, "identifier"),
    "version": (_CP, "version"),
    "title": (_DC, "title"),
    "content_status": (_CP, "contentStatus"),
    "subject": (_DC, "subject"),
    "creator": (_DC, "creator"),
    "description": (_DC, "description"),
    "language": (_DC, "language"),
    "keywords": (_CP, "keywords"),
    "category": (_CP, "category"),
    "last_modified_by": (_CP, "lastModifiedBy"),
    "revision": (_CP, "revision"),
    "created": (_DCTERMS, "created"),
    "modified": (_DCTERMS, "modified"),
}
_READ_KEYS = ("identifier", "version", "title", "content_status")


class _UnsafeXmlError(DocumentReadError):
    """XML with a DTD or entities: refused even where a broken part is tolerated."""


@dataclass(frozen=True, slots=True, kw_only=True)
class DocxContent:
    """What docctl needs from a ``.docx``: the fingerprint body, core properties, first heading."""

    body: str
    properties: Mapping[str, str]
    first_heading: str | None


# --- the archive ---------------------------------------------------------------------------------


class _Archive:
    """A zip whose directory passed the limits; members are inflated with a cap."""

    __slots__ = ("_by_name", "_zip")

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self._zip = archive
        self._by_name = {info.filename.lower(): info for info in reversed(archive.infolist())}

    @property
    def infos(self) -> list[zipfile.ZipInfo]:
        return self._zip.infolist()

    def find(self, name: str) -> zipfile.ZipInfo | None:
        """The member ``name``; part names are case-insensitive (ECMA-376 part 2)."""
        return self._by_name.get(name.lstrip("/").lower())

    def member_name(self, name: str) -> str:
        info = self.find(name)
        return name if info is None else info.filename

    def read(self, info: zipfile.ZipInfo) -> bytes:
        """The member's bytes, never more than its declared (and checked) size."""
        if info.flag_bits & 0x1:
            raise DocumentReadError(f"corrupt .docx file (encrypted zip member {info.filename})")
        try:
            with self._zip.open(info) as member:
                return bytes(member.read(info.file_size))
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, ValueError):
            message = f"corrupt .docx file (cannot inflate {info.filename})"
            raise DocumentReadError(message) from None

    def xml(self, name: str) -> _Element | None:
        info = self.find(name)
        return None if info is None else _parse_xml(self.read(info), info.filename)


def _open_archive(data: bytes) -> _Archive:
    if len(data) > MAX_INPUT_BYTES:
        raise DocumentReadError(f"file is larger than {_size_text(MAX_INPUT_BYTES)}")
    if data.startswith(_OLE_MAGIC):
        raise DocumentReadError(OLE_FILE)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, EOFError, OSError, ValueError):
        raise DocumentReadError(TRUNCATED if data.startswith(_ZIP_MAGIC) else NOT_A_ZIP) from None
    _check_directory(archive.infolist())
    return _Archive(archive)


def _check_directory(infos: Sequence[zipfile.ZipInfo]) -> None:
    """Refuse zip bombs from the declared sizes, before anything is inflated."""
    if sum(info.file_size for info in infos) > MAX_UNCOMPRESSED_BYTES:
        limit = _size_text(MAX_UNCOMPRESSED_BYTES)
        raise DocumentReadError(f"possible zip bomb: more than {limit} uncompressed")
    for info in infos:
        ratio_too_high = info.file_size > MAX_COMPRESSION_RATIO * info.compress_size
        if info.file_size > RATIO_CHECK_MIN_BYTES and ratio_too_high:
            raise DocumentReadError(
                f"possible zip bomb: {info.filename} is compressed more than {MAX_COMPRESSION_RATIO} to 1"
            )


def _size_text(size: int) -> str:
    return f"{size // MIB} MiB" if size % MIB == 0 else f"{size} bytes"


def _parse_xml(data: bytes, name: str) -> _Element:
    if any(marker in data for marker in _DTD_MARKERS):
        raise _UnsafeXmlError(f"{DTD_REFUSED} ({name})")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.LxmlError as error:
        line = getattr(error, "lineno", None)
        where = "" if line is None else f" (line {line})"
        raise DocumentReadError(f"malformed XML in {name}{where}") from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise _UnsafeXmlError(f"{DTD_REFUSED} ({name})")
    return root


def _relationships(archive: _Archive, part: str) -> dict[str, tuple[str, str]]:
    """The internal relationships of ``part`` (``""`` for the package)."""
    folder, base = posixpath.split(part)
    root = archive.xml(posixpath.join(folder, "_rels", f"{base}.rels"))
    found: dict[str, tuple[str, str]] = {}
    for rel in [] if root is None else root:
        if _local(rel) == "Relationship" and rel.get("TargetMode") != "External":
            target = _resolve(folder, str(rel.get("Target", "")))
            found[str(rel.get("Id", ""))] = (str(rel.get("Type", "")), target)
    return found


def _resolve(folder: str, target: str) -> str:
    path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
    return posixpath.normpath(path)


def _target_of_type(rels: _Rels, suffix: str) -> str | None:
    return next((target for kind, target in rels.values() if kind.endswith(suffix)), None)


# --- element names -------------------------------------------------------------------------------


@lru_cache(maxsize=1024)
def _name_of_tag(tag: str) -> str:
    namespace, _, local = tag[1:].rpartition("}") if tag.startswith("{") else ("", "", tag)
    return f"{_PREFIX_OF_NAMESPACE.get(namespace, '?')}:{local}"


def _name(element: _Element) -> str:
    """``"w:t"``, ``"mc:Choice"``, ``"?:local"`` in other namespaces, ``""`` for comments, PIs."""
    tag = element.tag
    return _name_of_tag(tag) if isinstance(tag, str) else ""


def _local(element: _Element) -> str:
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _w_attr(element: _Element, local: str) -> str | None:
    return _attr(element, _W, local)


def _attr(element: _Element, namespaces: Sequence[str], local: str) -> str | None:
    for namespace in namespaces:
        value = element.get(f"{{{namespace}}}{local}")
        if value is not None:
            return str(value)
    return None


def _is_on(element: _Element | None) -> bool:
    """A WordprocessingML on/off property: present and not ``false``/``0``/``off``."""
    return element is not None and _w_attr(element, "val") not in ("false", "0", "off")


def _child(element: _Element, name: str) -> _Element | None:
    return next((child for child in element if _name(child) == name), None)


def _chosen_branch(alternate: _Element) -> _Element | None:
    """The first ``mc:Choice`` of ``mc:AlternateContent`` (else its ``mc:Fallback``), never both."""
    choice = _child(alternate, "mc:Choice")
    return _child(alternate, "mc:Fallback") if choice is None else choice


# --- text ----------------------------------------------------------------------------------------

_WRAPPERS = frozenset({"w:customXml", "w:ins", "w:moveTo", "w:smartTag", "w:sdt", "w:sdtContent"})
_SKIPPED_INLINE = frozenset({"w:pPr", "w:rPr", "w:sdtPr", "w:sdtEndPr", "w:del", "w:moveFrom", "w:rt", "w:rubyPr"})
_DELETED_MARKS = frozenset({"w:del", "w:moveFrom"})
_NOTE_REFERENCES = {"w:footnoteReference": "footnote", "w:endnoteReference": "endnote"}
_HEADING_STYLES = frozenset({"title", "heading1"})
_SKIPPED_NOTE_TYPES = frozenset({"separator", "continuationSeparator", "continuationNotice"})

# Fields whose results are generated: recomputed on save or print from layout, clock, user or file
# (PAGE, DATE, ...), or built from text that is read anyway (TOC, INDEX). Word and LibreOffice also
# lay them out differently (LibreOffice puts a whole TOC entry inside its PAGEREF field).
_GENERATED_FIELDS = frozenset(
    {
        *("PAGE", "NUMPAGES", "SECTIONPAGES", "SECTION", "PAGEREF"),
        *("DATE", "TIME", "PRINTDATE", "SAVEDATE", "CREATEDATE", "EDITTIME"),
        *("FILENAME", "FILESIZE", "NUMWORDS", "NUMCHARS", "REVNUM"),
        *("LASTSAVEDBY", "USERNAME", "USERINITIALS", "USERADDRESS"),
        *("TOC", "TOA", "INDEX", "BIBLIOGRAPHY"),
    }
)


@dataclass(frozen=True, slots=True)
class _Paragraph:
    text: str
    boxes: tuple[str, ...]  # lines of the text boxes anchored in the paragraph
    mark_deleted: bool  # the paragraph mark is a tracked deletion: it joins the next paragraph
    is_heading: bool
    # Blank, and only a section break (python-docx writes one, LibreOffice drops it) or only field
    # material (Word ends a table of contents in a paragraph of its own, LibreOffice does not).
    droppable: bool


@dataclass(slots=True)
class _Field:
    """A complex field (``w:fldChar`` begin, separate, end) open while a part is walked."""

    code: list[str] = field(default_factory=list)
    in_code: bool = True  # between begin and separate
    generated: bool = False  # its result is not text (see _GENERATED_FIELDS)


class _TextWalker:
    """Turns one part's XML into lines; keeps the field state and the note references."""

    __slots__ = ("_fields", "_heading_styles", "_saw_field", "first_heading", "note_refs")

    def __init__(self, heading_styles: frozenset[str] = frozenset()) -> None:
        self._fields: list[_Field] = []  # open complex fields, innermost last
        self._saw_field = False  # the paragraph being walked holds field material
        self._heading_styles = heading_styles
        self.first_heading: str | None = None
        self.note_refs: list[tuple[str, str]] = []  # ("footnote" | "endnote", id) in text order

    def story(self, container: _Element) -> list[str]:
        """The lines of a body, header, footer or note, without blank lines around them."""
        self._fields = []
        return _trim_blank_lines(self.blocks(container))

    def blocks(self, container: _Element) -> list[str]:
        lines: list[str] = []
        joined: list[str] = []  # paragraphs whose mark was deleted, waiting for the next one
        joined_boxes: list[str] = []
        for element in _block_elements(container):
            if _name(element) == "w:tbl":
                lines.extend(_flush(joined, joined_boxes))
                lines.extend(self.table(element))
                continue
            paragraph = self.paragraph(element)
            if paragraph.droppable and not joined:
                continue
            joined.append(paragraph.text)
            joined_boxes.extend(paragraph.boxes)
            if not paragraph.mark_deleted:
                self._note_heading("".join(joined), paragraph.is_heading)
                lines.extend(_flush(joined, joined_boxes))
        lines.extend(_flush(joined, joined_boxes))
        return lines

    def table(self, table: _Element) -> list[str]:
        """One line per row, cells separated by a tab."""
        return ["\t".join(self.cell(cell) for cell in _cells(row)) for row in _rows(table)]

    def cell(self, cell: _Element) -> str:
        """A cell's lines (paragraphs, nested table rows) joined by a space, blank ones dropped."""
        return " ".join(line for line in self.blocks(cell) if line.strip())

    def paragraph(self, paragraph: _Element) -> _Paragraph:
        pieces: list[str] = []
        boxes: list[str] = []
        self._saw_field = bool(self._fields)
        self._inline(paragraph, pieces, boxes)
        properties = _child(paragraph, "w:pPr")
        text = "".join(pieces)
        breaks_section = properties is not None and _child(properties, "w:sectPr") is not None
        return _Paragraph(
            text=text,
            boxes=tuple(boxes),
            mark_deleted=_mark_deleted(properties),
            is_heading=self._styled_heading(properties),
            droppable=(breaks_section or self._saw_field) and not (text.strip() or boxes),
        )

    def _note_heading(self, text: str, is_heading: bool) -> None:
        if is_heading and self.first_heading is None and text.strip():
            self.first_heading = text.strip()

    def _styled_heading(self, properties: _Element | None) -> bool:
        style = None if properties is None else _child(properties, "w:pStyle")
        style_id = None if style is None else _w_attr(style, "val")
        return style_id is not None and (style_id in self._heading_styles or _style_key(style_id) in _HEADING_STYLES)

    def _inline(self, parent: _Element, pieces: list[str], boxes: list[str]) -> None:
        for element in parent:
            name = _name(element)
            if name == "w:r":
                self._run(element, pieces, boxes)
            elif name == "m:t":
                pieces.append(str(element.text or ""))
            elif name == "mc:AlternateContent":
                branch = _chosen_branch(element)
                if branch is not None:
                    self._inline(branch, pieces, boxes)
            elif name == "w:fldSimple" and _generated(_w_attr(element, "instr")):
                self._saw_field = True
            elif name and name not in _SKIPPED_INLINE:  # hyperlink, ins, sdt, fldSimple, math...
                self._inline(element, pieces, boxes)

    def _run(self, run: _Element, pieces: list[str], boxes: list[str]) -> None:
        for element in run:
            name = _name(element)
            if name == "w:fldChar":
                self._field_char(_w_attr(element, "fldCharType"))
            elif name == "w:instrText":
                self._field_code(str(element.text or ""))
            elif any(open_field.in_code or open_field.generated for open_field in self._fields):
                self._saw_field = True  # field code, or a generated result: not text
            elif name in ("w:drawing", "w:pict", "w:object"):
                self._text_box_lines(element, boxes)
            elif name == "mc:AlternateContent":
                branch = _chosen_branch(element)
                if branch is not None:
                    self._run(branch, pieces, boxes)
            elif name == "w:ruby":
                base = _child(element, "w:rubyBase")
                if base is not None:
                    self._inline(base, pieces, boxes)
            elif name in _NOTE_REFERENCES:
                self._note_ref(_NOTE_REFERENCES[name], _w_attr(element, "id"))
            else:
                pieces.append(_run_text(name, element))

    def _text_box_lines(self, drawing: _Element, boxes: list[str]) -> None:
        saw_field = self._saw_field  # walking the box's paragraphs resets it
        for box in _text_boxes(drawing):
            boxes.extend(self.blocks(box))
        self._saw_field = saw_field

    def _field_char(self, kind: str | None) -> None:
        self._saw_field = True
        if kind == "begin":
            self._fields.append(_Field())
        elif kind == "separate" and self._fields:
            current = self._fields[-1]
            current.in_code = False
            current.generated = _generated("".join(current.code))
        elif kind == "end" and self._fields:
            self._fields.pop()

    def _field_code(self, text: str) -> None:
        self._saw_field = True
        if self._fields and self._fields[-1].in_code:
            self._fields[-1].code.append(text)

    def _note_ref(self, kind: str, note_id: str | None) -> None:
        if note_id is not None and (kind, note_id) not in self.note_refs:
            self.note_refs.append((kind, note_id))


def _generated(code: str | None) -> bool:
    words = (code or "").split()
    return bool(words) and words[0].upper() in _GENERATED_FIELDS


def _run_text(name: str, element: _Element) -> str:
    if name == "w:t":
        return str(element.text or "")
    if name in ("w:tab", "w:ptab"):
        return "\t"
    if name == "w:cr":
        return "\n"
    if name == "w:br":  # page and column breaks are layout, not text (LibreOffice moves them)
        return "" if _w_attr(element, "type") in ("page", "column") else "\n"
    if name == "w:noBreakHyphen":
        return "-"
    return ""  # softHyphen, sym, delText, footnoteRef, lastRenderedPageBreak, rPr, ...


def _flush(joined: list[str], joined_boxes: list[str]) -> list[str]:
    lines = ["".join(joined), *joined_boxes] if joined else list(joined_boxes)
    joined.clear()
    joined_boxes.clear()
    return lines


def _mark_deleted(properties: _Element | None) -> bool:
    """Whether the paragraph mark is deleted (or moved away) as a tracked change.

    Accepting the change joins the paragraph with the next one; :meth:`_TextWalker.blocks` does
    that for paragraphs that follow each other. Before a table, the paragraph stays a line.
    """
    marks = None if properties is None else _child(properties, "w:rPr")
    return marks is not None and any(_name(mark) in _DELETED_MARKS for mark in marks)


def _block_elements(container: _Element) -> Iterator[_Element]:
    """The paragraphs and tables of a container, through content controls and other wrappers."""
    for element in container:
        name = _name(element)
        if name in ("w:p", "w:tbl"):
            yield element
        elif name in _WRAPPERS:
            yield from _block_elements(element)
        elif name == "mc:AlternateContent":
            branch = _chosen_branch(element)
            if branch is not None:
                yield from _block_elements(branch)


def _rows(table: _Element) -> Iterator[_Element]:
    for row in _wrapped(table, "w:tr"):
        properties = _child(row, "w:trPr")
        if properties is None or _child(properties, "w:del") is None:
            yield row


def _cells(row: _Element) -> Iterator[_Element]:
    for cell in _wrapped(row, "w:tc"):
        properties = _child(cell, "w:tcPr")
        if properties is None or _child(properties, "w:cellDel") is None:
            yield cell


def _wrapped(parent: _Element, name: str) -> Iterator[_Element]:
    """Children named ``name``, also inside content controls and custom XML."""
    for element in parent:
        child_name = _name(element)
        if child_name == name:
            yield element
        elif child_name in _WRAPPERS:
            yield from _wrapped(element, name)


def _text_boxes(element: _Element) -> Iterator[_Element]:
    """The outermost ``w:txbxContent`` below a drawing, in one branch of alternate content."""
    for child in element:
        name = _name(child)
        if name == "w:txbxContent":
            yield child
        elif name == "mc:AlternateContent":
            branch = _chosen_branch(child)
            if branch is not None:
                yield from _text_boxes(branch)
        elif name:
            yield from _text_boxes(child)


def _trim_blank_lines(lines: list[str]) -> list[str]:
    filled = [index for index, line in enumerate(lines) if line.strip()]
    return lines[filled[0] : filled[-1] + 1] if filled else []


def _style_key(style: str) -> str:
    """``"Heading 1"``, ``"heading 1"`` and ``"Heading1"`` all give ``"heading1"``."""
    return "".join(style.split()).lower()


# --- reading -------------------------------------------------------------------------------------


def read_docx(data: bytes) -> DocxContent:
    """The body text (the fingerprint recipe, docs/fingerprint.md; not normalised), core properties and first heading.

    ``first_heading`` is the stripped text of the first non-blank body paragraph styled Title or
    Heading 1 (by style id or name). Raises :class:`DocumentReadError`, never another exception.
    """
    archive = _open_archive(data)
    if archive.find(_DOCUMENT) is None:
        raise DocumentReadError(NO_DOCUMENT)
    try:
        return _read_content(archive)
    except RecursionError:
        raise DocumentReadError(TOO_DEEP) from None


def _read_content(archive: _Archive) -> DocxContent:
    document = archive.xml(_DOCUMENT)
    rels = _relationships(archive, _DOCUMENT)
    walker = _TextWalker(_heading_style_ids(archive, rels))
    body = _child(document, "w:body")
    lines = [] if body is None else walker.story(body)
    lines.extend(_header_footer_lines(archive, document, rels))
    lines.extend(_note_lines(archive, rels, walker.note_refs))
    return DocxContent(
        body="\n".join(lines),
        properties=_core_properties(archive),
        first_heading=walker.first_heading,
    )


def _heading_style_ids(archive: _Archive, rels: _Rels) -> frozenset[str]:
    """Ids of the paragraph styles named Title or Heading 1 (any case or spacing)."""
    styles = archive.xml(_target_of_type(rels, "/styles") or "word/styles.xml")
    found: set[str] = set()
    for style in [] if styles is None else styles:
        name_element = _child(style, "w:name")
        name = "" if name_element is None else _w_attr(name_element, "val") or ""
        style_id = _w_attr(style, "styleId") or ""
        if _w_attr(style, "type") in (None, "paragraph") and _style_key(name) in _HEADING_STYLES:
            found.add(style_id)
    return frozenset(found)


_HEADER_FOOTER_ORDER = {"default": 0, "first": 1, "even": 2}
_HEADER_FOOTER_REFERENCES = {"w:headerReference": "header", "w:footerReference": "footer"}


def _header_footer_lines(archive: _Archive, document: _Element, rels: _Rels) -> list[str]:
    """The headers, then the footers: sections in order, each part and each text once.

    Within a section the order is default, first, even (Word and LibreOffice write the references
    in different orders). A first-page part counts only with ``w:titlePg`` and even-page ones only
    with ``w:evenAndOddHeaders``, as Word shows them. Blank parts are skipped (LibreOffice adds
    some), and so is a part whose text repeats an earlier one (LibreOffice writes a copy of a
    header for each section that inherits it).
    """
    even_pages = _even_and_odd_pages(archive, rels)
    refs = [ref for sect in _section_properties(document) for ref in _part_refs(sect, even_pages)]
    lines: list[str] = []
    for kind in ("header", "footer"):
        targets = dict.fromkeys(rels[rel_id][1] for ref, rel_id in refs if ref == kind and rel_id in rels)
        texts: list[list[str]] = []
        for target in targets:
            root = archive.xml(target)
            text = [] if root is None else _TextWalker().story(root)
            if text and text not in texts:
                texts.append(text)
        lines.extend(line for text in texts for line in text)
    return lines


def _section_properties(document: _Element) -> Iterator[_Element]:
    for element in document.iter():
        parent = element.getparent()
        if _name(element) == "w:sectPr" and (parent is None or _name(parent) != "w:sectPrChange"):
            yield element


def _part_refs(section: _Element, even_pages: bool) -> list[tuple[str, str]]:
    """(``header`` | ``footer``, relationship id) of the parts the section shows."""
    shown = {"default", *(["first"] if _is_on(_child(section, "w:titlePg")) else [])}
    shown |= {"even"} if even_pages else set()
    refs: list[tuple[int, str, str]] = []
    for element in section:
        kind = _HEADER_FOOTER_REFERENCES.get(_name(element))
        page = _w_attr(element, "type") or "default"
        rel_id = _attr(element, _R, "id")
        if kind and page in shown and rel_id:
            refs.append((_HEADER_FOOTER_ORDER[page], kind, rel_id))
    return [(kind, rel_id) for _, kind, rel_id in sorted(refs, key=lambda ref: ref[0])]


def _even_and_odd_pages(archive: _Archive, rels: _Rels) -> bool:
    settings = archive.xml(_target_of_type(rels, "/settings") or "word/settings.xml")
    return settings is not None and _is_on(_child(settings, "w:evenAndOddHeaders"))


def _note_lines(archive: _Archive, rels: _Rels, refs: Sequence[tuple[str, str]]) -> list[str]:
    """Footnotes, then endnotes, in the order of their first reference in the body.

    Unreferenced notes are not shown by Word and not kept by LibreOffice, so they are skipped.
    """
    lines: list[str] = []
    for kind in ("footnote", "endnote"):
        notes = _notes_by_id(archive, _target_of_type(rels, f"/{kind}s"))
        for note_id in (note_id for ref_kind, note_id in refs if ref_kind == kind):
            if note_id in notes:
                lines.extend(_TextWalker().story(notes[note_id]))
    return lines


def _notes_by_id(archive: _Archive, part: str | None) -> dict[str, _Element]:
    root = None if part is None else archive.xml(part)
    return {
        _w_attr(note, "id") or "": note
        for note in ([] if root is None else root)
        if _name(note) in ("w:footnote", "w:endnote") and _w_attr(note, "type") not in _SKIPPED_NOTE_TYPES
    }


def _core_properties(archive: _Archive) -> dict[str, str]:
    """identifier, version, title and content_status; ``""`` when absent or unreadable."""
    found = dict.fromkeys(_READ_KEYS, "")
    root = _core_root(archive, _core_part_name(archive))
    wanted = {_CORE_FIELDS[key][1]: key for key in _READ_KEYS}
    for element in [] if root is None else root:
        key = wanted.pop(_local(element), None)
        if key is not None:
            found[key] = "".join(element.itertext())
    return found


def _core_root(archive: _Archive, part: str) -> _Element | None:
    """The parsed core properties, None when missing or malformed; a DTD is still refused."""
    try:
        return archive.xml(part)
    except _UnsafeXmlError:
        raise
    except DocumentReadError:
        return None


def _core_part_name(archive: _Archive) -> str:
    return _core_relationship(archive) or _CORE


def _core_relationship(archive: _Archive) -> str | None:
    """The target of the package's core-properties relationship, if it has a readable one."""
    try:
        rels = _relationships(archive, "")
    except _UnsafeXmlError:
        raise
    except DocumentReadError:
        return None
    return _target_of_type(rels, "/metadata/core-properties")


# --- writing -------------------------------------------------------------------------------------


def set_core_properties(data: bytes, properties: Mapping[str, str]) -> bytes:
    """A copy of ``data`` whose core properties hold ``properties``; other members unchanged.

    Keys are ``identifier``, ``version``, ``title``, ``content_status`` and the other core
    properties (``creator``, ``created``, ``modified``, ...). A missing core part is created with
    its package relationship and content-type override; a malformed one is replaced. Every other
    member is copied byte for byte, in the same order.
    """
    return _with_core_properties(_open_archive(data), properties, date_time=None)


def new_docx(*, title: str, headings: Sequence[str], properties: Mapping[str, str]) -> bytes:
    """A new document: a Title paragraph, then each heading (Heading 1) and an empty paragraph.

    The bytes depend only on the arguments: zip times are fixed, and the created and modified
    dates are 2000-01-01 unless ``properties`` holds them; the core title defaults to ``title``.
    """
    import docx  # python-docx costs 40 ms to import and only writing needs it

    document = docx.Document()
    _drop_template_extras(document)
    document.add_paragraph(title, style="Title")
    for heading in headings:
        document.add_heading(heading, level=1)
        document.add_paragraph("")
    buffer = io.BytesIO()
    document.save(buffer)
    core = {"title": title, "created": _FIXED_CORE_TIME, "modified": _FIXED_CORE_TIME}
    archive = _open_archive(buffer.getvalue())
    return _with_core_properties(archive, {**core, **properties}, date_time=_FIXED_ZIP_TIME)


def _drop_template_extras(document: Any) -> None:
    """Drop the template's stylesWithEffects (for Word 2010) and its thumbnail of another text."""
    owners = ((document.part, "/stylesWithEffects"), (document.part.package, "/thumbnail"))
    for owner, suffix in owners:
        for rel_id in [rid for rid, rel in owner.rels.items() if rel.reltype.endswith(suffix)]:
            del owner.rels[rel_id]


def _with_core_properties(archive: _Archive, properties: Mapping[str, str], *, date_time: _DateTime | None) -> bytes:
    unknown = sorted(set(properties) - set(_CORE_FIELDS))
    if unknown:
        raise UsageError(f"unknown core property: {unknown[0]}")
    related = _core_relationship(archive)
    part = related or _CORE
    replaced = {archive.member_name(part): _core_xml(_core_root(archive, part), properties)}
    if related is None:
        replaced[archive.member_name(_PACKAGE_RELS)] = _with_core_relationship(archive, part)
    content_types = _with_core_override(archive, part)
    if content_types is not None:
        replaced[archive.member_name(_CONTENT_TYPES)] = content_types
    return _rebuild(archive, replaced, date_time=date_time)


def _core_xml(root: _Element | None, properties: Mapping[str, str]) -> bytes:
    if root is None:
        nsmap = {"cp": _CP, "dc": _DC, "dcterms": _DCTERMS, "xsi": _XSI}
        root = etree.Element(f"{{{_CP}}}coreProperties", nsmap=nsmap)
    for key, value in properties.items():
        namespace, local = _CORE_FIELDS[key]
        matches = [element for element in root if _local(element) == local]
        element = matches[0] if matches else etree.SubElement(root, f"{{{namespace}}}{local}")
        for extra in [*matches[1:], *element]:
            extra.getparent().remove(extra)
        element.text = value
        if namespace == _DCTERMS:
            element.set(f"{{{_XSI}}}type", "dcterms:W3CDTF")
    return _serialise(root)


def _with_core_relationship(archive: _Archive, part: str) -> bytes:
    root = _xml_or_new(archive, _PACKAGE_RELS, f"{{{_PKG_RELS}}}Relationships")
    ids = {element.get("Id") for element in root}
    rel_id = next(f"rIdCore{n}" for n in range(len(ids) + 1) if f"rIdCore{n}" not in ids)
    relationship = etree.SubElement(root, f"{{{_PKG_RELS}}}Relationship")
    relationship.attrib.update({"Id": rel_id, "Type": _CORE_REL_TYPE, "Target": part})
    return _serialise(root)


def _with_core_override(archive: _Archive, part: str) -> bytes | None:
    """[Content_Types].xml with an override for the core part, or None when it has one."""
    root = _xml_or_new(archive, _CONTENT_TYPES, f"{{{_CT}}}Types")
    names = {str(element.get("PartName", "")).lstrip("/").lower() for element in root}
    if part.lower() in names:
        return None
    override = etree.SubElement(root, f"{{{_CT}}}Override")
    override.attrib.update({"PartName": f"/{part}", "ContentType": _CORE_CONTENT_TYPE})
    return _serialise(root)


def _xml_or_new(archive: _Archive, name: str, tag: str) -> _Element:
    root = archive.xml(name)
    namespace = tag[1:].partition("}")[0]
    return etree.Element(tag, nsmap={None: namespace}) if root is None else root


def _serialise(root: _Element) -> bytes:
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def _rebuild(archive: _Archive, replaced: Mapping[str, bytes], *, date_time: _DateTime | None) -> bytes:
    """The archive with ``replaced`` members (new ones last); member order and bytes kept."""
    buffer = io.BytesIO()
    pending = dict(replaced)
    with zipfile.ZipFile(buffer, "w") as target:
        for info in archive.infos:
            data = pending.pop(info.filename, None)
            content = archive.read(info) if data is None else data
            target.writestr(_copied_info(info, date_time), content)
        for name, data in pending.items():
            target.writestr(_new_info(name, date_time or _FIXED_ZIP_TIME), data)
    return buffer.getvalue()


def _copied_info(info: zipfile.ZipInfo, date_time: _DateTime | None) -> zipfile.ZipInfo:
    """Zip entry data of a copied member; with ``date_time``, normalised (time, system)."""
    copy = _new_info(info.filename, date_time or info.date_time)
    if info.compress_type == zipfile.ZIP_STORED:
        copy.compress_type = zipfile.ZIP_STORED
    copy.external_attr = info.external_attr
    copy.comment = info.comment
    if date_time is None:
        copy.create_system = info.create_system
    return copy


def _new_info(name: str, date_time: _DateTime) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 0  # the default depends on the platform
    return info
