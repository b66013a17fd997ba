"""The pre-commit hooks, run by the real ``pre-commit`` program on real git repositories.

An SOP repository uses the hooks in one of two ways, and both are tested:

* ``init``: the ``.pre-commit-config.yaml`` that ``docctl init`` writes (``repo: local``,
  ``language: system``: the docctl on PATH, here this test environment's);
* ``published``: the hooks of this project's ``.pre-commit-hooks.yaml`` (``language: python``),
  through ``pre-commit try-repo`` and through the ``repo:`` + ``rev:`` form of docs/pre-commit.md.

pre-commit installs a published hook by cloning the repository and running ``pip install .`` in
a new virtualenv. These tests point it at this checkout (``PROJECT``), snapshotted once per
session into a git repository of its own — tracked and untracked files alike, so what is tested
is the code in this working tree, and one environment serves every test. pip runs offline
(``PIP_NO_INDEX``) from a wheelhouse made of the distributions installed in this test
environment, plus virtualenv's bundled setuptools to build docctl.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from helpers import CONFIG, GitRepo, sop
from lifecycle_helpers import Office

import docctl

PROJECT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DOCCTL = [str(BIN / "docctl")] if (BIN / "docctl").is_file() else [sys.executable, "-m", "docctl"]
PRE_COMMIT = [str(BIN / "pre-commit")] if (BIN / "pre-commit").is_file() else [sys.executable, "-m", "pre_commit"]
FINDING = re.compile(r"^\S.*?: DC\d{3} ")  # path[:line]: CODE message


def _register_exists() -> bool:
    return subprocess.run([*DOCCTL, "register", "--help"], capture_output=True, check=False).returncode == 0


needs_register = pytest.mark.skipif(
    not _register_exists(),
    reason="`docctl register --help` fails: the register command has not landed yet",
)


def findings(output: str) -> list[str]:
    """The finding lines (``path[:line]: CODE message``) of docctl's or pre-commit's output."""
    return [line for line in output.splitlines() if FINDING.match(line)]


def run(args: Sequence[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), cwd=cwd, env=env, capture_output=True, text=True, check=False)


# session: pre-commit's home, the wheelhouse and this checkout as a hook repository ------------


@pytest.fixture(scope="session")
def precommit_home(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment for pre-commit: one store for the session, pip and virtualenv offline."""
    home = tmp_path_factory.mktemp("pre-commit")
    return {
        "PRE_COMMIT_HOME": str(home / "store"),
        "PIP_NO_INDEX": "1",
        "PIP_NO_CACHE_DIR": "1",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "VIRTUALENV_OVERRIDE_APP_DATA": str(home / "virtualenv"),
        "VIRTUALENV_NO_PERIODIC_UPDATE": "1",
    }


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Wheels of docctl's runtime dependencies (repacked from this environment) and of setuptools."""
    out = tmp_path_factory.mktemp("wheelhouse")
    try:
        import virtualenv.seed.wheels.embed as embed
    except ImportError:  # pragma: no cover - pre-commit depends on virtualenv
        pytest.skip("virtualenv (a dependency of pre-commit) is not installed")
    bundled = sorted(Path(embed.__file__).parent.glob("setuptools-*.whl"), key=_wheel_version)
    if not bundled:  # pragma: no cover
        pytest.skip("virtualenv bundles no setuptools wheel to build docctl with")
    shutil.copy2(bundled[-1], out)
    for dist in _runtime_closure("docctl"):
        _repack(dist, out)
    return out


