"""Interrupted lifecycle steps: real ``docctl`` processes stopped by real signals at each point of a
step (DOCCTL_TEST_PAUSE, and a slow ``prepare-commit-msg`` hook for "inside the commit"). A SIGKILL
leaves a half step that every command names, ``check`` reports (DC311) and steps refuse, until
``docctl recover`` restores the state before the step or the whole step; Ctrl-C and SIGTERM leave
the state before the step and exit 130."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import PEOPLE, GitRepo, environment, sop
from lifecycle_helpers import state

import docctl

Run = Callable[..., tuple[int, str, str]]
PATH = "sops/SOP-001.md"
STARTED = "2026-06-01T12:00:00+00:00"  # DOCCTL_NOW of the test suite


def as_person(who: str) -> dict[str, str]:
    name, email = PEOPLE[who]
    return {
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": name,
        "GIT_COMMITTER_EMAIL": email,
    }


def in_review(repo: GitRepo) -> GitRepo:
    """SOP-001 drafted by Sam, then submitted for review."""
    repo.write(PATH, sop("SOP-001"))
    repo.commit("SOP-001: draft", who="sam")
    repo.write(PATH, sop("SOP-001", status="review"))
    repo.commit("SOP-001: submit", who="sam")
    return repo


def approved(repo: GitRepo) -> GitRepo:
    """SOP-001 approved by Tom and Jane, ready for release."""
    in_review(repo)
    for who, role in (("tom", "Process Owner"), ("jane", "Quality Manager")):
        with environment(as_person(who)):
            docctl.open(repo.path).approve("SOP-001", role=role)
    return repo


@pytest.fixture
def review(repo: GitRepo) -> GitRepo:
    return in_review(repo)


class Step:
    """``docctl ARGS`` as a person, in a process group of its own, stopped at a pause point."""

    def __init__(self, repo: GitRepo, who: str, *args: str, pause: str | None = None) -> None:
        self.repo = repo
        env = dict(os.environ) | as_person(who)
        if pause and pause != "hook":
            env["DOCCTL_TEST_PAUSE"] = pause
        self.process = subprocess.Popen(
            [sys.executable, "-m", "docctl", *args],
            cwd=repo.path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self.marker = repo.path / ".git" / "docctl" / "paused" if pause != "hook" else repo.path.parent / "in-hook"
        deadline = time.monotonic() + 60
        while not self.marker.exists():
            assert self.process.poll() is None, self.finish()
            assert time.monotonic() < deadline, f"the step never reached {pause}"
            time.sleep(0.01)

    def kill(self, sig: int = signal.SIGKILL, *, group: bool = False) -> tuple[int, str, str]:
        if group:
            os.killpg(self.process.pid, sig)
        else:
            self.process.send_signal(sig)
        result = self.finish()
        if self.marker.name == "paused":
            self.marker.unlink(missing_ok=True)
        return result

    def finish(self) -> tuple[int, str, str]:
        out, err = self.process.communicate(timeout=120)
        return self.process.returncode, out, err


def slow_hook(repo: GitRepo, seconds: int = 30) -> None:
    """A prepare-commit-msg hook (it runs even with --no-verify) that says it started, then sleeps."""
    hook = repo.path / ".git" / "hooks" / "prepare-commit-msg"
    hook.parent.mkdir(exist_ok=True)
    hook.write_text(f'#!/bin/sh\ntouch "{repo.path.parent / "in-hook"}"\nsleep {seconds}\n')
    hook.chmod(0o755)


def reference(repo: GitRepo, tmp: Path, who: str, *args: str) -> GitRepo:
    """A copy of ``repo`` in which the step ran to its end, uninterrupted: what "the whole step" is."""
    copy = GitRepo.__new__(GitRepo)
    copy.path = tmp / "reference" / repo.path.name
    shutil.copytree(repo.path, copy.path, symlinks=True)
    hook = copy.path / ".git" / "hooks" / "prepare-commit-msg"
    hook.unlink(missing_ok=True)
    result = subprocess.run(
        [sys.executable, "-m", "docctl", *args],
        cwd=copy.path,
        env=dict(os.environ) | as_person(who),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return copy


def whole(repo: GitRepo, expected: GitRepo, before_head: str) -> None:
    """``repo`` holds the whole step as ``expected`` made it: files, index, one commit on the old HEAD
    with the same author, date and message, the same tags."""
    tree, status, index, _, tags = state(repo)
    assert (tree, status, index, tags) == state(expected)[:3] + state(expected)[4:]
    log = ["log", "-1", "--format=%P%n%an <%ae> %aI%n%B"]
    assert repo.git(*log) == expected.git(*log)
    assert repo.git("rev-parse", "HEAD^").strip() == before_head
    tidy(repo)


def tidy(repo: GitRepo) -> None:
    """No journal, no lock of git's left behind."""
    git_dir = repo.path / ".git"
    assert not (git_dir / "docctl" / "step.json").exists()
    assert not (git_dir / "index.lock").exists()
    assert list(git_dir.glob("next-index-*.lock")) == []


