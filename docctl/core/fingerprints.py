"""The content fingerprint (docs/fingerprint.md): identity fields and normalised body, hashed with SHA-256."""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections import deque
from collections.abc import Sequence
from json.encoder import encode_basestring as _string  # C-accelerated
from typing import TYPE_CHECKING

_TRAILING = re.compile(r"[ \t]+$", re.MULTILINE)

#: SHA-256 after the payload's opening and the body (``{"body":"..."``): the part of a fingerprint
#: that depends on the body alone, the same for the fingerprint and the content digest of a document
if TYPE_CHECKING:
    from _hashlib import HASH

    BodyPart = HASH
else:
    BodyPart = type(hashlib.sha256())

#: the body parts of the last few bodies hashed, by identity (a document's fingerprint and its
#: content digest hash the same body object; a reader that knows a body is unchanged registers it)
_RECENT: deque[tuple[str, BodyPart]] = deque(maxlen=8)
_LOCK = threading.Lock()


def normalise_body(body: str) -> str:
    """CRLF/CR -> LF, trailing spaces and tabs removed, leading and trailing blank lines removed."""
    text = body.replace("\r\n", "\n").replace("\r", "\n") if "\r" in body else body
    if " \n" in text or "\t\n" in text or text.endswith((" ", "\t")):
        text = _TRAILING.sub("", text)
    return text.strip("\n")


def body_part(body: str) -> BodyPart:
    """The hash state after the body, reused for the same body object (see :func:`remember_part`)."""
    with _LOCK:
        for known, part in _RECENT:
            if known is body:
                return part
    part = hashlib.sha256(('{"body":' + _string(normalise_body(body))).encode("utf-8", "surrogatepass"))
    remember_part(body, part)
    return part


def remember_part(body: str, part: BodyPart) -> None:
    """Let the next fingerprints of ``body`` (this very object) start from ``part``."""
    with _LOCK:
        _RECENT.append((body, part))


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
    # The body comes first: its part of the hash is computed once per body (body_part).
    rest = "".join(
        (
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
    state = body_part(body).copy()
    state.update(rest.encode("utf-8", "surrogatepass"))
    return "sha256:" + state.hexdigest()


def _value(value: str | None) -> str:
    return "null" if value is None else _string(value)


def payload_json(**fields: object) -> str:
    """The reference spelling of the serialised payload (used by the tests)."""
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
