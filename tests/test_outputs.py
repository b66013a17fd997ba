"""Every `-o` refuses what it must not replace, with one line and exit 2, and leaves the target as it was."""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import GitRepo, sop

import docctl
from docctl.adapters.outputs import output_file
from docctl.composer.outputs import output_folder, protection
from docctl.config.model import CONFIG_NAME, Config
from docctl.core.errors import UsageError

Run = Callable[..., tuple[int, str, str]]
LONG = "a" * 300 + ".csv"


def build(root: Path) -> GitRepo:
    """A repository with a controlled document, a tracked file of the user's, a committed register,
    a folder holding a plain file, a FIFO, a link to the document and a link to its folder."""
    repo = GitRepo(root)
    repo.write("sops/SOP-001.md", sop("SOP-001"))
    repo.write("notes/plan.csv", "a,b\n1,2\n")
    repo.write("forms/.keep", "")
    repo.write("file.csv", "not a folder\n")
    repo.commit("documents")
    repo.write("register.csv", docctl.open(root).register().render("csv"))
    repo.commit("the register, committed")
    os.mkfifo(root / "pipe.csv")
    (root / "link.csv").symlink_to("sops/SOP-001.md")
    (root / "sopslink").symlink_to("sops")
    return repo


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    """Built once for the tests that only try to write (and must change nothing)."""
    home = tmp_path_factory.mktemp("home")
    (home / ".gitconfig").write_text("[init]\n\tdefaultBranch = main\n")
    with pytest.MonkeyPatch.context() as env:  # the isolation of conftest, which is per test
        env.setenv("HOME", str(home))
        env.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
        env.setenv("GIT_CONFIG_NOSYSTEM", "1")
        env.setenv("DOCCTL_NOW", "2026-06-01T12:00:00+00:00")
        return build(tmp_path_factory.mktemp("shared") / "qms")


@pytest.fixture
def qms(tmp_path: Path) -> GitRepo:
    """A repository of its own, for the tests that write."""
    return build(tmp_path / "qms")


def _docctl(args: list[str], cwd: Path, *, prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    """The real command line, in its own process."""
    command = [*prefix, sys.executable, "-m", "docctl", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False, timeout=120)


def snapshot(root: Path) -> dict[str, tuple[int, str]]:
    """Every entry below root (git's own folder left out): its kind and content or link target."""
    state: dict[str, tuple[int, str]] = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != ".git" or Path(folder) != root]
        for name in dirs + files:
            path = Path(folder, name)
            info = path.lstat()
            if stat.S_ISREG(info.st_mode):
                detail = hashlib.sha256(path.read_bytes()).hexdigest()
            elif stat.S_ISLNK(info.st_mode):
                detail = os.readlink(path)
            else:
                detail = ""
            state[path.relative_to(root).as_posix()] = (stat.S_IFMT(info.st_mode), detail)
    return state


# (value of -o, the line on stderr after "docctl: error: ")
HOSTILE = [
    ("", "the output file name is empty"),
    (".", "cannot write .: it is a folder; name a file"),
    ("..", "cannot write ..: it is a folder; name a file"),
    ("sops", "cannot write sops: it is a folder; name a file"),
    ("out/", "cannot write out/: it names a folder; name a file"),
    (
        "/dev/null",
        "cannot write /dev/null: it is a character device, not a regular file; docctl replaces only regular files",
    ),
    (
        "pipe.csv",
        "cannot write pipe.csv: it is a named pipe (FIFO), not a regular file; docctl replaces only regular files",
    ),
    (
        "link.csv",
        "cannot write link.csv: it is a symbolic link, not a regular file; docctl replaces only regular files",
    ),
    ("reg\nister.csv", "cannot write reg\\nister.csv: the name contains a control character"),
    ("reg\x1b[2Jister.csv", "cannot write reg\\x1b[2Jister.csv: the name contains a control character"),
    (LONG, f"cannot write {LONG}: the name is too long"),
    (".git", "cannot write .git: it is a folder; name a file"),
    (".git/register.csv", "cannot write .git/register.csv: it is inside a .git folder"),
    (".git/config", "cannot write .git/config: it is inside a .git folder"),
    ("missing/register.csv", "cannot write missing/register.csv: the folder missing does not exist"),
    ("file.csv/register.csv", "cannot write file.csv/register.csv: file.csv is not a folder"),
    ("sops/SOP-001.md", "cannot write sops/SOP-001.md: it is a controlled document"),
    ("sopslink/SOP-001.md", "cannot write sopslink/SOP-001.md: it is a controlled document"),
    (
        "sops/SOP-002.md",
        "cannot write sops/SOP-002.md: it would be a controlled document "
        "(it matches 'controlled' in docctl.toml; list it in 'exclude' to keep a generated file there)",
    ),
    (
        "forms/FRM-001.docx.yml",
        "cannot write forms/FRM-001.docx.yml: it is the metadata sidecar of the controlled document forms/FRM-001.docx",
    ),
    ("docctl.toml", "cannot write docctl.toml: it is docctl's configuration (docctl.toml)"),
    ("sops/docctl.toml", "cannot write sops/docctl.toml: it is docctl's configuration (docctl.toml)"),
    (
        "notes/plan.csv",
        "cannot write notes/plan.csv: it is tracked by git and is not a file docctl generated; choose another name",
    ),
]


