"""docctl xref ID: references out of and into a document, with their lines, and the clauses it uses."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from docctl.cli.options import open_repository
from docctl.cli.output import out, out_json
from docctl.references.graph import ClauseUse, XRef, XrefEntry
from docctl.references.model import Reference


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", metavar="ID")
    parser.add_argument("--format", choices=("text", "json"), default="text")


def run(args: argparse.Namespace) -> int:
    result = open_repository(args).xref(args.id)
    if args.format == "json":
        out_json(result.to_dict())
    else:
        for line in text(result):
            out(line)
    return 0


def text(result: XRef) -> list[str]:
    doc = result.document
    lines = [f"{doc.id}  {doc.title}  ({doc.status}, revision {doc.revision})  {doc.path}", ""]
    lines.append(f"References out ({len(result.outgoing)}):")
    lines += [_entry(e) for e in result.outgoing] or ["  none"]
    lines += ["", f"Referenced by ({len(result.incoming)}):"]
    lines += [_entry(e, incoming=True) for e in result.incoming] or ["  none"]
    lines += ["", f"Clauses ({len(result.clauses)}):"]
    lines += [_clause(c) for c in result.clauses] or ["  none"]
    return lines


def _entry(entry: XrefEntry, *, incoming: bool = False) -> str:
    doc = entry.document
    if doc is None:
        head = f"{entry.target}  (does not exist)"
    else:
        head = f"{doc.id or doc.path}  {doc.title or ''}  ({doc.status})" + (f"  {doc.path}" if incoming else "")
    notes = "  [mentioned, not declared in references]" if entry.in_text and not entry.declared else ""
    return f"  {head}: {'; '.join(_via(entry.via))}{notes}"


def _via(refs: Sequence[Reference]) -> list[str]:
    """``references[3] (line 12)``, ``mentioned on lines 54, 66``, ``linked on line 40``."""
    parts = [f"{r.field} (line {r.line})" if r.line is not None else str(r.field) for r in refs if r.field]
    for kind, verb in (("link", "linked"), ("mention", "mentioned")):
        found = [r for r in refs if r.kind == kind]
        if not found:
            continue
        lines = sorted({r.line for r in found if r.line is not None})
        if lines:
            parts.append(f"{verb} on line{'s' if len(lines) > 1 else ''} {', '.join(map(str, lines))}")
        else:
            parts.append(f"{verb} in the body text")
        if any(r.historical for r in found):
            parts[-1] += " (revision history)"
    return parts


def _clause(use: ClauseUse) -> str:
    parts = []
    if use.claimed:
        parts.append("claimed" + (f" line {use.claimed_lines[0]}" if use.claimed_lines[0] is not None else ""))
    lines = [str(n) for n in use.mentioned_lines if n is not None]
    if use.mentioned:
        parts.append("mentioned" + (f" line {', '.join(lines)}" if lines else ""))
    if use.weak:
        parts.append("weak: never mentioned in the body")
    title = use.title if use.title is not None else "(not in the catalogue)"
    return f"  {use.standard}#{use.number}  {title}: {'; '.join(parts)}"
