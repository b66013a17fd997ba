"""The audit criteria: which clause of which standard or regulation each finding code falls under.

Clause numbers and titles come from the clause catalogues (numbers and titles only); the 21 CFR
Part 11 sections are the regulation's own section titles. ISO 13485 is cited where the repository
names it among its standards, Part 11 where approval commits must be signed.
"""

from __future__ import annotations

from collections.abc import Iterable

from docctl.audit.model import Criterion
from docctl.config.model import Config
from docctl.standards import Catalogues

ISO9001 = "iso9001:2015"
ISO13485 = "iso13485:2016"

#: finding-code prefix (longest match wins) -> (ISO 9001 clauses, ISO 13485 clauses, Part 11 sections)
_BY_CODE: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "DC10": (("7.5.2", "7.5.3.1"), ("4.2.4",), ()),
    "DC20": (("7.5.2",), ("4.2.4",), ("11.50", "11.70", "11.100")),
    "DC205": (("7.5.2",), ("4.2.4",), ("11.10", "11.70", "11.100")),
    "DC206": (("7.5.2",), ("4.2.4",), ("11.70", "11.200")),
    "DC30": (("7.5.3.2",), ("4.2.4",), ("11.10",)),
    "DC306": (("7.5.3.2",), ("4.2.4", "4.2.5"), ("11.10",)),
    "DC307": (("7.5.2",), ("4.2.4",), ()),
    "DC308": (("7.5.2",), ("4.2.4",), ()),
    "DC31": (("7.5.3.2",), ("4.2.4",), ("11.10",)),
    "DC40": (("7.5.3.1", "7.5.3.2"), ("4.2.4",), ()),
    "DC406": (("7.5.1",), ("4.2.1",), ()),
    "DC50": (("7.5.3.2", "9.2"), ("4.2.5", "8.2.4"), ("11.10",)),
}

PART11 = {
    "11.10": "Controls for closed systems",
    "11.50": "Signature manifestations",
    "11.70": "Signature/record linking",
    "11.100": "General requirements (electronic signatures)",
    "11.200": "Electronic signature components and controls",
}

#: The clauses the audit of document control is judged against, in the order the report lists them.
_SCOPE_9001 = ("7.5", "7.5.1", "7.5.2", "7.5.3", "7.5.3.1", "7.5.3.2", "9.2")
_SCOPE_13485 = ("4.2.4", "4.2.5")


class Criteria:
    """The criteria of one repository: what applies, and the requirement behind each code."""

    def __init__(self, config: Config, catalogues: Catalogues) -> None:
        self.config = config
        self.catalogues = catalogues
        self.medical = ISO13485 in config.standards
        self.part11 = config.signing.required

    def _iso(self, standard: str, clauses: Iterable[str]) -> list[Criterion]:
        catalogue = self.catalogues.get(standard)
        result = []
        for number in clauses:
            clause = catalogue.clause(number) if catalogue is not None else None
            name = catalogue.name if catalogue is not None else standard
            result.append(Criterion(source=name, clause=number, title=clause.title if clause else ""))
        return result

    def _part11(self, sections: Iterable[str]) -> list[Criterion]:
        return [Criterion(source="21 CFR Part 11", clause=s, title=PART11[s]) for s in sections]

    def applied(self) -> tuple[Criterion, ...]:
        """Every criterion of the audit, for its criteria section."""
        result = self._iso(ISO9001, _SCOPE_9001)
        if self.medical:
            result += self._iso(ISO13485, _SCOPE_13485)
        if self.part11:
            result += self._part11(PART11)
        return tuple(result)

    def for_code(self, code: str) -> tuple[Criterion, ...]:
        """The requirement a finding of ``code`` fails."""
        prefix = max((p for p in _BY_CODE if code.startswith(p)), key=len, default=None)
        if prefix is None:
            return tuple(self._iso(ISO9001, ("7.5",)))
        iso9001, iso13485, part11 = _BY_CODE[prefix]
        result = self._iso(ISO9001, iso9001)
        if self.medical:
            result += self._iso(ISO13485, iso13485)
        if self.part11:
            result += self._part11(part11)
        return tuple(result)
