"""What every controlled copy carries so that ``docctl verify`` can read it back: the document's id,
title, revision and status on the copy date, its content fingerprint, the copy date, the
repository commit, and the fingerprint of the text the copy shows.

The same fields, under the same names, in each format: HTML ``<meta name="docctl-...">``, .docx
custom properties (``docctl-...``), PDF document information (the HTML meta names without the
hyphen, ``/docctlid``, as WeasyPrint writes custom metadata, plus ``/Keywords``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, fields

from docctl._version import __version__

PREFIX = "docctl-"
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True, kw_only=True)
class Stamp:
    """The identity of a controlled copy. Every value is a string (empty when unknown)."""

    id: str
    title: str
    revision: str
    status: str  # the revision's standing on the copy date: effective, superseded, obsolete, ...
    effective: str  # the revision's effective date
    fingerprint: str  # the document's content fingerprint (what the approvers signed)
    text: str  # the fingerprint of the text the copy shows (text_fingerprint)
    copy_date: str  # "valid on"
    commit: str  # the repository commit the content was read from
    generator: str = f"docctl {__version__}"

    def items(self) -> list[tuple[str, str]]:
        """(name, value) pairs with the ``docctl-`` prefix, in a fixed order."""
        return [(PREFIX + f.name.replace("_", "-"), getattr(self, f.name)) for f in fields(self)]

    @property
    def keywords(self) -> str:
        return f"{self.id} revision {self.revision} {self.fingerprint}"

    @classmethod
    def from_items(cls, values: Mapping[str, str]) -> Stamp | None:
        """The stamp from ``docctl-...`` names (a PDF's stripped names are accepted too); None when
        the id, revision or fingerprint is missing: not a docctl copy."""
        found: dict[str, str] = {}
        for f in fields(cls):
            for name in (PREFIX + f.name.replace("_", "-"), (PREFIX + f.name).replace("-", "").replace("_", "")):
                if name in values:
                    found[f.name] = str(values[name])
                    break
        if not all(found.get(key) for key in ("id", "revision", "fingerprint")):
            return None
        return cls(**{f.name: found.get(f.name, "") for f in fields(cls)})

    @property
    def day(self) -> dt.date | None:
        try:
            return dt.date.fromisoformat(self.copy_date)
        except ValueError:
            return None


def text_fingerprint(text: str) -> str:
    """``sha256:`` and the hash of the text with every whitespace character removed (Unicode NFC).

    Whitespace is left out so that the same text read back from HTML, .docx and PDF (where line
    breaks and table cell separators differ) gives the same fingerprint."""
    squeezed = _SPACE.sub("", unicodedata.normalize("NFC", text))
    return "sha256:" + hashlib.sha256(squeezed.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True, slots=True)
class Readback:
    """What a copy gives back: its stamp (None: not a docctl copy) and the text of its body (None:
    this file does not show where its text is)."""

    stamp: Stamp | None
    text: str | None
