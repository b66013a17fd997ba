"""Real .docx bytes for the generated repositories, fast enough for thousands of versions.

A few templates are built once with python-docx (different fonts, page sizes, one with a header
line); each document version is then the template's package with its ``word/document.xml`` made
from the template's own paragraph XML (title, headings, paragraphs, numbered items) holding the
version's text, and its core title set. Every other part (styles, numbering, theme) is copied byte
for byte, so Word, LibreOffice and docctl's reader see ordinary python-docx documents.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from functools import cache
from xml.sax.saxutils import escape

_FIXED_TIME = (2020, 1, 1, 0, 0, 0)
_MARKS = ("@@TITLE@@", "@@HEADING@@", "@@PARAGRAPH@@", "@@ITEM@@")
_LIST_ITEM = re.compile(r"^\s*(?:\d+\.|-)\s+")


class Template:
    """One python-docx document, split into the XML around the body and one paragraph per style."""

    def __init__(self, number: int) -> None:
        import docx
        from docx.enum.section import WD_ORIENT
        from docx.shared import Mm, Pt

        document = docx.Document()
        style = document.styles["Normal"]
        style.font.name = ("Calibri", "Arial", "Times New Roman")[number % 3]
        style.font.size = Pt((11, 10, 12)[number % 3])
        section = document.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        if number % 2 == 0:
            section.page_width, section.page_height = Mm(210), Mm(297)  # A4
        if number == 1:
            section.header.paragraphs[0].text = "ACME Medical - controlled copy - printed copies are not controlled"
        document.core_properties.title = _MARKS[0]
        document.add_paragraph(_MARKS[0], style="Title")
        document.add_heading(_MARKS[1], level=1)
        document.add_paragraph(_MARKS[2])
        document.add_paragraph(_MARKS[3], style="List Number")
        buffer = io.BytesIO()
        document.save(buffer)
        with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
            self.members = [
                (info, archive.read(info.filename))
                for info in archive.infolist()
                if info.filename != "docProps/thumbnail.jpeg"  # a picture of another text
            ]
        xml = dict((info.filename, data) for info, data in self.members)["word/document.xml"].decode()
        start, end = xml.index("<w:body>") + len("<w:body>"), xml.index("<w:sectPr")
        self.head, self.tail = xml[:start], xml[end:]
        self.paragraphs = {mark: _paragraph_with(xml[start:end], mark) for mark in _MARKS}

    def render(self, title: str, blocks: Sequence[str]) -> bytes:
        """The .docx of a body given as Markdown-like blocks (headings, paragraphs, lists, tables)."""
        parts = [self.head, self._p(_MARKS[0], title)]
        for block in blocks:
            if block.startswith("#"):
                if not block.startswith("# "):  # the Markdown title heading is the Title paragraph here
                    parts.append(self._p(_MARKS[1], block.lstrip("#").strip()))
                continue
            for line in block.splitlines():
                if line.startswith("|---"):
                    continue
                if line.startswith("|"):
                    parts.append(self._p(_MARKS[2], "\t".join(c.strip() for c in line.strip("|").split("|"))))
                elif _LIST_ITEM.match(line):
                    parts.append(self._p(_MARKS[3], _LIST_ITEM.sub("", line)))
                else:
                    parts.append(self._p(_MARKS[2], line))
        parts.append(self.tail)
        document = "".join(parts).encode()
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
            for info, data in self.members:
                if info.filename == "word/document.xml":
                    data = document
                elif info.filename == "docProps/core.xml":
                    data = data.replace(_MARKS[0].encode(), escape(title).encode())
                archive.writestr(zipfile.ZipInfo(info.filename, _FIXED_TIME), data, zipfile.ZIP_DEFLATED)
        return out.getvalue()

    def _p(self, mark: str, text: str) -> str:
        return self.paragraphs[mark].replace(mark, escape(text))


def _paragraph_with(body: str, mark: str) -> str:
    end = body.index(mark)
    start = body.rindex("<w:p>", 0, end) if "<w:p>" in body[:end] else body.rindex("<w:p ", 0, end)
    return body[start : body.index("</w:p>", end) + len("</w:p>")]


@cache
def template(number: int) -> Template:
    return Template(number)


TEMPLATES = 3
