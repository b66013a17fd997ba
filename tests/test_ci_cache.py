"""A cache restored in CI is safe: `.git/docctl/` copied from one clone onto another gives exactly the
findings of a cold run, whatever happened to the history in between (docs/ci.md).

Every case checks through the real command line (``python -m docctl check --format json``, as a CI
job runs it), once with the restored cache and once with the cache removed, in the same clone. As
in CI, each job clones into the same folder (the caches of parsed documents and findings are keyed
by it), after the folder of the job before was removed; the cache travels in between.
"""

from __future__ import annotations

import json
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lifecycle_helpers import Office

from docctl.history.cache import CACHE_VERSION


def git(where: Path, *args: str) -> str:
    result = subprocess.run(["git", "-C", str(where), *args], capture_output=True, text=True, check=True)
    return result.stdout.strip()


def clone(origin: Path, target: Path, *options: str) -> Path:
    """A fresh clone in ``target``; a clone already there (the job before) is kept in ``target``.saved."""
    if target.exists():
        saved = target.with_name(target.name + ".saved")
        shutil.rmtree(saved, ignore_errors=True)
        target.rename(saved)
    subprocess.run(["git", "clone", "-q", *options, f"file://{origin}", str(target)], check=True)
    return target


def saved(job: Path) -> Path:
    return job.with_name(job.name + ".saved")


def check_json(where: Path) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-m", "docctl", "check", "--format", "json"], cwd=where, capture_output=True, text=True
    )
    assert result.returncode in (0, 1), result.stderr
    report: dict[str, object] = json.loads(result.stdout)
    return report


def restore(cache_from: Path, onto: Path) -> None:
    """What a CI cache step does: the folder as it was saved, put in place before the job runs."""
    target = onto / ".git" / "docctl"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(cache_from / ".git" / "docctl", target)


def restored_equals_cold(cache_from: Path, onto: Path) -> dict[str, object]:
    restore(cache_from, onto)
    warm = check_json(onto)
    shutil.rmtree(onto / ".git" / "docctl")
    cold = check_json(onto)
    assert warm == cold
    return cold


def codes(report: dict[str, object]) -> list[str]:
    return [str(f["code"]) for f in report["findings"]]  # type: ignore[attr-defined,index]


def squashed_approval(office: Office, doc_id: str, title: str) -> None:
    """An approval by Tom that reaches main in a commit by Sam (a squash merge): DC205 where git
    shows that commit's author, not judged where it is the oldest commit of a shallow clone."""
    from helpers import sop

    office.repo.write(f"sops/{doc_id}.md", sop(doc_id, title=title, body=f"\n# {doc_id} {title}\n\nText.\n"))
    office.commit_as("sam", f"{doc_id}: draft")
    with office.acting("sam") as qms:
        qms.submit(doc_id)
    office.repo.git("checkout", "-q", "-b", f"approve-{doc_id}")
    with office.acting("tom") as qms:
        qms.approve(doc_id, role="Process Owner")
    office.repo.git("checkout", "-q", "main")
    office.repo.git("merge", "--squash", "-q", f"approve-{doc_id}")
    office.commit_as("sam", f"{doc_id}: approvals (squashed)")


def unrelated(office: Office, count: int) -> None:
    for number in range(count):
        office.repo.write(f"notes/note-{office.now.date()}-{number}.txt", f"note {number}\n")
        office.commit_as("jane", f"note {number}")


@pytest.fixture
def office(tmp_path: Path) -> Office:
    from helpers import GitRepo

    repo = GitRepo(tmp_path / "origin")
    repo.commit("set up", who="jane", date="2026-01-01T09:00:00+00:00")
    office = Office(repo)
    office.released_sop()
    office.released_sop("SOP-002", title="Records")
    squashed_approval(office, "SOP-003", "Training")
    unrelated(office, 2)
    return office


def test_onto_a_newer_clone_with_more_commits(office: Office, tmp_path: Path) -> None:
    job = clone(office.repo.path, tmp_path / "job")
    before = check_json(job)
    assert codes(before) == ["DC205"]
    first_tip = git(job, "rev-parse", "HEAD")
    with office.acting("tom") as qms:  # more history: a revision, a new document, a moved one
        qms.revise("SOP-001", change="Add the retention table for quality records")
    office.released_sop("SOP-004", title="Purchasing")
    (office.repo.path / "sops" / "records").mkdir()
    office.repo.git("mv", "sops/SOP-002.md", "sops/records/SOP-002.md")
    office.commit_as("jane", "move SOP-002")
    squashed_approval(office, "SOP-005", "Audits")
    job = clone(office.repo.path, tmp_path / "job")
    assert git(job, "merge-base", "--is-ancestor", first_tip, "HEAD") == ""  # the cache can be extended
    cold = restored_equals_cold(saved(job), job)
    assert codes(cold) == ["DC205", "DC205"]  # SOP-003 and SOP-005
    assert cold != before


