"""The .docx controlled copy (python-docx). A .docx source keeps its own content; a Markdown source
is written by :mod:`docctl.publish.docxbody`. docctl adds, each inside a hidden bookmark named
``_docctl_...`` so that it can be told apart from the document's own content: a header (id, title,
revision, status, effective date, and the watermark of a copy not in force), a footer (the copy
line, page x of y) and an appendix (signature page and revision history). The stamp goes into the
custom properties (``docctl-id``, ...).

Reading back for ``docctl verify``: the custom properties, and the text of the document with
docctl's bookmarked additions removed, read as the fingerprint recipe reads a .docx.
"""

from __future__ import annotations

import io
import itertools
import zipfile
import zlib
from collections.abc import Mapping, Sequence
from typing import Any

from lxml import etree

from docctl.core.errors import DocumentReadError
from docctl.formats.docx import read_docx
from docctl.publish.copy import Copy
from docctl.publish.html import running_header, stamp_of
from docctl.publish.stamp import Stamp

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
CUSTOM_PART = "/docProps/custom.xml"
CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
CUSTOM_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
BOOKMARK = "_docctl_"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_blank_text=False)
_STORIES = ("word/document.xml",)


def render(copy: Copy) -> bytes:
    """The .docx copy as bytes."""
    document = _base(copy)
    _stamp_sections(document, copy)
    _append_appendix(document, copy)
    draft = _save(document)
    stamp = stamp_of(copy, body_text(draft))
    _set_custom_properties(document, stamp)
    return _save(document)


def _base(copy: Copy) -> Any:
    import docx

    if copy.document.format == "docx":
        try:
            return docx.Document(io.BytesIO(copy.source))
        except Exception as error:  # noqa: BLE001 - python-docx raises many kinds for a bad package
            raise DocumentReadError(f"{copy.document.path}: cannot open the .docx ({type(error).__name__})") from None
    from docctl.publish.docxbody import write_markdown

    document = docx.Document()
    core = document.core_properties
    core.title, core.identifier, core.version = copy.document.title or "", copy.document.id or "", ""
    core.revision = 1
    write_markdown(document, copy.document.body, copy.asset)
    return document


def _save(document: Any) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# header, footer, watermark --------------------------------------------------------------------


def _stamp_sections(document: Any, copy: Copy) -> None:
    """docctl's header and footer in every header and footer the sections use."""
    title, status = running_header(copy)
    watermark = copy.standing.watermark
    even = bool(document.settings.odd_and_even_pages_header_footer)
    for index, section in enumerate(document.sections):
        width = int((section.page_width or 0) - (section.left_margin or 0) - (section.right_margin or 0)) // 635
        kinds = [(section.header, section.footer)]
        if section.different_first_page_header_footer:
            kinds.append((section.first_page_header, section.first_page_footer))
        if even:
            kinds.append((section.even_page_header, section.even_page_footer))
        for header, footer in kinds:
            if index == 0 or not header.is_linked_to_previous:
                _prepend(header, _mark("header", _paragraphs(_header_xml(title, status, watermark))))
            if index == 0 or not footer.is_linked_to_previous:
                _prepend(footer, _mark("footer", _paragraphs(_footer_xml(copy.copy_line, width))))


def _prepend(part: Any, paragraphs: list[Any]) -> None:
    """Put docctl's paragraphs first in a header or footer (made if the section had none)."""
    created = part.is_linked_to_previous
    element = part._element if not created else part._get_or_add_definition().element  # noqa: SLF001
    if created:  # a new part from python-docx's template holds one empty paragraph: not the document's
        for child in list(element):
            element.remove(child)
    for index, paragraph in enumerate(paragraphs):
        element.insert(index, paragraph)


_BOOKMARK_IDS = itertools.count(990_001)


