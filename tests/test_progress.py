"""Progress of long work: the library tells an observer, the CLI draws it on a terminal's stderr.

The terminal is a real pseudo-terminal (the pty module); the display's delay is set to 0 through
DOCCTL_PROGRESS_DELAY so that a short run shows it (nothing here is timed).
"""

from __future__ import annotations

import json
import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import docctl
from docctl.core.progress import SILENT, counted, current, phase, reporting

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))


class Recorder:
    """An observer that keeps what it was told: ("begin", label, total), ("advance", n), ("end",)."""

    def __init__(self) -> None:
        self.calls: list[tuple[object, ...]] = []

    def begin(self, label: str, total: int | None) -> None:
        self.calls.append(("begin", label, total))

    def advance(self, count: int = 1) -> None:
        self.calls.append(("advance", count))

    def end(self) -> None:
        self.calls.append(("end",))

    def totals(self) -> dict[str, tuple[int | None, int]]:
        """label -> (total announced, units advanced), for the phases seen (the last of each label)."""
        result: dict[str, tuple[int | None, int]] = {}
        stack: list[list[object]] = []
        for call in self.calls:
            if call[0] == "begin":
                stack.append([call[1], call[2], 0])
            elif call[0] == "advance":
                stack[-1][2] = int(stack[-1][2]) + int(call[1])  # type: ignore[call-overload]
            else:
                label, total, done = stack.pop()
                result[str(label)] = (total, int(done))  # type: ignore[arg-type,call-overload]
        assert not stack, "every phase ended"
        return result


def test_phases_nest_and_end_even_when_a_loop_stops_early() -> None:
    recorder = Recorder()
    with reporting(recorder):
        assert current() is recorder
        with phase("outer") as advance:
            advance(2)
            for number in counted("inner", [1, 2, 3]):
                if number == 2:
                    break
    assert current() is SILENT
    assert recorder.calls == [
        ("begin", "outer", None),
        ("advance", 2),
        ("begin", "inner", 3),
        ("advance", 1),
        ("end",),
        ("end",),
    ]


def test_nothing_is_observed_by_default() -> None:
    assert current() is SILENT
    assert list(counted("documents read", iter(range(3)), total=3)) == [0, 1, 2]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated repository with a real history: 30 documents, 180 commits (bench/generate.py)."""
    from generate import generate

    return generate(tmp_path_factory.mktemp("progress") / "qms", 30, 180, seed=3)


def _cold(repo: Path) -> None:
    shutil.rmtree(repo / ".git" / "docctl", ignore_errors=True)


def test_a_cold_check_reports_documents_history_and_rules(generated: Path) -> None:
    _cold(generated)
    recorder = Recorder()
    with reporting(recorder):
        report = docctl.open(generated).check()
    totals = recorder.totals()
    assert report.checked == 30
    assert totals["documents read"] == (30, 30)
    assert totals["rules: documents checked"] == (30, 30)
    assert totals["rules: document histories checked"] == (30, 30)
    versions, read = totals["history pass: versions read"]
    assert versions == read and versions is not None and versions >= 150  # every version, once
    assert totals["history pass: commits walked"] == (181, 181)  # the 180 and the configuration's
    assert totals["history pass"] == (None, 0)
    assert totals["checking"] == (None, 0)


def _environment(**extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm", **extra}


def _on_terminal(args: list[str], cwd: Path, env: dict[str, str], stdout: Path) -> tuple[int, str]:
    """Run docctl with stderr on a new pseudo-terminal and stdout to a file: exit code, terminal text."""
    master, slave = pty.openpty()
    with stdout.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "docctl", *args],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=slave,
        )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the other side is closed
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return process.wait(), b"".join(chunks).decode("utf-8", "replace")


def _piped(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "docctl", *args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)


def test_progress_on_a_terminal_never_in_the_json(generated: Path, tmp_path: Path) -> None:
    env = _environment(DOCCTL_PROGRESS_DELAY="0")
    _cold(generated)
    expected = _piped(["check", "--format", "json"], generated, env)
    _cold(generated)
    code, terminal = _on_terminal(["check", "--format", "json"], generated, env, tmp_path / "out.json")
    assert code == expected.returncode
    assert (tmp_path / "out.json").read_text() == expected.stdout  # byte for byte
    json.loads(expected.stdout)
    assert "history pass: versions read" in terminal
    assert "documents read" in terminal or "rules: documents checked" in terminal
    assert "%|" in terminal and "\r" in terminal  # a bar, redrawn in place
    # the line is erased at the end: the terminal's last line is blank
    assert terminal.rsplit("\r", 1)[-1].strip() == ""


def test_no_progress_on_a_pipe(generated: Path) -> None:
    _cold(generated)
    result = _piped(["check", "--format", "json"], generated, _environment(DOCCTL_PROGRESS_DELAY="0"))
    assert result.stderr == ""
    json.loads(result.stdout)


@pytest.mark.parametrize("args", [["--quiet", "check"], ["check", "-q", "--format", "json"]])
def test_no_progress_with_quiet(generated: Path, tmp_path: Path, args: list[str]) -> None:
    _cold(generated)
    env = _environment(DOCCTL_PROGRESS_DELAY="0")
    code, terminal = _on_terminal(args, generated, env, tmp_path / "out")
    assert code in (0, 1)
    assert "%|" not in terminal and "history pass" not in terminal
    if "json" not in args:
        assert terminal.strip().startswith("docctl: 30 file(s) checked")  # the summary alone


def test_the_summary_follows_an_erased_line(generated: Path, tmp_path: Path) -> None:
    _cold(generated)
    code, terminal = _on_terminal(["check"], generated, _environment(DOCCTL_PROGRESS_DELAY="0"), tmp_path / "out")
    assert code in (0, 1)
    assert "%|" in terminal
    last = terminal.replace("\r\n", "\n").rsplit("\r", 1)[-1]  # the terminal turns "\n" into "\r\n"
    assert last.startswith("docctl: 30 file(s) checked")


def test_version_and_a_piped_check_never_import_the_display(generated: Path) -> None:
    code = (
        "import sys\n"
        "from docctl.cli.main import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "print('tqdm' in sys.modules, 'docctl.cli.progress' in sys.modules, file=sys.stderr)\n"
    )
    version = subprocess.run(
        [sys.executable, "-c", code, "--version"], cwd=generated, env=_environment(), capture_output=True, text=True
    )
    assert version.stderr.split() == ["False", "False"]
    check = subprocess.run(
        [sys.executable, "-c", code, "check", "--format", "json"],
        cwd=generated,
        env=_environment(DOCCTL_PROGRESS_DELAY="0"),
        capture_output=True,
        text=True,
    )
    assert check.stderr.split() == ["False", "True"]  # the renderer's module, but never tqdm