def half_done(repo: GitRepo, run_cli: Run, pid: int, action: str = "approve", by: str = "tom") -> None:
    """Every command names the half step; check reports it as DC311; a step is refused and changes nothing."""
    email = PEOPLE[by][1]
    message = f"an interrupted {action} of SOP-001 by {email} (started {STARTED}, pid {pid}) is half done: run 'docctl recover'"
    code, out, err = run_cli("check", "--format", "json", cwd=repo.path)
    assert code == 1 and err == f"docctl: {message}\n"
    found = [f for f in json.loads(out)["findings"] if f["code"] == "DC311"]
    assert found == [
        {
            "code": "DC311",
            "rule": "interrupted-step",
            "severity": "major",
            "document": "SOP-001",
            "path": PATH,
            "line": None,
            "message": message,
        }
    ]
    assert run_cli("show", "SOP-001", cwd=repo.path)[2] == f"docctl: {message}\n"
    before = state(repo)
    with environment(as_person("sam")):
        code, out, err = run_cli("submit", "SOP-001", cwd=repo.path)
    assert (code, out, err) == (1, "", f"docctl: error: {message}, then try again; nothing was changed\n")
    assert state(repo) == before


def clean(repo: GitRepo, run_cli: Run) -> None:
    code, out, err = run_cli("check", "--format", "json", cwd=repo.path)
    assert (code, json.loads(out)["findings"], err) == (0, [], "")


APPROVE = ("approve", "SOP-001", "--role", "Process Owner")


# SIGKILL, then docctl recover -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("point", "outcome"),
    [
        ("before-write", "undid"),
        ("after-write", "finished"),
        ("before-commit", "finished"),
        ("after-commit", "completed"),
    ],
)
def test_a_killed_step_is_named_refused_and_recovered(
    review: GitRepo, run_cli: Run, tmp_path: Path, point: str, outcome: str
) -> None:
    before, head = state(review), review.git("rev-parse", "HEAD").strip()
    expected = reference(review, tmp_path, "tom", *APPROVE)
    step = Step(review, "tom", *APPROVE, pause=point)
    assert step.kill()[0] == -signal.SIGKILL
    half_done(review, run_cli, step.process.pid)
    code, out, err = run_cli("recover", cwd=review.path)
    assert (code, err) == (0, "")
    what = f"the approve of SOP-001 by tom.baker@acme.example (started {STARTED})"
    if outcome == "undid":
        assert out == f"undid {what}: {PATH} and the index as before the step\n"
        assert state(review) == before
        tidy(review)
    else:
        short = review.git("rev-parse", "--short=12", "HEAD").strip()
        assert out == (
            f"finished {what}: committed {short} ({PATH})\n"
            if outcome == "finished"
            else f"completed {what}: its commit {short} had landed; the journal is cleared\n"
        )
        whole(review, expected, head)
    clean(review, run_cli)