def _mark(tag: str, elements: list[Any]) -> list[Any]:
    """Enclose docctl's block elements (first and last are paragraphs) in a hidden bookmark
    ``_docctl_<tag>``, by which :func:`strip_additions` finds them again. (Not a content control:
    LibreOffice shows the codes of page-number fields inside one.)"""
    number = str(next(_BOOKMARK_IDS))
    start = etree.Element(f"{{{W}}}bookmarkStart", {f"{{{W}}}id": number, f"{{{W}}}name": f"{BOOKMARK}{tag}"})
    first, last = elements[0], elements[-1]
    properties = first.find(f"{{{W}}}pPr")
    first.insert(1 if properties is not None else 0, start)
    last.append(etree.Element(f"{{{W}}}bookmarkEnd", {f"{{{W}}}id": number}))
    return elements


def _paragraphs(xml: str) -> list[Any]:
    return list(etree.fromstring(f'<w:body xmlns:w="{W}">{xml}</w:body>', _PARSER))


def _run(text: str, *, bold: bool = False, size: int = 16) -> str:
    props = f'<w:rPr>{"<w:b/>" if bold else ""}<w:sz w:val="{size}"/></w:rPr>'
    return f'<w:r>{props}<w:t xml:space="preserve">{_escape(text)}</w:t></w:r>'


def _field(code: str) -> str:
    """A complex field (PAGE, NUMPAGES) that Word and LibreOffice update when they lay out the pages."""
    size = '<w:rPr><w:sz w:val="16"/></w:rPr>'
    return (
        f'<w:r>{size}<w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r>{size}<w:instrText xml:space="preserve"> {code} </w:instrText></w:r>'
        f'<w:r>{size}<w:fldChar w:fldCharType="separate"/></w:r>'
        f"<w:r>{size}<w:t>1</w:t></w:r>"
        f'<w:r>{size}<w:fldChar w:fldCharType="end"/></w:r>'
    )


def _header_xml(title: str, status: str, watermark: str | None) -> str:
    return f"<w:p>{_run(title, bold=True, size=17)}</w:p><w:p>{_run(status, size=17)}{_watermark(watermark)}</w:p>"


def _footer_xml(copy_line: str, width_twips: int) -> str:
    tabs = f'<w:pPr><w:tabs><w:tab w:val="right" w:pos="{max(width_twips, 1000)}"/></w:tabs></w:pPr>'
    page = _run("\tPage ") + _field("PAGE") + _run(" of ") + _field("NUMPAGES")
    return f"<w:p>{tabs}{_run(copy_line, size=15)}{page}</w:p>"


def _watermark(text: str | None) -> str:
    """A Word watermark (a VML text path behind the page, in the header), as Word writes one."""
    if not text:
        return ""
    return (
        '<w:r><w:pict xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office">'
        '<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" '
        'path="m@7,l@8,m@5,21600l@6,21600e"><v:path textpathok="t" o:connecttype="custom"/>'
        '<v:textpath on="t" fitshape="t"/><o:lock v:ext="edit" text="t" shapetype="t"/></v:shapetype>'
        '<v:shape id="DocctlWatermark" o:spid="_x0000_s2049" type="#_x0000_t136" '
        'style="position:absolute;margin-left:0;margin-top:0;width:460pt;height:110pt;rotation:315;'
        "z-index:-251657216;mso-position-horizontal:center;mso-position-horizontal-relative:margin;"
        'mso-position-vertical:center;mso-position-vertical-relative:margin" o:allowincell="f" '
        'fillcolor="#be1e2d" stroked="f"><v:fill opacity="0.2"/>'
        f'<v:textpath style="font-family:&quot;Calibri&quot;;font-size:1pt" string="{_escape(text)}"/>'
        "</v:shape></w:pict></w:r>"
    )


def _escape(text: str) -> str:
    cleaned = "".join(c for c in text if c in "\t\n" or ord(c) >= 32)
    return cleaned.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


# the appendix: signature page and revision history ---------------------------------------------


