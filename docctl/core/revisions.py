"""Revision schemes: letters (A, B, ... Z, AA), numbers (1, 2, 3), major.minor (1.0, 1.1, 2.0)."""

from __future__ import annotations

import re

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
