"""Which parts of a Markdown body can hold a reference: a pre-filter in front of markdown-it.

A full CommonMark parse of every body costs most of a cold check when bodies are large, and most
of a body (a procedure's steps, its tables) names no document, no clause and no link. This module
cuts a body into runs of top-level blocks at lines where it can *prove* that markdown-it's block
parser starts afresh, and hands markdown-it only the runs that hold a possible reference. What is
prose, a link, a heading or code is still decided by markdown-it alone: the result is, token for
token, what a parse of the whole body gives, for the runs that can matter.

A cut is made before line L only when all of this holds (markdown-it 4, CommonMark):

* the line before L is blank (spaces and tabs only): every paragraph, table, blockquote and HTML
  block of kinds 6 and 7 ends there;
* L starts in column 0 and does not start a list item: every list (and the code, comments and
  fences inside its items) ends there, as does an indented code block;
* no top-level fenced code block or HTML block of kinds 1-5 (``<!--``, ``<script``...) is open at L.
  Those are tracked from their opening lines. An opening line indented two or three spaces may
  belong to a list item, and one that follows a line starting with ``<`` in the same paragraph may
  belong to an HTML block: there the scanner cannot decide, and makes no cut from there on;
* the body has no ``]:`` (a link reference or footnote definition is global to the document): such
  a body is parsed whole.

A run is parsed when one of its lines may hold a reference: an id (without its trailing guard), a
clause word at the start of a word (any case variant), either also with the markup that leaves no
trace in the prose inside it (``\\``, ``*``, ``_``, an autolink), ``§``, ``](`` (an inline link) or a
character reference (which can spell anything); after the first revision-history word, also a
line that may be a heading (it may end the history section). The runs left out become blank lines
(:func:`keep`), so the parse keeps every line number. This holds for id patterns and clause words
made of letters, digits and ``-./:``; for any other configuration :func:`body_screen` returns None
and bodies are parsed whole.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from docctl.formats.markdown import MarkdownBody, read_body

_SAFE = frozenset("-./:§")
_CUT = re.compile(r"\n[ \t]*\n(?=[^ \t\n])(?![-+*](?:[ \t]|\n|\Z)|\d{1,9}[.)](?:[ \t]|\n|\Z))")
_SPECIAL = re.compile(r"\n(?=[ \t]*(?:<|```|~~~))")
_SPECIAL_FIRST = re.compile(r"[ \t]*(?:<|```|~~~)")
_BLANK = re.compile(r"\n[ \t]*\n")
_HEADING = re.compile(r"^[ \t>*+\-0-9.)]*#|^[ \t>]*(?:=+|-+)[ \t]*$", re.MULTILINE)
#: The opening and closing sequences of HTML blocks of kinds 1-5, as markdown-it's html_block has them.
_HTML = (
    (
        re.compile(r"<(?a:(script|pre|style|textarea))(?=(\s|>|$))", re.IGNORECASE),
        re.compile(r"<\/(?a:(script|pre|style|textarea))>", re.IGNORECASE),
    ),
    (re.compile(r"<!--"), re.compile(r"-->")),
    (re.compile(r"<\?"), re.compile(r"\?>")),
    (re.compile(r"<![A-Za-z]"), re.compile(r">")),
    (re.compile(r"<!\[CDATA\["), re.compile(r"\]\]>")),
)


def body_screen(
    id_patterns: Iterable[str], clause_words: Iterable[str], history_words: Iterable[str]
) -> BodyScreen | None:
    """A screen for these id patterns (``SOP-{n:03}``), the words clause mentions start at, and
    the words of a revision-history heading (lower case), or None when an id pattern or a clause
    word has a character that Markdown markup can produce or hide (then bodies are parsed whole)."""
    patterns, words = list(id_patterns), [w for w in clause_words if w != "§"]
    if not all(_safe(_ID_NUMBER.sub("", text)) for text in [*patterns, *words]):
        return None
    plain = [_id_regex(p, "") for p in patterns]
    hidden = [_id_regex(p, _JUNK) for p in patterns]
    return BodyScreen(
        plain=re.compile("|".join([*plain, "§", r"\]\(", r"&(?:#|[A-Za-z0-9]+;)"])),
        words=re.compile("|".join(re.escape(w) for w in words) or r"(?!x)x"),
        lowered=tuple(sorted({w.lower() for w in words})),
        hidden=re.compile(
            "|".join([*hidden, *(f"(?P<w{i}>{_JUNK.join(map(re.escape, w))})" for i, w in enumerate(words))])
        ),
        history=tuple(history_words),
    )


#: What markup can put inside a word without a trace in the prose: escapes, emphasis, autolinks.
_JUNK = r"(?:[\\*_]|<[^<>\n]*>)*"
_JUNK_CHAR = re.compile(r"[\\*_<]")
_ID_NUMBER = re.compile(r"\{n(?::0?(\d+)d?)?\}")


def _id_regex(pattern: str, junk: str) -> str:
    """A regex for the start of an id of ``pattern`` (``{n:03}``: three digits or more, as
    docctl.config reads it), ``junk`` allowed between its characters."""
    pieces: list[str] = []
    pos = 0
    for number in _ID_NUMBER.finditer(pattern):
        pieces += [re.escape(c) for c in pattern[pos : number.start()]]
        pieces += [r"\d"] * (1 if number.group(1) is None else int(number.group(1)))
        pos = number.end()
    pieces += [re.escape(c) for c in pattern[pos:]]
    return junk.join(pieces)


def _safe(text: str) -> bool:
    return all(c.isalnum() or c in _SAFE for c in text)


def _word_start(text: str, offset: int) -> bool:
    """Whether no ASCII letter or digit precedes ``offset`` (where a clause mention can start)."""
    return offset == 0 or not (text[offset - 1].isascii() and text[offset - 1].isalnum())


@dataclass(frozen=True, slots=True)
class BodyScreen:
    """Reads the parts of Markdown bodies that can hold a reference (build once per configuration)."""

    plain: re.Pattern[str]  # an id as written, a section sign, an inline link, a character reference
    words: re.Pattern[str]  # a clause word (a mention only at the start of a word)
    lowered: tuple[str, ...]  # the clause words lower-cased, every case variant found by them
    hidden: re.Pattern[str]  # an id or a clause word (groups w<n>) with markup inside
    history: tuple[str, ...]  # the words of a revision-history heading, lower case

    def read(self, body: str, first_line: int) -> MarkdownBody:
        """What :func:`read_body` gives for ``body``, less what can hold no reference."""
        if "\r" in body:
            body = body.replace("\r\n", "\n").replace("\r", "\n")  # markdown-it's own normalising
        if "]:" in body:
            return read_body(body, first_line)
        runs = split(body)
        starts = [line for line, _ in runs]
        wanted = {bisect.bisect_right(starts, line) - 1 for line in self._wanted_lines(body)}
        if not wanted:
            return MarkdownBody((), (), ())
        return read_body(keep(runs, wanted), first_line)

    def _wanted_lines(self, body: str) -> list[int]:
        """The 0-based lines that may hold a reference, and after a history word those that may
        hold a heading."""
        offsets = [m.start() for m in self.plain.finditer(body)]
        lower = body.lower()
        if len(lower) == len(body):  # every character lower-cased in place (the common case)
            words = (at for word in self.lowered for at in _find_all(lower, word))
        else:
            words = (m.start() for m in self.words.finditer(body))
        offsets += [at for at in words if _word_start(body, at)]
        if "\\" in body or "*" in body or "_" in body or "<" in body:
            offsets += self._hidden(body)
        found = _line_numbers(body, sorted(offsets))
        history = self._history_lines(lower)
        if history:
            headings = _line_numbers(body, [m.start() for m in _HEADING.finditer(body)])
            found += history + [line for line in headings if line >= history[0]]
        return found

    def _hidden(self, body: str) -> list[int]:
        """Where an id or a clause word may be written with markup inside, on the lines with markup."""
        offsets = []
        junk = _JUNK_CHAR.search(body)
        while junk is not None:
            start = body.rfind("\n", 0, junk.start()) + 1
            end = body.find("\n", junk.start())
            end = len(body) if end == -1 else end
            for match in self.hidden.finditer(body, start, end):
                if match.lastgroup is None or _word_start(body, match.start()):
                    offsets.append(match.start())
            junk = _JUNK_CHAR.search(body, end)
        return offsets

    def _history_lines(self, lower: str) -> list[int]:
        """The lines with a history word, from the body lower-cased (never with other line breaks)."""
        return _line_numbers(lower, sorted(at for word in self.history for at in _find_all(lower, word)))


def _find_all(text: str, word: str) -> Iterator[int]:
    at = text.find(word)
    while at != -1:
        yield at
        at = text.find(word, at + 1)


def _line_numbers(text: str, offsets: list[int]) -> list[int]:
    """The 0-based line of each offset (sorted)."""
    numbers, line, previous = [], 0, 0
    for offset in offsets:
        line += text.count("\n", previous, offset)
        previous = offset
        numbers.append(line)
    return numbers


def split(body: str) -> list[tuple[int, str]]:
    """``body`` (line breaks normalised, no ``]:``) cut where markdown-it's block parser provably
    starts afresh: each run's first line (0-based) and text. Parsing the runs one by one gives the
    tokens of the whole body, their lines shifted."""
    cuts = _cuts(body)
    ends = [*cuts[1:], len(body)]
    return list(zip(_line_numbers(body, cuts), (body[a:b] for a, b in zip(cuts, ends, strict=True)), strict=True))


def keep(runs: list[tuple[int, str]], wanted: set[int]) -> str:
    """The text of the ``wanted`` runs on their lines; every other run up to the last wanted one
    becomes blank lines, the first after a wanted run an empty HTML comment on its first line and
    blank lines: at the comment a block left open inside a list item ends, as at the first line of
    the run it replaces (over blank lines alone an HTML block in a list item would run on); the
    comment is not prose."""
    last = max(wanted, default=-1)
    pieces = []
    for index, (_, text) in enumerate(runs[: last + 1]):
        lines = text.count("\n")  # a run after the first: a line, maybe more, and a blank line
        if index in wanted:
            pieces.append(text)
        elif index - 1 in wanted:
            pieces.append("<!-- -->\n" + "\n" * (lines - 1))
        else:
            pieces.append("\n" * lines)
    return "".join(pieces)


def _cuts(body: str) -> list[int]:
    """The offsets where markdown-it's block parser provably starts afresh (0 first)."""
    closed, stop = _closed_regions(body)
    starts = [0]
    for match in _CUT.finditer(body, 0, stop):
        at = match.end()
        if at >= stop:
            break
        index = bisect.bisect_left(closed, (at,)) - 1
        if index >= 0 and closed[index][1] >= at:
            continue  # inside a fence or HTML block (its closing line included)
        starts.append(at)
    return starts


