"""The fast reference extraction (docctl.references.blocks: markdown-it parses only the runs of a
body that can hold a reference) gives exactly what parsing every body whole gives: the same
references, lines, order and clause claims. Checked over generated repositories of both benchmark
shapes, the example, the bodies of the other reference tests, hostile cases and generated text."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from test_references import CLAUSE_FORMS, NOT_CLAUSES
from test_references_prose import CLAUSE_REFERENCES, NOT_CLAUSE_REFERENCES, TITLE_HEADINGS

from docctl.config.load import parse_config
from docctl.config.model import Config
from docctl.core.model import Document
from docctl.formats.markdown import read_body, read_markdown
from docctl.references.blocks import keep, split
from docctl.references.extract import Extractor
from docctl.standards import load_catalogues

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "acme-qms"
sys.path.insert(0, str(ROOT / "bench"))

CONFIG = b"""
[docctl]
standards = ["iso9001:2015"]
[types.SOP]
id_pattern = "SOP-{n:03}"
[types.WI]
id_pattern = "WI-{n:03}"
[types.FRM]
id_pattern = "FRM-{n:04}"
[types.S]
id_pattern = "S-{n}"
"""


def extractor(root: Path, data: bytes = CONFIG) -> Extractor:
    config: Config = parse_config(data, root, root / "docctl.toml")
    return Extractor(config, load_catalogues(config))


@pytest.fixture(scope="module")
def default_extractor(tmp_path_factory: pytest.TempPathFactory) -> Extractor:
    return extractor(tmp_path_factory.mktemp("config"))


def document(body: str, doc_id: str | None = "SOP-001", body_line: int = 10, path: str = "sops/SOP-001.md") -> Document:
    return Document(
        path=path,
        format="md",
        id=doc_id,
        title="Title",
        type="SOP",
        revision="A",
        status=None,
        body=body,
        body_line=body_line,
    )


def assert_same(ex: Extractor, doc: Document) -> str:
    """The fast extraction equals the exact one, and the runs parse to the whole body's tokens."""
    assert ex.screen is not None
    assert ex.extract(doc) == ex.extract(doc, exact=True), doc.path
    body = doc.body.replace("\r\n", "\n").replace("\r", "\n")
    if "]:" in body:
        return "parsed whole"
    runs = split(body)
    parts = [read_body(text, doc.body_line + line) for line, text in runs]
    whole = read_body(body, doc.body_line)
    assert tuple(p for part in parts for p in part.prose) == whole.prose
    assert tuple(link for part in parts for link in part.links) == whole.links
    assert tuple(h for part in parts for h in part.headings) == whole.headings
    # every other run left out, as the screen leaves runs out: the others' tokens
    kept = keep(runs, set(range(1, len(runs), 2)))
    ends = [line for line, _ in runs[1:]] + [body.count("\n") + 1]
    lines = {doc.body_line + n for index, (line, _) in enumerate(runs) if index % 2 for n in range(line, ends[index])}
    odd = read_body(kept, doc.body_line)
    assert odd.prose == tuple(p for p in whole.prose if p.line in lines)
    assert odd.links == tuple(link for part in parts[1::2] for link in part.links)
    assert odd.headings == tuple(h for h in whole.headings if h.line in lines)
    return f"{min(len(runs), 5)}+ runs" if len(runs) >= 5 else f"{len(runs)} runs"


# --- (a) generated repositories of both shapes ---------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("shape", ["qms", "flat"])
def test_every_body_of_a_generated_repository(shape: str, tmp_path: Path) -> None:
    from generate import generate

    repo = generate(tmp_path / shape, 60, 200, shape=shape)
    ex = extractor(repo, (repo / "docctl.toml").read_bytes())
    count = 0
    for path in sorted(repo.rglob("*.md")):
        if ".git" in path.parts:
            continue
        content = read_markdown(path.read_bytes())
        metadata = content.metadata if isinstance(content.metadata, dict) else {}
        doc_id = metadata.get("id")
        rel = path.relative_to(repo).as_posix()
        assert_same(ex, document(content.body, str(doc_id), content.body_line, rel))
        count += 1
    assert count >= 40


# --- (b) the example and the bodies of the other reference tests ---------------------------------


def test_every_body_of_the_example() -> None:
    ex = extractor(EXAMPLE, (EXAMPLE / "docctl.toml").read_bytes())
    paths = sorted(EXAMPLE.rglob("*.md"))
    for path in paths:
        content = read_markdown(path.read_bytes())
        metadata = content.metadata if isinstance(content.metadata, dict) else {}
        rel = path.relative_to(EXAMPLE).as_posix()
        assert_same(ex, document(content.body, str(metadata.get("id", "")), content.body_line, rel))
    assert len(paths) >= 20