def _append_appendix(document: Any, copy: Copy) -> None:
    """Signature page and revision history at the end, in one bookmark."""
    body = document.element.body
    before = len(body)
    styles = style_table(document)
    heading = styles.get("Heading 2")
    document.add_page_break()
    _title(document, "Signatures", heading)
    doc = copy.document
    document.add_paragraph(f"{doc.id} revision {doc.revision}, content fingerprint {doc.fingerprint}")
    rows = [
        (
            f"{s.name} <{s.by}>",
            s.role,
            s.meaning + ("" if s.valid else " (not valid)"),
            s.signed.isoformat() if s.signed else "",
            s.fingerprint,
            s.commit[:12] if s.commit else "",
            s.verified,
        )
        for s in copy.signatures
    ]
    headings = ("Printed name", "Role", "Meaning", "Date and time", "Content fingerprint", "Commit", "Git signature")
    if rows:
        _grid(document, headings, rows, styles)
    else:
        document.add_paragraph("No signatures: this revision has not been approved.")
    _title(document, "Revision history", heading)
    history = [
        (
            r.revision,
            r.effective.isoformat() if r.effective else r.status,
            r.change,
            r.change_request,
            "; ".join(r.approvers),
        )
        for r in copy.history
    ]
    _grid(document, ("Revision", "Effective", "Change", "Change request", "Approvers"), history, styles)
    made = f" from commit {copy.commit}" if copy.commit else ""
    document.add_paragraph(f"{copy.copy_line}. Made by docctl {copy.version}{made}.")
    _mark("appendix", [e for e in list(body)[before:] if e.tag != f"{{{W}}}sectPr"])


def style_table(document: Any) -> dict[str, Any]:
    """Style name -> style object (looked up by object: a name python-docx translates may not resolve)."""
    return {str(style.name): style for style in document.styles if style.name}


def _title(document: Any, text: str, style: Any) -> None:
    paragraph = document.add_paragraph(style=style)
    run = paragraph.add_run(text)
    if style is None:
        run.bold = True


def _grid(document: Any, headings: Sequence[str], rows: Sequence[Sequence[str]], styles: dict[str, Any]) -> None:
    from docx.shared import Pt

    table = document.add_table(rows=1 + len(rows), cols=len(headings))
    if "Table Grid" in styles:
        table.style = styles["Table Grid"]
    else:
        _borders(table)
    for r, values in enumerate([headings, *rows]):
        for c, value in enumerate(values):
            paragraph = table.cell(r, c).paragraphs[0]
            run = paragraph.add_run(value)
            run.font.size = Pt(8)
            run.bold = r == 0 or None