@pytest.mark.parametrize("point", ["after-write", "before-commit"])
def test_recover_undo_puts_back_a_step_that_could_be_finished(review: GitRepo, run_cli: Run, point: str) -> None:
    before = state(review)
    Step(review, "tom", *APPROVE, pause=point).kill()
    code, out, _ = run_cli("recover", "--undo", cwd=review.path)
    assert code == 0 and out.startswith("undid the approve of SOP-001")
    assert state(review) == before
    tidy(review)
    clean(review, run_cli)


def test_a_killed_no_commit_step_is_finished_by_staging(review: GitRepo, run_cli: Run, tmp_path: Path) -> None:
    expected = reference(review, tmp_path, "tom", *APPROVE, "--no-commit")
    step = Step(review, "tom", *APPROVE, "--no-commit", pause="after-write")
    step.kill()
    half_done(review, run_cli, step.process.pid)
    code, out, _ = run_cli("recover", cwd=review.path)
    assert (code, out) == (
        0,
        f"finished the approve of SOP-001 by tom.baker@acme.example (started {STARTED}): staged {PATH} "
        "(the step was --no-commit)\n",
    )
    assert state(review) == state(expected)  # written and staged, HEAD where it was
    tidy(review)


def test_recover_finish_is_refused_when_nothing_was_written(review: GitRepo, run_cli: Run) -> None:
    before = state(review)
    step = Step(review, "tom", *APPROVE, pause="before-write")
    step.kill()
    code, out, err = run_cli("recover", "--finish", cwd=review.path)
    assert (code, out) == (1, "")
    assert err == (
        f"docctl: error: cannot finish the approve of SOP-001: {PATH} is not as the step meant to write it; "
        "'docctl recover --undo' puts everything back as it was before the step\n"
    )
    assert (review.path / ".git" / "docctl" / "step.json").exists()  # still half done, still named
    assert run_cli("recover", cwd=review.path)[0] == 0
    assert state(review) == before
    tidy(review)


@pytest.mark.parametrize(("point", "outcome"), [("before-commit", "finished"), ("after-commit", "completed")])
def test_a_killed_release_gets_its_tag_from_recover(
    repo: GitRepo, run_cli: Run, tmp_path: Path, point: str, outcome: str
) -> None:
    approved(repo)
    head = repo.git("rev-parse", "HEAD").strip()
    expected = reference(repo, tmp_path, "jane", "release", "SOP-001")
    step = Step(repo, "jane", "release", "SOP-001", pause=point)
    step.kill()
    assert repo.git("tag", "-l") == ""  # the step never reached its tag
    half_done(repo, run_cli, step.process.pid, action="release", by="jane")
    code, out, _ = run_cli("recover", cwd=repo.path)
    assert code == 0 and out.startswith(f"{outcome} the release of SOP-001") and out.endswith("\ntagged SOP-001/A\n")
    whole(repo, expected, head)
    assert repo.git("rev-parse", "SOP-001/A^{commit}") == repo.git("rev-parse", "HEAD")
    assert repo.git("cat-file", "-p", "SOP-001/A") == expected.git("cat-file", "-p", "SOP-001/A")
    clean(repo, run_cli)


def test_a_new_document_killed_after_writing_is_undone_or_finished(repo: GitRepo, run_cli: Run) -> None:
    repo.commit("set up")
    before = state(repo)
    Step(repo, "sam", "new", "SOP", "Purchasing", pause="after-write").kill()
    assert (repo.path / "sops/SOP-001-purchasing.md").exists()
    code, out, _ = run_cli("recover", "--undo", cwd=repo.path)
    assert code == 0 and out.startswith("undid the new of SOP-001 by sam.okafor@acme.example")
    assert state(repo) == before  # the new file is gone again
    Step(repo, "sam", "new", "SOP", "Purchasing", pause="before-commit").kill()
    code, out, _ = run_cli("recover", cwd=repo.path)
    assert code == 0 and out.startswith("finished the new of SOP-001")
    assert repo.status() == "" and "Docctl-Action: new" in repo.git("log", "-1", "--format=%B")
    assert docctl.open(repo.path).document("SOP-001").path == "sops/SOP-001-purchasing.md"


