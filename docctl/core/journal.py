"""The journal of a lifecycle step: what the step is about to do, written before its first file.

A step that is interrupted (killed, power cut) leaves its journal behind; ``docctl recover`` reads
it to finish the step or to put everything back (docs/lifecycle.md). The journal is JSON, so that a
person can read it too: the original bytes of each file are base64, the rest is text.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from typing import Any

JOURNAL_VERSION = 1


def digest(data: bytes) -> str:
    """The digest the journal records for the bytes a step writes: ``sha256:`` and 64 hex digits."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


@dataclass(frozen=True, slots=True)
class JournalFile:
    """One file the step writes: its bytes before the step and the digest of the bytes it writes."""

    path: str  # relative to the docctl root
    original: bytes | None  # None: the file did not exist
    intended: str  # digest() of the bytes the step writes


@dataclass(frozen=True, slots=True, kw_only=True)
class StepJournal:
    """Everything needed to finish or undo one lifecycle step."""

    action: str  # new, submit, approve, release, revise, review, obsolete
    document: str
    path: str  # the document's file (for a .docx, the .docx), relative to the root
    revision: str
    by: str  # the acting person's email (the commit's author)
    name: str
    pid: int
    started: str  # ISO date-time of the step (its clock)
    head: str | None  # HEAD before the step (None before the first commit)
    files: tuple[JournalFile, ...]
    index: bytes  # the index entries of the files before the step (``git ls-files -s -z --full-name``)
    message: str | None  # the commit message; None: the step stages only (--no-commit)
    env: tuple[tuple[str, str], ...] = ()  # the commit's GIT_AUTHOR_* and GIT_COMMITTER_DATE
    tag: tuple[str, str] | None = None  # (name, message) of the annotated tag of a release

    def encode(self) -> bytes:
        value = {
            "docctl-journal": JOURNAL_VERSION,
            "action": self.action,
            "document": self.document,
            "path": self.path,
            "revision": self.revision,
            "by": self.by,
            "name": self.name,
            "pid": self.pid,
            "started": self.started,
            "head": self.head,
            "files": [{"path": f.path, "original": _b64(f.original), "intended": f.intended} for f in self.files],
            "index": _b64(self.index),
            "message": self.message,
            "env": dict(self.env),
            "tag": list(self.tag) if self.tag else None,
        }
        # ASCII with escapes: a file name that is not valid UTF-8 survives the round trip
        return (json.dumps(value, indent=1, sort_keys=True) + "\n").encode("ascii")

    @classmethod
    def decode(cls, data: bytes) -> StepJournal:
        """The journal written by :meth:`encode`; ValueError with a one-line reason for anything else."""
        try:
            value = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ValueError(f"not JSON ({error})") from None
        if not isinstance(value, dict) or value.get("docctl-journal") != JOURNAL_VERSION:
            raise ValueError("not a docctl step journal of this version")
        try:
            tag = value["tag"]
            return cls(
                action=_text(value, "action"),
                document=_text(value, "document"),
                path=_text(value, "path"),
                revision=_text(value, "revision"),
                by=_text(value, "by"),
                name=_text(value, "name"),
                pid=int(value["pid"]),
                started=_text(value, "started"),
                head=value["head"] if isinstance(value["head"], str) else None,
                files=tuple(_file(item) for item in value["files"]),
                index=_unb64(value["index"]) or b"",
                message=value["message"] if isinstance(value["message"], str) else None,
                env=tuple(sorted((str(k), str(v)) for k, v in dict(value["env"]).items())),
                tag=(str(tag[0]), str(tag[1])) if isinstance(tag, list) and len(tag) == 2 else None,
            )
        except (KeyError, TypeError, ValueError, binascii.Error) as error:
            raise ValueError(f"a field is missing or malformed ({error})") from None


@dataclass(frozen=True, slots=True)
class HalfStep:
    """A step whose journal exists while no process holds the step lock: it was interrupted."""

    journal_path: str  # where the journal is, for messages
    step: StepJournal | None  # None when the journal cannot be read
    problem: str | None = None  # why it cannot be read

    def message(self) -> str:
        """``an interrupted approve of SOP-004 by ... is half done: run 'docctl recover'``."""
        if self.step is None:
            return (
                f"an interrupted lifecycle step left a journal that cannot be read ({self.problem}): "
                f"{self.journal_path}; check 'git status', put the files right by hand, then delete the journal"
            )
        step = self.step
        return (
            f"an interrupted {step.action} of {step.document} by {step.by} (started {step.started}, "
            f"pid {step.pid}) is half done: run 'docctl recover'"
        )


def _b64(data: bytes | None) -> str | None:
    return base64.b64encode(data).decode("ascii") if data is not None else None


def _unb64(text: Any) -> bytes | None:
    if text is None:
        return None
    if not isinstance(text, str):
        raise TypeError("base64 text expected")
    return base64.b64decode(text.encode("ascii"), validate=True)


def _text(value: dict[str, Any], key: str) -> str:
    item = value[key]
    if not isinstance(item, str):
        raise TypeError(f"{key} must be text")
    return item


def _file(item: Any) -> JournalFile:
    if not isinstance(item, dict):
        raise TypeError("a file entry must be an object")
    path = _text(item, "path")
    if not path or path.startswith("/") or ".." in path.split("/"):
        raise ValueError(f"{path!r} is not a path inside the repository")
    return JournalFile(path=path, original=_unb64(item["original"]), intended=_text(item, "intended"))