def _wheel_version(path: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", path.name.split("-")[1]))


def _runtime_closure(name: str) -> list[importlib.metadata.Distribution]:
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    found: dict[str, importlib.metadata.Distribution] = {}
    todo = [name]
    while todo:
        key = canonicalize_name(todo.pop())
        if key in found:
            continue
        dist = found[key] = importlib.metadata.distribution(key)
        for text in dist.requires or ():
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    del found[canonicalize_name(name)]
    return list(found.values())


def _repack(dist: importlib.metadata.Distribution, out: Path) -> None:
    """A wheel of an installed distribution from the files of its RECORD (pip regenerates scripts)."""
    files = [f for f in dist.files or () if not f.as_posix().startswith("..") and "__pycache__" not in f.parts]
    info = next(f.parts[0] for f in files if f.parts[0].endswith(".dist-info"))
    tag = next(
        line.split(":", 1)[1].strip()
        for line in (dist.read_text("WHEEL") or "").splitlines()
        if line.startswith("Tag:")
    )
    name = re.sub(r"[-_.]+", "_", dist.metadata["Name"])
    record: list[str] = []
    with zipfile.ZipFile(out / f"{name}-{dist.version}-{tag}.whl", "w", zipfile.ZIP_STORED) as wheel:
        for file in files:
            rel = file.as_posix()
            if file.parts[0] == info and file.name in ("RECORD", "INSTALLER", "REQUESTED", "direct_url.json"):
                continue
            source = Path(str(file.locate()))
            if not source.is_file():
                continue
            data = source.read_bytes()
            wheel.writestr(rel, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            record.append(f"{rel},sha256={digest},{len(data)}")
        record.append(f"{info}/RECORD,,")
        wheel.writestr(f"{info}/RECORD", "\n".join(record) + "\n")


@pytest.fixture(scope="session")
def hooks_source(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """This checkout (every tracked and untracked, not ignored file) committed in a repository of its own."""
    listing = run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], PROJECT)
    if listing.returncode != 0:
        pytest.skip(f"{PROJECT} is not a git checkout")
    out = tmp_path_factory.mktemp("docctl-source")
    for rel in listing.stdout.split("\0"):
        source = PROJECT / rel
        if rel and source.is_file() and not source.is_symlink():
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, out / rel)
    env = dict(
        os.environ,
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="docctl tests",
        GIT_AUTHOR_EMAIL="tests@docctl.invalid",
        GIT_COMMITTER_NAME="docctl tests",
        GIT_COMMITTER_EMAIL="tests@docctl.invalid",
    )
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "snapshot"]):
        assert run(["git", *args], out, env).returncode == 0, args
    return out, run(["git", "rev-parse", "HEAD"], out, env).stdout.strip()


@pytest.fixture
def published(precommit_home: dict[str, str], wheelhouse: Path, hooks_source: tuple[Path, str]) -> dict[str, str]:
    """pre-commit's environment for the published hooks: offline pip from the wheelhouse."""
    return {**precommit_home, "PIP_FIND_LINKS": str(wheelhouse)}


# an SOP repository with the hooks installed -----------------------------------------------


@dataclass
class Hooked:
    """An SOP repository with the hooks installed; pre-commit's environment is in os.environ."""

    repo: GitRepo

    @property
    def path(self) -> Path:
        return self.repo.path

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return run(args, self.path)

    def precommit(self, *args: str) -> subprocess.CompletedProcess[str]:
        return run([*PRE_COMMIT, *args], self.path)

    def docctl(self, *args: str) -> subprocess.CompletedProcess[str]:
        return run([*DOCCTL, *args], self.path)

    def head(self) -> str:
        return self.repo.git("rev-parse", "HEAD").strip()

    def commit(self, message: str, *paths: str) -> subprocess.CompletedProcess[str]:
        """``git add PATHS`` and ``git commit`` as a user would: the hooks run (their output goes to stderr)."""
        if paths:
            self.repo.git("add", "--", *paths)
        result = self.run("git", "commit", "-m", message)
        return subprocess.CompletedProcess(result.args, result.returncode, result.stderr + result.stdout, "")


def init_config(repo: GitRepo) -> None:
    """What ``docctl init`` writes, with the test matrix of people as docctl.toml."""
    (repo.path / "docctl.toml").unlink()
    result = run([*DOCCTL, "init", str(repo.path)], repo.path)
    assert result.returncode == 0, result.stderr
    repo.write("docctl.toml", CONFIG)


def published_config(repo: GitRepo, source: tuple[Path, str], *, register: bool = False) -> None:
    """The remote form of docs/pre-commit.md, with this checkout as the repository."""
    hooks = "      - id: docctl-check\n"
    if register:
        hooks += "      - id: docctl-register\n        args: [REGISTER.md]\n"
    repo.write(".pre-commit-config.yaml", f"repos:\n  - repo: {source[0]}\n    rev: {source[1]}\n    hooks:\n{hooks}")


