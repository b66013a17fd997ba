"""docctl.toml -> Config: the parser, with every default and errors that name the file and line."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from types import MappingProxyType
from typing import Any

from docctl.adapters.paths import glob_problem
from docctl.config.model import (
    ADOPT_TARGETS,
    CONFIG_NAME,
    DEFAULT_APPROVERS,
    DEFAULT_CONTROLLED,
    DEFAULT_EXCLUDE,
    DEFAULT_REVIEW_MONTHS,
    DEFAULT_STANDARDS,
    DEFAULT_TYPES,
    REVISION_SCHEMES,
    Adopt,
    AuditSettings,
    Config,
    DocType,
    Person,
    Signing,
)
from docctl.core.codes import RULES
from docctl.core.errors import ConfigError
from docctl.core.model import Severity


def find_root(start: Path) -> Path:
    """The nearest folder at or above ``start`` holding docctl.toml."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    raise ConfigError(f"no {CONFIG_NAME} found in {start} or any parent folder (run 'docctl init')")


def load_config(root: Path) -> Config:
    path = root / CONFIG_NAME
    try:
        raw_bytes = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"no {CONFIG_NAME} in {root} (run 'docctl init')") from None
    except OSError as error:
        raise ConfigError(f"cannot read {CONFIG_NAME}: {error.strerror}", path=str(path)) from None
    return parse_config(raw_bytes, root, path)


def parse_config(raw_bytes: bytes, root: Path, path: Path) -> Config:
    """A Config from the bytes of a docctl.toml (``path`` is named in error messages)."""
    try:
        text = raw_bytes.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError("not UTF-8 text", path=str(path)) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        match = re.search(r"\(at line (\d+), column \d+\)", message)
        line = int(match.group(1)) if match else None
        message = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", message)
        raise ConfigError(f"invalid TOML: {message}", path=str(path), line=line) from None
    return _Parser(root, path, text).parse(data)