# inside the commit: a slow prepare-commit-msg hook ----------------------------------------------


def test_a_step_killed_with_its_git_inside_the_hook_is_finished(review: GitRepo, run_cli: Run, tmp_path: Path) -> None:
    head = review.git("rev-parse", "HEAD").strip()
    expected = reference(review, tmp_path, "tom", *APPROVE)
    slow_hook(review)
    step = Step(review, "tom", *APPROVE, pause="hook")
    step.kill(group=True)  # docctl, git and the hook: git leaves its index.lock
    assert (review.path / ".git" / "index.lock").exists()
    half_done(review, run_cli, step.process.pid)
    (review.path / ".git" / "hooks" / "prepare-commit-msg").unlink()
    code, out, _ = run_cli("recover", cwd=review.path)
    assert code == 0
    assert out.startswith("finished the approve of SOP-001") and out.endswith(
        "\nremoved the stale .git/index.lock the killed git left\n"
    )
    whole(review, expected, head)
    clean(review, run_cli)


def test_a_step_killed_with_its_git_inside_the_hook_can_be_undone(review: GitRepo, run_cli: Run) -> None:
    before = state(review)
    slow_hook(review)
    step = Step(review, "tom", *APPROVE, pause="hook")
    step.kill(group=True)
    half_done(review, run_cli, step.process.pid)
    code, out, _ = run_cli("recover", "--undo", cwd=review.path)
    assert code == 0 and out.endswith("\nremoved the stale .git/index.lock the killed git left\n")
    assert state(review) == before
    tidy(review)
    (review.path / ".git" / "hooks" / "prepare-commit-msg").unlink()
    clean(review, run_cli)


def test_a_step_killed_while_its_git_commits_is_completed_when_git_is_done(
    review: GitRepo, run_cli: Run, tmp_path: Path
) -> None:
    """Only docctl is killed: its git goes on and commits once the hook ends; recover waits for it."""
    head = review.git("rev-parse", "HEAD").strip()
    expected = reference(review, tmp_path, "tom", *APPROVE)
    slow_hook(review, seconds=3)
    step = Step(review, "tom", *APPROVE, pause="hook")
    step.kill()
    # half done whether or not git has committed yet (the journal stays until recover)
    code, out, _ = run_cli("check", cwd=review.path)
    assert code == 1 and f"{PATH}: DC311 an interrupted approve of SOP-001" in out
    code, out, _ = run_cli("recover", cwd=review.path)
    assert code == 0 and out.startswith("completed the approve of SOP-001")
    whole(review, expected, head)
    clean(review, run_cli)


# Ctrl-C and SIGTERM: exit 130, nothing half done ------------------------------------------------


@pytest.mark.parametrize("point", ["before-write", "after-write", "before-commit", "hook"])
def test_ctrl_c_to_the_process_group_leaves_the_state_before_the_step(
    review: GitRepo, run_cli: Run, point: str
) -> None:
    before = state(review)
    if point == "hook":
        slow_hook(review)
    step = Step(review, "tom", *APPROVE, pause=point)
    assert step.kill(signal.SIGINT, group=True) == (130, "", "docctl: interrupted\n")
    assert state(review) == before
    tidy(review)
    clean(review, run_cli)


def test_ctrl_c_after_the_commit_leaves_the_whole_step(review: GitRepo, run_cli: Run, tmp_path: Path) -> None:
    head = review.git("rev-parse", "HEAD").strip()
    expected = reference(review, tmp_path, "tom", *APPROVE)
    step = Step(review, "tom", *APPROVE, pause="after-commit")
    assert step.kill(signal.SIGINT, group=True) == (130, "", "docctl: interrupted\n")
    whole(review, expected, head)


