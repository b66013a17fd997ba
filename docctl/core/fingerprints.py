"""The content fingerprint (docs/fingerprint.md): identity fields and normalised body, hashed with SHA-256."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from json.encoder import encode_basestring as _string  # C-accelerated

_TRAILING = re.compile(r"[ \t]+$", re.MULTILINE)


def normalise_body(body: str) -> str:
    """CRLF/CR -> LF, trailing spaces and tabs removed, leading and trailing blank lines removed."""
    text = body.replace("\r\n", "\n").replace("\r", "\n") if "\r" in body else body
    if " \n" in text or "\t\n" in text or text.endswith((" ", "\t")):
        text = _TRAILING.sub("", text)
    return text.strip("\n")


def fingerprint(
    *,
    id: str | None,
    title: str | None,
    type: str | None,
    revision: str | None,
    clauses: Sequence[str],
    references: Sequence[str],
    supersedes: str | None,
    body: str,
) -> str:
    # json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False), written out
    # by hand because it runs for every version of every document in history (the keys are
    # already in sorted order; tests/test_fingerprint.py checks both spellings agree).
    data = "".join(
        (
            '{"body":',
            _string(normalise_body(body)),
            ',"clauses":[',
            ",".join(map(_string, clauses)),
            '],"id":',
            _value(id),
            ',"references":[',
            ",".join(map(_string, references)),
            '],"revision":',
            _value(revision),
            ',"supersedes":',
            _value(supersedes),
            ',"title":',
            _value(title),
            ',"type":',
            _value(type),
            "}",
        )
    )
    return "sha256:" + hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()


def _value(value: str | None) -> str:
    return "null" if value is None else _string(value)


def payload_json(**fields: object) -> str:
    """The reference spelling of the serialised payload (used by the tests)."""
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
