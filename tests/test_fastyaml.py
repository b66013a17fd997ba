"""The fast metadata reader agrees exactly with the full YAML parser wherever it answers."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import event, given, settings
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
    "owner",
    "author",
    "effective",
    "supersedes",
    "change",
    "change_request",
    "review_months",
    "department",
    "x_site",
    "k" * 129,
]


#: Characters that mean something to YAML, or that it reads as line breaks, spaces or not at all.
SPECIALS = list(" -:#[],'\"\n\t\r\\{}!&*?|>%@`~.") + ["\x85", "\u2028", "\u2029", "\xa0", "\ufeff", "\x00", "\x1b"]


#: A value: one of the metadata-like scalars above, or a few characters YAML may read specially.
#: Plain metadata values three times as often, so that the fast reader answers often enough to be tested.
_NEAR_MISS = st.text(alphabet=st.sampled_from([*SPECIALS, "a", "1", "é"]), max_size=6)
scalars = st.one_of(st.sampled_from(SCALARS), st.sampled_from(SCALARS), st.sampled_from(SCALARS[:20]), _NEAR_MISS)


@st.composite
def documents(draw: st.DrawFn) -> str:
    """Metadata-like YAML: the shapes the fast reader reads, with the near misses it must decline."""
    lines: list[str] = []
    for _ in range(draw(st.integers(0, 8))):
        kind = draw(
            st.sampled_from(["scalar", "scalar", "list", "list", "items", "items", "comment", "blank", "weird"])
        )
        key = draw(st.sampled_from(KEYS))
        if kind == "scalar":
            value = draw(scalars)
            lines.append(f"{key}: {value}".rstrip() if value else f"{key}:")
        elif kind == "list":
            lines.append(f"{key}:")
            for _ in range(draw(st.integers(0, 3))):
                indent = draw(st.sampled_from(["", "  ", "    "]))  # sometimes inconsistent: must decline
                lines.append(f"{indent}- {draw(scalars)}".rstrip())
                if draw(st.booleans()):
                    lines.append(draw(st.sampled_from(["# note", "  # note", "", "  "])))
        elif kind == "items":
            lines.append(f"{key}:")
            indent = draw(st.sampled_from(["", "  "]))
            for _ in range(draw(st.integers(1, 2))):
                fields = draw(st.lists(st.sampled_from(["name", "by", "role", "date", "name"]), min_size=1, max_size=4))
                for number, field in enumerate(fields):
                    prefix = indent + ("- " if number == 0 else draw(st.sampled_from(["  ", "  ", "  ", "   ", " "])))
                    lines.append(f"{prefix}{field}: {draw(scalars)}".rstrip())
        elif kind == "comment":
            lines.append(draw(st.sampled_from(["# note", "  # indented note", "#"])))
        elif kind == "blank":
            lines.append(draw(st.sampled_from(["", "   "])))
        else:
            lines.append(draw(st.sampled_from(WEIRD_LINES)))
    return "\n".join(lines) + draw(st.sampled_from(["", "\n"]))


FIELDS = ["id", "title", "type", "revision", "status", "owner", "clauses", "references", "approvals", "x-site"]
_WORD = st.text(alphabet=st.sampled_from(list("aZ09 .-_/:#,'\"é")), min_size=1, max_size=8).map(str.strip)
_VALUE = st.one_of(st.sampled_from(SCALARS[:14]), _WORD)


@st.composite
def plain_documents(draw: st.DrawFn) -> str:
    """Front matter written as people write it: each key once, lists in one column, approvals
    with their keys aligned; values plain or a little odd. The fast reader answers most of these."""
    lines: list[str] = []
    column = draw(st.sampled_from(["", "  "]))
    for key in draw(st.lists(st.sampled_from(FIELDS), unique=True, min_size=1, max_size=7)):
        shape = draw(st.sampled_from(["scalar", "scalar", "flow", "list", "items", "empty"]))
        if shape == "scalar":
            lines.append(f"{key}: {draw(_VALUE)}".rstrip())
        elif shape == "flow":
            lines.append(f"{key}: [{', '.join(draw(st.lists(_VALUE, max_size=3)))}]")
        elif shape == "empty":
            lines.append(f"{key}:")
        else:
            lines.append(f"{key}:")
            for _ in range(draw(st.integers(1, 3))):
                if shape == "list":
                    lines.append(f"{column}- {draw(_VALUE)}".rstrip())
                    continue
                fields = draw(
                    st.lists(st.sampled_from(["name", "by", "role", "meaning", "date"]), unique=True, min_size=1)
                )
                for number, field in enumerate(fields):
                    lines.append(f"{column}{'- ' if number == 0 else '  '}{field}: {draw(_VALUE)}".rstrip())
        if draw(st.integers(0, 5)) == 0:
            lines.append(draw(st.sampled_from(["# note", "", "  # note"])))
    return "\n".join(lines) + "\n"


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """A metadata-like document with a few characters inserted, deleted or replaced anywhere."""
    text = draw(st.one_of(documents(), plain_documents()))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        char = draw(st.sampled_from(SPECIALS) | st.characters(codec="utf-8"))
        if action == "insert":
            text = text[:at] + char + text[at:]
        elif action == "delete":
            text = text[:at] + text[at + 1 :]
        else:
            text = text[:at] + char + text[at + 1 :]
    return text


WEIRD_LINES = [
    "key : value",
    "\tid: x",
    "id:x",
    "- top",
    "  - indented",
    "   - odd",
    "  orphan: 1",
    "a: [b",
    "? complex",
    "---",
    "...",
    "%YAML 1.1",
    "id: a\x85b",
    "id: a\u2028b",
    "id: \xa0",
    "\xa0",
    "k" * 1025 + ": long key",
    "id: [:a]",
    "id: [a:b]",
    "id: [a, ]",
    "- name: x",
    "  role: y",
]

#: Inputs the fast reader once got wrong (found by the property test or by `make fuzz`), kept forever.
FIXED_EXAMPLES = [
    "id:\n  - SOP-004\n- top",  # items in two columns: the full parser refuses it
    "id:\n  - SOP-004\n# note\n# note\n- top",
    "id:\n- a\n  - b",  # a deeper `- b` continues the plain scalar: ['a - b']
    "id: [:a]",  # a flow item may not start with ':'
    "k" * 1025 + ": v",  # an implicit key longer than 1024 characters
    "id: a\x85b",  # NEL, LS and PS are line breaks to YAML
    "id: a\u2028b",
    "id: [\xa0a]",  # a no-break space is not a space to YAML
    "a: b\n\xa0",
]


def assert_agree(text: str) -> str:
    """Whatever the fast reader returns equals the full parser's result; where the full parser
    refuses the text, the fast reader declines it. Returns which it did (for the statistics)."""
    fast = load_simple(text, first_line=2)
    if fast is None:
        return "the fast reader declined"
    full = load_full(text, first_line=2)  # raises DocumentReadError if it refuses what the fast one accepted
    assert (fast.data, fast.lines) == (full.data, full.lines)
    return "the fast reader answered"


@pytest.mark.parametrize("text", FIXED_EXAMPLES)
def test_fixed_examples_agree(text: str) -> None:
    assert_agree(text)


@pytest.mark.parametrize("text", FIXED_EXAMPLES[:2])
def test_items_in_two_columns_are_declined_and_refused(text: str) -> None:
    assert load_simple(text) is None
    with pytest.raises(DocumentReadError) as caught:
        load_yaml(text)
    assert (caught.value.message, caught.value.line) == (
        "invalid YAML: did not find expected key",
        text.count("\n") + 1,
    )


# The number of examples follows the profile (docs/testing.md): 4x `make test`'s fixed number, and
# many more under `make fuzz`.
@settings(max_examples=4 * settings.default.max_examples)
@given(documents())
def test_fast_reader_agrees_with_the_full_parser(text: str) -> None:
    event(assert_agree(text))  # `--hypothesis-show-statistics` shows how often it answered


@settings(max_examples=4 * settings.default.max_examples)
@given(plain_documents())
def test_fast_reader_agrees_on_plain_front_matter(text: str) -> None:
    event(assert_agree(text))


@settings(max_examples=4 * settings.default.max_examples)
@given(mutated())
def test_fast_reader_agrees_on_mutated_documents(text: str) -> None:
    event(assert_agree(text))  # `--hypothesis-show-statistics` shows how often it answered


@given(st.text(alphabet=st.sampled_from(SPECIALS + list("ab1")), max_size=40))
def test_fast_reader_agrees_on_any_text(text: str) -> None:
    event(assert_agree(text))  # `--hypothesis-show-statistics` shows how often it answered


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
