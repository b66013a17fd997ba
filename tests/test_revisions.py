"""Revision schemes: validity, order and the next revision."""

from __future__ import annotations

import pytest

from docctl.core import revisions


@pytest.mark.parametrize(
    ("scheme", "before", "after"),
    [
        ("letters", "A", "B"),
        ("letters", "Z", "AA"),
        ("letters", "AZ", "BA"),
        ("numbers", "1", "2"),
        ("numbers", "09", "10"),
        ("numbers", "01", "02"),
        ("major.minor", "1.9", "1.10"),
    ],
)
def test_next_revision(scheme: str, before: str, after: str) -> None:
    assert revisions.next_revision(scheme, before) == after
    assert revisions.is_successor(scheme, before, after)
    assert revisions.key(scheme, after) > revisions.key(scheme, before)


def test_major_step_and_validity() -> None:
    assert revisions.next_revision("major.minor", "1.3", major=True) == "2.0"
    assert revisions.is_successor("major.minor", "1.3", "2.0")
    assert revisions.is_valid("numbers", "02") and not revisions.is_valid("numbers", "2a")
    assert not revisions.is_valid("letters", "a") and not revisions.is_valid("major.minor", "1")
    assert revisions.key("major.minor", "1.10") > revisions.key("major.minor", "1.9")
