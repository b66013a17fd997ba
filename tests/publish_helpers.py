"""A small quality system for the controlled-copy tests: a Markdown SOP with a table, lists, code
and an image, a .docx work instruction with its own header and footer, released by their people on
a real git repository; built once, copied for each test that changes it."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import struct
import subprocess
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from helpers import PEOPLE, GitRepo, environment, sop

import docctl

BODY = """
# SOP-001 Document Control

## Purpose

Documents are **controlled** so that the *current* revision is used where work is done.

## Procedure

1. Draft the document.
2. Submit it for review:
   - the Process Owner reviews;
   - the Quality Manager approves.
3. Release it.

| Step | Who | Record |
|---|---|---|
| Draft | Author | FRM-001 |
| Approve | Quality Manager | approval in git |

```
docctl export SOP-001 -o SOP-001.pdf
```

![Process flow](images/flow.png)

![Remote logo](https://example.com/logo.png)
"""

WI_SIDECAR = """\
id: WI-001
title: Deburring
type: WI
revision: A
status: draft
owner: tom.baker@acme.example
author: tom.baker@acme.example
"""


def png(width: int = 6, height: int = 4, rgb: tuple[int, int, int] = (37, 99, 235)) -> bytes:
    """A real PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def wi_docx() -> bytes:
    """A work instruction written in Word: its own header and footer, a heading, steps and a table."""
    import docx

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "ACME Precision Parts - Work instruction"
    document.sections[0].footer.paragraphs[0].text = "Keep at the deburring bench"
    document.add_heading("WI-001 Deburring", level=1)
    document.add_paragraph("Remove every burr from turned parts before inspection.")
    document.add_paragraph("Use the brush for soft materials and the scraper for steel.")
    table = document.add_table(rows=2, cols=2)
    for (r, c), text in {(0, 0): "Material", (0, 1): "Tool", (1, 0): "Aluminium", (1, 1): "Brush"}.items():
        table.cell(r, c).text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


class Team:
    """The people of the test quality system acting on a repository, with a clock that moves on."""

    def __init__(self, path: Path, start: str = "2026-01-05T09:00:00+00:00") -> None:
        self.path = path
        self.now = dt.datetime.fromisoformat(start)
        self.qms = docctl.open(path, clock=self.clock)

    def clock(self) -> dt.datetime:
        return self.now

    @contextmanager
    def acting(self, who: str) -> Iterator[docctl.Repository]:
        name, email = PEOPLE[who]
        values = {
            "GIT_AUTHOR_NAME": name,
            "GIT_AUTHOR_EMAIL": email,
            "GIT_COMMITTER_NAME": name,
            "GIT_COMMITTER_EMAIL": email,
            "GIT_AUTHOR_DATE": self.now.isoformat(),
            "GIT_COMMITTER_DATE": self.now.isoformat(),
        }
        try:
            with environment(values):
                yield self.qms
        finally:
            self.now += dt.timedelta(days=1)

    def commit(self, who: str, message: str) -> None:
        with self.acting(who):
            for args in (["add", "-A"], ["commit", "-q", "-m", message]):
                subprocess.run(["git", *args], cwd=self.path, check=True, capture_output=True)

    def release_sop(self, doc_id: str = "SOP-001", *, effective: str | None = None) -> None:
        with self.acting("sam") as qms:
            qms.submit(doc_id)
        with self.acting("tom") as qms:
            qms.approve(doc_id, role="Process Owner")
        with self.acting("jane") as qms:
            qms.approve(doc_id, role="Quality Manager")
        with self.acting("jane") as qms:
            qms.release(doc_id, effective=effective)

    def revise_sop(self, *, effective: str | None = None, release: bool = True) -> None:
        """Revision B of SOP-001: a new step; released unless ``release`` is False."""
        with self.acting("sam") as qms:
            qms.revise("SOP-001", change="Added the periodic review step", change_request="CR-7")
        path = self.path / "sops/SOP-001.md"
        path.write_text(path.read_text().replace("3. Release it.", "3. Release it.\n4. Review it every two years."))
        self.commit("sam", "SOP-001: revision B")
        if release:
            self.release_sop(effective=effective)


def build(path: Path) -> None:
    """The quality system as the tests start from it: SOP-001 A and WI-001 A effective, SOP-002 A
    effective (to be withdrawn by the tests that need an obsolete document)."""
    repo = GitRepo(path)
    repo.write("sops/images/flow.png", png())
    repo.write("sops/SOP-001.md", sop("SOP-001", title="Document Control", body=BODY))
    repo.write("sops/SOP-002.md", sop("SOP-002", title="Control of Records"))
    repo.write("wi/WI-001.docx", wi_docx())
    repo.write("wi/WI-001.docx.yml", WI_SIDECAR)
    team = Team(path)
    team.commit("sam", "Drafts")
    team.release_sop("SOP-001")
    team.release_sop("SOP-002")
    with team.acting("tom") as qms:
        qms.submit("WI-001")
    with team.acting("tom") as qms:
        qms.approve("WI-001", role="Process Owner")
    with team.acting("jane") as qms:
        qms.release("WI-001")


_BUILT: dict[str, Path] = {}


def built_qms(base: Path) -> Path:
    """Build the quality system once per test session (isolated git configuration)."""
    if "qms" not in _BUILT:
        home = base / "home"
        home.mkdir(parents=True, exist_ok=True)
        (home / ".gitconfig").write_text("[init]\n\tdefaultBranch = main\n")
        with environment(
            {"HOME": str(home), "GIT_CONFIG_GLOBAL": str(home / ".gitconfig"), "GIT_CONFIG_NOSYSTEM": "1"}
        ):
            build(base / "qms")
        _BUILT["qms"] = base / "qms"
    return _BUILT["qms"]


def copy_of(source: Path, target: Path) -> Team:
    shutil.copytree(source, target, symlinks=True)
    return Team(target, start="2026-02-01T09:00:00+00:00")