TEST_BODIES = [
    *(body for body, _ in TITLE_HEADINGS),
    *(text for text, *_ in NOT_CLAUSE_REFERENCES),
    *(text for text, *_ in CLAUSE_REFERENCES),
    *(text for text, *_ in NOT_CLAUSES),
    *(text for text, *_ in CLAUSE_FORMS),
]


@pytest.mark.parametrize("body", TEST_BODIES)
def test_the_bodies_of_the_reference_tests(default_extractor: Extractor, body: str) -> None:
    assert_same(default_extractor, document(f"# SOP-001 Title\n\n{body}\n\nSee SOP-002.\n"))


# --- (c) hostile cases ------------------------------------------------------------------------------

HOSTILE = [
    "Intro SOP-002.\n\n```\nSOP-003 in code\n\nstill code SOP-004\n",  # an unclosed fence
    "~~~\nSOP-003\n\n```\nSOP-004\n~~~\n\nSOP-005 prose\n",  # a ~~~ fence closed by ~~~ only
    "````\n```\n\nSOP-003\n````\n\nSOP-004\n",
    "```foo`bar\n\nSOP-003\n\n```\n\nSOP-004\n\n```\n",  # not a fence: a backtick in its info
    "- item\n\n  ```\n  SOP-003\n\nSOP-004 after the list\n\n```\nSOP-005\n```\n",  # a fence in a list item
    "1. one\n   - nested\n\n     ```\n     SOP-003\n     ```\n\n2. two SOP-004\n\nend SOP-005\n",
    "- a\n\n      code SOP-003\n\n- b WI-001\n\n    code WI-002\n\nprose WI-003\n",
    "<!--\nSOP-003 in a comment\n\nSOP-004 still\n-->\n\nSOP-005 prose\n",
    "<div>\nSOP-003 in HTML\n```\n\nSOP-004 prose\n\n```\nSOP-005 code\n```\n",
    "<div>\n<!--\n\nSOP-003\n-->\n\nSOP-004\n",
    "<script>\nSOP-003\n\n</script>\n\nSOP-004 <!-- SOP-005 -->\n",
    "<pre>\nSOP-003\n\nSOP-004</pre>\n\nSOP-005\n",
    "<?php\n\nSOP-003 ?>\n\nSOP-004\n",
    "<!DOCTYPE x\n\nSOP-003>\n\nSOP-004\n",
    "<![CDATA[\n\nSOP-003\n]]>\n\nSOP-004\n",
    "  <!--\n\nSOP-003\n-->\n\nSOP-004\n",
    "See [the procedure][p] and [SOP][p]-002.\n\n[p]: sops/SOP-002.md\n",
    "Footnote[^1] SOP-002.\n\n[^1]: SOP-003 in a footnote\n\n    SOP-004 continued\n",
    "Heading SOP-002\n===\n\nSub SOP-003\n---\n\n- item\n  ---\n",
    "| a | b |\n|---|---|\n| SOP-002 | `SOP-003` |\n```\nSOP-004\n```\n\n| x |\n|---|\n| WI-001 |\n",
    "Code `SOP-002` and ``SOP-003 ` x`` and SOP-004.\n\n`unclosed SOP-005\n\nSOP-006`\n",
    "Line one SOP-002\r\nline two\r\n\r\n```\r\nSOP-003\r\n```\r\n\r\nSOP-004\rSOP-005\n",
    "\tSOP-002 indented by a tab\n\n  \t```\nSOP-003\n\n\t- SOP-004\n",
    "\ufeffSOP-002 after a BOM\n\n\ufeff```\nSOP-003\n```\n",
    "S*OP*-002 and SOP\\-003 and S<https://x>OP-004 and &#83;OP-005 and SOP&#45;006.\n",
    "I*S*O 9001 clause 7.5 and a\\**I*SO 9001 clause 8.1 and cla_use_ 4.1 and &sect; 7.1.\n",
    "See SOP-002.\n\nSection 7.5 of this standard applies.\n\nParagraphs 8.2 and 8.3 of the standard.\n",
    "The Supervisor checks it (ISO 9001:2015 clause 7.5).\n\n**Note:** see SOP-002\n",
    "# Revision history\n\nSOP-002 was replaced.\n\n```\n# not a heading\n```\n\n"
    "| SOP-003 | row |\n|---|---|\n\n## Next\n\nSOP-004\n\n# Other\n\nSOP-005\n",
    "## Change log\n\n- SOP-002\n\n### Detail\n\nSOP-003\n\nLater\n---\n\nSOP-004\n",
    "Text\n\n> quote SOP-002\n\n> ```\n> SOP-003\n\nSOP-004\n",
    "> - list in quote\n>\n>   ```\n>   SOP-002\n\n```\nSOP-003\n```\n\nSOP-004\n",
    "* star item\n\n* SOP-002\n\n+ plus\n\n+ SOP-003\n\n10) ten\n\nSOP-004\n",
    "- a\n<!--\n\nSOP-002\n-->\n\nSOP-003\n",
    "para\n```\nSOP-002\n\n```\n\nSOP-003\n",
    "<span>x</span>\n```\nSOP-002\n\nSOP-003\n```\n",
    "x\n\n    ```\n\nSOP-002\n\n```\n\nSOP-003\n",
    "[link](sops/SOP-002.md) [img ![SOP-003](x.png)](sops/SOP-004.md)\n\n<https://intranet/SOP-005>\n",
    "SOP-001 is this document; SOP-0010 is not an id of three digits? SOP-002x, x-SOP-003.\n",
    "",
    "\n\n\n",
    "```",
    "<!--",
]


