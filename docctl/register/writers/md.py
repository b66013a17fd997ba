"""The register as a Markdown table, under its title and source line."""

from __future__ import annotations

from docctl.register.model import COLUMNS, UNCONTROLLED, Register


def render(register: Register) -> bytes:
    lines = [f"# {register.title}", "", f"{register.source}. {UNCONTROLLED}.", ""]
    if register.statuses or register.types:
        lines[-2] += f" Selection: {register.selection}."
    lines.append("| " + " | ".join(h for _, h in COLUMNS) + " |")
    lines.append("|" + "|".join("---" for _ in COLUMNS) + "|")
    for row in register.rows:
        lines.append("| " + " | ".join(_cell(c) for c in row.cells()) + " |")
    if not register.rows:
        lines += ["", "No documents."]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())
