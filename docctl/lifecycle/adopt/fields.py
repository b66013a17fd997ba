"""Values written elsewhere -> docctl field values: ids, revisions, dates, people, types, titles.

Each reader takes the text as another system wrote it and returns the value docctl writes, or None
when the text does not fit (nothing is guessed: an ambiguous date such as ``01/04/2023`` is not a
date, ``QP-7.5`` is not an id unless a type's ``id_pattern`` makes it one).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from docctl.config.model import Config, DocType

_EMAIL = re.compile(r"[^@\s<>()\[\]]+@[^@\s<>()\[\]]+\.[^@\s<>()\[\]]+")
MAX_TITLE = 200


@dataclass(frozen=True, slots=True)
class IdMatch:
    """An id found in a text: the id as docctl writes it, its type, and the text after it."""

    id: str
    type: str
    rest: str


@lru_cache(maxsize=64)
def _lenient(pattern: str) -> re.Pattern[str]:
    """An id pattern read leniently: ``SOP-{n:03}`` also finds ``SOP_12``, ``sop 012``, ``SOP012``."""
    parts: list[str] = []
    pos = 0
    for match in re.finditer(r"\{n(?::0?\d+d?)?\}", pattern):
        parts.append(_lenient_literal(pattern[pos : match.start()]))
        parts.append(r"(?P<n>\d+)")
        pos = match.end()
    parts.append(_lenient_literal(pattern[pos:]))
    return re.compile("".join(parts), re.IGNORECASE)


def _lenient_literal(text: str) -> str:
    out = []
    for char in text:
        out.append(r"[-_ .]?" if char in "-_ ." else re.escape(char))
    return "".join(out)


def _canonical(doc_type: DocType, text: str, number: str) -> str:
    """The id as the type writes it: the text itself when it fits the pattern, else the number reformatted."""
    if doc_type.id_regex.fullmatch(text):
        return text
    return doc_type.format_id(int(number))


def read_id(text: str, config: Config, *, type_code: str | None = None) -> IdMatch | None:
    """The whole of ``text`` as an id of a type (of ``type_code`` when given)."""
    text = text.strip().strip("*_`")
    for doc_type in _types(config, type_code):
        match = _lenient(doc_type.id_pattern).fullmatch(text)
        if match:
            return IdMatch(_canonical(doc_type, text, match.group("n")), doc_type.code, "")
    return None


def id_at_start(text: str, config: Config) -> IdMatch | None:
    """An id that opens ``text`` (a file name, a heading), followed by the end or a separator."""
    text = text.strip()
    best: IdMatch | None = None
    best_length = 0
    for doc_type in config.types.values():
        match = _lenient(doc_type.id_pattern).match(text)
        if match is None or match.end() <= best_length:
            continue
        after = text[match.end() :]
        if after and (after[0].isalnum() or after[0] in "_-.," and after[1:2].isdigit()):
            continue
        best_length = match.end()
        rest = after.lstrip(" \t_-–—:|.")
        best = IdMatch(_canonical(doc_type, text[: match.end()], match.group("n")), doc_type.code, rest)
    return best


def _types(config: Config, type_code: str | None) -> list[DocType]:
    if type_code is not None:
        return [config.types[type_code]] if type_code in config.types else []
    return list(config.types.values())


def read_revision(text: str, config: Config) -> str | None:
    """A revision ("Rev C", "Rev. 03", "v1.2", "r2") in the repository's scheme and prefix."""
    return config.scheme.read(text) if text.strip() else None


class AmbiguousDate(ValueError):
    """A date such as 01/04/2023 that could be the 1st of April or the 4th of January."""


_DAY_FIRST = ("%d.%m.%Y", "%d.%m.%y", "%d %b %Y", "%d %B %Y", "%d-%b-%Y", "%d-%b-%y", "%d %b. %Y")
_MONTH_FIRST = ("%b %d, %Y", "%B %d, %Y", "%b %d %Y", "%B %d %Y")
_ISO_LIKE = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d")
_STAMP = re.compile(r"(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?")


def read_date(text: str) -> dt.date | None:
    """A date: ISO (2023-04-01, 2023/04/01), day first with dots (01.04.2023) or month names
    (1 Apr 2023, April 1, 2023); with slashes (01/04/2023) only when the day is unmistakable
    (13/04/2023, 04/13/2023), else :class:`AmbiguousDate`."""
    text = " ".join(text.split())
    stamp = _STAMP.fullmatch(text)  # a date and time (a spreadsheet's date cell): the date
    if stamp:
        text = stamp.group(1)
    for fmt in (*_ISO_LIKE, *_DAY_FIRST, *_MONTH_FIRST):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})", text)
    if match is None:
        return None
    first, second, year = int(match.group(1)), int(match.group(2)), int(match.group(3))
    year = year + 2000 if year < 100 else year
    if first > 12 >= second:
        day, month = first, second
    elif second > 12 >= first:
        day, month = second, first
    elif first == second:
        day = month = first
    else:
        raise AmbiguousDate(f"'{text}' could be day/month or month/day: write it as YYYY-MM-DD")
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def read_person(text: str, config: Config) -> str | None:
    """An email: written as one (``Jane Smith <jane@acme.example>`` too), or the name of a person in [people]."""
    found = _EMAIL.search(text)
    if found:
        return found.group(0).strip(".,;").lower()
    wanted = " ".join(text.split()).casefold()
    if not wanted:
        return None
    matches = [p.email for p in config.people.values() if " ".join(p.name.split()).casefold() == wanted]
    return matches[0] if len(matches) == 1 else None


def read_type(text: str, config: Config) -> str | None:
    """A type code, or a type's title ("Standard Operating Procedure" -> SOP)."""
    wanted = " ".join(text.split()).casefold()
    for code, doc_type in config.types.items():
        if wanted in (code.casefold(), " ".join(doc_type.title.split()).casefold()):
            return code
    return None


def read_title(text: str) -> str | None:
    """One line of text, emphasis markers and surrounding punctuation removed."""
    text = " ".join(text.replace("*", " ").replace("`", " ").split()).strip(" -–—:|")
    if not text or len(text) > MAX_TITLE:
        return None
    return text


def read_text(text: str) -> str | None:
    """One line of free text (a change description, a retention period)."""
    text = " ".join(text.split())
    return text or None
