"""Raw metadata mapping -> typed fields through typed getters, with exact, located messages."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from docctl.adapters.yamlio import YamlValue
from docctl.config.model import Config
from docctl.core.model import Approval, Meaning, Status

REQUIRED = ("id", "title", "type", "revision", "status", "owner")
KNOWN_FIELDS = (
    "id",
    "title",
    "type",
    "revision",
    "status",
    "owner",
    "author",
    "effective",
    "review_due",
    "clauses",
    "references",
    "supersedes",
    "change",
    "change_request",
    "retention",
    "legacy_approval",
    "approvals",
)
APPROVAL_FIELDS = ("name", "by", "role", "meaning", "date", "fingerprint")
_FINGERPRINT = re.compile(r"sha256:[0-9a-f]{64}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")


@dataclass(frozen=True, slots=True)
class Problem:
    message: str
    line: int | None


@dataclass(slots=True)
class ParsedMetadata:
    fields: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def parse_metadata(raw: YamlValue, lines: Mapping[str, int], config: Config, *, start_line: int) -> ParsedMetadata:
    """Typed document fields from a raw mapping. Fields that are invalid are left out."""
    return _Parser(lines, config, start_line).parse(raw)


class _Parser:
    def __init__(self, lines: Mapping[str, int], config: Config, start_line: int) -> None:
        self.lines = lines
        self.config = config
        self.start_line = start_line
        self.result = ParsedMetadata()

    def problem(self, where: str, message: str) -> None:
        line = self.lines.get(where)
        if line is None and "." in where:
            line = self.lines.get(where.rsplit(".", 1)[0])
        self.result.problems.append(Problem(message, line if line is not None else self.start_line))

    def parse(self, raw: YamlValue) -> ParsedMetadata:
        if not isinstance(raw, dict):
            self.problem("", "metadata must be a mapping of fields (key: value)")
            return self.result
        out = self.result.fields
        for name in REQUIRED:
            if raw.get(name) is None:
                self.problem(name, f"required field '{name}' is missing")
        for name in ("id", "title", "owner"):
            out[name] = self.text(raw, name)
        out["author"] = self.text(raw, "author")
        out["type"] = self.type(raw)
        out["revision"] = self.revision(raw)
        out["status"] = self.status(raw)
        for name in ("supersedes", "change", "change_request", "retention", "legacy_approval"):
            out[name] = self.text(raw, name)
        out["effective"] = self.date(raw, "effective")
        out["review_due"] = self.date(raw, "review_due")
        out["clauses"] = self.strings(raw, "clauses")
        out["references"] = self.strings(raw, "references")
        out["approvals"] = self.approvals(raw)
        for name in ("owner", "author"):
            if out[name] is not None and not _EMAIL.fullmatch(out[name]):
                self.problem(name, f"'{name}' must be an email address, not '{out[name]}'")
                out[name] = None
        return self.result

    # typed getters ------------------------------------------------------------------------
    def text(self, raw: dict[str, Any], name: str, where: str | None = None) -> str | None:
        value = raw.get(name)
        where = where or name
        if value is None:
            return None
        if not isinstance(value, str):
            self.problem(where, f"'{where}' must be a single value, not a {_kind(value)}")
            return None
        if not value.strip():
            self.problem(where, f"'{where}' is empty")
            return None
        return value.strip()

    def strings(self, raw: dict[str, Any], name: str) -> tuple[str, ...]:
        value = raw.get(name)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.problem(name, f"'{name}' must be a list (e.g. {name}: [a, b]), not a {_kind(value)}")
            return ()
        items: list[str] = []
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                self.problem(f"{name}[{index}]", f"'{name}[{index}]' must be a non-empty text value")
                continue
            items.append(item.strip())
        return tuple(items)

    def type(self, raw: dict[str, Any]) -> str | None:
        value = self.text(raw, "type")
        if value is not None and value not in self.config.types:
            known = ", ".join(sorted(self.config.types)) or "none configured"
            self.problem("type", f"unknown type '{value}' (known: {known})")
            return None
        return value

    def revision(self, raw: dict[str, Any]) -> str | None:
        value = self.text(raw, "revision")
        scheme = self.config.scheme
        if value is not None and not scheme.is_valid(value):
            self.problem("revision", f"revision '{value}' is not in the {scheme.name} scheme: use {scheme.describe()}")
            return None
        return value

    def status(self, raw: dict[str, Any]) -> Status | None:
        value = self.text(raw, "status")
        if value is None:
            return None
        try:
            return Status(value)
        except ValueError:
            hint = f"; write '{value.lower()}'" if value.lower() in {s.value for s in Status} else ""
            self.problem("status", f"unknown status '{value}' (one of {', '.join(s.value for s in Status)}){hint}")
            return None

    def date(self, raw: dict[str, Any], name: str) -> dt.date | None:
        value = self.text(raw, name)
        if value is None:
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            self.problem(name, f"'{name}' must be a date YYYY-MM-DD, not '{value}'")
            return None

    def approvals(self, raw: dict[str, Any]) -> tuple[Approval, ...]:
        value = raw.get("approvals")
        if value is None:
            return ()
        if not isinstance(value, list):
            self.problem("approvals", f"'approvals' must be a list, not a {_kind(value)}")
            return ()
        result = []
        for index, item in enumerate(value):
            approval = self.approval(item, f"approvals[{index}]")
            if approval is not None:
                result.append(approval)
        return tuple(result)

    def approval(self, item: Any, where: str) -> Approval | None:
        if not isinstance(item, dict):
            self.problem(where, f"'{where}' must be a mapping with {', '.join(APPROVAL_FIELDS)}")
            return None
        ok = True
        for key in item:
            if key not in APPROVAL_FIELDS:
                self.problem(f"{where}.{key}", f"unknown field '{where}.{key}'")
                ok = False
        values: dict[str, str] = {}
        for key in APPROVAL_FIELDS:
            if item.get(key) is None:
                self.problem(where, f"'{where}.{key}' is missing")
                ok = False
                continue
            text = self.text(item, key, f"{where}.{key}")
            if text is None:
                ok = False
            else:
                values[key] = text
        meaning: Meaning | None = None
        if "meaning" in values:
            try:
                meaning = Meaning(values["meaning"])
            except ValueError:
                self.problem(
                    f"{where}.meaning",
                    f"'{where}.meaning' must be approved, reviewed or authored, not '{values['meaning']}'",
                )
                ok = False
        date: dt.datetime | None = None
        if "date" in values:
            date = _datetime(values["date"])
            if date is None:
                self.problem(
                    f"{where}.date",
                    f"'{where}.date' must be a date and time with zone, e.g. 2026-03-02T10:14:00+00:00, not '{values['date']}'",
                )
                ok = False
        if "fingerprint" in values and not _FINGERPRINT.fullmatch(values["fingerprint"]):
            self.problem(f"{where}.fingerprint", f"'{where}.fingerprint' must be sha256: and 64 lowercase hex digits")
            ok = False
        if "by" in values and not _EMAIL.fullmatch(values["by"]):
            self.problem(f"{where}.by", f"'{where}.by' must be an email address, not '{values['by']}'")
            ok = False
        if not ok or meaning is None:
            return None
        return Approval(
            name=values["name"],
            by=values["by"].lower(),
            role=values["role"],
            meaning=meaning,
            date=date,
            fingerprint=values["fingerprint"],
            line=self.lines.get(where),
        )


def _datetime(value: str) -> dt.datetime | None:
    try:
        parsed = dt.datetime.fromisoformat(value.replace(" ", "T", 1) if " " in value.strip() else value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return None
    return parsed


def _kind(value: object) -> str:
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "mapping"
    return "value"
