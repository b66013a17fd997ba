"""The fast metadata reader agrees exactly with the full YAML parser wherever it answers."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from docctl.adapters.yamlio import load_full, load_simple, load_yaml
from docctl.core.errors import DocumentReadError

ROOT = Path(__file__).resolve().parents[1]

SCALARS = [
    "SOP-004",
    "1.10",
    "1.1",
    "A",
    "2026-03-02",
    "2026-03-02T10:14:00+00:00",
    "sha256:9f86d08188",
    "yes",
    "no",
    "~",
    "null",
    "NULL",
    "true",
    "Jane Smith",
    "a: b",
    "x #y",
    "x#y",
    "-1",
    "- x",
    "'q'",
    '"q"',
    "'it''s'",
    '"a\\"b"',
    "[a, b]",
    "[]",
    "[ ]",
    "{a: 1}",
    "",
    " ",
    "&anchor x",
    "*alias",
    "!tag x",
    "|",
    ">",
    "é ü",
    "a, b",
    "value:",
    "@x",
    "`x`",
    "%x",
    "?x",
    "jane.smith@acme.example",
    "Quality Manager",
    "7.5.3",
    "8.4",
    '"7.5"',
    "'8.1'",
    "[7.5, 8.1]",
    '["7.5", "8.1"]',
    "[SOP-001, FRM-002]",
    "[a, , b]",
    "[a,b]",
    '["a, b"]',
]
KEYS = [
    "id",
    "title",
    "type",
    "revision",
    "status",
    "clauses",
    "references",
    "approvals",
    "x-custom",
    "<<",
    "a b",
    "id",
]


@st.composite
def documents(draw: st.DrawFn) -> str:
    lines: list[str] = []
    for _ in range(draw(st.integers(0, 8))):
        kind = draw(st.sampled_from(["scalar", "list", "items", "comment", "blank", "weird"]))
        key = draw(st.sampled_from(KEYS))
        if kind == "scalar":
            value = draw(st.sampled_from(SCALARS))
            lines.append(f"{key}: {value}".rstrip() if value else f"{key}:")
        elif kind == "list":
            lines.append(f"{key}:")
            indent = draw(st.sampled_from(["", "  ", "    "]))
            for _ in range(draw(st.integers(0, 3))):
                lines.append(f"{indent}- {draw(st.sampled_from(SCALARS))}".rstrip())
        elif kind == "items":
            lines.append(f"{key}:")
            indent = draw(st.sampled_from(["", "  "]))
            for _ in range(draw(st.integers(1, 2))):
                fields = draw(st.lists(st.sampled_from(["name", "by", "role", "date", "name"]), min_size=1, max_size=4))
                for number, field in enumerate(fields):
                    prefix = indent + ("- " if number == 0 else draw(st.sampled_from(["  ", "   ", " "])))
                    lines.append(f"{prefix}{field}: {draw(st.sampled_from(SCALARS))}".rstrip())
        elif kind == "comment":
            lines.append(draw(st.sampled_from(["# note", "  # indented note", "#"])))
        elif kind == "blank":
            lines.append(draw(st.sampled_from(["", "   "])))
        else:
            lines.append(
                draw(st.sampled_from(["key : value", "\tid: x", "id:x", "- top", "  orphan: 1", "a: [b", "? complex"]))
            )
    return "\n".join(lines) + draw(st.sampled_from(["", "\n"]))


@settings(max_examples=600, deadline=None, database=None)
@given(documents())
def test_fast_reader_agrees_with_the_full_parser(text: str) -> None:
    fast = load_simple(text, first_line=2)
    if fast is None:
        return
    full = load_full(text, first_line=2)  # the full parser must accept what the fast one accepted
    assert (fast.data, fast.lines) == (full.data, full.lines)


def test_every_front_matter_of_the_project_is_read_fast_and_identically() -> None:
    count = 0
    for path in sorted((ROOT / "examples").rglob("*.md")):
        text = path.read_text()
        if not text.startswith("---\n"):
            continue
        head = text.split("\n---\n", 1)[0][4:] + "\n"
        fast = load_simple(head, first_line=2)
        assert fast is not None, path
        full = load_full(head, first_line=2)
        assert (fast.data, fast.lines) == (full.data, full.lines), path
        count += 1
    assert count >= 15


def test_load_yaml_errors_come_from_the_full_parser() -> None:
    try:
        load_yaml("id: SOP-001\nid: SOP-002\n")
    except DocumentReadError as error:
        assert (error.message, error.line) == ("duplicate key 'id' (first on line 1)", 2)
    else:  # pragma: no cover
        raise AssertionError("duplicate keys must be refused")
