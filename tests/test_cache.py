"""The caches under .git/docctl: same answers as a cold run, edits always seen, safe when two
docctl processes run at once, and harmless when they cannot be written."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from helpers import GitRepo, sop
from lifecycle_helpers import Office

import docctl
from docctl.composer.store import blob_id


@pytest.fixture
def office(repo: GitRepo) -> Office:
    repo.commit("set up", who="jane", date="2026-01-01T09:00:00+00:00")
    office = Office(repo)
    office.released_sop()
    office.released_sop("SOP-002", title="Records")
    return office


def fresh(office: Office) -> docctl.Repository:
    return docctl.open(office.repo.path, clock=office.clock)


def test_blob_id_is_gits() -> None:
    data = b"hello\n"
    expected = (
        subprocess.run(["git", "hash-object", "--stdin"], input=data, capture_output=True, check=True)
        .stdout.decode()
        .strip()
    )
    assert blob_id(data) == expected


def test_warm_check_equals_cold_check(office: Office) -> None:
    path = office.repo.path / "sops/SOP-001.md"
    path.write_text(path.read_text().replace("Control documents.", "Control some documents."))
    cold = fresh(office).check().findings
    assert [f.code for f in cold] == ["DC202"]
    assert (office.repo.path / ".git/docctl").is_dir()
    assert fresh(office).check().findings == cold


def test_an_edit_with_the_same_size_and_time_is_still_seen(office: Office) -> None:
    path = office.repo.path / "sops/SOP-001.md"
    assert fresh(office).check().findings == ()
    before = path.stat()
    text = path.read_text().replace("Control documents.", "Control dokuments.")  # same length
    path.write_text(text)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    assert [f.code for f in fresh(office).check().findings] == ["DC202"]


def test_reverting_an_edit_clears_the_finding(office: Office) -> None:
    path = office.repo.path / "sops/SOP-001.md"
    original = path.read_text()
    path.write_text(original.replace("Control documents.", "Control more documents."))
    assert [f.code for f in fresh(office).check().findings] == ["DC202"]
    path.write_text(original)
    assert fresh(office).check().findings == ()


def test_new_commit_invalidates_history_findings(office: Office) -> None:
    assert fresh(office).check().findings == ()
    path = office.repo.path / "sops/SOP-001.md"
    path.write_text(path.read_text().replace("status: effective", "status: draft"))
    office.commit_as("sam", "back to draft by hand")
    assert [f.code for f in fresh(office).check().findings] == ["DC304"]


def test_changed_day_recomputes_review_findings(office: Office) -> None:
    assert fresh(office).check().findings == ()
    office.now = office.now.replace(year=office.now.year + 2)
    assert {f.code for f in fresh(office).check().findings} == {"DC307"}


def test_two_processes_at_once_agree_and_leave_a_sound_cache(office: Office) -> None:
    for n in range(3, 40):
        office.repo.write(
            f"sops/SOP-{n:03}.md", sop(f"SOP-{n:03}", body=f"\n# SOP-{n:03} Document Control\n\nText {n}.\n")
        )
    office.commit_as("sam", "drafts")
    env = dict(os.environ, DOCCTL_NOW=office.now.isoformat())
    command = [sys.executable, "-m", "docctl", "check", "--format", "json"]
    runs = [
        subprocess.Popen(command, cwd=office.repo.path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(4)
    ]
    outputs = [run.communicate()[0] for run in runs]
    assert all(run.returncode == 0 for run in runs)
    import json

    reports = [json.loads(out)["findings"] for out in outputs]
    assert all(report == reports[0] for report in reports)
    again = subprocess.run(command, cwd=office.repo.path, env=env, capture_output=True, check=True)
    assert json.loads(again.stdout)["findings"] == reports[0]


def test_unwritable_cache_location_is_harmless(office: Office) -> None:
    cache = office.repo.path / ".git/docctl"
    if cache.exists():
        import shutil

        shutil.rmtree(cache)
    cache.write_text("a file where the cache folder should be")
    assert fresh(office).check().findings == ()


def test_check_from_the_index_shares_the_parse_cache(office: Office) -> None:
    first = fresh(office)
    first.check()
    view = first.at("HEAD")  # a view of a commit knows blob ids; the cache already has every document
    assert view.document("SOP-001").fingerprint == first.document("SOP-001").fingerprint
    assert view._contents is None  # type: ignore[attr-defined]  # no blob had to be read


def test_unchanged_inputs_reuse_the_whole_report(office: Office, monkeypatch: pytest.MonkeyPatch) -> None:
    first = fresh(office)
    first.check()
    # make the files' stamps older than the racy window, as they are in everyday use
    for path in office.repo.path.rglob("*.md"):
        if ".git" not in path.parts:
            os.utime(path, (path.stat().st_atime - 60, path.stat().st_mtime - 60))
    expected = fresh(office).check()
    second = fresh(office)

    def no_reading() -> list[object]:
        raise AssertionError("the report should come from the cache")

    with monkeypatch.context() as patch:
        patch.setattr(second, "loaded", no_reading)
        assert second.check() == expected
    path = office.repo.path / "sops/SOP-001.md"
    path.write_text(path.read_text().replace("Control documents.", "Control all documents."))
    assert [f.code for f in fresh(office).check().findings] == ["DC202"]


def test_reports_that_depend_on_the_time_of_day_are_not_kept(office: Office) -> None:
    import re

    path = office.repo.path / "sops/SOP-001.md"
    later_today = office.now.strftime("%Y-%m-%dT") + "23:59:00+00:00"
    path.write_text(re.sub(r"date: \S+", f"date: {later_today}", path.read_text(), count=1))
    for item in office.repo.path.rglob("*.md"):
        os.utime(item, (item.stat().st_atime - 60, item.stat().st_mtime - 60))
    assert "DC207" in [f.code for f in fresh(office).check().findings]  # later today: in the future
    assert not list((office.repo.path / ".git/docctl").glob("report-*.pickle"))
