"""Revision schemes: letters (A, B, ... Z, AA), numbers (1, 2, 3), major.minor (1.0, 1.1, 2.0).

The module functions take the scheme's name and a bare revision. :class:`Scheme` adds the prefix a
repository may write its revisions with (``revision_prefix = "Rev. "`` in docctl.toml: ``Rev. 03``,
``r2``, ``v1.2``), which is part of the revision as written but not of its order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PATTERNS = {
    "letters": re.compile(r"[A-Z]+"),
    "numbers": re.compile(r"[0-9]+"),  # "2" or zero-padded "02", as many quality systems write them
    "major.minor": re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)"),
}

FIRST = {"letters": "A", "numbers": "1", "major.minor": "1.0"}


def is_valid(scheme: str, revision: str) -> bool:
    return bool(_PATTERNS[scheme].fullmatch(revision))


def describe(scheme: str) -> str:
    return {
        "letters": "capital letters (A, B, ... Z, AA)",
        "numbers": "whole numbers (1, 2, 3)",
        "major.minor": "major.minor numbers (1.0, 1.1, 2.0)",
    }[scheme]


def key(scheme: str, revision: str) -> tuple[int, ...]:
    """A sort key: later revisions compare greater. The revision must be valid."""
    if scheme == "letters":
        value = 0
        for char in revision:
            value = value * 26 + (ord(char) - ord("A") + 1)
        return (value,)
    if scheme == "numbers":
        return (int(revision),)
    major, minor = revision.split(".")
    return (int(major), int(minor))


def next_revision(scheme: str, revision: str, *, major: bool = False) -> str:
    """The revision after ``revision``: B after A, AA after Z, 3 after 2, 1.2 after 1.1 (2.0 with major)."""
    if scheme == "letters":
        (value,) = key(scheme, revision)
        return _letters(value + 1)
    if scheme == "numbers":
        return str(int(revision) + 1).zfill(len(revision))  # "09" -> "10", "1" -> "2"
    first, second = (int(part) for part in revision.split("."))
    return f"{first + 1}.0" if major else f"{first}.{second + 1}"


def is_successor(scheme: str, before: str, after: str) -> bool:
    """True when ``after`` is the next revision after ``before`` (a minor or a major step)."""
    if scheme == "major.minor":
        return after in (next_revision(scheme, before), next_revision(scheme, before, major=True))
    if scheme == "numbers":
        return int(after) == int(before) + 1
    return after == next_revision(scheme, before)


def _letters(value: int) -> str:
    chars = []
    while value > 0:
        value, rest = divmod(value - 1, 26)
        chars.append(chr(ord("A") + rest))
    return "".join(reversed(chars))


#: How revisions are written outside docctl: "Rev C", "Rev. 03", "Revision B", "Version 1.2", "v1.2",
#: "r2", "Issue 3", "Ausgabe 2" (a word, an optional dot, optional separators, then the revision).
_WRITTEN = re.compile(
    r"(?:rev(?:ision)?|ver(?:sion)?|issue|iss|ausgabe|stand|index|v|r)\.?\s*[-:#]?\s*(?P<bare>\S+)", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class Scheme:
    """A repository's revision scheme and the prefix its revisions are written with (empty: none)."""

    name: str = "letters"
    prefix: str = ""

    @property
    def first(self) -> str:
        """The first revision, as written: ``A``, ``1``, ``1.0`` (``Rev. 1`` with a prefix)."""
        return self.prefix + FIRST[self.name]

    def bare(self, revision: str) -> str | None:
        """The revision without the prefix; None when it lacks the prefix."""
        if not revision.startswith(self.prefix):
            return None
        return revision[len(self.prefix) :]

    def is_valid(self, revision: str) -> bool:
        bare = self.bare(revision)
        return bare is not None and is_valid(self.name, bare)

    def describe(self) -> str:
        if not self.prefix:
            return describe(self.name)
        examples = ", ".join(self.prefix + value for value in _EXAMPLES[self.name])
        return f"{describe(self.name)} after the prefix '{self.prefix}' ({examples})"

    def key(self, revision: str) -> tuple[int, ...]:
        """A sort key: later revisions compare greater. The revision must be valid."""
        return key(self.name, revision[len(self.prefix) :])

    def next(self, revision: str, *, major: bool = False) -> str:
        return self.prefix + next_revision(self.name, revision[len(self.prefix) :], major=major)

    def is_successor(self, before: str, after: str) -> bool:
        return is_successor(self.name, before[len(self.prefix) :], after[len(self.prefix) :])

    def read(self, text: str) -> str | None:
        """A revision written elsewhere ("Rev C", "Rev. 03", "v1.2", "r2", "c") in this scheme's form;
        None when it does not fit the scheme (nothing is guessed: "2" is not "B", "1" is not "1.0")."""
        text = " ".join(text.split())
        if self.is_valid(text):
            return text
        candidates = [text]
        match = _WRITTEN.fullmatch(text)
        if match:
            candidates.insert(0, match.group("bare"))
        for candidate in candidates:
            bare = candidate.upper() if self.name == "letters" and len(candidate) <= 2 else candidate
            if is_valid(self.name, bare):
                return self.prefix + bare
        return None


_EXAMPLES = {"letters": ("A", "B"), "numbers": ("1", "2"), "major.minor": ("1.0", "1.1")}
