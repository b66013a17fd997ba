"""Clause references in prose: "ISO 9001:2015 clause 7.5.3", "clause 8.5.1", "§ 6.2", "(ref. 7.1.5.1)".

A number in prose is a clause reference only in a clause context:

* after a standard the catalogues name (its ``cited_as``: "ISO 9001:2015 clause 7.5.3",
  "ISO 13485:2016 §4.2.4", "ISO 13485:2016 4.2.4"), or before "of" and one ("clause 4.2.4 of
  ISO 13485:2016", "section 7.5 of ISO 9001"): a clause of that standard;
* after "clause", "sub-clause" or "§", or after "ref."/"cf." (then with a dot: "ref. 7.1.5"): a
  clause of the default standard, provided every number of the list can be one of a configured
  standard (its first part is a top-level clause of it: "§ 42" of a law and "clauses 1 and 8" of a
  guidance document are not ISO 9001 clauses) and the text names no other owner ("clause 4 of the
  contract", "Section 3 of this procedure", "EN 10204 clause 3.1", "contract clause 12.3").

"section" and "paragraph" count only next to a named standard: documents number their own sections.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from docctl.standards import Catalogues

_N = r"\d{1,2}(?:\.\d{1,2})*(?!\d|\.\d)"
_ITEM = r"(?:(?:[ \t]*\([a-z]\)|[ \t]*[a-z]\)|[ \t]+[a-z](?![\w.]))(?:[ \t]*\(\d\)|[ \t]*\d\)|[ \t]+\d(?![\w.]))?)?"
_SEP = r"\s*(?:,\s*(?:and\b|or\b)?|;|&|\band\b|\bor\b|\bto\b|\bthrough\b|–|—|-)\s*"
_LIST = rf"{_N}{_ITEM}(?:{_SEP}{_N}{_ITEM})*"
_PIECE = re.compile(rf"(?P<num>{_N})|(?P<range>\bto\b|\bthrough\b|–|—|-)", re.IGNORECASE)
_KEYWORD = r"sub-?clauses?|clauses?"
_SECTION = r"sections?|paragraphs?"
_PREFIX = r"(?:(?:BS|DIN|NF|UNE|SS|CSN|PN|SN|NEN|UNI)\s+)?(?:EN\s+)?"
_EXTERNAL = re.compile(
    r"(?:\b(?:ISO(?:/IEC)?|IEC|EN|DIN|BS|ASTM|ANSI|SAE|AS|NAS|IATF|MIL-STD|VDA|API|ASME|NFPA|UL)[\s-]*\d[\w.:/-]*"
    r"|\bCFR(?:\s+Part)?(?:\s+\d+)?"
    r"|\b(?:contract|agreement|order|drawing|specification|terms|regulation|directive|act)\b(?:\s+\S+)?)\s*,?\s*$",
    re.IGNORECASE,
)
_EXTERNAL_WORDS = frozenset(
    [
        "cfr",
        "part",
        "contract",
        "agreement",
        "order",
        "drawing",
        "specification",
        "terms",
        "regulation",
        "directive",
        "act",
    ]
)
#: What may follow a list: "of"/"in" and the owner of the clauses.
_OWNER = re.compile(
    r"[ \t]*\n?[ \t]*(?P<word>of|in)\s+(?:(?P<this>(?:the|this)\s+standard\b)|(?:the\s+)?)", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class ClauseMention:
    standard: str  # catalogue id
    number: str
    offset: int  # where the number starts in the text
    text: str  # the whole mention as written, on one line ("ISO 9001:2015 clause 7.1.5")
    implied: bool  # inside a range, not written ("7.1 to 7.5" implies 7.2, 7.3, 7.4)


def _external(before: str) -> bool:
    """The text before a clause keyword names another standard or a contract ("EN 10204 clause 3.1")."""
    tail = before.rstrip(" ,\t\n")
    if not tail:
        return False
    words = [w.strip(",.;:()").lower() for w in tail.split()[-3:]]
    if not (tail[-1].isdigit() or any(w in _EXTERNAL_WORDS for w in words)):
        return False  # the common case, decided without the regex
    return _EXTERNAL.search(before) is not None


def _variants(words: list[str]) -> list[str]:
    return list(dict.fromkeys(v for w in words for v in (w, w.lower(), w.capitalize(), w.upper())))


def _normal(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


class ClauseScanner:
    """Finds clause mentions in prose for one set of catalogues (build it once per set)."""

    def __init__(self, catalogues: Catalogues) -> None:
        self.catalogues = catalogues
        self.default = catalogues.standards[0]
        self.names: list[tuple[str, str]] = []  # (normalised cited name, catalogue id)
        alternatives = []
        for catalogue in sorted(catalogues, key=lambda c: c.id not in catalogues.standards):
            for name in catalogue.cited_as:
                self.names.append((_normal(name), catalogue.id))
                body = r"\s*".join(re.escape(part) for part in name.split()).replace(":", r"\s*:\s*")
                prefix = _PREFIX if name.upper().startswith("ISO") else ""
                alternatives.append((len(name), rf"{prefix}{body}(?!\s*:\s*\d)(?![\w])"))
        alternatives.sort(key=lambda a: -a[0])
        cited = "|".join(a for _, a in alternatives) or r"(?!x)x"
        self.cited = re.compile(cited, re.IGNORECASE)
        self.top_levels = frozenset(
            clause.number
            for catalogue in catalogues.configured
            for clause in catalogue.clauses
            if "." not in clause.number
        )
        firsts = sorted({re.escape(name.split()[0]) for c in catalogues for name in c.cited_as if name.split()})
        # Where a clause mention can start: the full pattern is tried only there (much faster).
        words = [*firsts, "sub-clause", "subclause", "clause", r"ref\.", r"cf\."]
        # Plain literals, case variants spelled out: far faster than IGNORECASE or a lookbehind.
        plain = [name.split()[0] for c in catalogues for name in c.cited_as if name.split()]
        #: The words (as written, case variants spelled out) a clause mention starts at.
        self.words = (*_variants([*plain, "sub-clause", "subclause", "clause", "ref.", "cf."]), "§")
        self.screen = re.compile("|".join(re.escape(word) for word in self.words))
        #: Every word a clause mention can start at ("Section 7.5 of this standard" too).
        self.anchor_words = (*self.words, *_variants(["section", "paragraph"]))
        self.anchors = re.compile("|".join([*_variants([*words, "section", "paragraph"]), "§"]))
        self.regex = re.compile(
            rf"(?<![\w])(?P<std>{cited})(?:\s*,)?\s*(?:(?P<kw1>{_KEYWORD}|§§?|{_SECTION})\s*)?(?P<list1>{_LIST})"
            rf"|(?<![\w-])(?P<kw2>{_KEYWORD}|{_SECTION})\s+(?P<list2>{_LIST})"
            rf"|(?P<kw3>§§?)\s*(?P<list3>{_LIST})"
            rf"|(?<![\w])(?P<kw4>ref\.|cf\.)\s*(?P<list4>{_LIST})",
            re.IGNORECASE,
        )

    def may_mention(self, text: str) -> bool:
        """Whether ``text`` has a word a clause mention starts with (a cheap screen)."""
        return self.screen.search(text) is not None  # "section" counts only with a standard named

    def standard_of(self, cited: str) -> str:
        text = _normal(cited)
        for name, catalogue_id in self.names:
            if text.endswith(name):
                return catalogue_id
        return self.default  # pragma: no cover - the regex only matches cited names

    def scan(self, text: str) -> Iterator[ClauseMention]:
        """Every clause mention in ``text``, in order."""
        end = 0
        for anchor in self.anchors.finditer(text):
            if anchor.start() < end:
                continue
            match = self.regex.match(text, anchor.start())
            if match is None:
                continue
            group = next(g for g in ("1", "2", "3", "4") if match.group(f"list{g}") is not None)
            named = match.group("std")
            standard, end, explicit = (
                (self.standard_of(named), match.end(), True) if named else self._owner(text, match)
            )
            if standard is None:
                continue
            needs_dot = match.group("kw1") is None if named else group == "4"
            written = " ".join(text[match.start() : end].split())
            found = list(self._numbers(match, f"list{group}", standard, needs_dot, written))
            if explicit:
                yield from found
            elif all(m.implied or self._possible(m.number) for m in found):
                yield from (self._configured(m) for m in found)

    def _owner(self, text: str, match: re.Match[str]) -> tuple[str | None, int, bool]:
        """For a list without a standard before it: its standard (None: not clauses of a standard),
        where the mention ends, and whether the text names the standard ("clause 4.2.4 of ISO 13485")."""
        owner = _OWNER.match(text, match.end())
        if owner is not None:
            cited = self.cited.match(text, owner.end())
            if cited is not None:
                return self.standard_of(cited.group()), cited.end(), True
            if owner.group("this"):
                return self.default, owner.end(), False
            if owner.group("word").lower() == "of":
                return None, match.end(), False  # "clause 4 of the contract", "Section 3 of this procedure"
        if (match.group("kw2") or "").lower().startswith(("section", "paragraph")):
            return None, match.end(), False  # a section of the document itself
        if _external(text[max(0, match.start() - 40) : match.start()]):
            return None, match.end(), False
        return self.default, match.end(), False

    def _possible(self, number: str) -> bool:
        """Whether ``number`` can be a clause of a configured standard: its first part is a top-level clause."""
        return number.partition(".")[0] in self.top_levels

    def _configured(self, mention: ClauseMention) -> ClauseMention:
        """A number of the default standard that only another configured standard has is that one's."""
        default = self.catalogues.default
        if mention.implied or mention.number in default:
            return mention
        other = next((c for c in self.catalogues.configured if mention.number in c), None)
        return mention if other is None else replace(mention, standard=other.id)

    def _numbers(
        self, match: re.Match[str], group: str, standard: str, needs_dot: bool, written: str
    ) -> Iterator[ClauseMention]:
        offset = match.start(group)
        first_dotted: bool | None = None
        previous: str | None = None
        in_range = False
        for piece in _PIECE.finditer(match.group(group)):
            if piece.group("range"):
                in_range = previous is not None
                continue
            number = piece.group("num")
            dotted = "." in number
            if first_dotted is None:
                if needs_dot and not dotted:
                    return
                first_dotted = dotted
            elif first_dotted and not dotted:
                return
            if in_range and previous is not None:
                yield from self._range_between(standard, previous, number, offset + piece.start(), written)
            yield ClauseMention(standard, number, offset + piece.start(), written, False)
            previous, in_range = number, False

    def _range_between(self, standard: str, low: str, high: str, offset: int, written: str) -> Iterator[ClauseMention]:
        """Numbers strictly between ``low`` and ``high`` that share their parent and exist in the catalogue."""
        catalogue = self.catalogues.get(standard)
        low_parent, _, low_last = low.rpartition(".")
        high_parent, _, high_last = high.rpartition(".")
        if catalogue is None or low_parent != high_parent:
            return
        for value in range(int(low_last) + 1, int(high_last)):
            number = f"{low_parent}.{value}" if low_parent else str(value)
            if number in catalogue:
                yield ClauseMention(standard, number, offset, written, True)
