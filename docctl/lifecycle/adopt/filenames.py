"""Clues from a file's name: "SOP-012 Purchasing Rev C.docx", "QP-7.5 Document control v1.2.docx",
"WI_003_Calibration_r2.md", "FRM-001-document-change-request.md"."""

from __future__ import annotations

import re
from collections.abc import Iterator

from docctl.config.model import Config
from docctl.lifecycle.adopt.fields import id_at_start
from docctl.lifecycle.adopt.plan import Clue

SOURCE = "file name"

#: A revision at the end of the name, after a word that says so: "Rev C", "Rev. 03", "v1.2", "_r2", "Issue 3".
#: Letters need a word ("Rev C"); a bare "v" or "r" only counts before digits ("v1.2", "r2").
_REVISION = re.compile(
    r"(?:^|[\s_-]+)(?P<revision>(?:rev(?:ision)?|ver(?:sion)?|issue)\.?[\s_-]?[A-Za-z]{1,2}"
    r"|(?:rev(?:ision)?|ver(?:sion)?|issue|v|r)\.?[\s_-]?\d+(?:\.\d+)?)$",
    re.IGNORECASE,
)


def clues(path: str, config: Config) -> Iterator[Clue]:
    """The id, title and revision a file's name gives (each only when the name has it)."""
    stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0].strip()
    match = _REVISION.search(stem)
    if match:
        yield Clue("revision", match.group("revision").replace("_", " "), SOURCE, SOURCE)
        stem = stem[: match.start()]
    found = id_at_start(stem, config)
    if found is not None:
        yield Clue("id", found.id, SOURCE, SOURCE)
        stem = found.rest
    title = _title(stem)
    if title:
        yield Clue("title", title, SOURCE, SOURCE)


def _title(text: str) -> str | None:
    """The words of a name: ``document-change-request`` -> ``Document change request``."""
    text = text.replace("_", " ")
    if " " not in text.strip():
        text = text.replace("-", " ")
    text = " ".join(text.split()).strip(" -.")
    if not any(char.isalpha() for char in text):
        return None
    return text[0].upper() + text[1:] if text.islower() else text