def test_onto_a_rewritten_history(office: Office, tmp_path: Path) -> None:
    """The cache's tip was dropped and force-pushed: in a fresh clone it does not even exist, in the
    clone that made the cache it exists but is no longer in the history."""
    job = clone(office.repo.path, tmp_path / "job")
    assert codes(check_json(job)) == ["DC205"]
    old_tip = git(job, "rev-parse", "HEAD")
    office.repo.git("reset", "-q", "--hard", "HEAD~3")  # drops the squashed approval and the notes
    with office.acting("tom") as qms:  # Tom approves SOP-003 himself this time
        qms.approve("SOP-003", role="Process Owner")
    unrelated(office, 1)
    job = clone(office.repo.path, tmp_path / "job")
    assert subprocess.run(["git", "-C", str(job), "cat-file", "-e", old_tip]).returncode != 0
    assert codes(restored_equals_cold(saved(job), job)) == []
    before = saved(job)  # the clone that made the cache, after the force-push
    git(before, "fetch", "-q", "origin")
    git(before, "reset", "-q", "--hard", "origin/main")
    warm = check_json(before)
    shutil.rmtree(before / ".git" / "docctl")
    assert warm == check_json(before)
    assert codes(warm) == []


def test_amended_tip(office: Office, tmp_path: Path) -> None:
    """The last commit amended (same parent, same files, another commit)."""
    job = clone(office.repo.path, tmp_path / "job")
    check_json(job)
    office.repo.git("commit", "-q", "--amend", "-m", "note 1 (amended)")
    job = clone(office.repo.path, tmp_path / "job")
    assert codes(restored_equals_cold(saved(job), job)) == ["DC205"]


@pytest.mark.parametrize("depth", [1, 3, 5])
def test_a_full_clones_cache_onto_a_shallow_clone(office: Office, tmp_path: Path, depth: int) -> None:
    job = clone(office.repo.path, tmp_path / "job")
    assert codes(check_json(job)) == ["DC205"]
    job = clone(office.repo.path, tmp_path / "job", "--depth", str(depth))
    cold = restored_equals_cold(saved(job), job)
    # the squashed approval is HEAD~2: the oldest commit of a depth-3 clone, whose authors git cannot show
    assert codes(cold) == (["DC205"] if depth > 3 else [])


@pytest.mark.parametrize("then", [("--depth", "5"), ()], ids=["deeper", "full"])
def test_a_shallow_clones_cache_onto_a_deeper_or_a_full_clone(
    office: Office, tmp_path: Path, then: tuple[str, ...]
) -> None:
    """Same HEAD, another depth: the cache of a depth-3 clone (where the squashed approval is not
    judged) must not stand for a deeper clone or a full one (where it is)."""
    job = clone(office.repo.path, tmp_path / "job", "--depth", "3")
    assert codes(check_json(job)) == []
    job = clone(office.repo.path, tmp_path / "job", *then)
    assert codes(restored_equals_cold(saved(job), job)) == ["DC205"]


def test_a_shallow_clone_deepened_in_place(office: Office, tmp_path: Path) -> None:
    job = clone(office.repo.path, tmp_path / "job", "--depth", "3")
    assert codes(check_json(job)) == []
    git(job, "fetch", "-q", "--unshallow")
    warm = check_json(job)
    shutil.rmtree(job / ".git" / "docctl")
    assert warm == check_json(job) and codes(warm) == ["DC205"]


def test_a_cache_from_another_folder(office: Office, tmp_path: Path) -> None:
    """Runners that clone into a new folder each time: the caches keyed by the folder are not used,
    the history cache is, and the findings are the same."""
    first = clone(office.repo.path, tmp_path / "first")
    check_json(first)
    unrelated(office, 1)
    second = clone(office.repo.path, tmp_path / "second")
    assert codes(restored_equals_cold(first, second)) == ["DC205"]


def test_a_cache_of_an_older_docctl_is_ignored(office: Office, tmp_path: Path) -> None:
    """A restore-keys fallback can bring a cache written by another docctl version: its files are
    keyed by version, so it is rebuilt, never misread."""
    job = clone(office.repo.path, tmp_path / "job")
    check_json(job)
    for meta in (job / ".git" / "docctl").glob("history-*/meta.pickle"):
        data = pickle.loads(meta.read_bytes())
        data["version"] = CACHE_VERSION - 1
        meta.write_bytes(pickle.dumps(data))
    job = clone(office.repo.path, tmp_path / "job")
    assert codes(restored_equals_cold(saved(job), job)) == ["DC205"]


def test_the_jobs_of_docs_ci_md_cache_the_folder() -> None:
    """The two jobs in docs/ci.md are valid YAML, fetch the whole history and carry .git/docctl."""
    import re

    import yaml

    page = (Path(__file__).resolve().parents[1] / "docs" / "ci.md").read_text(encoding="utf-8")
    github, gitlab = (yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", page, re.S))
    steps = github["jobs"]["check"]["steps"]
    assert steps[0]["with"]["fetch-depth"] == 0
    cached = [s for s in steps if str(s.get("uses", "")).startswith("actions/cache/")]
    assert [s["uses"] for s in cached] == ["actions/cache/restore@v4", "actions/cache/save@v4"]
    assert all(s["with"]["path"] == ".git/docctl" for s in cached)
    assert cached[1]["if"] == "always()" and cached[0]["with"]["key"] == cached[1]["with"]["key"]
    job = gitlab["docctl"]
    assert job["variables"]["GIT_DEPTH"] == 0
    assert job["cache"][0]["paths"] == [".git/docctl/"] and job["cache"][0]["when"] == "always"
    assert job["cache"][0]["fallback_keys"] == ["docctl-$DOCCTL_VERSION-$CI_DEFAULT_BRANCH"]
