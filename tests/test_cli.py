"""The command line as a user runs it: exit codes, text and JSON output, init/new/show."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
from helpers import GitRepo, sop

ROOT = Path(__file__).resolve().parents[1]
Run = Callable[..., tuple[int, str, str]]


def schema(name: str) -> dict[str, object]:
    return json.loads((ROOT / "schemas" / name).read_text())


def test_check_clean_exits_0(repo: GitRepo, run_cli: Run) -> None:
    repo.write("sops/SOP-001.md", sop())
    repo.commit()
    code, out, err = run_cli("check", cwd=repo.path)
    assert (code, out) == (0, "")
    assert err.startswith("docctl: 1 file(s) checked: 0 major, 0 minor, 0 ofi at commit ")


def test_check_text_lines_and_exit_1(repo: GitRepo, run_cli: Run) -> None:
    repo.write("sops/notes.md", "# no metadata\n")
    code, out, _ = run_cli("check", cwd=repo.path)
    assert code == 1
    assert (
        out
        == "sops/notes.md:1: DC101 no metadata: add YAML front matter (id, title, type, revision, status, owner) between '---' lines\n"
    )


def test_check_paths_are_relative_to_the_current_folder(repo: GitRepo, run_cli: Run) -> None:
    repo.write("sops/notes.md", "# no metadata\n")
    code, out, _ = run_cli("check", cwd=repo.path / "sops")
    assert code == 1 and out.startswith("notes.md:1: DC101 ")


def test_fail_on_option_and_config(repo: GitRepo, run_cli: Run) -> None:
    repo.write("sops/SOP-1.md", sop("SOP-1", body="\n# SOP-1 Document Control\n"))  # DC104 is minor
    assert run_cli("check", cwd=repo.path)[0] == 0
    assert run_cli("check", "--fail-on", "minor", cwd=repo.path)[0] == 1
    repo.write("docctl.toml", (repo.path / "docctl.toml").read_text().replace('fail_on = "major"', 'fail_on = "minor"'))
    assert run_cli("check", cwd=repo.path)[0] == 1


def test_check_json_matches_schema(repo: GitRepo, run_cli: Run) -> None:
    repo.write("sops/SOP-001.md", sop())
    repo.write("sops/notes.md", "# no metadata\n")
    commit = repo.commit()
    code, out, _ = run_cli("check", "--format", "json", cwd=repo.path)
    report = json.loads(out)
    jsonschema.validate(report, schema("check-report.schema.json"))
    assert code == 1
    assert report["commit"] == commit
    assert report["checked"] == 2
    assert report["root"] == str(repo.path.resolve())
    assert report["counts"] == {"major": 1, "minor": 0, "ofi": 0}
    assert report["findings"] == [
        {
            "code": "DC101",
            "rule": "uncontrolled-document",
            "severity": "major",
            "document": None,
            "path": "sops/notes.md",
            "line": 1,
            "message": "no metadata: add YAML front matter (id, title, type, revision, status, owner) between '---' lines",
        }
    ]


def test_check_without_git_still_works(tmp_path: Path, run_cli: Run) -> None:
    from helpers import CONFIG

    (tmp_path / "docctl.toml").write_text(CONFIG)
    (tmp_path / "SOP-001.md").write_text(sop())
    code, out, err = run_cli("check", "--format", "json", cwd=tmp_path)
    assert code == 0 and json.loads(out)["commit"] is None


def test_no_config_is_exit_2_with_one_line(tmp_path: Path, run_cli: Run) -> None:
    code, out, err = run_cli("check", cwd=tmp_path)
    assert code == 2 and out == ""
    assert (
        err == f"docctl: error: no docctl.toml found in {tmp_path.resolve()} or any parent folder (run 'docctl init')\n"
    )


def test_usage_error_is_exit_2(run_cli: Run) -> None:
    code, _, err = run_cli("check", "--fail-on", "critical")
    assert code == 2 and "invalid choice: 'critical'" in err


def test_show_text_and_json(repo: GitRepo, run_cli: Run) -> None:
    repo.write("sops/SOP-001.md", sop(clauses=["7.5.3"]))
    code, out, _ = run_cli("show", "SOP-001", cwd=repo.path)
    assert code == 0
    assert "Document:       SOP-001  Document Control\n" in out
    assert "Still required: Process Owner, Quality Manager\n" in out
    code, out, _ = run_cli("show", "SOP-001", "--format", "json", cwd=repo.path)
    data = json.loads(out)
    assert data["id"] == "SOP-001" and data["clauses"] == ["7.5.3"] and data["fingerprint"].startswith("sha256:")
    assert data["missing_roles"] == ["Process Owner", "Quality Manager"]


def test_show_unknown_id(repo: GitRepo, run_cli: Run) -> None:
    code, _, err = run_cli("show", "SOP-999", cwd=repo.path)
    assert (code, err) == (2, "docctl: error: no document with id 'SOP-999'\n")


def test_init_then_new_markdown_and_docx(tmp_path: Path, run_cli: Run) -> None:
    target = tmp_path / "qms"
    subprocess.run(["git", "init", "-q", str(target)], check=True)
    subprocess.run(["git", "-C", str(target), "config", "user.email", "ann@example.com"], check=True)
    subprocess.run(["git", "-C", str(target), "config", "user.name", "Ann Lee"], check=True)
    code, out, _ = run_cli("init", str(target))
    assert code == 0
    assert (target / "docctl.toml").is_file() and (target / ".docctl/templates/SOP.md").is_file()
    assert (target / ".pre-commit-config.yaml").is_file()
    assert '[people."ann@example.com"]\nname = "Ann Lee"' in (target / "docctl.toml").read_text()
    code, out, _ = run_cli("new", "SOP", "Control of Records", cwd=target)
    assert (code, out) == (0, "created SOP-001: sops/SOP-001-control-of-records.md\n")
    text = (target / "sops/SOP-001-control-of-records.md").read_text()
    for section in (
        "Purpose",
        "Scope",
        "Responsibilities",
        "Definitions",
        "Procedure",
        "Records",
        "References",
        "Revision history",
    ):
        assert f"\n## {section}\n" in text
    code, out, _ = run_cli("new", "SOP", "Internal Audit: Planning", cwd=target)
    assert out == "created SOP-002: sops/SOP-002-internal-audit-planning.md\n"
    assert 'title: "Internal Audit: Planning"' in (target / "sops/SOP-002-internal-audit-planning.md").read_text()
    code, out, _ = run_cli("new", "FRM", "Training Record", "--format", "docx", cwd=target)
    assert (code, out) == (0, "created FRM-001: forms/FRM-001-training-record.docx\n")
    assert (target / "forms/FRM-001-training-record.docx.yml").read_text().startswith("id: FRM-001\n")
    code, out, err = run_cli("check", cwd=target)
    assert (code, out) == (0, ""), err
    log = subprocess.run(
        ["git", "-C", str(target), "log", "--format=%an|%s|%(trailers:key=Docctl-Action,valueonly)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert log.splitlines()[0] == "Ann Lee|FRM-001: new FRM 'Training Record'|new"


def test_init_refuses_to_overwrite(repo: GitRepo, run_cli: Run) -> None:
    code, _, err = run_cli("init", str(repo.path))
    assert code == 2 and err.endswith("docctl.toml exists already; docctl init does not overwrite it\n")


def test_new_unknown_type(repo: GitRepo, run_cli: Run) -> None:
    code, _, err = run_cli("new", "XYZ", "Title", cwd=repo.path)
    assert (code, err) == (2, "docctl: error: unknown type 'XYZ' (known: FRM, SOP, WI)\n")


def test_python_dash_m_and_version() -> None:
    result = subprocess.run([sys.executable, "-m", "docctl", "--version"], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and result.stdout.startswith("docctl ")


@pytest.mark.parametrize("args", [["check", "--help"], ["--help"]])
def test_help(args: list[str], run_cli: Run) -> None:
    code, out, _ = run_cli(*args)
    assert code == 0 and "usage: docctl" in out


def test_every_command_is_a_module_that_declares_its_arguments(run_cli: Run) -> None:
    from docctl.cli.main import COMMANDS

    modules = {path.stem for path in (ROOT / "docctl" / "cli" / "commands").glob("*.py")} - {"__init__"}
    assert modules == {name.replace("-", "_") for name in COMMANDS}  # audit-pack lives in audit_pack.py
    for name in COMMANDS:
        code, out, _ = run_cli(name, "--help")
        assert code == 0 and out.startswith(f"usage: docctl {name} "), name


def test_a_command_loads_no_other_command_module() -> None:
    script = (
        "import sys\nfrom docctl.cli.main import main\n"
        "try:\n    main(['approve', '--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('docctl.cli.')))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT)
    assert result.stdout.splitlines()[-1] == str(
        [
            "docctl.cli.commands",
            "docctl.cli.commands.approve",
            "docctl.cli.main",
            "docctl.cli.options",
            "docctl.cli.output",
        ]
    )


def test_check_names_files_it_did_not_check(repo: GitRepo, run_cli: Run) -> None:
    repo.write("sops/SOP-001.md", sop())
    repo.write("README.md", "# readme\n")
    code, out, err = run_cli("check", "sops/SOP-001.md", "README.md", "sops/missing.md", cwd=repo.path)
    assert (code, out) == (0, "")
    assert (
        "docctl: README.md is not a controlled file (see controlled and exclude in docctl.toml): not checked\n" in err
    )
    assert "docctl: sops/missing.md does not exist: not checked\n" in err
    assert "docctl: 1 file(s) checked" in err
