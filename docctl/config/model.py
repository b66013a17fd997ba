"""The configuration values read from docctl.toml: Config and its parts, frozen, with their defaults."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from docctl.core.model import Severity
from docctl.core.revisions import Scheme

CONFIG_NAME = "docctl.toml"
REVISION_SCHEMES = ("letters", "numbers", "major.minor")

DEFAULT_STANDARDS = ("iso9001:2015",)
DEFAULT_CONTROLLED = ("**/*.md", "**/*.docx")
DEFAULT_EXCLUDE = ("**/README.md",)
DEFAULT_APPROVERS = ("Quality Manager",)
DEFAULT_REVIEW_MONTHS = 24

#: Types used when docctl.toml defines no [types] table.
DEFAULT_TYPES: Mapping[str, tuple[str, tuple[str, ...], int]] = {
    "QM": ("Quality Manual", ("Quality Manager",), 12),
    "POL": ("Policy", ("Quality Manager",), 12),
    "SOP": ("Standard Operating Procedure", ("Process Owner", "Quality Manager"), 24),
    "WI": ("Work Instruction", ("Process Owner",), 24),
    "FRM": ("Form", ("Quality Manager",), 36),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class DocType:
    code: str
    title: str
    id_pattern: str
    approvers: tuple[str, ...]
    review_months: int
    allow_self_approval: bool
    template: str | None
    paths: tuple[str, ...] = ()  # globs of the files of this type (for docctl adopt)

    @property
    def id_regex(self) -> re.Pattern[str]:
        return id_pattern_regex(self.id_pattern)

    def format_id(self, n: int) -> str:
        return self.id_pattern.format(n=n)


@dataclass(frozen=True, slots=True, kw_only=True)
class Person:
    email: str
    name: str
    roles: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Signing:
    required: bool = False
    allowed_signers: str | None = None


#: The fields a key of [adopt.fields] may map a foreign front-matter key to.
ADOPT_TARGETS = (
    "id",
    "title",
    "type",
    "revision",
    "owner",
    "author",
    "effective",
    "review_due",
    "change",
    "change_request",
    "retention",
    "approved_by",
    "approved_on",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Adopt:
    """[adopt]: how docctl adopt brings existing documents under control."""

    role: str | None = None  # the role in which adopt --effective declares documents in force
    owner: str | None = None  # the default owner of adopted documents
    author: str | None = None  # the default author
    legacy_record: str | None = None  # where the approvals before adoption are recorded
    fields: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))  # their key -> our field


@dataclass(frozen=True, slots=True)
class AuditSettings:
    """``[audit]``: where audit records are kept, and how often document control is audited."""

    folder: str = "records/audits"
    type: str = "AUDIT"  # the record's id prefix: AUDIT-2026-12-01
    interval_months: int = 12
    configured: bool = False  # the table is present: an overdue audit is then a finding (DC502)


@dataclass(frozen=True, slots=True, kw_only=True)
class Config:
    root: Path
    path: Path
    standards: tuple[str, ...] = DEFAULT_STANDARDS
    controlled: tuple[str, ...] = DEFAULT_CONTROLLED
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    catalogues: tuple[str, ...] = ()
    revision_scheme: str = "letters"
    revision_prefix: str = ""
    fail_on: Severity = Severity.MAJOR
    review_warning_days: int = 30
    types: Mapping[str, DocType] = field(default_factory=lambda: MappingProxyType({}))
    people: Mapping[str, Person] = field(default_factory=lambda: MappingProxyType({}))
    signing: Signing = Signing()
    audit: AuditSettings = AuditSettings()
    severity: Mapping[str, Severity] = field(default_factory=lambda: MappingProxyType({}))
    ignore: tuple[tuple[str, tuple[str, ...]], ...] = ()
    adopt: Adopt = Adopt()

    @property
    def scheme(self) -> Scheme:
        """The revision scheme with its prefix."""
        return Scheme(self.revision_scheme, self.revision_prefix)

    #: Where keys were written: ``docctl.controlled`` and each glob, ``docctl.controlled[0]``, -> line
    #: (None when not found). Only keys written are present. Compared, but not part of the repr that
    #: keys the caches: moving a line does not change how a document is read.
    locations: Mapping[str, int | None] = field(default_factory=lambda: MappingProxyType({}), repr=False)

    def line_of(self, where: str) -> int | None:
        """The line of a key or glob in docctl.toml (``docctl.exclude[1]``), None when unknown."""
        return self.locations.get(where)

    def type_of_id(self, doc_id: str) -> DocType | None:
        """The type whose id pattern matches ``doc_id``."""
        for doc_type in self.types.values():
            if doc_type.id_regex.fullmatch(doc_id):
                return doc_type
        return None


def id_pattern_regex(pattern: str) -> re.Pattern[str]:
    """``SOP-{n:03}`` -> ``SOP-\\d{3,}``; ``{n}`` -> ``\\d+``."""
    parts: list[str] = []
    pos = 0
    for match in re.finditer(r"\{n(?::0?(\d+)d?)?\}", pattern):
        parts.append(re.escape(pattern[pos : match.start()]))
        width = match.group(1)
        parts.append(rf"(?P<n>\d{{{width},}})" if width else r"(?P<n>\d+)")
        pos = match.end()
    parts.append(re.escape(pattern[pos:]))
    return re.compile("".join(parts))
