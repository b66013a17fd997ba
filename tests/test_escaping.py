"""Text output shows control characters of paths, titles and messages escaped; JSON keeps them exact.

A file name with a newline must not print a line that looks like a finding; a carriage return, a
tab or an escape sequence must not reach the terminal. Real files with such names, in a real git
repository, through the command line.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import GitRepo, sop

from docctl.core.escaping import escape_controls, escape_json_controls

Run = Callable[..., tuple[int, str, str]]

# Names that try to forge a line, move the cursor back, recolour the terminal, and hide in a tab.
NEWLINE = "sops/one\nSOP-009.md:1: DC201 forged finding.md"
ESCAPE = "sops/two\x1b[31m\rthree\tfour.md"
SHOWN_NEWLINE = "sops/one\\nSOP-009.md:1: DC201 forged finding.md"
SHOWN_ESCAPE = "sops/two\\x1b[31m\\rthree\\tfour.md"
#: What must never reach a terminal from docctl's text output (tabs only where diff shows document text).
RAW = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e]")


@pytest.fixture
def qms(repo: GitRepo) -> GitRepo:
    """SOP-001 at a name holding a newline refers to SOP-002, at a name holding ESC, CR and a tab,
    whose title holds an escape sequence; a third file has no metadata at all (DC101)."""
    repo.write(
        NEWLINE,
        sop("SOP-001", title="Other", references="[SOP-002]", body="\n# SOP-001 Document Control\n\nSee SOP-002.\n"),
    )
    repo.write(ESCAPE, sop("SOP-002", title='"Evil\\e[2J title"', clauses="[7.5]"))
    repo.write("sops/\x1b]0;owned\x07.md", "no front matter\n")
    repo.commit("documents with hostile names")
    return repo


def lines_of(out: str) -> list[str]:
    assert out.endswith("\n")
    return out[:-1].split("\n")


def assert_clean(text: str, *, tabs: bool = False) -> None:
    found = RAW.findall(text.replace("\n", "")) + ([] if tabs else re.findall("\t", text))
    assert not found, f"raw control characters {found!r} in {text!r}"


def test_check_prints_one_line_per_finding_with_the_name_escaped(qms: GitRepo, run_cli: Run) -> None:
    code, out, err = run_cli("check", cwd=qms.path)
    assert code == 1
    assert_clean(out + err)
    assert lines_of(out) == [
        "sops/\\x1b]0;owned\\x07.md:1: DC101 no metadata: add YAML front matter "
        "(id, title, type, revision, status, owner) between '---' lines",
        f"{SHOWN_NEWLINE}:12: DC106 the title heading 'SOP-001 Document Control' does not match the title 'Other'",
        f"{SHOWN_ESCAPE}:12: DC106 the title heading 'SOP-002 Document Control' does not match the title "
        "'Evil\\x1b[2J title'",
    ]
    head = qms.git("rev-parse", "HEAD")[:12]
    assert err == f"docctl: 3 file(s) checked: 1 major, 2 minor, 0 ofi at commit {head}\n"


def test_check_json_keeps_the_exact_names(qms: GitRepo, run_cli: Run) -> None:
    code, out, _ = run_cli("check", "--format", "json", cwd=qms.path)
    assert code == 1
    assert "\x1b" not in out and "\r" not in out  # JSON escapes them: \u001b, \r
    paths = {finding["path"] for finding in json.loads(out)["findings"]}
    assert paths == {NEWLINE, ESCAPE, "sops/\x1b]0;owned\x07.md"}


def test_show_history_xref_impact_and_matrix_escape_paths_and_titles(qms: GitRepo, run_cli: Run) -> None:
    outputs = {}
    for command in (
        ["show", "SOP-002"],
        ["history", "SOP-002"],
        ["history", "SOP-002", "--format", "md"],
        ["xref", "SOP-002"],
        ["impact", "SOP-002"],
        ["matrix"],
    ):
        code, out, err = run_cli(*command, cwd=qms.path)
        assert code == 0, err
        assert_clean(out + err)
        outputs[" ".join(command)] = lines_of(out)
    assert "Document:       SOP-002  Evil\\x1b[2J title" in outputs["show SOP-002"]
    assert f"Path:           {SHOWN_ESCAPE}" in outputs["show SOP-002"]
    assert outputs["history SOP-002"][0] == f"SOP-002 revision A: draft  ({SHOWN_ESCAPE})"
    assert outputs["xref SOP-002"][0] == f"SOP-002  Evil\\x1b[2J title  (draft, revision A)  {SHOWN_ESCAPE}"
    assert (
        f"  SOP-001  Other  (draft)  {SHOWN_NEWLINE}: references[0] (line 9); mentioned on line 14"
        in (outputs["xref SOP-002"])
    )
    assert outputs["impact SOP-002"][2:] == [
        f"SOP-001  Other  (draft)  {SHOWN_NEWLINE}",
        f"    because SOP-001 references SOP-002 ({SHOWN_NEWLINE}:9)",
    ]
    matrix = outputs["matrix"]
    assert (
        matrix[matrix.index("  7.5          Documented information  [GAP]") + 1] == " " * 17 + "SOP-002 (weak, draft)"
    )


def test_the_matrix_text_escapes_a_document_id(repo: GitRepo, run_cli: Run) -> None:
    repo.write("sops/SOP-003.md", sop('"SOP-003\\e[31m"', clauses="[7.5]"))
    code, out, err = run_cli("matrix", cwd=repo.path)
    assert code == 0
    assert_clean(out + err)
    assert " " * 17 + "SOP-003\\x1b[31m (weak, draft)" in lines_of(out)


def test_show_json_keeps_the_exact_title(qms: GitRepo, run_cli: Run) -> None:
    code, out, _ = run_cli("show", "SOP-002", "--format", "json", cwd=qms.path)
    assert code == 0 and "\x1b" not in out
    data = json.loads(out)
    assert (data["title"], data["path"]) == ("Evil\x1b[2J title", ESCAPE)


def test_diff_escapes_control_characters_of_the_text_but_keeps_its_tabs(qms: GitRepo, run_cli: Run) -> None:
    path = qms.path / ESCAPE
    path.write_text(
        path.read_text(encoding="utf-8") + "\nA\ttabbed line with \x1b[31mcolour\x1b[0m.\n", encoding="utf-8"
    )
    code, out, _ = run_cli("diff", "SOP-002", "A", cwd=qms.path)
    assert code == 0
    assert_clean(out, tabs=True)
    assert "+A\ttabbed line with \\x1b[31mcolour\\x1b[0m." in lines_of(out)


def test_notices_and_errors_are_one_line(qms: GitRepo, run_cli: Run) -> None:
    code, out, err = run_cli("check", "sops/no\nsuch.md", cwd=qms.path)
    assert "docctl: sops/no\\nsuch.md does not exist: not checked\n" in err
    code, out, err = run_cli("show", "SOP-\x1b[2J1", cwd=qms.path)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "\x1b" not in err and "SOP-\\x1b[2J1" in err
    code, out, err = run_cli("check", "--format", "te\nxt", cwd=qms.path)
    assert code == 2 and "\n" not in err.split("docctl: error: ")[1][:-1] and "te\\nxt" in err


def test_the_watcher_prints_each_finding_on_one_line(qms: GitRepo) -> None:
    """A real `docctl watch --initial`, stopped with SIGTERM once it has reported the present findings."""
    with subprocess.Popen(
        [sys.executable, "-m", "docctl", "watch", "--initial", "--polling", "--reconcile", "3600"],
        cwd=qms.path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stderr is not None
        started = process.stderr.readline()  # the notice comes after the initial findings
        assert started.startswith("docctl: watching "), started
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert_clean(out + started + err)
    lines = lines_of(out)
    assert any(
        line.endswith(
            f"raised  {SHOWN_NEWLINE}:12: DC106 the title heading 'SOP-001 Document Control' does not match the title 'Other'"
        )
        for line in lines
    )
    assert len(lines) == 3 and not any(" SOP-009.md" in line for line in lines)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain", "plain"),
        ("a\nb", "a\\nb"),
        ("a\r\nb", "a\\r\\nb"),
        ("\t", "\\t"),
        ("\x1b[31m", "\\x1b[31m"),
        ("\x00\x07\x7f", "\\x00\\x07\\x7f"),
        ("\x85\x9b", "\\x85\\x9b"),
        ("\u2028\u2029", "\\u2028\\u2029"),
        ("abc\u202edcba", "abc\\u202edcba"),
        ("\u2066x\u2069", "\\u2066x\\u2069"),
        ("bad\udcffbyte", "bad\\udcffbyte"),
        ("é ü 日本 \u00a0", "é ü 日本 \u00a0"),
    ],
)
def test_escape_controls(text: str, shown: str) -> None:
    assert escape_controls(text) == shown


def test_escape_json_controls_gives_the_same_value() -> None:
    value = {"path": "a\x1b\x7f\x85\u2028\u202e\udcff\té\n"}
    text = escape_json_controls(json.dumps(value, indent=2, ensure_ascii=False))
    assert not RAW.findall(text.replace("\n", ""))
    assert json.loads(text) == value


def test_a_path_that_is_not_utf8_is_shown_not_a_crash(repo: GitRepo, run_cli: Run) -> None:
    raw = repo.path / "sops"
    raw.mkdir()
    Path(f"{raw}/bad\udcff.md").write_bytes(b"no front matter\n")  # the byte 0xff: not UTF-8
    code, out, _ = run_cli("check", cwd=repo.path)
    assert code == 1
    assert lines_of(out) == [
        "sops/bad\\udcff.md:1: DC101 no metadata: add YAML front matter "
        "(id, title, type, revision, status, owner) between '---' lines"
    ]