@pytest.mark.parametrize("point", ["after-write", "hook"])
def test_sigterm_leaves_the_state_before_the_step(review: GitRepo, run_cli: Run, point: str) -> None:
    before = state(review)
    if point == "hook":
        slow_hook(review)
    step = Step(review, "tom", *APPROVE, pause=point)
    assert step.kill(signal.SIGTERM) == (130, "", "docctl: interrupted\n")  # the process alone, not its git
    assert state(review) == before
    tidy(review)
    clean(review, run_cli)


# edges ------------------------------------------------------------------------------------------


def test_nothing_to_recover(review: GitRepo, run_cli: Run) -> None:
    before = state(review)
    assert run_cli("recover", cwd=review.path) == (
        0,
        "nothing to recover: no lifecycle step was interrupted\n",
        "",
    )
    assert state(review) == before
    assert not (review.path / ".git" / "docctl" / "step.lock").exists()


def test_a_damaged_journal_is_reported_and_not_guessed_at(review: GitRepo, run_cli: Run) -> None:
    journal = review.path / ".git" / "docctl" / "step.json"
    journal.parent.mkdir(parents=True, exist_ok=True)
    journal.write_text("{not json")
    code, out, err = run_cli("check", "--format", "json", cwd=review.path)
    [found] = json.loads(out)["findings"]
    assert (code, found["code"], found["path"]) == (1, "DC311", None)
    assert found["message"].startswith("an interrupted lifecycle step left a journal that cannot be read (not JSON")
    assert found["message"].endswith(
        f"{journal}; check 'git status', put the files right by hand, then delete the journal"
    )
    code, out, err = run_cli("recover", cwd=review.path)
    assert (code, out) == (1, "") and err == f"docctl: error: {found['message']}\n"
    assert journal.exists()


def test_the_library_recovers_too(review: GitRepo) -> None:
    before = state(review)
    step = Step(review, "tom", *APPROVE, pause="after-write")
    step.kill()
    qms = docctl.open(review.path)
    half = qms.interrupted_step()
    assert half is not None and half.step is not None
    assert (half.step.action, half.step.document, half.step.pid) == ("approve", "SOP-001", step.process.pid)
    result = qms.recover("undo")
    assert (result.outcome, result.paths, result.commit) == ("undone", (PATH,), None)
    assert state(review) == before
    assert qms.recover().outcome == "nothing"


# adopt: many files in one step ---------------------------------------------------------------------


def test_a_killed_adoption_is_named_and_undone_or_finished(repo: GitRepo, run_cli: Run, tmp_path: Path) -> None:
    """``docctl adopt`` writes many files: killed after writing them, every command names it, and
    ``recover`` puts every file back, or finishes it into the commit an uninterrupted run makes."""
    repo.write("sops/purchasing.md", "# Purchasing\n\nSuppliers are evaluated before use.\n")
    repo.write("sops/training.md", "---\ntitle: Training\n---\n\n# Training\n\nStaff are trained.\n")
    repo.commit("documents written before docctl")
    before, head = state(repo), repo.git("rev-parse", "HEAD").strip()
    expected = reference(repo, tmp_path, "jane", "adopt", "--type", "SOP")
    step = Step(repo, "jane", "adopt", "--type", "SOP", pause="after-write")
    pid = step.process.pid
    assert step.kill()[0] == -signal.SIGKILL
    assert (repo.path / "sops/purchasing.md").read_text().startswith("---\n")  # half done: written, not committed
    code, out, err = run_cli("check", cwd=repo.path)
    assert (
        code == 1
        and f"an interrupted adopt of SOP-001 by jane.smith@acme.example (started {STARTED}, pid {pid})" in err
    )
    code, out, _ = run_cli("recover", "--undo", cwd=repo.path)
    assert code == 0 and out.startswith("undid the adopt of SOP-001 by jane.smith@acme.example")
    assert state(repo) == before
    tidy(repo)
    Step(repo, "jane", "adopt", "--type", "SOP", pause="before-commit").kill()
    code, out, _ = run_cli("recover", cwd=repo.path)
    assert code == 0 and out.startswith("finished the adopt of SOP-001")
    whole(repo, expected, head)
