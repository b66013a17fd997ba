"""A check by difference (the repository index, docctl.composer.delta) finds exactly what a whole
check with no cache at all finds, after every step of a sequence of edits: in the working tree
(a warm ``check``), in the git index (the pre-commit hook) and in the watcher."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers import CONFIG, GitRepo, sop
from test_references import EFFECTIVE, write_form

import docctl
from docctl.composer import delta
from docctl.core.model import Finding, Report

Step = Callable[[GitRepo], None]


@pytest.fixture
def qms(repo: GitRepo) -> GitRepo:
    """Documents that refer to each other, one obsolete, one never released, a form, and clause claims."""
    write(repo, "SOP-001", references=["SOP-002"], clauses=["4", "5", "6", "7", "8", "9"], **EFFECTIVE)
    write(repo, "SOP-002", text="Uses [the form](../forms/FRM-001.docx) and SOP-001.", **EFFECTIVE)
    write(repo, "SOP-003", clauses=["10"], **EFFECTIVE)  # the only one covering clause 10
    write(repo, "SOP-004", status="obsolete")
    write(repo, "SOP-005", text="Draft text that links to [SOP-001](SOP-001.md).")
    write_form(repo, "FRM-001", references=["SOP-001"], **EFFECTIVE)
    repo.commit("documents")
    return repo


def write(repo: GitRepo, doc_id: str, *, text: str = "", rel: str | None = None, **fields: Any) -> None:
    body = f"\n# {doc_id} Document Control\n\n{text}\n"
    repo.write(rel or f"sops/{doc_id}.md", sop(doc_id, body=body, **fields))


def answered(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each check was answered by difference (True) or needed a whole check (False)."""
    calls: list[bool] = []
    original = delta.by_difference

    def spy(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        calls.append(result is not None)
        return result

    monkeypatch.setattr(delta, "by_difference", spy)
    return calls


def check(repo: GitRepo, *, staged: bool, root: Path | None = None) -> Report:
    """A check of the working tree or the staged one; ``root``: of a copy with no cache at all."""
    where = root or repo.path
    for old in (where / ".git/docctl").glob("report-*"):
        old.unlink()  # the whole report would answer an unchanged tree before the index is asked
    opened = docctl.open(where)
    return (opened.staged() if staged else opened).check()


def same_as_cold(repo: GitRepo, calls: list[bool], *, staged: bool, by_difference: bool = True) -> list[Finding]:
    """The check by difference, then a whole check with the cache deleted: the same report."""
    before = len(calls)
    warm = check(repo, staged=staged)
    assert calls[before:] == [by_difference]
    copy = repo.path.with_name(repo.path.name + "-cold")
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(repo.path, copy, symlinks=True, ignore=shutil.ignore_patterns("docctl"))
    cold = check(GitRepo.__new__(GitRepo), staged=staged, root=copy)
    assert [f.to_line() for f in warm.findings] == [f.to_line() for f in cold.findings]
    assert (warm.findings, warm.checked, warm.commit) == (cold.findings, cold.checked, cold.commit)
    return list(cold.findings)


def codes(findings: list[Finding]) -> list[str]:
    return sorted(f.code for f in findings)


def steps() -> list[tuple[str, Step, Callable[[list[str]], bool]]]:
    """Each edit, and what the findings must show afterwards (so that every step matters)."""

    def text(rel: str, old: str, new: str) -> Step:
        def edit(repo: GitRepo) -> None:
            path = repo.path / rel
            path.write_text(path.read_text().replace(old, new, 1))

        return edit

    def remove(rel: str) -> Step:
        return lambda repo: (repo.path / rel).unlink()

    def rename(old: str, new: str) -> Step:
        return lambda repo: (repo.path / old).rename(repo.path / new)

    def new_sop(doc_id: str, **fields: Any) -> Step:
        return lambda repo: write(repo, doc_id, **fields)

    return [
        ("duplicate id", text("sops/SOP-002.md", "id: SOP-002", "id: SOP-001"), lambda c: "DC103" in c),
        ("id back", text("sops/SOP-002.md", "id: SOP-001", "id: SOP-002"), lambda c: "DC103" not in c),
        ("obsolete reference", text("sops/SOP-001.md", "[SOP-002]", "[SOP-002, SOP-004]"), lambda c: "DC403" in c),
        ("unknown reference", text("sops/SOP-001.md", "SOP-004]", "SOP-404]"), lambda c: "DC402" in c),
        ("unreleased reference", text("sops/SOP-001.md", "SOP-404]", "SOP-005]"), lambda c: "DC404" in c),
        ("reference removed", text("sops/SOP-001.md", ", SOP-005]", "]"), lambda c: "DC404" not in c),
        (
            "the referenced one made obsolete",
            text("sops/SOP-002.md", "status: effective", "status: obsolete"),
            lambda c: "DC403" in c,
        ),
        (
            "and effective again",
            text("sops/SOP-002.md", "status: obsolete", "status: effective"),
            lambda c: "DC403" not in c,
        ),
        ("supersede", new_sop("SOP-006", supersedes="SOP-002", **EFFECTIVE), lambda c: "DC405" in c and "DC309" in c),
        (
            "superseded marked",
            text("sops/SOP-002.md", "status: effective", "status: superseded"),
            lambda c: "DC405" not in c and "DC403" in c,
        ),
        ("only coverage of a mandatory clause removed", remove("sops/SOP-003.md"), lambda c: "DC406" in c),
        ("linked file renamed", rename("sops/SOP-001.md", "sops/renamed.md"), lambda c: "DC402" in c),
        (
            "form sidecar edited",
            text("forms/FRM-001.docx.yml", "[SOP-001]", "[SOP-001, SOP-777]"),
            lambda c: c.count("DC402") >= 2,
        ),
        ("renamed back", rename("sops/renamed.md", "sops/SOP-001.md"), lambda c: True),
        ("a second holder of a referenced id", new_sop("SOP-001", rel="sops/copy.md"), lambda c: "DC103" in c),
        ("deleted", remove("sops/copy.md"), lambda c: "DC103" not in c),
    ]


def test_every_step_by_difference_equals_a_cold_check(qms: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = answered(monkeypatch)
    same_as_cold(qms, calls, staged=False, by_difference=False)  # no index yet: a whole check makes one
    same_as_cold(qms, calls, staged=True, by_difference=False)
    for name, edit, expected in steps():
        edit(qms)
        found = same_as_cold(qms, calls, staged=False)
        assert expected(codes(found)), (name, codes(found))
        qms.git("add", "-A")
        staged = same_as_cold(qms, calls, staged=True)
        assert codes(staged) == codes(found), name


def test_staged_and_working_tree_differ_and_each_is_right(qms: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = answered(monkeypatch)
    same_as_cold(qms, calls, staged=False, by_difference=False)
    same_as_cold(qms, calls, staged=True, by_difference=False)
    path = qms.path / "sops/SOP-001.md"
    path.write_text(path.read_text().replace("[SOP-002]", "[SOP-004]"))  # staged: obsolete reference
    qms.git("add", "-A")
    path.write_text(path.read_text().replace("[SOP-004]", "[SOP-999]"))  # working tree: unknown reference
    staged = codes(same_as_cold(qms, calls, staged=True))
    working = codes(same_as_cold(qms, calls, staged=False))
    assert "DC403" in staged and "DC402" not in staged
    assert "DC402" in working and "DC403" not in working


def test_a_new_commit_or_configuration_needs_a_whole_check(qms: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = answered(monkeypatch)
    same_as_cold(qms, calls, staged=False, by_difference=False)
    qms.write("docctl.toml", CONFIG.replace("[docctl]\n", '[docctl]\nexclude = ["sops/SOP-004.md"]\n'))
    assert "DC310" not in codes(same_as_cold(qms, calls, staged=False, by_difference=False))
    write(qms, "SOP-007", references=["SOP-004"], **EFFECTIVE)
    found = codes(same_as_cold(qms, calls, staged=False))
    assert "DC402" in found  # SOP-004 is no longer a controlled document
    qms.commit("more")
    same_as_cold(qms, calls, staged=False, by_difference=False)  # another HEAD: history findings change
    path = qms.path / "sops/SOP-007.md"
    path.write_text(path.read_text().replace("[SOP-004]", "[SOP-002]"))
    assert "DC402" not in codes(same_as_cold(qms, calls, staged=False))


#: What the watcher reports of the repository-wide rules (and of the tree's control, DC108-DC310).
WATCHED = {"DC103", "DC309", "DC402", "DC403", "DC404", "DC405", "DC406", "DC108", "DC109", "DC310"}


def test_the_watcher_by_difference_equals_a_whole_pass_and_check(qms: GitRepo) -> None:
    from docctl.watcher import Watcher

    def settle(watcher: Watcher) -> frozenset[Finding]:
        watcher._process([], full=True)  # every file looked at again; only the changed ones are judged again
        return watcher._held["collection"]

    watcher = Watcher(qms.path)
    settle(watcher)
    for name, edit, _ in steps():
        edit(qms)
        held = settle(watcher)
        assert held == settle(Watcher(qms.path)), name
        cold = check(qms, staged=False)
        assert held == {f for f in cold.findings if f.code in WATCHED}, name
