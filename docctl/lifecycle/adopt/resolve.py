"""One file's values from its clues: for each field the first usable clue in the order of trust, with
notes where a clue could not be used or where sources disagree.

The order of trust (docs/adopting.md): what the document's own metadata says (front matter), what its
control block says, the master list, the .docx core properties, the title heading, the file name,
then defaults. The title prefers the heading to the control block (check compares them, DC106).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from docctl.adapters import paths as pathmod
from docctl.config.model import Config
from docctl.lifecycle.adopt import fields as read
from docctl.lifecycle.adopt.plan import Clue, Found

_DOCUMENT = ("front matter", "control", "master list")
ORDER: dict[str, tuple[str, ...]] = {
    "id": (*_DOCUMENT, "core property", "heading", "file name"),
    "title": ("front matter", "heading", "control", "master list", "core property", "file name"),
    "revision": (*_DOCUMENT, "core property", "file name"),
}
#: kinds whose unusable values are not worth a note (a file name or heading without an id is normal)
_QUIET = frozenset({"file name", "heading"})
#: kinds whose revision is a statement: when none fits the scheme, the file is refused, not adopted at the first
_STATED = (*_DOCUMENT, "file name")
_SECTION = re.compile(r"^\d+(\.\d+)*\.?\s")  # "1. Purpose", "2 Scope": a section heading, not a title


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """What the run brings besides the files: configuration, flags, the person and the day."""

    config: Config
    type: str | None = None
    owner: str | None = None
    author: str | None = None
    effective: bool = False
    legacy_record: str | None = None
    identity: str | None = None  # the email of the person running adopt
    today: dt.date


@dataclass(slots=True)
class Resolved:
    """A file's values so far (the id may still be missing: build gives the next free one)."""

    values: dict[str, Found] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    id_type: str | None = None  # the type the id belongs to
    problem: str | None = None


def resolve(path: str, clues: Sequence[Clue], settings: Settings) -> Resolved:
    """Every value but a generated id, from the file's clues (master-list clues included)."""
    result = Resolved()
    clues = list(_expanded(clues, settings.config))
    _identity(result, clues, settings)
    _type(result, path, clues, settings)
    _people(result, clues, settings)
    for name in ("change", "change_request", "retention"):
        _put(result, name, _pick(result, name, clues, read.read_text, ("front matter", "control", "master list")))
    return result


def _expanded(clues: Iterable[Clue], config: Config) -> Iterable[Clue]:
    """The heading becomes an id clue (when it opens with one) and a title clue."""
    for clue in clues:
        if clue.field != "heading":
            yield clue
            continue
        text = clue.value.replace("*", "").replace("`", "")  # "**SOP-012** Purchasing"
        found = read.id_at_start(text, config)
        title = found.rest if found is not None else text
        if found is not None:
            yield Clue("id", found.id, clue.source, clue.kind)
        if title and not _SECTION.match(title):
            yield Clue("title", title, clue.source, clue.kind)


def _identity(result: Resolved, clues: Sequence[Clue], settings: Settings) -> None:
    config = settings.config
    chosen = _pick(result, "id", clues, lambda text: _id_text(text, config), ORDER["id"])
    if chosen is not None:
        match = read.read_id(chosen.value, config)
        assert match is not None
        result.values["id"] = Found(match.id, chosen.source)
        result.id_type = match.type
        _disagreements(result, "id", clues, chosen, lambda text: _id_text(text, config))
    _put(result, "title", _pick(result, "title", clues, read.read_title, ORDER["title"]))
    revision = _pick(result, "revision", clues, lambda text: read.read_revision(text, config), ORDER["revision"])
    if revision is None:
        stated = next((c for c in _sorted(clues, "revision", _STATED) if c.value.strip()), None)
        if stated is not None:  # adopting it as the first revision would misstate it
            result.problem = (
                f"its revision '{_short(stated.value)}' ({stated.source}) does not fit the {config.scheme.name} scheme: "
                "set revision_scheme (and revision_prefix) in docctl.toml to the scheme your documents use"
            )
        revision = Found(config.scheme.first, "first revision of the scheme")
    else:
        _disagreements(result, "revision", clues, revision, lambda text: read.read_revision(text, config))
    result.values["revision"] = revision
    if "title" not in result.values:
        result.problem = "no title: give it a first heading, a title in its control table or in the master list"


def _id_text(text: str, config: Config) -> str | None:
    match = read.read_id(text, config)
    return match.id if match else None


def _type(result: Resolved, path: str, clues: Sequence[Clue], settings: Settings) -> None:
    config = settings.config
    if result.id_type is not None:
        doc_id = result.values["id"].value
        result.values["type"] = Found(result.id_type, f"the id {doc_id}")
        if settings.type is not None and settings.type != result.id_type:
            result.notes.append(f"--type {settings.type} not used: its id {doc_id} is of type {result.id_type}")
        return
    if settings.type is not None:
        result.values["type"] = Found(settings.type, "--type")
        return
    chosen = _pick(result, "type", clues, lambda text: read.read_type(text, config), _DOCUMENT)
    if chosen is not None:
        result.values["type"] = chosen
        return
    for code, doc_type in config.types.items():
        if doc_type.paths and pathmod.matches(path, doc_type.paths):
            result.values["type"] = Found(code, f"[types.{code}] paths")
            return
    result.problem = result.problem or (
        "no type: its name and contents give no id of a type; name one with --type, or give the type "
        'paths in docctl.toml ([types.SOP] paths = ["sops/**"])'
    )