@pytest.mark.parametrize("command", [["register", "--format", "csv"], ["matrix", "--format", "csv"]])
@pytest.mark.parametrize(("value", "message"), HOSTILE, ids=[repr(v)[1:-1][:40] for v, _ in HOSTILE])
def test_hostile_output_names_are_one_line_and_exit_2(
    shared: GitRepo, run_cli: Run, command: list[str], value: str, message: str
) -> None:
    before = snapshot(shared.path)
    code, out, err = run_cli(*command, "-o", value, cwd=shared.path)
    assert (code, out, err) == (2, "", f"docctl: error: {message}\n")
    assert snapshot(shared.path) == before
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.parametrize(("value", "message"), [HOSTILE[6], HOSTILE[8], HOSTILE[14], HOSTILE[16]])
def test_the_real_process_prints_the_same_line_and_no_traceback(shared: GitRepo, value: str, message: str) -> None:
    before = snapshot(shared.path)
    result = _docctl(["register", "-o", value], shared.path)
    assert (result.returncode, result.stdout, result.stderr) == (2, "", f"docctl: error: {message}\n")
    assert snapshot(shared.path) == before


def test_a_read_only_folder_is_one_line(qms: GitRepo) -> None:
    """A folder the process may not write in; as root (who may write anywhere) the folder is made
    read-only by a read-only bind mount in a private mount namespace."""
    locked = qms.path / "locked"
    locked.mkdir()
    prefix: tuple[str, ...] = ()
    if os.geteuid() == 0:
        assert shutil.which("unshare"), "unshare (util-linux) is needed to test a read-only folder as root"
        script = 'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" "$1" && shift && exec "$@"'
        prefix = ("unshare", "--mount", "sh", "-c", script, "sh", str(locked))
    else:
        locked.chmod(0o555)
    before = snapshot(qms.path)
    for command in (["register", "--format", "csv"], ["matrix"]):
        result = _docctl([*command, "-o", "locked/out.csv"], qms.path, prefix=prefix)
        expected = "docctl: error: cannot write locked/out.csv: the folder locked is not writable\n"
        assert (result.returncode, result.stdout, result.stderr) == (2, "", expected)
    assert snapshot(qms.path) == before


def test_a_committed_register_is_regenerated_over_itself(qms: GitRepo, run_cli: Run) -> None:
    (qms.path / "sops/SOP-002.md").write_text(sop("SOP-002", title="Records"), encoding="utf-8")
    assert run_cli("register", "-o", "register.csv", cwd=qms.path)[0] == 0
    assert "SOP-002,Records" in (qms.path / "register.csv").read_text(encoding="utf-8")
    # ... but not as another format, and a matrix is not a register
    refused = "is tracked by git and is not a file docctl generated; choose another name\n"
    code, _, err = run_cli("register", "--format", "json", "-o", "register.csv", cwd=qms.path)
    assert (code, err) == (2, f"docctl: error: cannot write register.csv: it {refused}")
    code, _, err = run_cli("matrix", "--format", "csv", "-o", "register.csv", cwd=qms.path)
    assert (code, err) == (2, f"docctl: error: cannot write register.csv: it {refused}")


@pytest.mark.parametrize("fmt", ["csv", "json", "html", "xlsx"])
def test_every_committed_register_format_is_recognised(qms: GitRepo, run_cli: Run, fmt: str) -> None:
    assert run_cli("register", "-o", f"out.{fmt}", cwd=qms.path)[0] == 0
    qms.commit(f"the register as {fmt}")
    (qms.path / "sops/SOP-002.md").write_text(sop("SOP-002", title="Records"), encoding="utf-8")
    assert run_cli("register", "-o", f"out.{fmt}", cwd=qms.path) == (0, "", "")
    assert run_cli("register", "--check", f"out.{fmt}", cwd=qms.path)[0] == 0


@pytest.mark.parametrize("fmt", ["text", "csv", "html", "json"])
def test_a_committed_matrix_is_regenerated_over_itself(qms: GitRepo, run_cli: Run, fmt: str) -> None:
    assert run_cli("matrix", "--format", fmt, "-o", f"matrix.{fmt}", cwd=qms.path)[0] == 0
    qms.commit("the matrix, committed")
    code, _, err = run_cli("matrix", "--format", fmt, "-o", f"matrix.{fmt}", cwd=qms.path)
    assert (code, err) == (0, f"docctl: wrote the iso9001:2015 coverage matrix to matrix.{fmt}\n")
    other = "json" if fmt != "json" else "csv"  # the same file is not a matrix of another format
    code, _, err = run_cli("matrix", "--format", other, "-o", f"matrix.{fmt}", cwd=qms.path)
    assert code == 2 and "is tracked by git and is not a file docctl generated" in err