def install(repo: GitRepo, env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Hooked:
    """Commit the setup, then ``pre-commit install``; every later commit of the test runs the hooks."""
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("PATH", f"{BIN}{os.pathsep}{os.environ['PATH']}")  # the docctl of language: system
    repo.commit("Set up document control")
    hooked = Hooked(repo)
    result = hooked.precommit("install")
    assert result.returncode == 0, result.stdout + result.stderr
    return hooked


@pytest.fixture(params=["init", "published"])
def qms(
    request: pytest.FixtureRequest, repo: GitRepo, precommit_home: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> Hooked:
    if request.param == "init":
        init_config(repo)
        return install(repo, precommit_home, monkeypatch)
    env = request.getfixturevalue("published")
    published_config(repo, request.getfixturevalue("hooks_source"))
    return install(repo, env, monkeypatch)


# the hook definitions -----------------------------------------------------------------------


def test_manifest_hooks_run_once_over_the_whole_repository() -> None:
    hooks = {hook["id"]: hook for hook in yaml.safe_load((PROJECT / ".pre-commit-hooks.yaml").read_text())}
    assert sorted(hooks) == ["docctl-check", "docctl-register"]
    assert hooks["docctl-check"]["entry"] == "docctl check --hook"
    assert hooks["docctl-register"]["entry"] == "docctl register --check"
    for hook in hooks.values():
        assert (hook["language"], hook["pass_filenames"], hook["always_run"]) == ("python", False, True)
    result = run([*PRE_COMMIT, "validate-manifest", str(PROJECT / ".pre-commit-hooks.yaml")], PROJECT)
    assert result.returncode == 0, result.stdout


def test_init_writes_a_valid_config_with_the_remote_form_in_comments(tmp_path: Path) -> None:
    assert run([*DOCCTL, "init", str(tmp_path / "qms")], tmp_path).returncode == 0
    config = tmp_path / "qms" / ".pre-commit-config.yaml"
    text = config.read_text()
    assert f"#       rev: v{docctl.__version__}\n" in text
    [local] = yaml.safe_load(text)["repos"]
    [check] = local["hooks"]
    assert local["repo"] == "local"
    assert (check["id"], check["entry"], check["language"]) == ("docctl-check", "docctl check --hook", "system")
    assert (check["pass_filenames"], check["always_run"]) == (False, True)
    result = run([*PRE_COMMIT, "validate-config", str(config)], tmp_path)
    assert result.returncode == 0, result.stdout


# commits through the hooks ------------------------------------------------------------------


def test_clean_commit_passes(qms: Hooked) -> None:
    qms.repo.write("sops/SOP-001.md", sop("SOP-001"))
    before = qms.head()
    result = qms.commit("SOP-001: draft", "sops/SOP-001.md")
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^docctl check\.+Passed$", result.stdout, re.MULTILINE), result.stdout
    assert qms.head() != before


def test_edit_of_an_effective_document_is_refused_with_dc202(qms: Hooked) -> None:
    rel = Office(qms.repo).released_sop()  # lifecycle commits bypass the hooks
    before = qms.head()
    path = qms.path / rel
    path.write_text(path.read_text().replace("Control documents.", "Control all documents."))
    result = qms.commit("tweak the purpose", rel)
    assert result.returncode == 1
    assert re.search(r"^docctl check\.+Failed$", result.stdout, re.MULTILINE), result.stdout
    assert [line.split(" by ")[0] for line in findings(result.stdout)] == [
        f"{rel}: DC202 content changed after approval"
    ]
    assert qms.head() == before  # the commit did not happen
    assert qms.repo.git("diff", "--cached", "--name-only").split() == [rel]


def test_new_file_without_metadata_is_refused_with_dc101(qms: Hooked) -> None:
    qms.repo.write("sops/notes.md", "# Notes\n\nNo front matter here.\n")
    qms.repo.write("sops/scratch.md", "# Not staged, so not part of the commit\n")
    before = qms.head()
    result = qms.commit("notes", "sops/notes.md")
    assert result.returncode == 1
    assert findings(result.stdout) == [
        "sops/notes.md:1: DC101 no metadata: add YAML front matter (id, title, type, revision, status, owner) between '---' lines"
    ]
    assert qms.head() == before
    qms.repo.git("rm", "-q", "--cached", "sops/notes.md")
    qms.repo.write("sops/SOP-001.md", sop("SOP-001"))
    result = qms.commit("SOP-001: draft", "sops/SOP-001.md")  # the untracked scratch.md does not block it
    assert result.returncode == 0, result.stdout


def test_unstaged_changes_are_not_checked(
    repo: GitRepo, precommit_home: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    init_config(repo)
    qms = install(repo, precommit_home, monkeypatch)
    rel = Office(repo).released_sop()
    path = repo.path / rel
    edited = path.read_text().replace("Control documents.", "Control all documents.")
    path.write_text(edited)  # an uncontrolled edit, not staged
    repo.write("sops/SOP-002.md", sop("SOP-002"))
    assert qms.docctl("check").returncode == 1  # the working tree has DC202
    hook = qms.docctl("check", "--hook")  # the index has not
    assert (hook.returncode, hook.stdout) == (0, "")
    result = qms.commit("SOP-002: draft", "sops/SOP-002.md")
    assert result.returncode == 0, result.stdout
    assert path.read_text() == edited  # pre-commit put the unstaged edit back


@pytest.mark.parametrize("flavour", ["init", "published"])
@needs_register
def test_outdated_register_is_refused(
    flavour: str,
    repo: GitRepo,
    precommit_home: dict[str, str],
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    repo.write("sops/SOP-001.md", sop("SOP-001"))
    if flavour == "init":
        init_config(repo)
        config = repo.path / ".pre-commit-config.yaml"
        config.write_text(
            re.sub(r"(?m)^      # (?=( |-))", "      ", config.read_text())
        )  # uncomment the register hook
        env = precommit_home
    else:
        published_config(repo, request.getfixturevalue("hooks_source"), register=True)
        env = request.getfixturevalue("published")
    repo.write("docctl.toml", CONFIG.replace("[docctl]\n", '[docctl]\nexclude = ["README.md", "REGISTER.md"]\n'))
    made = run([*DOCCTL, "register", "--format", "md", "-o", "REGISTER.md"], repo.path)
    assert made.returncode == 0, made.stderr
    qms = install(repo, env, monkeypatch)
    repo.write("sops/SOP-002.md", sop("SOP-002"))
    before = qms.head()
    result = qms.commit("SOP-002: draft", "sops/SOP-002.md")
    assert result.returncode == 1
    assert re.search(r"^docctl register is up to date\.+Failed$", result.stdout, re.MULTILINE), result.stdout
    assert re.search(r"^docctl check\.+Passed$", result.stdout, re.MULTILINE), result.stdout
    assert qms.head() == before
    assert qms.docctl("register", "--format", "md", "-o", "REGISTER.md").returncode == 0
    result = qms.commit("SOP-002: draft", "REGISTER.md")
    assert result.returncode == 0, result.stdout
    assert qms.head() != before


def test_docctl_root_below_the_git_top_level(
    tmp_path: Path, precommit_home: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    top = GitRepo(tmp_path / "top")
    (top.path / "docctl.toml").unlink()
    top.write("qms/docctl.toml", CONFIG)
    top.write(
        ".pre-commit-config.yaml",
        (
            "repos:\n  - repo: local\n    hooks:\n      - id: docctl-check\n        name: docctl check\n"
            "        entry: docctl check --hook\n        args: [--root, qms]\n        language: system\n"
            "        pass_filenames: false\n        always_run: true\n"
        ),
    )
    qms = install(top, precommit_home, monkeypatch)
    top.write("qms/sops/notes.md", "# Notes\n")
    result = qms.commit("notes", "qms/sops/notes.md")
    assert result.returncode == 1
    assert [line.split(": DC101")[0] for line in findings(result.stdout)] == ["qms/sops/notes.md:1"]


# the same findings, however pre-commit splits the files ---------------------------------------


def many_documents(repo: GitRepo, count: int) -> list[str]:
    """``count`` SOPs, mostly valid drafts, with per-file and repository-wide findings among them."""
    written = []
    for n in range(1, count + 1):
        rel = f"sops/{n // 500:02}/SOP-{n:03}.md"
        if n % 250 == 0 or n == count:
            text = f"# SOP-{n:03}\n\nNo metadata.\n"  # DC101
        elif n % 500 == 7:
            text = sop("SOP-001")  # DC103, duplicate id: a repository-wide rule
        elif n % 1000 == 13:
            text = sop(f"SOP-{n:03}", status="released")  # DC102
        else:
            text = sop(f"SOP-{n:03}")
        repo.write(rel, text)
        written.append(rel)
    return written


def test_hook_gives_the_same_findings_for_one_file_chunks_or_none(
    repo: GitRepo, run_cli: Callable[..., tuple[int, str, str]]
) -> None:
    repo.commit("Set up document control")
    files = many_documents(repo, 40)
    repo.git("add", "--", *files)
    code, reference, _ = run_cli("check", cwd=repo.path)
    assert code == 1 and {line.split(" ")[1] for line in findings(reference)} == {"DC101", "DC102", "DC103"}
    assert run_cli("check", "--hook", cwd=repo.path) == (1, reference, "")
    assert run_cli("check", "--hook", files[0], cwd=repo.path) == (1, reference, "")
    for start in range(0, len(files), 7):
        assert run_cli("check", "--hook", *files[start : start + 7], cwd=repo.path) == (1, reference, "")


def test_hook_checks_the_index_before_the_first_commit_and_deletions(
    repo: GitRepo, run_cli: Callable[..., tuple[int, str, str]]
) -> None:
    repo.write("sops/SOP-001.md", sop("SOP-001"))
    repo.write("sops/notes.md", "# Notes\n")
    repo.git("add", "--", "docctl.toml", "sops/SOP-001.md")
    assert run_cli("check", "--hook", cwd=repo.path) == (0, "", "")  # notes.md is not staged
    assert run_cli("check", cwd=repo.path)[0] == 1
    (repo.path / "sops/notes.md").unlink()
    rel = Office(repo).released_sop("SOP-002")
    repo.git("rm", "-q", "--", rel)
    code, out, _ = run_cli("check", "--hook", cwd=repo.path)
    assert code == 1 and [line.split(" ")[:2] for line in findings(out)] == [[f"{rel}:", "DC306"]]


@pytest.mark.slow
def test_commit_of_3000_files_gives_the_findings_of_docctl_check(
    repo: GitRepo, published: dict[str, str], hooks_source: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    published_config(repo, hooks_source)
    qms = install(repo, published, monkeypatch)
    files = many_documents(repo, 3000)
    repo.git("add", "--", "sops")
    checked = qms.docctl("check")  # the working tree is what is staged
    reference = findings(checked.stdout)
    assert checked.returncode == 1, checked.stderr
    assert sorted({line.split(" ")[1] for line in reference}) == ["DC101", "DC102", "DC103"]
    assert len([line for line in reference if " DC101 " in line]) == 12

    # docctl itself: no file, one file, or the files in parallel chunks as pre-commit would pass them
    chunks = [files[i : i + 800] for i in range(0, len(files), 800)]
    calls = [[], [files[-1]], *chunks]
    with ThreadPoolExecutor(len(calls)) as pool:
        results = list(pool.map(lambda names: qms.docctl("check", "--hook", *names), calls))
    for result in results:
        assert (result.returncode, result.stdout) == (1, checked.stdout)

    # pre-commit with the published hook: the staged files, one file, every file
    for options in ([], ["--files", files[0]], ["--all-files"]):
        result = qms.precommit("run", *options)
        assert result.returncode == 1, result.stdout + result.stderr
        assert findings(result.stdout) == reference, options

    # `pre-commit try-repo` on this checkout (it builds its own environment on every call: once here)
    result = qms.precommit("try-repo", str(hooks_source[0]), "docctl-check")
    assert result.returncode == 1, result.stdout + result.stderr
    assert findings(result.stdout) == reference

    # the commit itself
    before = qms.head()
    result = qms.commit("3,000 SOPs")
    assert result.returncode == 1
    assert findings(result.stdout) == reference
    assert qms.head() == before


# speed: a warm history cache means no history walk ---------------------------------------------


def test_warm_cache_hook_runs_no_git_log(repo: GitRepo, tmp_path: Path) -> None:
    rel = Office(repo).released_sop()
    path = repo.path / rel
    path.write_text(path.read_text().replace("Control documents.", "Control all documents."))
    repo.git("add", "--", rel)
    assert run([*DOCCTL, "check", "--hook"], repo.path).returncode == 1  # builds the cache
    real_git = shutil.which("git")
    assert real_git is not None
    shim = tmp_path / "shim"
    shim.mkdir()
    log = tmp_path / "git-calls.log"
    (shim / "git").write_text(f'#!/bin/sh\nprintf "%s\\n" "$*" >> "{log}"\nexec "{real_git}" "$@"\n')
    (shim / "git").chmod(0o755)
    env = {**os.environ, "PATH": f"{shim}{os.pathsep}{os.environ['PATH']}"}
    result = run([*DOCCTL, "check", "--hook"], repo.path, env)
    assert result.returncode == 1 and "DC202" in result.stdout
    calls = log.read_text().splitlines()
    assert not [call for call in calls if "log" in call.split()], calls
    assert len(calls) <= 6, calls


def test_version_loads_only_the_argument_parser() -> None:
    """``docctl --version`` (docs/reference.md: under 150 ms) imports no domain module, YAML, lxml or watchdog."""
    script = (
        "import sys\nfrom docctl.cli.main import main\n"
        "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
        "heavy = ('docctl', 'yaml', 'lxml', 'docx', 'markdown_it', 'watchdog')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n"
    )
    result = run([sys.executable, "-c", script], PROJECT)
    assert result.stdout.splitlines() == [
        f"docctl {docctl.__version__}",
        "['docctl', 'docctl._version', 'docctl.cli', 'docctl.cli.main']",
    ]


@needs_register
def test_register_hook_below_the_git_top_level(
    tmp_path: Path, precommit_home: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    top = GitRepo(tmp_path / "top")
    (top.path / "docctl.toml").unlink()
    top.write("qms/docctl.toml", CONFIG.replace("[docctl]\n", '[docctl]\nexclude = ["README.md", "REGISTER.md"]\n'))
    top.write(
        ".pre-commit-config.yaml",
        (  # as docs/pre-commit.md shows it
            "repos:\n  - repo: local\n    hooks:\n      - id: docctl-register\n        name: docctl register\n"
            "        entry: docctl register --check\n        args: [qms/REGISTER.md, --root, qms]\n"
            "        language: system\n        pass_filenames: false\n        always_run: true\n"
        ),
    )
    top.write("qms/sops/SOP-001.md", sop("SOP-001"))
    assert run([*DOCCTL, "register", "--root", "qms", "-o", "qms/REGISTER.md"], top.path).returncode == 0
    qms = install(top, precommit_home, monkeypatch)
    top.write("qms/sops/SOP-002.md", sop("SOP-002"))
    result = qms.commit("SOP-002: draft", "qms/sops/SOP-002.md")
    assert result.returncode == 1 and "SOP-002 is missing" in result.stdout, result.stdout
    assert qms.docctl("register", "--root", "qms", "-o", "qms/REGISTER.md").returncode == 0
    assert qms.commit("SOP-002: draft", "qms/REGISTER.md").returncode == 0


def test_configurations_in_the_docs_are_valid(tmp_path: Path) -> None:
    """Every YAML block of docs/pre-commit.md parses; the complete pre-commit configurations validate."""
    page = (PROJECT / "docs" / "pre-commit.md").read_text(encoding="utf-8")
    configs = 0
    for block in re.findall(r"^```yaml\n(.*?)^```$", page, re.MULTILINE | re.DOTALL):
        assert yaml.safe_load(block) is not None
        if block.startswith("repos:"):
            configs += 1
            path = tmp_path / f"config-{configs}.yaml"
            path.write_text(block)
            result = run([*PRE_COMMIT, "validate-config", str(path)], tmp_path)
            assert result.returncode == 0, result.stdout + block
    assert configs == 2
