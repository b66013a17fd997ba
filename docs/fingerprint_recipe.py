#!/usr/bin/env python3
"""Recompute docctl's content fingerprint of a Markdown document, without docctl or a YAML library.

    python3 fingerprint_recipe.py sops/SOP-004-purchasing.md
    sha256:...

The recipe is the one published in docs/fingerprint.md. The front matter is read "the simple
way": only the identity fields, written as `key: value` (plain, 'single' or "double" quoted) or,
for `clauses` and `references`, as a flow list `[a, b]` or a block list of `- item` lines. For
anything fancier (multi-line scalars, anchors), call fingerprint() with the values yourself.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys

NULLS = {"", "~", "null", "Null", "NULL"}


def fingerprint(identity: dict[str, object], body: str) -> str:
    """Steps 3 to 5: normalise the body, serialise identity and body as canonical JSON, hash."""
    body = body.replace("\r\n", "\n").replace("\r", "\n")
    body = re.sub(r"[ \t]+$", "", body, flags=re.MULTILINE).strip("\n")
    payload = {
        "body": body,
        "clauses": identity.get("clauses") or [],
        "id": identity.get("id"),
        "references": identity.get("references") or [],
        "revision": identity.get("revision"),
        "supersedes": identity.get("supersedes"),
        "title": identity.get("title"),
        "type": identity.get("type"),
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def scalar(text: str) -> str | None:
    """One YAML scalar on one line: quoted, or plain with a trailing ` # comment` removed."""
    text = text.strip()
    if text.startswith('"'):
        return str(json.loads(text[: text.rindex('"') + 1]))  # YAML escapes like JSON here
    if text.startswith("'"):
        return text[1 : text.rindex("'")].replace("''", "'")
    text = re.sub(r"\s+#.*$", "", text)
    return None if text in NULLS else text


def read(text: str) -> tuple[dict[str, object], str]:
    """Steps 1 and 2: the identity fields of the front matter; the body after its closing line."""
    lines = text.removeprefix("\ufeff").splitlines(keepends=True)
    if not lines or lines[0].rstrip() != "---":
        raise SystemExit("no front matter")
    close = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if close is None:
        raise SystemExit("front matter is never closed")
    identity: dict[str, object] = {}
    key = ""
    for line in lines[1:close]:
        item = re.match(r"^\s*-\s+(.*)$", line)
        items = identity.get(key)
        if item and isinstance(items, list):  # an item of the clauses or references block list
            items.append(scalar(item.group(1)))
            continue
        field = re.match(r"^([A-Za-z_][\w-]*)\s*:(?:\s+(.*))?$", line.rstrip("\r\n"))
        if not field:
            continue
        key, value = field.group(1), (field.group(2) or "")
        if key in ("clauses", "references"):
            value = re.sub(r"\s+#.*$", "", value).strip()
            inner = value[1:-1].strip() if value.startswith("[") else ""
            identity[key] = [scalar(v) for v in inner.split(",")] if inner else []
        elif key in ("id", "title", "type", "revision", "supersedes"):
            identity[key] = scalar(value)
    return identity, "".join(lines[close + 1 :])


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as handle:
        print(fingerprint(*read(handle.read())))
