"""Clause catalogues: the built-in standards (TSV data files in this folder) and custom ones.

A catalogue lists the clause numbers and titles of a standard (never its text) and the documented
information it makes mandatory. Built-in catalogues: ``iso9001:2015``, ``iso14001:2015``,
``iso45001:2018``, ``iso13485:2016``. A repository adds its own (AS9100D, IATF 16949, an internal
policy) as YAML files listed in ``[docctl] catalogues`` (see docs/custom-catalogues.md and
schemas/catalogue.schema.json). Errors in a catalogue file are a ConfigError naming file and line.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from docctl.config.model import CONFIG_NAME, Config
from docctl.core.errors import ConfigError, DocumentReadError

BUILTIN_FILES = ("iso9001-2015.tsv", "iso14001-2015.tsv", "iso45001-2018.tsv", "iso13485-2016.tsv")
CATALOGUE_ID = re.compile(r"[a-z0-9][a-z0-9._-]*(?::[a-z0-9][a-z0-9._-]*)?")
CLAUSE_NUMBER = re.compile(r"(?:[A-Z]|\d{1,3})(?:\.\d{1,3})*")
MAX_CATALOGUE_BYTES = 1024 * 1024
_YAML_KEYS = ("catalogue", "title", "cited_as", "extends", "clauses", "mandatory")


class Kind(StrEnum):
    """What a mandatory documented-information item is."""

    DOCUMENT = "document"  # documented information to maintain
    RECORD = "record"  # documented information to retain

    @property
    def label(self) -> str:
        return "document to maintain" if self is Kind.DOCUMENT else "record to retain"


def number_key(number: str) -> tuple[tuple[int, int], ...]:
    """Sort key of a clause number: 4.10 after 4.9, lettered annexes (A.5) after numbered clauses."""
    return tuple((1, ord(part)) if part.isalpha() else (0, int(part)) for part in number.split("."))


def parent_of(number: str) -> str | None:
    return number.rsplit(".", 1)[0] if "." in number else None


def ancestors_of(number: str) -> Iterator[str]:
    """``7.5.3.2`` -> ``7.5.3``, ``7.5``, ``7``."""
    parent = parent_of(number)
    while parent is not None:
        yield parent
        parent = parent_of(parent)


@dataclass(frozen=True, slots=True, kw_only=True)
class Clause:
    number: str
    title: str
    untitled: bool = False  # the standard gives the sub-clause no title; ``title`` is a paraphrase

    @property
    def depth(self) -> int:
        return self.number.count(".") + 1

    @property
    def parent(self) -> str | None:
        return parent_of(self.number)

    @property
    def display_title(self) -> str:
        return f"(untitled) {self.title}" if self.untitled else self.title

    def to_dict(self) -> dict[str, object]:
        return {"clause": self.number, "title": self.title, "untitled": self.untitled}


@dataclass(frozen=True, slots=True, kw_only=True)
class MandatoryItem:
    """One item of mandatory documented information: a document to maintain or a record to retain."""

    clause: str
    kind: Kind
    what: str

    def to_dict(self) -> dict[str, object]:
        return {"clause": self.clause, "kind": self.kind.value, "what": self.what}


@dataclass(frozen=True, slots=True, kw_only=True)
class Catalogue:
    """The clauses of one standard, in number order, and its mandatory documented information."""

    id: str  # e.g. "iso9001:2015"; clause references name it as "iso9001:2015#7.5.3"
    title: str
    clauses: tuple[Clause, ...]
    mandatory: tuple[MandatoryItem, ...] = ()
    cited_as: tuple[str, ...] = ()  # how documents name the standard in text ("ISO 9001:2015")
    source: str = "built-in"  # "built-in" or the catalogue file, relative to the root
    _index: Mapping[str, Clause] = field(default_factory=lambda: MappingProxyType({}), repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", MappingProxyType({c.number: c for c in self.clauses}))

    def __contains__(self, number: object) -> bool:
        return number in self._index

    def clause(self, number: str) -> Clause | None:
        return self._index.get(number)

    @property
    def name(self) -> str:
        """The standard as people write it: the first ``cited_as`` name, else the id."""
        return self.cited_as[0] if self.cited_as else self.id

    def to_dict(self) -> dict[str, object]:
        return {
            "catalogue": self.id,
            "title": self.title,
            "cited_as": list(self.cited_as),
            "source": self.source,
            "clauses": [c.to_dict() for c in self.clauses],
            "mandatory": [m.to_dict() for m in self.mandatory],
        }


@dataclass(frozen=True, slots=True)
class Catalogues:
    """Every catalogue a repository can use, and the standards it is configured for (first: default)."""

    by_id: Mapping[str, Catalogue]
    standards: tuple[str, ...]
    key: tuple[object, ...] = ()  # identifies this set (for caches): ids, sources and file stamps

    @property
    def default(self) -> Catalogue:
        return self.by_id[self.standards[0]]

    @property
    def configured(self) -> tuple[Catalogue, ...]:
        return tuple(self.by_id[s] for s in self.standards)

    def get(self, catalogue_id: str) -> Catalogue | None:
        return self.by_id.get(catalogue_id.lower())

    def __iter__(self) -> Iterator[Catalogue]:
        return iter(self.by_id.values())


# --- built-in catalogues (TSV) --------------------------------------------------------------------


@lru_cache(maxsize=1)
def builtin_catalogues() -> Mapping[str, Catalogue]:
    """The catalogues shipped with docctl, by id."""
    result: dict[str, Catalogue] = {}
    folder = resources.files(__name__)
    for name in BUILTIN_FILES:
        catalogue = parse_tsv(folder.joinpath(name).read_text(encoding="utf-8"), f"docctl/standards/{name}")
        result[catalogue.id] = catalogue
    return MappingProxyType(result)


def parse_tsv(text: str, source: str) -> Catalogue:
    """The built-in format: ``catalogue``, ``title``, ``cited-as``, ``clause`` and ``mandatory`` rows."""
    head: dict[str, list[str]] = {}
    clauses: dict[str, Clause] = {}
    mandatory: list[MandatoryItem] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.startswith("#"):
            continue
        cells = raw.split("\t")
        row, rest = cells[0], cells[1:]
        if row in ("catalogue", "title", "cited-as") and rest:
            head[row] = rest
        elif row == "clause" and len(rest) in (2, 3) and CLAUSE_NUMBER.fullmatch(rest[0]) and rest[1].strip():
            if rest[0] in clauses:
                raise ConfigError(f"clause {rest[0]} is listed twice", path=source, line=number)
            untitled = len(rest) == 3 and rest[2] == "untitled"
            if len(rest) == 3 and not untitled:
                raise ConfigError(f"unknown clause flag '{rest[2]}' (only 'untitled')", path=source, line=number)
            clauses[rest[0]] = Clause(number=rest[0], title=rest[1].strip(), untitled=untitled)
        elif row == "mandatory" and len(rest) == 3 and rest[1] in ("document", "record"):
            if rest[0] not in clauses:
                raise ConfigError(
                    f"mandatory item for clause {rest[0]}, which is not listed",
                    path=source,
                    line=number,
                )
            mandatory.append(MandatoryItem(clause=rest[0], kind=Kind(rest[1]), what=rest[2].strip()))
        else:
            raise ConfigError(f"not a catalogue row: {raw[:60]!r}", path=source, line=number)
    if "catalogue" not in head or not CATALOGUE_ID.fullmatch(head["catalogue"][0]):
        raise ConfigError("no valid 'catalogue' row naming the catalogue id", path=source, line=None)
    return Catalogue(
        id=head["catalogue"][0],
        title=head.get("title", [head["catalogue"][0]])[0],
        clauses=tuple(sorted(clauses.values(), key=lambda c: number_key(c.number))),
        mandatory=tuple(mandatory),
        cited_as=tuple(head.get("cited-as", ())),
        source="built-in",
    )


# --- the catalogues of a repository -----------------------------------------------------------------


def load_catalogues(config: Config) -> Catalogues:
    """Built-in catalogues plus the custom ones of ``[docctl] catalogues``; checks ``standards``.

    Reads the custom catalogue files: the composer keeps the result while their stamps hold.
    """
    key = catalogue_stamps(config)
    by_id: dict[str, Catalogue] = dict(builtin_catalogues())
    for rel in config.catalogues:
        catalogue = _load_custom(config, rel, by_id)
        by_id[catalogue.id] = catalogue
    standards = tuple(s.lower() for s in config.standards)
    if not standards:
        raise ConfigError(
            "'docctl.standards' must name at least one standard",
            path=str(config.path),
            line=_config_line(config, "standards"),
        )
    for standard in standards:
        if standard not in by_id:
            known = ", ".join(sorted(by_id))
            raise ConfigError(
                f"standard '{standard}' has no clause catalogue (known: {known}); add its catalogue file to 'catalogues'",
                path=str(config.path),
                line=_config_line(config, "standards"),
            )
    return Catalogues(MappingProxyType(by_id), standards, key)


def catalogue_stamps(config: Config) -> tuple[object, ...]:
    """What the catalogues of ``config`` depend on (never raises): caches of results that use
    the catalogues (DC401 findings) include it in their key. The files' contents, not their
    modification times, so a fresh clone (a CI job with a restored cache) has the same key."""
    stamps: list[object] = [str(config.root), config.standards]
    for rel in config.catalogues:
        try:
            data = (config.root / rel).read_bytes()
        except OSError:
            stamps.append((rel, None))
            continue
        stamps.append((rel, hashlib.sha1(b"blob %d\x00" % len(data) + data, usedforsecurity=False).hexdigest()))
    return tuple(stamps)


def _config_line(config: Config, key: str) -> int | None:
    try:
        text = config.path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(rf"\s*{re.escape(key)}\s*=", line):
            return number
    return None


def _load_custom(config: Config, rel: str, known: Mapping[str, Catalogue]) -> Catalogue:
    path = config.root / rel
    config_path, config_line = str(config.path), _config_line(config, "catalogues")
    try:
        inside = path.resolve().is_relative_to(config.root.resolve())
    except OSError:
        inside = False
    if not inside:
        raise ConfigError(f"catalogue file '{rel}' is outside the repository", path=config_path, line=config_line)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(
            f"catalogue file '{rel}' listed in {CONFIG_NAME} does not exist",
            path=config_path,
            line=config_line,
        ) from None
    except OSError as error:
        raise ConfigError(
            f"cannot read catalogue file '{rel}': {error.strerror}",
            path=config_path,
            line=config_line,
        ) from None
    if len(data) > MAX_CATALOGUE_BYTES:
        raise ConfigError("catalogue file larger than 1 MiB", path=rel, line=None)
    return parse_yaml_catalogue(data, rel, known)


def parse_yaml_catalogue(data: bytes, source: str, known: Mapping[str, Catalogue]) -> Catalogue:
    """A custom catalogue (YAML, see schemas/catalogue.schema.json); ``known``: catalogues it may extend."""
    from docctl.adapters.text import decode_text
    from docctl.adapters.yamlio import load_yaml

    try:
        text, bom = decode_text(data)
        if bom:
            raise DocumentReadError("byte order mark (BOM) at the start; save as UTF-8 without BOM", line=1)
        loaded = load_yaml(text)
    except DocumentReadError as error:
        raise ConfigError(error.message, path=source, line=error.line) from None
    return _YamlCatalogue(source, loaded.lines, known).parse(loaded.data)


class _YamlCatalogue:
    def __init__(self, source: str, lines: Mapping[str, int], known: Mapping[str, Catalogue]) -> None:
        self.source = source
        self.lines = lines
        self.known = known

    def fail(self, where: str, message: str) -> ConfigError:
        line = self.lines.get(where)
        while line is None and where:
            where = where.rpartition(".")[0] if "." in where else ""
            line = self.lines.get(where) if where else None
        return ConfigError(message, path=self.source, line=line if line is not None else 1)

    def text(self, value: Any, where: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where, f"'{where}' must be a non-empty text value")
        return value.strip()

    def parse(self, data: Any) -> Catalogue:
        if not isinstance(data, dict):
            raise ConfigError(
                "a catalogue must be a mapping with 'catalogue', 'title' and 'clauses'",
                path=self.source,
                line=1,
            )
        for key in data:
            if key not in _YAML_KEYS:
                raise self.fail(key, f"unknown key '{key}' (known: {', '.join(_YAML_KEYS)})")
        for key in ("catalogue", "title"):
            if key not in data:
                raise ConfigError(f"required key '{key}' is missing", path=self.source, line=1)
        catalogue_id = self.text(data["catalogue"], "catalogue").lower()
        if not CATALOGUE_ID.fullmatch(catalogue_id):
            raise self.fail(
                "catalogue",
                f"catalogue id '{catalogue_id}' must look like 'as9100:2016' (letters, digits, '.', '-', '_', one ':')",
            )
        if catalogue_id in self.known:
            raise self.fail(
                "catalogue",
                f"catalogue '{catalogue_id}' is already defined ({self.known[catalogue_id].source}); use 'extends' to build on it",
            )
        base = self.base(data.get("extends"))
        if "clauses" not in data and base is None:
            raise ConfigError("required key 'clauses' is missing", path=self.source, line=1)
        clauses = {c.number: c for c in base.clauses} if base else {}
        clauses.update(self.clauses(data.get("clauses")))
        mandatory = list(base.mandatory) if base else []
        mandatory.extend(self.mandatory(data.get("mandatory"), clauses))
        cited = data.get("cited_as")
        cited_as = tuple(self.strings(cited, "cited_as")) if cited is not None else ()
        return Catalogue(
            id=catalogue_id,
            title=self.text(data["title"], "title"),
            clauses=tuple(sorted(clauses.values(), key=lambda c: number_key(c.number))),
            mandatory=tuple(mandatory),
            cited_as=cited_as,
            source=self.source,
        )

    def base(self, value: Any) -> Catalogue | None:
        if value is None:
            return None
        name = self.text(value, "extends").lower()
        base = self.known.get(name)
        if base is None:
            raise self.fail(
                "extends",
                f"cannot extend '{name}': no such catalogue (known: {', '.join(sorted(self.known))}; list custom ones first)",
            )
        return base

    def strings(self, value: Any, where: str) -> list[str]:
        if not isinstance(value, list):
            raise self.fail(where, f"'{where}' must be a list of text values")
        return [self.text(item, f"{where}[{index}]") for index, item in enumerate(value)]

    def clauses(self, value: Any) -> dict[str, Clause]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail("clauses", "'clauses' must be a mapping of clause number to title")
        result: dict[str, Clause] = {}
        for number, entry in value.items():
            where = f"clauses.{number}"
            if not CLAUSE_NUMBER.fullmatch(number):
                raise self.fail(
                    where,
                    f"'{number}' is not a clause number (digits separated by dots, e.g. 8.1.4 or A.5.1)",
                )
            if isinstance(entry, dict):
                for key in entry:
                    if key not in ("title", "untitled"):
                        raise self.fail(
                            f"{where}.{key}",
                            f"unknown key '{key}' in clause {number} (known: title, untitled)",
                        )
                title = self.text(entry.get("title"), f"{where}.title")
                flag = entry.get("untitled", "false")
                if flag not in ("true", "false"):
                    raise self.fail(f"{where}.untitled", f"'{where}.untitled' must be true or false")
                result[number] = Clause(number=number, title=title, untitled=flag == "true")
            else:
                result[number] = Clause(number=number, title=self.text(entry, where))
        return result

    def mandatory(self, value: Any, clauses: Mapping[str, Clause]) -> Iterable[MandatoryItem]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail("mandatory", "'mandatory' must be a list of items with clause, kind and what")
        items = []
        for index, entry in enumerate(value):
            where = f"mandatory[{index}]"
            if not isinstance(entry, dict):
                raise self.fail(where, f"'{where}' must be a mapping with clause, kind and what")
            for key in entry:
                if key not in ("clause", "kind", "what"):
                    raise self.fail(
                        f"{where}.{key}",
                        f"unknown key '{key}' in {where} (known: clause, kind, what)",
                    )
            clause = self.text(entry.get("clause"), f"{where}.clause")
            if clause not in clauses:
                raise self.fail(
                    f"{where}.clause",
                    f"'{where}.clause' names clause {clause}, which the catalogue does not list",
                )
            kind = self.text(entry.get("kind"), f"{where}.kind")
            if kind not in ("document", "record"):
                raise self.fail(f"{where}.kind", f"'{where}.kind' must be document or record, not '{kind}'")
            items.append(
                MandatoryItem(
                    clause=clause,
                    kind=Kind(kind),
                    what=self.text(entry.get("what"), f"{where}.what"),
                )
            )
        return items
