"""The content fingerprint of SPEC §3.3: identity fields and normalised body, hashed with SHA-256."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence

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
    payload = {
        "body": normalise_body(body),
        "clauses": list(clauses),
        "id": id,
        "references": list(references),
        "revision": revision,
        "supersedes": supersedes,
        "title": title,
        "type": type,
    }
    data = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(data.encode("utf-8")).hexdigest()
