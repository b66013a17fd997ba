"""docs/adopting.md runs here: its console blocks are a transcript, run on a copy of
examples/adopt/nordwind-qms, and every output must be the lines the page shows."""

from __future__ import annotations

import contextlib
import io
import shutil
from pathlib import Path

import pytest
from test_docs_examples import DOCS, ROOT, blocks, console_commands, normalise, run_transcript


def test_adopting_transcript(tmp_path: Path) -> None:
    commands = console_commands((DOCS / "adopting.md").read_text(encoding="utf-8"))
    assert len(commands) >= 10
    work = tmp_path / "work"
    shutil.copytree(ROOT / "examples" / "adopt", work / "examples" / "adopt")
    outputs = run_transcript(commands, tmp_path)
    for command, actual in zip(commands, outputs, strict=True):
        where = f"adopting.md:{command.line}: {command.command}"
        assert normalise(actual) == normalise(command.expected), where


def test_adopting_python_example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Python block of the page, on the example set up as the transcript sets it up (up to the plan)."""
    page = (DOCS / "adopting.md").read_text(encoding="utf-8")
    commands = console_commands(page)
    setup = [c for c in commands if "docctl adopt" not in c.command][:6]
    assert setup[-1].command == 'git add -A && git commit -qm "docctl configuration"'
    work = tmp_path / "work"
    shutil.copytree(ROOT / "examples" / "adopt", work / "examples" / "adopt")
    run_transcript(setup, tmp_path)
    [code] = [b.text for b in blocks(page) if b.lang == "python"]
    monkeypatch.chdir(work)
    printed = io.StringIO()
    namespace: dict[str, object] = {}
    with contextlib.redirect_stdout(printed):
        exec(compile(code, "adopting.md", "exec"), namespace)  # noqa: S102
    lines = printed.getvalue().splitlines()
    assert lines[:2] == [
        "forms/Supplier evaluation form.docx FRM-007 control table (body, table 1)",
        "forms/Training record.md FRM-008 next free FRM id",
    ]
    assert len(lines) == 9 and len(lines[-1]) == 40  # eight rows, then the commit id
