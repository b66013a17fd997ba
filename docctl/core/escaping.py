"""Control characters made visible: what text output does with paths and messages it did not write.

A file name, a title or a YAML value can hold a newline, a carriage return, a tab or a terminal
escape sequence. Printed raw, a newline in a file name prints a second line that looks like a
finding, and an escape sequence can recolour, hide or rewrite what the terminal shows. Every text
writer of the command line passes each line it prints through :func:`escape_controls`; JSON output
keeps the exact value (JSON escapes what it must) and is not passed through it.
"""

from __future__ import annotations

import re

#: C0 and C1 control characters and DEL (category Cc), the Unicode line and paragraph separators,
#: the bidirectional controls that reorder what a terminal shows (LRM, RLM, ALM, the embeddings,
#: overrides and isolates), and lone surrogates (file name bytes that are not UTF-8).
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")
#: The same without C0, which JSON escapes itself (a raw newline in JSON text is its layout).
_JSON_RAW = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_controls(text: str, *, tabs: bool = True) -> str:
    """``text`` with every control character written as a backslash escape (``\\n``, ``\\r``,
    ``\\t``, ``\\x1b``, ``\\u202e``): one line, nothing the terminal acts on. With ``tabs=False``
    tabs are kept (document text shown by ``diff``, where a tab is content, not a forgery)."""
    if _CONTROLS.search(text) is None:
        return text
    if not tabs:
        return "\t".join(_CONTROLS.sub(_escape, part) for part in text.split("\t"))
    return _CONTROLS.sub(_escape, text)


def escape_json_controls(text: str) -> str:
    """JSON text with the control characters JSON leaves raw (DEL, C1, the separators, the bidi
    controls, lone surrogates) written as ``\\uXXXX``: the same value to a JSON reader, nothing a
    terminal acts on. ``text`` must be JSON: those characters can only stand inside its strings."""
    if _JSON_RAW.search(text) is None:
        return text
    return _JSON_RAW.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