def test_a_tracked_file_of_another_repository_is_refused(qms: GitRepo, tmp_path: Path, run_cli: Run) -> None:
    other = GitRepo(tmp_path / "other")
    other.write("data.csv", "x\n")
    other.commit("data")
    target = other.path / "data.csv"
    code, _, err = run_cli("register", "-o", str(target), cwd=qms.path)
    assert (code, err) == (
        2,
        f"docctl: error: cannot write {target}: it is tracked by git and is not a file docctl generated; choose another name\n",
    )
    assert target.read_text() == "x\n"


def test_untracked_files_and_files_outside_git_are_written(qms: GitRepo, tmp_path: Path, run_cli: Run) -> None:
    (tmp_path / "outside").mkdir()
    for target in (str(qms.path / "notes/new.csv"), str(tmp_path / "outside/register.csv"), "../register.html"):
        assert run_cli("register", "-o", target, cwd=qms.path) == (0, "", "")
    assert (tmp_path / "register.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    (qms.path / "notes/new.csv").write_text("edited by hand\n")  # untracked: docctl may replace it
    assert run_cli("register", "-o", "notes/new.csv", cwd=qms.path)[0] == 0


def test_a_folder_moved_into_the_repository_by_a_link_is_judged_where_it_leads(qms: GitRepo, tmp_path: Path) -> None:
    protected = protection(qms.path, Config(root=qms.path, path=qms.path / CONFIG_NAME))
    (tmp_path / "elsewhere").symlink_to(qms.path / "sops")
    with pytest.raises(UsageError) as caught:
        output_file(str(tmp_path / "elsewhere/SOP-001.md"), protected=protected)
    assert str(caught.value).endswith("elsewhere/SOP-001.md: it is a controlled document")


def test_register_without_o_still_writes_to_stdout_and_binary_needs_o(qms: GitRepo, run_cli: Run) -> None:
    code, out, _ = run_cli("register", "--format", "csv", cwd=qms.path)
    assert code == 0 and out.startswith("id,title,")
    code, _, err = run_cli("register", "--format", "xlsx", cwd=qms.path)
    assert (code, err) == (2, "docctl: error: xlsx is a binary format: write it to a file with -o FILE\n")


# (value of -o DIR, the error) for the commands that write a folder (site, audit-pack)
FOLDERS = [
    ("", "the output folder name is empty"),
    (".", "cannot write .: it holds the docctl repository"),
    ("..", "cannot write ..: it holds the docctl repository"),
    ("sops", "cannot write sops: the folder is not empty and is not docctl's output; name a new or empty folder"),
    ("file.csv", "cannot write file.csv: it is a file, not a folder"),
    (
        "sopslink",
        "cannot write sopslink: it is a symbolic link, not a regular file; docctl replaces only regular files",
    ),
    (
        "pipe.csv",
        "cannot write pipe.csv: it is a named pipe (FIFO), not a regular file; docctl replaces only regular files",
    ),
    ("missing/site", "cannot write missing/site: the folder missing does not exist"),
    (".git/site", "cannot write .git/site: it is inside a .git folder"),
    ("si\nte", "cannot write si\\nte: the name contains a control character"),
]


@pytest.mark.parametrize(("value", "message"), FOLDERS, ids=[repr(v)[1:-1] for v, _ in FOLDERS])
def test_output_folders_refuse_what_they_must_not_fill(
    shared: GitRepo, value: str, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(shared.path)
    before = snapshot(shared.path)
    with pytest.raises(UsageError) as caught:
        output_folder(docctl.open(shared.path), value)
    assert str(caught.value) == message
    assert snapshot(shared.path) == before


def test_an_output_folder_may_be_new_empty_or_docctls_own(qms: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(qms.path)
    repo = docctl.open(qms.path)
    assert output_folder(repo, "site").path == qms.path.resolve() / "site"  # made by the command
    (qms.path / "empty").mkdir()
    assert output_folder(repo, "empty").path == qms.path.resolve() / "empty"
    (qms.path / "old-site").mkdir()
    (qms.path / "old-site/index.html").write_text("<!-- docctl site -->\n")
    assert (
        output_folder(repo, "old-site", generated=lambda folder: (folder / "index.html").exists()).shown == "old-site"
    )


def test_register_write_from_python_is_guarded_like_o(qms: GitRepo, tmp_path: Path) -> None:
    """``Register.write`` (the library's way to write a register) refuses what ``-o`` refuses."""
    register = docctl.open(qms.path).register()
    before = (qms.path / "sops/SOP-001.md").read_bytes()
    for name, reason in [
        ("sops/SOP-001.md", "it is a controlled document"),
        ("docctl.toml", "it is docctl's configuration (docctl.toml)"),
        ("notes/plan.csv", "it is tracked by git and is not a file docctl generated"),
    ]:
        with pytest.raises(UsageError) as refused:
            register.write(qms.path / name, "csv")
        assert str(refused.value).startswith(f"cannot write {qms.path / name}: ") and reason in str(refused.value)
    assert (qms.path / "sops/SOP-001.md").read_bytes() == before
    assert register.write(qms.path / "register.csv") == qms.path / "register.csv"  # a committed register
    assert register.write(tmp_path / "elsewhere.md").read_text().startswith("# ")  # outside any repository
