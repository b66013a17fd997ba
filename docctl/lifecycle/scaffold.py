"""Creating things: a new docctl repository (init) and a new document from its type's template."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from docctl.adapters.atomic import write_atomic
from docctl.config.model import CONFIG_NAME, Config
from docctl.core.errors import UsageError

TEMPLATE_DIR = ".docctl/templates"
SECTIONS = (
    "Purpose",
    "Scope",
    "Responsibilities",
    "Definitions",
    "Procedure",
    "Records",
    "References",
    "Revision history",
)


def builtin_template(name: str) -> str:
    return resources.files("docctl.templates").joinpath(name).read_text(encoding="utf-8")


def init_repository(path: Path, *, name: str, email: str) -> list[Path]:
    """Write docctl.toml, one template per type and .pre-commit-config.yaml; never overwrite."""
    path.mkdir(parents=True, exist_ok=True)
    config_path = path / CONFIG_NAME
    if config_path.exists():
        raise UsageError(f"{config_path} exists already; docctl init does not overwrite it")
    written: list[Path] = []
    text = builtin_template("docctl.toml").replace("{email}", email.lower()).replace("{name}", name)
    write_atomic(config_path, text.encode())
    written.append(config_path)
    from docctl.config.load import load_config

    config = load_config(path)
    for code in config.types:
        target = path / TEMPLATE_DIR / f"{code}.md"
        if not target.exists():
            write_atomic(target, builtin_template("document.md").encode())
            written.append(target)
    hooks = path / ".pre-commit-config.yaml"
    if not hooks.exists():
        from docctl._version import __version__

        text = builtin_template("pre-commit-config.yaml").replace("{version}", __version__)
        write_atomic(hooks, text.encode())
        written.append(hooks)
    return written


@dataclass(frozen=True, slots=True)
class NewDocument:
    id: str
    path: str  # relative to the root: the .md, or the .docx (its sidecar is path + ".yml")
    files: tuple[str, ...]  # every file written


def next_id(config: Config, type_code: str, used_ids: set[str]) -> str:
    """The next free id of a type: one above the highest number in use (ids are never reused)."""
    doc_type = config.types[type_code]
    regex = doc_type.id_regex
    numbers = [int(m.group("n")) for m in (regex.fullmatch(i) for i in used_ids) if m]
    candidate = max(numbers, default=0) + 1
    while doc_type.format_id(candidate) in used_ids:  # pragma: no cover - defensive
        candidate += 1
    return doc_type.format_id(candidate)


def slug(title: str) -> str:
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    text = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
    return text[:60].rstrip("-") or "document"


def default_folder(config: Config, type_code: str, existing: list[tuple[str, str]]) -> str:
    """Where documents of this type live already (the most common folder), else a folder named for the type."""
    folders = Counter(path.rsplit("/", 1)[0] if "/" in path else "" for code, path in existing if code == type_code)
    if folders:
        return folders.most_common(1)[0][0]
    common = {"QM": "manual", "POL": "policies", "SOP": "sops", "WI": "work-instructions", "FRM": "forms"}
    return common.get(type_code) or slug(config.types[type_code].title) + "s"


def render_template(config: Config, type_code: str, *, doc_id: str, title: str, owner: str, author: str) -> str:
    doc_type = config.types[type_code]
    candidates = [config.root / doc_type.template] if doc_type.template else []
    candidates.append(config.root / TEMPLATE_DIR / f"{type_code}.md")
    text = next((c.read_text(encoding="utf-8") for c in candidates if c.is_file()), None)
    if text is None:
        if doc_type.template:
            raise UsageError(f"template {doc_type.template} of type {type_code} does not exist")
        text = builtin_template("document.md")
    values = {
        "id": doc_id,
        "type": type_code,
        "revision": config.scheme.first,
        "owner": owner,
        "author": author,
    }
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    # the title is YAML in the front matter and plain text in the body
    head, sep, body = text.partition("\n---\n") if text.startswith("---") else ("", "", text)
    return head.replace("{title}", _yaml_text(title)) + sep + body.replace("{title}", title)


def _yaml_text(text: str) -> str:
    """A title as a YAML scalar: quoted when plain YAML would misread it."""
    if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 ,()/&+'.-]*", text) and not text.endswith(" ") and ": " not in text:
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
