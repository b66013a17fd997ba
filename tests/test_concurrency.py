"""Lifecycle steps run one at a time: concurrent ``docctl approve`` processes by different people on one
document all land with every signature, or the later one waits (and gives up, cleanly, after the lock
timeout). Real processes started together behind a barrier, a real git repository."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path

import pytest
from helpers import CONFIG, GitRepo, sop

import docctl

#: The SOP type needs three roles here, so that three people can sign one document at once.
THREE_ROLES = (
    CONFIG.replace(
        'approvers = ["Process Owner", "Quality Manager"]\nreview_months = 24\n\n[types.WI]',
        'approvers = ["Process Owner", "Quality Manager", "Regulatory Affairs"]\nreview_months = 24\n\n[types.WI]',
    )
    + '\n[people."ria.patel@acme.example"]\nname = "Ria Patel"\nroles = ["Regulatory Affairs"]\n'
)
SIGNERS = {
    "tom": ("Tom Baker", "tom.baker@acme.example", "Process Owner"),
    "jane": ("Jane Smith", "jane.smith@acme.example", "Quality Manager"),
    "ria": ("Ria Patel", "ria.patel@acme.example", "Regulatory Affairs"),
}
ROUNDS = 20

#: A docctl process that has imported everything it needs, says it is ready, then waits for the go
#: file and runs the command line.
BARRIER = """
import os, sys, time
from docctl.cli.main import main
import docctl.cli.commands.approve, docctl.lifecycle.steps
go = sys.argv[1]
open(go + ".ready." + str(os.getpid()), "w").close()
while not os.path.exists(go):
    time.sleep(0.001)
sys.exit(main(sys.argv[2:]))
"""

#: The rounds' launcher: a process that imports docctl and reads the repository once (imports and
#: compiled patterns warm), then, for each round read from stdin, forks one child per person. Each
#: child is a process of its own (own pid, own file descriptors, own git children) that takes the
#: person's git identity, waits for the go file and runs the docctl command line; the launcher
#: creates the go file once all are forked, so the steps start within a millisecond of each other,
#: and answers with their exit statuses. Forking saves each round the start-up of the interpreter,
#: which on a busy machine takes longer than the steps.
LAUNCHER = """
import json, os, sys, time
import docctl
from docctl.cli.main import main
import docctl.cli.commands.approve, docctl.lifecycle.steps
docctl.open(sys.argv[1]).documents()
print("ready", flush=True)
for line in sys.stdin:
    round = json.loads(line)
    children = []
    for run in round["runs"]:
        pid = os.fork()
        if pid == 0:
            os.environ.update(run["env"])
            for fd, name in ((1, ".out"), (2, ".err")):
                os.dup2(os.open(run["log"] + name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC), fd)
            while not os.path.exists(round["go"]):
                time.sleep(0.0005)
            try:
                code = main(run["argv"])
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
            os._exit(code)
        children.append(pid)
    open(round["go"], "w").close()
    print(json.dumps([os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in children]), flush=True)
"""


class Launcher:
    """Runs rounds of concurrent docctl command lines through LAUNCHER."""

    def __init__(self, repo: GitRepo, tmp: Path) -> None:
        self.tmp = tmp
        self.process = subprocess.Popen(
            [sys.executable, "-c", LAUNCHER, str(repo.path)],
            cwd=repo.path,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None and self.process.stdout.readline() == "ready\n"

    def round(self, name: str, runs: list[tuple[str, list[str]]]) -> list[tuple[int, str, str]]:
        """Run each (person, argv) at once; (exit status, stdout, stderr) of each."""
        assert self.process.stdin is not None and self.process.stdout is not None
        logs = [self.tmp / f"{name}-{index}" for index in range(len(runs))]
        request = {
            "go": str(self.tmp / f"go-{name}"),
            "runs": [
                {"env": identity(who, base={}), "argv": argv, "log": str(log)}
                for (who, argv), log in zip(runs, logs, strict=True)
            ],
        }
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        codes = json.loads(self.process.stdout.readline())
        return [
            (code, Path(f"{log}.out").read_text(), Path(f"{log}.err").read_text())
            for code, log in zip(codes, logs, strict=True)
        ]

    def close(self) -> None:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.close()
        assert self.process.wait(timeout=60) == 0
        self.process.stdout.close()


def identity(who: str, *, base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a process acting as ``who`` (``base``: the rest, by default this one's)."""
    name, email, _ = SIGNERS[who]
    env = dict(os.environ) if base is None else dict(base)
    env.update(GIT_AUTHOR_NAME=name, GIT_AUTHOR_EMAIL=email, GIT_COMMITTER_NAME=name, GIT_COMMITTER_EMAIL=email)
    return env