class _Parser:
    def __init__(self, root: Path, path: Path, text: str) -> None:
        self.root = root
        self.path = path
        self.locator = _Locator(text)
        self.locations: dict[str, int | None] = {}  # dotted key (and key[index]) -> line, for findings

    def fail(self, where: tuple[str, ...], message: str) -> ConfigError:
        return ConfigError(message, path=str(self.path), line=self.locator.line(where))

    def parse(self, data: dict[str, Any]) -> Config:
        known = {"docctl", "types", "people", "signing", "severity", "ignore", "adopt", "audit"}
        self.unknown(data, known, ())
        main = self.table(data, ("docctl",))
        self.unknown(
            main,
            {
                "standards",
                "controlled",
                "exclude",
                "catalogues",
                "revision_scheme",
                "revision_prefix",
                "fail_on",
                "review_warning_days",
            },
            ("docctl",),
        )
        scheme = self.string(main, ("docctl", "revision_scheme"), "letters")
        if scheme not in REVISION_SCHEMES:
            raise self.fail(
                ("docctl", "revision_scheme"),
                f"revision_scheme must be one of {', '.join(REVISION_SCHEMES)}, not '{scheme}'",
            )
        types_table = self.table(data, ("types",))
        types = (
            {code: self.doc_type(code, types_table[code]) for code in types_table} if types_table else _default_types()
        )
        return Config(
            root=self.root,
            path=self.path,
            standards=self.strings(main, ("docctl", "standards"), DEFAULT_STANDARDS),
            controlled=self.globs(main, ("docctl", "controlled"), DEFAULT_CONTROLLED),
            exclude=self.globs(main, ("docctl", "exclude"), DEFAULT_EXCLUDE),
            catalogues=self.strings(main, ("docctl", "catalogues"), ()),
            revision_scheme=scheme,
            revision_prefix=self.revision_prefix(main),
            fail_on=self.severity_value(main, ("docctl", "fail_on"), Severity.MAJOR),
            review_warning_days=self.integer(main, ("docctl", "review_warning_days"), 30),
            types=MappingProxyType(types),
            people=MappingProxyType(self.people(self.table(data, ("people",)))),
            signing=self.signing(self.table(data, ("signing",))),
            audit=self.audit(data),
            severity=MappingProxyType(self.severities(self.table(data, ("severity",)))),
            ignore=self.ignores(self.table(data, ("ignore",))),
            locations=MappingProxyType(self.locations),
            adopt=self.adopt(self.table(data, ("adopt",))),
        )

    def revision_prefix(self, main: dict[str, Any]) -> str:
        where = ("docctl", "revision_prefix")
        prefix = self.string(main, where, "")
        if len(prefix) > 20 or not prefix.isprintable() or prefix != prefix.lstrip():
            raise self.fail(where, '\'docctl.revision_prefix\' must be a short, printable text, e.g. "Rev. " or "r"')
        return prefix

    # typed getters -------------------------------------------------------------------------
    def unknown(self, table: dict[str, Any], known: set[str], where: tuple[str, ...]) -> None:
        for key in table:
            if key not in known:
                dotted = ".".join((*where, key))
                raise self.fail((*where, key), f"unknown key '{dotted}'")

    def table(self, data: dict[str, Any], where: tuple[str, ...]) -> dict[str, Any]:
        value = data.get(where[-1], {})
        if not isinstance(value, dict):
            raise self.fail(where, f"'{'.'.join(where)}' must be a table")
        return value

    def string(self, table: dict[str, Any], where: tuple[str, ...], default: str) -> str:
        value = table.get(where[-1], default)
        if not isinstance(value, str):
            raise self.fail(where, f"'{'.'.join(where)}' must be a string")
        return value

    def strings(self, table: dict[str, Any], where: tuple[str, ...], default: tuple[str, ...]) -> tuple[str, ...]:
        value = table.get(where[-1], list(default))
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(where, f"'{'.'.join(where)}' must be a list of strings")
        return tuple(value)

    def globs(self, table: dict[str, Any], where: tuple[str, ...], default: tuple[str, ...]) -> tuple[str, ...]:
        """A list of globs; one that can never match a file below the root is an error at its line.

        The line of each glob written is kept (``docctl.controlled[0]``) for the findings that name it.
        """
        values = self.strings(table, where, default)
        if where[-1] not in table:
            return values
        dotted = ".".join(where)
        self.locations[dotted] = self.locator.line(where)
        for index, glob in enumerate(values):
            line = self.locator.item_line(where, glob)
            self.locations[f"{dotted}[{index}]"] = line
            problem = glob_problem(glob)
            if problem is not None:
                raise ConfigError(f"'{dotted}' glob '{glob}' {problem}", path=str(self.path), line=line)
        return values

    def integer(self, table: dict[str, Any], where: tuple[str, ...], default: int) -> int:
        value = table.get(where[-1], default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.fail(where, f"'{'.'.join(where)}' must be a whole number of at least 0")
        return value

    def boolean(self, table: dict[str, Any], where: tuple[str, ...], default: bool) -> bool:
        value = table.get(where[-1], default)
        if not isinstance(value, bool):
            raise self.fail(where, f"'{'.'.join(where)}' must be true or false")
        return value

    def severity_value(self, table: dict[str, Any], where: tuple[str, ...], default: Severity) -> Severity:
        value = table.get(where[-1], default.value)
        try:
            return Severity(value)
        except ValueError:
            raise self.fail(where, f"'{'.'.join(where)}' must be one of major, minor, ofi") from None

    # tables ----------------------------------------------------------------------------------
    def doc_type(self, code: str, table: Any) -> DocType:
        where = ("types", code)
        if not isinstance(table, dict):
            raise self.fail(where, f"'types.{code}' must be a table")
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", code):
            raise self.fail(
                where, f"type code '{code}' must start with a letter and hold only letters, digits, '-' and '_'"
            )
        self.unknown(
            table,
            {"title", "id_pattern", "approvers", "review_months", "allow_self_approval", "template", "paths"},
            where,
        )
        pattern = self.string(table, (*where, "id_pattern"), f"{code}-{{n:03}}")
        fields = re.findall(r"\{[^{}]*\}", pattern)
        if fields != ["{n}"] and (len(fields) != 1 or not re.fullmatch(r"\{n:0\d+d?\}", fields[0])):
            raise self.fail(
                (*where, "id_pattern"), f"'types.{code}.id_pattern' must contain {{n}} or a zero-padded {{n:03}} once"
            )
        template = table.get("template")
        if template is not None and not isinstance(template, str):
            raise self.fail((*where, "template"), f"'types.{code}.template' must be a string")
        approvers = self.strings(table, (*where, "approvers"), DEFAULT_APPROVERS)
        if not approvers or not all(role.strip() for role in approvers):
            raise self.fail(
                (*where, "approvers"),
                f"'types.{code}.approvers' must name at least one role, and no empty one: "
                "a document of the type could otherwise become effective without a signature",
            )
        return DocType(
            code=code,
            title=self.string(table, (*where, "title"), code),
            id_pattern=pattern,
            approvers=approvers,
            review_months=self.integer(table, (*where, "review_months"), DEFAULT_REVIEW_MONTHS),
            allow_self_approval=self.boolean(table, (*where, "allow_self_approval"), False),
            template=template,
            paths=self.strings(table, (*where, "paths"), ()),
        )

    def people(self, table: dict[str, Any]) -> dict[str, Person]:
        people: dict[str, Person] = {}
        for email, entry in table.items():
            where = ("people", email)
            if not isinstance(entry, dict):
                raise self.fail(where, f"'people.\"{email}\"' must be a table")
            if "@" not in email:
                raise self.fail(where, f"people key '{email}' must be an email address")
            self.unknown(entry, {"name", "roles"}, where)
            name = self.string(entry, (*where, "name"), "")
            if not name:
                raise self.fail(where, f"'people.\"{email}\".name' is required")
            people[email.lower()] = Person(
                email=email.lower(), name=name, roles=self.strings(entry, (*where, "roles"), ())
            )
        return people

    def audit(self, data: dict[str, Any]) -> AuditSettings:
        table = self.table(data, ("audit",))
        if "audit" not in data:
            return AuditSettings()
        self.unknown(table, {"folder", "type", "interval_months"}, ("audit",))
        folder = self.string(table, ("audit", "folder"), "records/audits").strip("/")
        if not folder or folder.startswith("..") or "/../" in f"/{folder}/" or folder.startswith("/"):
            raise self.fail(("audit", "folder"), f"audit.folder must be a folder inside the repository, not '{folder}'")
        kind = self.string(table, ("audit", "type"), "AUDIT")
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", kind):
            raise self.fail(("audit", "type"), f"audit.type must be a word such as AUDIT, not '{kind}'")
        months = self.integer(table, ("audit", "interval_months"), 12)
        if months < 1:
            raise self.fail(("audit", "interval_months"), "audit.interval_months must be at least 1")
        return AuditSettings(folder=folder, type=kind, interval_months=months, configured=True)

    def signing(self, table: dict[str, Any]) -> Signing:
        self.unknown(table, {"required", "allowed_signers"}, ("signing",))
        signers = table.get("allowed_signers")
        if signers is not None and not isinstance(signers, str):
            raise self.fail(("signing", "allowed_signers"), "'signing.allowed_signers' must be a string")
        return Signing(required=self.boolean(table, ("signing", "required"), False), allowed_signers=signers)

    def adopt(self, table: dict[str, Any]) -> Adopt:
        self.unknown(table, {"role", "owner", "author", "legacy_record", "fields"}, ("adopt",))
        values: dict[str, str | None] = {}
        for key in ("role", "owner", "author", "legacy_record"):
            value = self.string(table, ("adopt", key), "").strip()
            if key in ("owner", "author") and value and not re.fullmatch(r"[^@\s]+@[^@\s]+", value):
                raise self.fail(("adopt", key), f"'adopt.{key}' must be an email address, not '{value}'")
            values[key] = value or None
        fields = self.table(table, ("adopt", "fields"))
        for key, target in fields.items():
            if target not in ADOPT_TARGETS:
                raise self.fail(
                    ("adopt", "fields", key),
                    f"'adopt.fields.{key}' must name one of {', '.join(ADOPT_TARGETS)}, not {target!r}",
                )
        return Adopt(
            role=values["role"],
            owner=(values["owner"] or "").lower() or None,
            author=(values["author"] or "").lower() or None,
            legacy_record=values["legacy_record"],
            fields=MappingProxyType(dict(fields)),
        )

    def severities(self, table: dict[str, Any]) -> dict[str, Severity]:
        result: dict[str, Severity] = {}
        for code in table:
            if code not in RULES:
                raise self.fail(("severity", code), f"unknown finding code '{code}' in [severity]")
            result[code] = self.severity_value(table, ("severity", code), Severity.MAJOR)
        return result

    def ignores(self, table: dict[str, Any]) -> tuple[tuple[str, tuple[str, ...]], ...]:
        result = []
        for glob in table:
            where = ("ignore", glob)
            problem = glob_problem(glob)
            if problem is not None:
                raise self.fail(where, f"[ignore] glob '{glob}' {problem}")
            value = self.strings(table, where, ())
            for code in value:
                if code not in RULES:
                    raise self.fail(where, f"unknown finding code '{code}' in [ignore]")
            result.append((glob, tuple(value)))
        return tuple(result)


def _default_types() -> dict[str, DocType]:
    return {
        code: DocType(
            code=code,
            title=title,
            id_pattern=f"{code}-{{n:03}}",
            approvers=approvers,
            review_months=months,
            allow_self_approval=False,
            template=None,
        )
        for code, (title, approvers, months) in DEFAULT_TYPES.items()
    }


class _Locator:
    """Finds the line of a table or key in TOML text (tomllib keeps no positions)."""

    _header = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(#.*)?$")
    _key = re.compile(r"""^\s*("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_.-]+)\s*=""")

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    @staticmethod
    def _split(dotted: str) -> tuple[str, ...]:
        parts = re.findall(r""""((?:[^"\\]|\\.)*)"|'([^']*)'|([^.\s]+)""", dotted)
        return tuple(a or b or c for a, b, c in parts)

    def line(self, where: tuple[str, ...]) -> int | None:
        table: tuple[str, ...] = ()
        best: int | None = None
        for number, text in enumerate(self.lines, start=1):
            header = self._header.match(text)
            if header:
                table = self._split(header.group(1))
                if table == where[: len(table)] and table and best is None and table == where:
                    best = number
                continue
            key = self._key.match(text)
            if key:
                full = table + self._split(key.group(1))
                if full == where:
                    return number
                if best is None and len(full) < len(where) and full == where[: len(full)]:
                    best = number
        return best

    def item_line(self, where: tuple[str, ...], value: str) -> int | None:
        """The line of the string ``value`` in the array at ``where`` (the key's line if not found)."""
        start = self.line(where)
        if start is None:
            return None
        written = (json.dumps(value, ensure_ascii=False), f"'{value}'")
        for number in range(start, len(self.lines) + 1):
            text = self.lines[number - 1]
            if number > start and (self._header.match(text) or self._key.match(text)):
                break
            if any(form in text for form in written):
                return number
        return start