def _people(result: Resolved, clues: Sequence[Clue], settings: Settings) -> None:
    config = settings.config
    flags = {"owner": settings.owner, "author": settings.author}
    defaults = {"owner": config.adopt.owner, "author": config.adopt.author}
    for name in ("owner", "author"):
        given = flags[name]
        if given is not None:
            result.values[name] = Found(given, f"--{name}")
            continue
        chosen = _pick(result, name, clues, lambda text: read.read_person(text, config), _DOCUMENT)
        default = defaults[name]
        if chosen is None and default is not None:
            chosen = Found(default, f"[adopt] {name}")
        if chosen is None and name == "owner" and settings.identity is not None:
            chosen = Found(settings.identity, "you (git user.email)")
        _put(result, name, chosen)
    if "owner" not in result.values:
        result.problem = result.problem or "no owner: give --owner, or set owner in [adopt] of docctl.toml"


def effective_values(result: Resolved, clues: Sequence[Clue], settings: Settings) -> None:
    """The effective date and the next review of a document adopted as effective."""
    day = _pick(result, "effective", clues, _date(result), _DOCUMENT) or Found(settings.today.isoformat(), "today")
    result.values["effective"] = day
    due = _pick(result, "review_due", clues, _date(result), _DOCUMENT)
    doc_type = settings.config.types.get(result.values["type"].value) if "type" in result.values else None
    if due is None and doc_type is not None and doc_type.review_months:
        from docctl.rules.lifecycle import add_months

        start = dt.date.fromisoformat(day.value)
        due = Found(
            add_months(start, doc_type.review_months).isoformat(), f"effective + {doc_type.review_months} months"
        )
    _put(result, "review_due", due)
    if due is not None and dt.date.fromisoformat(due.value) < settings.today:
        result.notes.append(
            f"review_due {due.value} has passed: check reports DC307 until the periodic review is recorded "
            "(docctl review ID --outcome keep)"
        )


def approval_evidence(clues: Sequence[Clue], settings: Settings) -> str:
    """``approved by J. Smith on 2023-03-01`` from the clues that say so; empty when none does."""
    by = next((c.value for c in _sorted(clues, "approved_by", _DOCUMENT)), None)
    on_clue = next((c for c in _sorted(clues, "approved_on", _DOCUMENT)), None)
    on = None
    if on_clue is not None:
        try:
            day = read.read_date(on_clue.value)
        except read.AmbiguousDate:
            day = None
        on = day.isoformat() if day else on_clue.value
    text = f"approved by {' '.join(by.split())}" if by else ("approved" if on else "")
    return f"{text} on {on}" if on else text


def _date(result: Resolved) -> Callable[[str], str | None]:
    def reader(text: str) -> str | None:
        try:
            day = read.read_date(text)
        except read.AmbiguousDate as error:
            result.notes.append(f"date {error}")
            return None
        return day.isoformat() if day else None

    return reader


def _sorted(clues: Iterable[Clue], name: str, kinds: Sequence[str]) -> list[Clue]:
    wanted = [c for c in clues if c.field == name and c.kind in kinds]
    return sorted(wanted, key=lambda c: kinds.index(c.kind))


def _pick(
    result: Resolved, name: str, clues: Sequence[Clue], reader: Callable[[str], str | None], kinds: Sequence[str]
) -> Found | None:
    """The first clue of the field, in the order of ``kinds``, that ``reader`` can read."""
    for clue in _sorted(clues, name, kinds):
        value = reader(clue.value)
        if value is not None:
            return Found(value, clue.source)
        if clue.kind not in _QUIET:
            result.notes.append(f"{clue.source}: {name} '{_short(clue.value)}' not used ({_why(name)})")
    return None


def _disagreements(
    result: Resolved, name: str, clues: Sequence[Clue], chosen: Found, reader: Callable[[str], str | None]
) -> None:
    seen: set[str] = set()
    for clue in _sorted(clues, name, ORDER[name]):
        value = reader(clue.value)
        if value is not None and value != chosen.value and value not in seen:
            seen.add(value)
            result.notes.append(f"{clue.source} says {name} {value}; {chosen.value} ({chosen.source}) is used")


def _put(result: Resolved, name: str, found: Found | None) -> None:
    if found is not None:
        result.values[name] = found


def _why(name: str) -> str:
    return {
        "id": "it fits no type's id_pattern",
        "revision": "it does not fit the revision scheme",
        "owner": "neither an email nor the name of a person in [people]",
        "author": "neither an email nor the name of a person in [people]",
        "type": "not a type of docctl.toml",
        "effective": "not a date",
        "review_due": "not a date",
        "title": "not a one-line title",
    }.get(name, "empty")


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 50 else text[:47] + "..."
