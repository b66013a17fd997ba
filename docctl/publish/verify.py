"""``docctl verify``: is this copy current? Each file's stamp read back (HTML meta, .docx custom
properties, PDF document information), its text compared with the text fingerprint it carries,
and its revision looked up in the repository's history: current, superseded, obsolete, not yet
effective, altered, not a docctl copy, or unreadable."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from docctl.core.errors import DocumentReadError, UnknownDocumentError
from docctl.publish.copy import Standing, standing, standing_of
from docctl.publish.stamp import Readback, Stamp, text_fingerprint

if TYPE_CHECKING:
    from docctl.composer.base import Composer

MAX_SIZE = 256 * 1024 * 1024
#: Every verdict, and whether it counts as current (exit 0 only when every file is current).
VERDICTS = ("current", "superseded", "obsolete", "not-yet-effective", "altered", "unknown", "not-a-copy", "unreadable")


@dataclass(frozen=True, slots=True, kw_only=True)
class Verdict:
    """What ``verify`` says of one file."""

    file: str
    verdict: str  # one of VERDICTS
    message: str
    stamp: Stamp | None = None
    text_checked: bool = False  # the copy's text was read back and compared with its text fingerprint

    @property
    def current(self) -> bool:
        return self.verdict == "current"

    def to_dict(self) -> dict[str, object]:
        stamp = self.stamp
        return {
            "file": self.file,
            "verdict": self.verdict,
            "message": self.message,
            "id": stamp.id if stamp else None,
            "revision": stamp.revision if stamp else None,
            "fingerprint": stamp.fingerprint if stamp else None,
            "copy_date": stamp.copy_date if stamp else None,
            "commit": (stamp.commit or None) if stamp else None,
            "text_checked": self.text_checked,
        }


def verify(repo: Composer, files: list[str | os.PathLike[str]]) -> list[Verdict]:
    """A verdict for each file, in order."""
    today = repo.now().date()
    return [verify_file(repo, Path(name), today) for name in files]


def verify_file(repo: Composer, path: Path, today: dt.date) -> Verdict:
    name = str(path)
    try:
        if not path.is_file():
            reason = "no such file" if not path.exists() else "not a regular file"
            return Verdict(file=name, verdict="unreadable", message=f"cannot read: {reason}")
        if path.stat().st_size > MAX_SIZE:
            return Verdict(file=name, verdict="unreadable", message="cannot read: larger than 256 MB")
        data = path.read_bytes()
    except OSError as error:
        return Verdict(file=name, verdict="unreadable", message=f"cannot read: {error.strerror or error}")
    try:
        read = read_copy(data)
    except DocumentReadError as error:
        return Verdict(file=name, verdict="unreadable", message=f"cannot read: {error.message}")
    if read is None or read.stamp is None:
        return Verdict(file=name, verdict="not-a-copy", message="not a docctl copy")
    return judge(repo, name, read, today)


def read_copy(data: bytes) -> Readback | None:
    """The stamp and text of a PDF, .docx or HTML copy; None for another kind of file."""
    if data.startswith(b"%PDF-"):
        from docctl.publish import pdf

        reader = pdf.open_pdf(data)
        return Readback(pdf.read_stamp(reader), pdf.body_text(reader))
    if data.startswith(b"PK\x03\x04"):
        from docctl.publish import docx

        if not docx.is_wordprocessing(data):
            return None
        stamp, _ = docx.read_stamp(data)
        return Readback(stamp, docx.body_text(data) if stamp is not None else None)
    from docctl.publish import html

    return html.read_copy(data)


def judge(repo: Composer, name: str, read: Readback, today: dt.date) -> Verdict:
    """The verdict on a stamped copy: altered, unknown, or where its revision stands today."""
    stamp = read.stamp
    assert stamp is not None
    label = f"{stamp.id} revision {stamp.revision}"
    checked = read.text is not None and bool(stamp.text)
    if checked and text_fingerprint(read.text or "") != stamp.text:
        return Verdict(
            file=name,
            verdict="altered",
            message=f"altered: its text no longer matches the fingerprint it carries ({label})",
            stamp=stamp,
            text_checked=True,
        )
    found = _standing(repo, stamp, today)
    if isinstance(found, str):
        verdict = "altered" if found.startswith("altered") else "unknown"
        return Verdict(file=name, verdict=verdict, message=found, stamp=stamp, text_checked=checked)
    verdict, message = _describe(found, stamp)
    suffix = "" if checked else " [text not checked: the file does not show where its text is]"
    return Verdict(
        file=name, verdict=verdict, message=f"{message} ({label}){suffix}", stamp=stamp, text_checked=checked
    )


def _standing(repo: Composer, stamp: Stamp, today: dt.date) -> Standing | str:
    """Where the stamped revision stands today, or why it cannot be told (a message)."""
    history = repo.history_index()
    if history is None:  # no git: the working copy is all there is
        try:
            document = repo.document(stamp.id)
        except UnknownDocumentError:
            return f"unknown: this repository has no document {stamp.id}"
        if document.revision != stamp.revision:
            return Standing(state="superseded", since=document.effective, successor=document.revision)
        if document.fingerprint != stamp.fingerprint:
            return f"altered: {stamp.id} revision {stamp.revision} never had the fingerprint this copy carries"
        return standing_of(document, today)
    revisions = list(history.revisions(stamp.id))
    if not revisions:
        return f"unknown: this repository's history has no document {stamp.id}"
    chosen = next((r for r in reversed(revisions) if r.revision == stamp.revision), None)
    if chosen is None:
        return f"unknown: {stamp.id} has no revision {stamp.revision} in this repository's history"
    known = {e.snapshot.fingerprint for e in chosen.events if e.snapshot is not None}
    if stamp.fingerprint not in known:
        return f"altered: {stamp.id} revision {stamp.revision} never had the fingerprint this copy carries"
    return standing(revisions, chosen, today)


def _describe(found: Standing, stamp: Stamp) -> tuple[str, str]:
    since = found.since.isoformat() if found.since else None
    if found.state == "effective":
        return "current", "current" + (f", effective since {since}" if since else "")
    if found.state == "superseded":
        if found.successor:
            return "superseded", f"superseded by revision {found.successor}" + (f" on {since}" if since else "")
        return "superseded", "superseded" + (f" since {since}" if since else "")
    if found.state == "obsolete":
        return "obsolete", "obsolete" + (f" since {since}" if since else "")
    if found.state == "pending":
        return "not-yet-effective", f"not yet effective: revision {stamp.revision} takes effect on {since}"
    return "not-yet-effective", f"not yet effective: revision {stamp.revision} has not been released"
