"""docctl show ID: metadata, signature manifest, fingerprint and status."""

from __future__ import annotations

import argparse

from docctl.cli.options import open_repository
from docctl.cli.output import out, out_json
from docctl.composer.signatures import SignatureRecord
from docctl.core.model import Document
from docctl.repository import Repository
from docctl.rules import approvals as approval_rules
from docctl.rules.lifecycle import review_due


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", metavar="ID")
    parser.add_argument("--rev", metavar="REV", help="a revision from history instead of the working copy")
    parser.add_argument("--format", choices=("text", "json"), default="text")


def run(args: argparse.Namespace) -> int:
    repo = open_repository(args)
    if args.rev:
        from docctl.cli.commands.diff import revision_document

        document = revision_document(repo, args.id, args.rev)
    else:
        document = repo.document(args.id)
    ctx = repo.context()
    manifest = repo.manifest(document)
    if args.format == "json":
        data = document.to_dict()
        due = review_due(document, ctx)
        data["review_due"] = due.isoformat() if due else None
        data["approvals"] = [record.to_dict() for record in manifest]
        data["missing_roles"] = approval_rules.missing_roles(document, ctx)
        out_json(data)
        return 0
    _text(repo, document, manifest)
    return 0


def _text(repo: Repository, document: Document, manifest: list[SignatureRecord]) -> None:
    ctx = repo.context()
    due = review_due(document, ctx)
    rows = [
        ("Document", f"{document.id}  {document.title}"),
        ("Type", document.type),
        ("Revision", document.revision),
        ("Status", document.status.value if document.status else None),
        ("Effective", document.effective.isoformat() if document.effective else None),
        ("Review due", due.isoformat() if due else None),
        ("Owner", document.owner),
        ("Author", document.author),
        ("Clauses", ", ".join(document.clauses) or None),
        ("References", ", ".join(document.references) or None),
        ("Supersedes", document.supersedes),
        ("Change", document.change),
        ("Change request", document.change_request),
        ("Path", document.path),
        ("Fingerprint", document.fingerprint),
    ]
    for label, value in rows:
        if value:
            out(f"{label + ':':<16}{value}")
    out()
    if not manifest:
        out("Signatures:     none")
    else:
        out("Signatures:")
        for record in manifest:
            approval = record.approval
            when = approval.date.isoformat() if approval.date else "?"
            state = "valid" if record.valid else "NOT VALID"
            out(f"  {approval.name} <{approval.by}>")
            out(f"    {approval.role}, {approval.meaning.value}, {when}")
            out(f"    content {approval.fingerprint}  [{state}]")
            if record.commit is None:
                out("    not committed yet")
            else:
                if record.committed_by is None:
                    who = "(the oldest commit of a shallow clone: who added it is unknown)"
                else:
                    who = "by the approver" if record.attested else f"by {record.committed_by}, NOT the approver"
                    if not record.attested and record.committed_by == approval.by:
                        who = "by the approver, but its Docctl trailers name other content: NOT attested"
                signature = record.verdict
                signer = f" by {record.signer}" if record.signer and record.signature in ("G", "U") else ""
                out(f"    commit {record.commit[:12]} {who}; {signature}{signer}")
    missing = approval_rules.missing_roles(document, ctx)
    if missing:
        out(f"Still required: {', '.join(missing)}")