@pytest.mark.parametrize("body", HOSTILE)
def test_hostile_bodies(default_extractor: Extractor, body: str) -> None:
    assert_same(default_extractor, document(body))


def test_some_hostile_bodies_are_cut_and_skipped(default_extractor: Extractor) -> None:
    """The screen does skip: a body whose only reference sits in its last paragraph is cut, and
    only that paragraph is parsed."""
    body = "# SOP-001 Title\n\n" + "A step of the procedure.\n\n" * 50 + "- a list\n- of steps\n\nSee SOP-002.\n"
    assert len(split(body)) == 52  # the list is not cut from the paragraph before it
    assert default_extractor.screen is not None
    read = default_extractor.screen.read(body, 10)
    assert [p.line for p in read.prose] == [10, 115]


def test_a_configuration_markup_can_hide_is_read_whole(tmp_path: Path) -> None:
    ex = extractor(tmp_path, b'[types.SOP]\nid_pattern = "SOP_{n:03}"\n')
    assert ex.screen is None
    doc = document("S_OP_001 and SOP\\_002 and SOP_003.\n")
    assert ex.extract(doc) == ex.extract(doc, exact=True)


# --- (d) generated Markdown-ish text -------------------------------------------------------------

PIECES = [
    "SOP-002",
    "WI-003",
    "FRM-0004",
    "SOP-001",
    "ISO 9001:2015 clause 7.5",
    "clause 8.2",
    "§ 4.1",
    "ref. 7.1",
    "Section 7.5 of this standard",
    "paragraph 8.2 of the",
    "standard",
    "Supervisor",
    "text",
    "a b",
    "Revision history",
    "Change log",
    "[x](sops/SOP-002.md)",
    "[y]",
    "<https://x/SOP-003>",
    "`SOP-004`",
    "`",
    "``",
    "```",
    "~~~",
    "````",
    "<!--",
    "-->",
    "<div>",
    "</div>",
    "<pre>",
    "</pre>",
    "<?",
    "?>",
    "<!X",
    ">",
    "<![CDATA[",
    "]]>",
    "*",
    "**",
    "_",
    "\\",
    "&sect;",
    "&#83;",
    "|",
    "|---|",
    "#",
    "===",
    "---",
    "-",
    "1.",
    "2)",
    "+",
    "!",
    "(",
    ")",
    "[",
    "]",
]
PREFIXES = ["", "", "", " ", "  ", "   ", "    ", "\t", "- ", "1. ", "> ", "# ", "## ", "  - ", "> - "]


@st.composite
def markdownish(draw: st.DrawFn) -> str:
    lines = draw(
        st.lists(
            st.one_of(
                st.just(""),
                st.builds(
                    lambda prefix, words: prefix + " ".join(words),
                    st.sampled_from(PREFIXES),
                    st.lists(st.sampled_from(PIECES), min_size=1, max_size=5),
                ),
                st.builds(
                    lambda prefix, words: prefix + "".join(words),
                    st.sampled_from(PREFIXES),
                    st.lists(st.sampled_from(PIECES), min_size=1, max_size=4),
                ),
            ),
            max_size=25,
        )
    )
    newline = draw(st.sampled_from(["\n", "\n", "\n", "\r\n"]))
    return newline.join(lines) + draw(st.sampled_from(["", "\n"]))


@settings(max_examples=10 * settings.default.max_examples)
@given(markdownish())
def test_generated_markdown_agrees(text: str) -> None:
    event(assert_same(_HYPOTHESIS_EXTRACTOR, document(text)))


@given(st.text(alphabet=st.sampled_from(list("S-01 \n\t`~<!->*_\\[](#|=")), max_size=60))
def test_any_text_agrees(text: str) -> None:
    event(assert_same(_HYPOTHESIS_EXTRACTOR, document(text)))


_HYPOTHESIS_EXTRACTOR = extractor(Path("/nonexistent"))