def _closed_regions(body: str) -> tuple[list[tuple[int, int]], int]:
    """The top-level fences and HTML blocks of kinds 1-5 as (opening line's start, closing line's
    start; the body's length when never closed), and where the scanner stops deciding."""
    regions: list[tuple[int, int]] = []
    resume = 0
    last_tag: int | None = None  # the last line starting with "<", outside fences and comments
    if "<" not in body and "```" not in body and "~~~" not in body:
        return regions, len(body)
    first = [0] if _SPECIAL_FIRST.match(body) else []
    for start in [*first, *(m.end() for m in _SPECIAL.finditer(body))]:
        if start < resume:
            continue
        end = body.find("\n", start)
        end = len(body) if end == -1 else end
        line = body[start:end]
        text = line.lstrip(" \t")
        indent = len(line) - len(text)
        opens = _opening(text)
        if opens is None or "\t" in line[:indent] or indent > 3:
            if text.startswith("<"):
                last_tag = start
            continue
        if indent > 1 or (last_tag is not None and _BLANK.search(body, last_tag, start) is None):
            return regions, start  # maybe inside a list item or an HTML block: undecided from here
        if text.startswith("<"):
            last_tag = start
        close = _closing(body, opens, text, end)
        if close is None:
            continue  # an HTML block that ends on its opening line
        regions.append((start, close))
        if close >= len(body):
            return regions, len(body)
        close_end = body.find("\n", close)
        resume = len(body) if close_end == -1 else close_end + 1
    return regions, len(body)


def _opening(text: str) -> tuple[str, re.Pattern[str] | None] | None:
    """What ``text`` (a line without its indentation) opens: a fence (its marker, None) or an HTML
    block of kinds 1-5 ("", its closing pattern); None for anything else."""
    if text.startswith(("```", "~~~")):
        marker = text[0] * (len(text) - len(text.lstrip(text[0])))
        if marker[0] == "`" and "`" in text[len(marker) :]:
            return None
        return marker, None
    for opening, closing in _HTML:
        if opening.match(text):
            return "", closing
    return None


def _closing(body: str, opens: tuple[str, re.Pattern[str] | None], text: str, end: int) -> int | None:
    """The start of the line that closes the block opened at a line (``text``, ending at ``end``):
    the body's length if none does, None if it closes on its own line."""
    marker, closing = opens
    if closing is not None:
        if closing.search(text):
            return None
        found = closing.search(body, end)
    else:
        pattern = re.compile(rf"^ {{0,3}}{re.escape(marker[0])}{{{len(marker)},}}[ \t]*$", re.MULTILINE)
        found = pattern.search(body, end + 1) if end < len(body) else None
    if found is None:
        return len(body)
    return body.rfind("\n", 0, found.start()) + 1