def _borders(table: Any) -> None:
    """Single lines around every cell, for a source without the "Table Grid" style."""
    lines = "".join(
        f'<w:{edge} w:val="single" w:sz="4" w:space="0" w:color="999999"/>'
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    properties = table._tbl.tblPr  # noqa: SLF001 - python-docx has no API for borders
    properties.append(etree.fromstring(f'<w:tblBorders xmlns:w="{W}">{lines}</w:tblBorders>', _PARSER))


# custom properties ------------------------------------------------------------------------------


def _set_custom_properties(document: Any, stamp: Stamp) -> None:
    """The stamp as custom properties, beside any the source already has (docctl's replaced)."""
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    package = document.part.package
    existing = _custom_part(package)
    root = etree.fromstring(existing.blob, _PARSER) if existing is not None else None
    if root is None or root.tag != f"{{{CUSTOM}}}Properties":
        root = etree.Element(f"{{{CUSTOM}}}Properties", nsmap={None: CUSTOM, "vt": VT})
    for prop in list(root):
        if str(prop.get("name", "")).startswith("docctl-"):
            root.remove(prop)
    pid = max([int(p.get("pid", "1")) for p in root if str(p.get("pid", "")).isdigit()] + [1])
    for name, value in stamp.items():
        pid += 1
        prop = etree.SubElement(root, f"{{{CUSTOM}}}property", fmtid=FMTID, pid=str(pid), name=name)
        etree.SubElement(prop, f"{{{VT}}}lpwstr").text = (
            _escape(value).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
        )
    blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    if existing is not None:
        existing._blob = blob  # noqa: SLF001 - python-docx keeps an unknown part's bytes here
    else:
        package.relate_to(Part(PackURI(CUSTOM_PART), CUSTOM_TYPE, blob, package), CUSTOM_REL)


def _custom_part(package: Any) -> Any:
    for rel in package.rels.values():
        if rel.reltype == CUSTOM_REL and not rel.is_external:
            return rel.target_part
    return None


# reading back -----------------------------------------------------------------------------------

MAX_PART = 5 * 1024 * 1024


def is_wordprocessing(data: bytes) -> bool:
    """A zip package with a Word document part (not a spreadsheet or any other zip)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return any(name.lstrip("/") == "word/document.xml" for name in archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise DocumentReadError("a damaged zip file") from None


def read_custom_properties(data: bytes) -> dict[str, str]:
    """The custom properties of a .docx (name -> text). DocumentReadError if it is not a .docx."""
    read_docx(data)  # size and ratio checks, and a one-line error for what is not a .docx
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = {info.filename.lstrip("/"): info for info in archive.infolist()}
        info = names.get(CUSTOM_PART.lstrip("/"))
        if info is None or info.file_size > MAX_PART:
            return {}
        try:
            root = etree.fromstring(archive.read(info), _PARSER)
        except etree.XMLSyntaxError:
            return {}
    values: dict[str, str] = {}
    for prop in root:
        name = prop.get("name")
        if name:
            values[str(name)] = "".join(prop.itertext())
    return values


def body_text(data: bytes) -> str:
    """The text of a .docx copy without docctl's additions, read as the fingerprint reads a
    .docx (body, then headers, footers and notes)."""
    return read_docx(strip_additions(data)).body


def strip_additions(data: bytes) -> bytes:
    """The .docx without docctl's additions (header, footer, appendix: the bookmarked paragraphs)."""
    out = io.BytesIO()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                content = source.read(info)
                if _is_story(info.filename) and info.file_size <= 64 * 1024 * 1024:
                    content = _without_controls(content)
                target.writestr(info, content)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as error:
        raise DocumentReadError(f"a damaged .docx ({type(error).__name__})") from None
    return out.getvalue()


def _is_story(name: str) -> bool:
    base = name.lstrip("/")
    return base in _STORIES or (base.startswith(("word/header", "word/footer")) and base.endswith(".xml"))


def _without_controls(xml: bytes) -> bytes:
    try:
        root = etree.fromstring(xml, _PARSER)
    except etree.XMLSyntaxError:
        return xml
    names: dict[str, list[Any]] = {}
    for mark in root.iter(f"{{{W}}}bookmarkStart"):
        name = str(mark.get(f"{{{W}}}name", ""))
        if name.startswith(BOOKMARK):
            names.setdefault(name, []).append(mark)
    if not names:
        return xml
    for starts in names.values():
        _remove_marked(root, starts)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def _remove_marked(root: Any, starts: list[Any]) -> None:
    """Remove the block elements from the first start of a docctl bookmark to the last end of any
    bookmark of that name. (LibreOffice, saving a copy again, splits a bookmark over several
    paragraphs into a start without an end and a second bookmark of the same name.)"""
    ids = {mark.get(f"{{{W}}}id") for mark in starts}
    ends = [e for e in root.iter(f"{{{W}}}bookmarkEnd") if e.get(f"{{{W}}}id") in ids]
    if not ends:
        return
    first, last = _block_of(starts[0]), _block_of(ends[-1])
    parent = first.getparent()
    if parent is None or last.getparent() is not parent:
        return
    children = list(parent)
    begin, stop = children.index(first), children.index(last)
    for element in children[begin : stop + 1]:
        parent.remove(element)


def _block_of(mark: Any) -> Any:
    """The paragraph holding a bookmark mark, or the mark itself where it stands between blocks."""
    parent = mark.getparent()
    return parent if parent is not None and parent.tag == f"{{{W}}}p" else mark


def read_stamp(data: bytes) -> tuple[Stamp | None, Mapping[str, str]]:
    values = read_custom_properties(data)
    return Stamp.from_items(values), values
