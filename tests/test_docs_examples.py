"""The examples of docs/ run here, so the documentation cannot drift from the code.

* docs/getting-started.md: every ```console block is a transcript. Each ``$ command`` runs in
  bash in a fresh folder (the folder carries over between commands, as in a terminal) and its
  output must be the lines shown under it. Commit ids and fingerprints are compared as
  placeholders.
* docs/python-api.md: the ```python blocks run in order, in one namespace, next to a freshly built
  example repository (build/acme-qms); a ```text block right after a python block is what it prints.
* docs/fingerprint_recipe.py: the standalone script gives docctl's fingerprint for Markdown files.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import docctl

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
RECIPE = DOCS / "fingerprint_recipe.py"
BIN = Path(sys.executable).parent
START = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)
IDENTITY = ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL")


# --- reading the examples out of the Markdown -----------------------------------------------


@dataclass(frozen=True)
class Block:
    lang: str
    text: str
    line: int  # line of the opening fence in the page


def blocks(markdown: str) -> list[Block]:
    """Fenced code blocks (```lang ... ```), in order."""
    found: list[Block] = []
    lines = markdown.splitlines()
    index = 0
    while index < len(lines):
        match = re.match(r"^```(\w*)\s*$", lines[index])
        if not match:
            index += 1
            continue
        start = index
        index += 1
        body: list[str] = []
        while index < len(lines) and lines[index] != "```":
            body.append(lines[index])
            index += 1
        found.append(Block(match.group(1), "\n".join(body), start + 1))
        index += 1
    return found


@dataclass(frozen=True)
class Command:
    command: str
    expected: str
    line: int


def console_commands(markdown: str) -> list[Command]:
    """``$ command`` lines (a here-document runs to its EOF line) and the output under each."""
    commands: list[Command] = []
    for block in blocks(markdown):
        if block.lang != "console":
            continue
        lines = block.text.splitlines()
        index = 0
        while index < len(lines):
            if not lines[index].startswith("$ "):
                raise AssertionError(f"line {block.line + index + 1}: output before any command")
            command = [lines[index][2:]]
            line = block.line + index + 1
            index += 1
            if re.search(r"<<\s*'?EOF'?\s*$", command[0]):
                while index < len(lines) and lines[index] != "EOF":
                    command.append(lines[index])
                    index += 1
                command.append("EOF")
                index += 1
            output: list[str] = []
            while index < len(lines) and not lines[index].startswith("$ "):
                output.append(lines[index])
                index += 1
            commands.append(Command("\n".join(command), "\n".join(output), line))
    return commands


def normalise(text: str) -> str:
    """Commit ids and fingerprints as placeholders; trailing blanks ignored."""
    text = re.sub(r"sha256:[0-9a-f]{64}", "sha256:<fingerprint>", text)
    text = re.sub(r"\b[0-9a-f]{7,40}\b", "<commit>", text)
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


def run_transcript(commands: list[Command], workdir: Path) -> list[str]:
    """Run each command in bash; the clock moves on one minute per command."""
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.update({"PYTHONUNBUFFERED": "1", "LC_ALL": "C.UTF-8"})
    for name in IDENTITY:
        env.pop(name, None)
    state = workdir / ".cwd"
    cwd = workdir / "work"
    cwd.mkdir(parents=True, exist_ok=True)
    outputs: list[str] = []
    for number, command in enumerate(commands):
        stamp = (START + dt.timedelta(minutes=number)).isoformat()
        env.update({"DOCCTL_NOW": stamp, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp})
        script = f'cd "$1" || exit 99\n{command.command}\nrc=$?\npwd > "$2"\nexit $rc\n'
        result = subprocess.run(
            ["bash", "-c", script, "bash", str(cwd), str(state)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            check=False,
        )
        outputs.append(result.stdout.decode("utf-8", "replace"))
        if state.exists():
            cwd = Path(state.read_text().strip())
    return outputs


# --- docs/getting-started.md --------------------------------------------------------------------


def test_getting_started_transcript(tmp_path: Path) -> None:
    commands = console_commands((DOCS / "getting-started.md").read_text(encoding="utf-8"))
    assert len(commands) > 10
    outputs = run_transcript(commands, tmp_path)
    for command, actual in zip(commands, outputs, strict=True):
        where = f"getting-started.md:{command.line}: {command.command}"
        assert normalise(actual) == normalise(command.expected), where


# --- docs/python-api.md ---------------------------------------------------------------------------


@pytest.fixture
def example_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """build/acme-qms, its timeline ending on 2026-06-01, below the current folder."""
    sys.path.insert(0, str(ROOT / "examples"))
    try:
        import build_example  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(ROOT / "examples"))
    for name in IDENTITY:
        monkeypatch.delenv(name, raising=False)
    with contextlib.redirect_stdout(io.StringIO()):
        out = build_example.build(tmp_path / "build" / "acme-qms", dt.date(2026, 6, 1))
    monkeypatch.chdir(tmp_path)
    yield out


def test_python_api_examples(example_repository: Path) -> None:
    page = blocks((DOCS / "python-api.md").read_text(encoding="utf-8"))
    namespace: dict[str, object] = {"__name__": "docs_python_api"}
    ran = 0
    for index, block in enumerate(page):
        if block.lang != "python":
            continue
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(block.text, f"python-api.md:{block.line}", "exec"), namespace)  # noqa: S102
        ran += 1
        following = page[index + 1] if index + 1 < len(page) else None
        if following is not None and following.lang == "text":
            where = f"python-api.md:{block.line}"
            assert normalise(printed.getvalue()) == normalise(following.text), where
    assert ran >= 5


# --- docs/fingerprint_recipe.py -------------------------------------------------------------------

TRICKY = (
    "\ufeff---\r\n"
    "# a comment before the fields\r\n"
    "id: SOP-007   # trailing comment\r\n"
    'title: "Nonconforming output: \\"hold\\" & release # not a comment"\r\n'
    "type: 'SOP'\r\n"
    "revision: B\r\n"
    "status: effective\r\n"
    "owner: jane.smith@acme.example\r\n"
    "clauses:\r\n"
    '  - "8.7"\r\n'
    "  - 8.7.1\r\n"
    "references: [SOP-001, 'FRM-003']\r\n"
    "supersedes: ~\r\n"
    "approvals:\r\n"
    "  - name: Jane Smith\r\n"
    "    by: jane.smith@acme.example\r\n"
    "...\r\n"
    "\r\n"
    "# SOP-007 Nonconforming output\t \r\n"
    "\r\n"
    "Parts are held in the red cage — Sperrlager für Teile. \r\n"
    "\r\n\r\n"
)


PLAIN = "---\nid: WI-002\ntitle: Deburring\ntype: WI\nrevision: A\nstatus: draft\nowner: a@b.ex\n"


def recipe(path: Path) -> str:
    """The script's answer, run with -I -S: no docctl, no site-packages, only the stdlib."""
    command = [sys.executable, "-I", "-S", str(RECIPE), str(path)]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    return result.stdout.strip()


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(TRICKY, id="quoting-comments-crlf-bom-block-lists"),
        pytest.param(PLAIN + "---\nBody\n", id="plain"),
        pytest.param(PLAIN + "clauses: []\nsupersedes: WI-001\n---\n", id="empty-body"),
    ],
)
def test_fingerprint_recipe_matches_docctl(tmp_path: Path, text: str) -> None:
    (tmp_path / "docctl.toml").write_text("", encoding="utf-8")
    document = tmp_path / "docs" / "document.md"
    document.parent.mkdir()
    document.write_bytes(text.encode("utf-8"))
    [found] = docctl.open(tmp_path).documents()
    assert found.id is not None
    assert recipe(document) == docctl.open(tmp_path).document(found.id).fingerprint


def test_fingerprint_recipe_on_the_example_documents(example_repository: Path) -> None:
    repo = docctl.open(example_repository)
    markdown = [d for d in repo.documents() if d.format == "md"]
    assert len(markdown) > 10
    for document in markdown:
        assert recipe(example_repository / document.path) == document.fingerprint, document.path
