"""A repository for the portal's tests, built through the real lifecycle: documents in force, one
with a pending draft of its next revision and a revision history with changes, a superseded and an
obsolete document, a .docx form, a draft never released, an image, links between documents."""

from __future__ import annotations

import base64
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from helpers import GitRepo, front_matter
from lifecycle_helpers import Office

#: A real 2x2 PNG (the image SOP-001 shows).
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMAAAAYHAQG2Lq8uAAAAAElFTkSuQmCC"
)
#: A word only revision B of SOP-001 has (the search must find it), and one only its draft C has.
IN_FORCE_WORD = "quokka"
DRAFT_WORD = "wombat"

SOP_001_A = """
# SOP-001 Document Control

## Purpose

Every document is reviewed and approved before use. Records follow
[the records procedure](SOP-002-records.md#purpose) and the [guide](../guide/notes.pdf).

![Document flow](images/flow.png)

![Logo from a server](https://cdn.example.com/logo.png)

<script>alert("raw HTML is shown as text")</script>

| Step | Who |
|---|---|
| Draft | Author |
| Approve | Quality Manager |
"""
SOP_001_B_EXTRA = f"""
## Retention

Each {IN_FORCE_WORD} record is kept ten years after the document is withdrawn.
"""


def sop_text(doc_id: str, title: str, body: str, **fields: object) -> str:
    values: dict[str, object] = {
        "id": doc_id,
        "title": title,
        "type": "SOP",
        "revision": "A",
        "status": "draft",
        "owner": "tom.baker@acme.example",
        "author": "sam.okafor@acme.example",
    }
    values.update(fields)
    return front_matter(values) + body


def release(office: Office, doc_id: str, roles: list[tuple[str, str]]) -> None:
    """submit (Sam), one approval per (person, role), release (Jane)."""
    with office.acting("sam") as qms:
        qms.submit(doc_id)
    for who, role in roles:
        with office.acting(who) as qms:
            qms.approve(doc_id, role=role)
    with office.acting("jane") as qms:
        qms.release(doc_id)


SOP_ROLES = [("tom", "Process Owner"), ("jane", "Quality Manager")]


def build_portal_repository(path: Path) -> Office:
    repo = GitRepo(path)
    repo.commit("Set up the controlled document repository", date="2026-01-01T09:00:00+00:00")
    office = Office(repo)
    repo.write("sops/images/flow.png", PNG)
    repo.write(
        "sops/SOP-001-document-control.md",
        sop_text("SOP-001", "Document Control", SOP_001_A, references=["SOP-002"], clauses=["7.5.2", "7.5.3"]),
    )
    repo.write(
        "sops/SOP-002-records.md",
        sop_text(
            "SOP-002", "Control of Records", "\n# SOP-002 Control of Records\n\n## Purpose\n\nRecords per SOP-001.\n"
        ),
    )
    repo.write(
        "work-instructions/WI-001-deburring.md",
        sop_text("WI-001", "Deburring", "\n# WI-001 Deburring\n\nDeburr every edge.\n", type="WI"),
    )
    office.commit_as("sam", "Drafts of SOP-001, SOP-002 and WI-001")
    release(office, "SOP-001", SOP_ROLES)
    release(office, "SOP-002", SOP_ROLES)
    release(office, "WI-001", [("tom", "Process Owner")])
    with office.acting("sam") as qms:
        qms.new("FRM", "Inspection Record", format="docx", owner="jane.smith@acme.example")
    release(office, "FRM-001", [("jane", "Quality Manager")])
    # revision B of SOP-001: a new section
    with office.acting("sam") as qms:
        qms.revise("SOP-001", change="Added the retention of records", change_request="CR-7")
    target = path / "sops/SOP-001-document-control.md"
    target.write_text(target.read_text() + SOP_001_B_EXTRA)
    office.commit_as("sam", "SOP-001 B: retention")
    release(office, "SOP-001", SOP_ROLES)
    # revision C of SOP-001 in progress, and SOP-004 never released
    with office.acting("sam") as qms:
        qms.revise("SOP-001", change="Draft: one more clause")
    draft = f"\nThe {DRAFT_WORD} clause is still a draft: see [calibration](SOP-004-calibration.md).\n"
    target.write_text(target.read_text() + draft)
    repo.write("sops/SOP-004-calibration.md", sop_text("SOP-004", "Calibration", "\n# SOP-004 Calibration\n\nDraft.\n"))
    office.commit_as("sam", "Drafts: SOP-001 C, SOP-004")
    # SOP-003 supersedes SOP-002; WI-001 is withdrawn
    repo.write(
        "sops/SOP-003-records-and-retention.md",
        sop_text(
            "SOP-003",
            "Records and Retention",
            "\n# SOP-003 Records and Retention\n\nRecords are kept as [SOP-001](SOP-001-document-control.md) says.\n",
            supersedes="SOP-002",
            clauses=["7.5.3"],
        ),
    )
    office.commit_as("sam", "Draft of SOP-003")
    release(office, "SOP-003", SOP_ROLES)
    with office.acting("jane") as qms:
        qms.obsolete("WI-001", reason="Deburring is now automated")
    return office


# reading a written portal ---------------------------------------------------------------------------------------


class Links(HTMLParser):
    """Every href and src of a page, and the page's text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[tuple[str, str]] = []  # (tag.attribute, url)
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src", "action") and value is not None:
                self.urls.append((f"{tag}.{name}", value))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def links_of(page: Path) -> Links:
    parser = Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def broken_links(folder: Path) -> list[str]:
    """Every href/src/action of every page that does not lead to a file of the folder (a link with a
    scheme, http or mailto, is left to the caller); fragments must name an id of the target page."""
    problems = []
    for page in sorted(folder.rglob("*.html")):
        for where, url in links_of(page).urls:
            parts = urlsplit(url)
            if parts.scheme or url.startswith("//"):
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page.resolve()
            if not target.is_file() or folder.resolve() not in target.parents:
                problems.append(f"{page.relative_to(folder)}: {where}={url}")
            elif parts.fragment and target.suffix == ".html":
                ids = re.findall(r'\bid="([^"]+)"', target.read_text(encoding="utf-8"))
                if unquote(parts.fragment) not in ids:
                    problems.append(f"{page.relative_to(folder)}: {where}={url} (no such id)")
    return problems