def start(repo: GitRepo, go: Path, who: str, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """``docctl ARGS`` as ``who`` (or with ``env``), started when the file ``go`` exists."""
    return subprocess.Popen(
        [sys.executable, "-c", BARRIER, str(go), *args],
        cwd=repo.path,
        env=env or identity(who),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def in_review(path: Path, count: int = 1) -> GitRepo:
    """A repository with ``count`` SOPs in review (drafted, then submitted, by Sam)."""
    repo = GitRepo(path, THREE_ROLES)
    for number in range(1, count + 1):
        repo.write(f"sops/SOP-{number:03}.md", sop(f"SOP-{number:03}"))
    repo.commit("drafts", who="sam")
    for number in range(1, count + 1):
        text = repo.path / f"sops/SOP-{number:03}.md"
        text.write_text(text.read_text().replace("status: draft", "status: review"))
    repo.commit("submit the drafts for review", who="sam")
    return repo


@pytest.fixture
def office(tmp_path: Path) -> GitRepo:
    return in_review(tmp_path / "qms", 5)


def ready(go: Path, processes: Iterable[subprocess.Popen[str]]) -> None:
    """Wait until every process waits at the barrier ``go``."""
    deadline = time.monotonic() + 120
    for process in processes:
        while not Path(f"{go}.ready.{process.pid}").exists():
            assert process.poll() is None, outcome(process)
            assert time.monotonic() < deadline, "a process never reached the barrier"
            time.sleep(0.01)


def outcome(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    """Exit status, standard output and standard error of a finished process."""
    out, err = process.communicate(timeout=120)
    return process.returncode, out, err


def approval_commits(repo: GitRepo, path: str) -> set[str]:
    """The authors of the commits that carry ``Docctl-Action: approve`` for ``path``."""
    out = repo.git("log", "--format=%ae%x09%(trailers:key=Docctl-Action,valueonly,separator=)", "--", path)
    return {line.split("\t")[0] for line in out.splitlines() if line.endswith("\tapprove")}


def run_round(launcher: Launcher, repo: GitRepo, signers: tuple[str, ...]) -> None:
    """``docctl approve SOP-001`` by each of ``signers`` at once; then every signature is in the file,
    in its own commit by its signer, and nothing is left half done."""
    doc_id = "SOP-001"
    runs = [(who, ["--root", str(repo.path), "approve", doc_id, "--role", SIGNERS[who][2]]) for who in signers]
    results = dict(zip(signers, launcher.round(repo.path.name, runs), strict=True))
    landed = set()
    for who, (code, out, err) in results.items():
        if code == 0:
            landed.add(who)
            assert out.startswith(f"{doc_id} revision A: approve"), (who, out, err)
        else:  # cleanly refused by the lock timeout, with the holder named, nothing half done
            assert code == 1 and "another docctl step is running in this repository" in err, (who, code, out, err)
    assert landed == set(signers), results  # with the default timeout nobody gives up
    path = f"sops/{doc_id}.md"
    document = docctl.open(repo.path).document(doc_id)
    assert {(a.by, a.role) for a in document.approvals} == {(SIGNERS[w][1], SIGNERS[w][2]) for w in landed}
    assert approval_commits(repo, path) == {SIGNERS[w][1] for w in landed}
    assert repo.status() == ""  # every signature is committed, nothing is left staged or written
    assert repo.git("show", f"HEAD:{path}") == (repo.path / path).read_text()
    assert not (repo.path / ".git" / "docctl" / "step.json").exists()
    assert not (repo.path / ".git" / "index.lock").exists()


@pytest.mark.slow
@pytest.mark.parametrize("signers", [("tom", "jane"), ("tom", "jane", "ria")], ids=["two", "three"])
def test_concurrent_approvals_all_land(signers: tuple[str, ...], tmp_path: Path) -> None:
    """ROUNDS rounds, each on a fresh repository: the people sign one document at the same moment."""
    repos = [in_review(tmp_path / f"round-{number:02}") for number in range(ROUNDS)]
    launcher = Launcher(repos[0], tmp_path)
    for repo in repos:
        run_round(launcher, repo, signers)
    launcher.close()
    for repo in repos:
        qms = docctl.open(repo.path)
        document = qms.document("SOP-001")
        assert document.status is not None
        assert document.status.value == ("approved" if len(signers) == 3 else "review")
        assert [str(f) for f in qms.check().findings if f.severity.value == "major"] == []  # no DC205: each
        # approval was added by its approver's own commit


def paused(repo: GitRepo, point: str = "before-commit", timeout: float = 30) -> None:
    marker = repo.path / ".git" / "docctl" / "paused"
    deadline = time.monotonic() + timeout
    while not marker.exists():
        assert time.monotonic() < deadline, f"the step never reached {point}"
        time.sleep(0.02)
    assert marker.read_text().split()[0] == point


def resume(repo: GitRepo) -> None:
    (repo.path / ".git" / "docctl" / "paused").unlink()


def test_a_step_that_cannot_get_the_lock_in_time_is_refused_naming_the_holder(office: GitRepo, tmp_path: Path) -> None:
    go = tmp_path / "go"
    go.touch()
    holder_env = identity("tom") | {"DOCCTL_TEST_PAUSE": "before-commit"}
    holder = start(office, go, "tom", "approve", "SOP-001", "--role", "Process Owner", env=holder_env)
    paused(office)
    before = (office.path / "sops/SOP-001.md").read_bytes()
    waiter = start(
        office,
        go,
        "jane",
        "approve",
        "SOP-001",
        "--role",
        "Quality Manager",
        env=identity("jane") | {"DOCCTL_LOCK_TIMEOUT": "1"},
    )
    code, out, err = outcome(waiter)
    assert (code, out) == (1, "")
    assert err == (
        "docctl: error: another docctl step is running in this repository: approve SOP-001 "
        f"(pid {holder.pid}); waited 1 s for it, nothing was changed (try again when it is done)\n"
    )
    assert (office.path / "sops/SOP-001.md").read_bytes() == before  # the holder's write, untouched by the waiter
    # a step in progress is not a half step: check says nothing of it
    checked = subprocess.run(
        [sys.executable, "-m", "docctl", "check"], cwd=office.path, capture_output=True, text=True, check=False
    )
    assert "DC311" not in checked.stdout and "interrupted" not in checked.stderr, checked
    resume(office)
    assert outcome(holder)[0] == 0
    document = docctl.open(office.path).document("SOP-001")
    assert [a.by for a in document.approvals] == ["tom.baker@acme.example"]
    assert office.status() == ""


def test_the_later_step_waits_and_then_sees_the_earlier_commit(office: GitRepo, tmp_path: Path) -> None:
    go = tmp_path / "go"
    go.touch()
    env = identity("tom") | {"DOCCTL_TEST_PAUSE": "before-write"}
    first = start(office, go, "tom", "approve", "SOP-002", "--role", "Process Owner", env=env)
    paused(office, "before-write")
    second = start(office, go, "jane", "approve", "SOP-002", "--role", "Quality Manager")
    ready(go, [second])
    time.sleep(1.0)  # the second step is waiting for the lock, not yet reading
    assert second.poll() is None
    resume(office)
    assert outcome(first)[0] == 0
    code, out, err = outcome(second)
    assert (code, err) == (0, ""), out
    assert (
        out
        == "SOP-002 revision A: approve -> review (commit "
        + office.git("rev-parse", "--short=12", "HEAD").strip()
        + ")\n"
    )
    document = docctl.open(office.path).document("SOP-002")
    assert [a.by for a in document.approvals] == ["tom.baker@acme.example", "jane.smith@acme.example"]


def test_a_long_lived_repository_object_reads_afresh_under_the_lock(
    office: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Repository that read the document before another process signed it still adds to that signature:
    within the same second, whatever the stat stamps say."""
    for name, value in identity("jane").items():
        if name.startswith("GIT_"):
            monkeypatch.setenv(name, value)
    qms = docctl.open(office.path)
    assert qms.document("SOP-003").approvals == ()  # read and cached
    other = subprocess.run(
        [sys.executable, "-m", "docctl", "approve", "SOP-003", "--role", "Process Owner"],
        cwd=office.path,
        env=identity("tom"),
        capture_output=True,
        text=True,
        check=False,
    )
    assert other.returncode == 0, other.stderr
    qms.approve("SOP-003", role="Quality Manager")
    assert [a.by for a in docctl.open(office.path).document("SOP-003").approvals] == [
        "tom.baker@acme.example",
        "jane.smith@acme.example",
    ]
    assert approval_commits(office, "sops/SOP-003.md") == {"tom.baker@acme.example", "jane.smith@acme.example"}


def test_ctrl_c_while_waiting_for_the_lock_changes_nothing(office: GitRepo, tmp_path: Path) -> None:
    go = tmp_path / "go"
    go.touch()
    env = identity("tom") | {"DOCCTL_TEST_PAUSE": "before-commit"}
    first = start(office, go, "tom", "approve", "SOP-004", "--role", "Process Owner", env=env)
    paused(office)
    second = start(office, go, "jane", "approve", "SOP-004", "--role", "Quality Manager")
    ready(go, [second])
    time.sleep(1.0)  # waiting for the lock by now (an interrupt any time after the barrier is an exit 130)
    second.send_signal(signal.SIGINT)
    code, out, err = outcome(second)
    assert (code, out, err) == (130, "", "docctl: interrupted\n")
    resume(office)
    assert outcome(first)[0] == 0
    assert [a.by for a in docctl.open(office.path).document("SOP-004").approvals] == ["tom.baker@acme.example"]
    assert office.status() == ""
