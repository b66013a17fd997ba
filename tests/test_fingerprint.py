"""The fingerprint (docs/fingerprint.md), written out by hand for speed, equals the JSON recipe."""

from __future__ import annotations

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from docctl.core.fingerprints import fingerprint, normalise_body, payload_json

text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(deadline=None)  # no time limit per example: CI machines are shared
@given(
    doc_id=st.one_of(st.none(), text),
    title=st.one_of(st.none(), text),
    kind=st.one_of(st.none(), text),
    revision=st.one_of(st.none(), text),
    clauses=st.lists(text, max_size=4),
    references=st.lists(text, max_size=4),
    supersedes=st.one_of(st.none(), text),
    body=st.text(max_size=300),
)
def test_matches_the_published_recipe(
    doc_id: str | None,
    title: str | None,
    kind: str | None,
    revision: str | None,
    clauses: list[str],
    references: list[str],
    supersedes: str | None,
    body: str,
) -> None:
    expected = payload_json(
        body=normalise_body(body),
        clauses=clauses,
        id=doc_id,
        references=references,
        revision=revision,
        supersedes=supersedes,
        title=title,
        type=kind,
    )
    assert (
        fingerprint(
            id=doc_id,
            title=title,
            type=kind,
            revision=revision,
            clauses=clauses,
            references=references,
            supersedes=supersedes,
            body=body,
        )
        == "sha256:" + hashlib.sha256(expected.encode("utf-8")).hexdigest()
    )


def test_normalisation() -> None:
    assert normalise_body("\n\r\nline one  \r\nline two\t\rthree \n\n\n") == "line one\nline two\nthree"
    assert normalise_body("") == ""
    assert normalise_body("a \t") == "a"


def test_known_value() -> None:
    # a fixed point, so that a change of the recipe cannot go unnoticed
    value = fingerprint(
        id="SOP-004",
        title="Purchasing",
        type="SOP",
        revision="C",
        clauses=["8.4"],
        references=[],
        supersedes=None,
        body="# SOP-004 Purchasing\n\nBuy well.\n",
    )
    payload = '{"body":"# SOP-004 Purchasing\\n\\nBuy well.","clauses":["8.4"],"id":"SOP-004","references":[],"revision":"C","supersedes":null,"title":"Purchasing","type":"SOP"}'
    assert value == "sha256:" + hashlib.sha256(payload.encode()).hexdigest()
