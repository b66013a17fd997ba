"""The internal audit of document control on the example QMS, audited at two dates: the trend shows
one finding fixed, one new and one escalated; records are retained (DC501) and audits fall due (DC502).
Every form of the report is read back: Markdown as text, JSON parsed, HTML parsed, Word with python-docx."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest

import docctl

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 6, 1)
SOP = "sops/SOP-008-corrective-action.md"
JANE = {
    "GIT_AUTHOR_NAME": "Jane Smith",
    "GIT_AUTHOR_EMAIL": "jane.smith@acme.example",
    "GIT_COMMITTER_NAME": "Jane Smith",
    "GIT_COMMITTER_EMAIL": "jane.smith@acme.example",
}


def build_example(folder: Path) -> Path:
    sys.path.insert(0, str(ROOT / "examples"))
    from build_example import build

    return build(folder / "acme-qms", TODAY)


@pytest.fixture
def example(tmp_path: Path) -> Path:
    return build_example(tmp_path)


def copy_of(root: Path, tmp_path: Path) -> Path:
    """A private copy of the audited repository, for a test that changes it."""
    target = tmp_path / "copy" / root.name
    shutil.copytree(root, target, symlinks=True)
    return target


def git(root: Path, *args: str, when: str | None = None) -> str:
    env = dict(__import__("os").environ, **JANE)
    if when:
        env.update(GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    return subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True, check=True).stdout


def edit(root: Path, old: str, new: str, when: str) -> None:
    path = root / SOP
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    git(root, "commit", "-q", "-am", "SOP-008: edit the draft", when=when)


def docctl_run(root: Path, now: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(__import__("os").environ, **JANE, DOCCTL_NOW=now)
    return subprocess.run(
        [sys.executable, "-m", "docctl", *args], cwd=root, env=env, capture_output=True, text=True, check=False
    )


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, object], dict[str, object]]]:
    """Audit 1 on 2026-06-02 (recorded) with two unknown clauses in a draft; then one is fixed and a
    broken reference added; audit 2 on 2026-07-01."""
    home = tmp_path_factory.mktemp("home")
    (home / ".gitconfig").write_text("[init]\n\tdefaultBranch = main\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(home))
        patch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
        patch.setenv("GIT_CONFIG_NOSYSTEM", "1")
        example = build_example(tmp_path_factory.mktemp("audited"))
        yield from _audit_twice(example)


def _audit_twice(example: Path) -> Iterator[tuple[Path, dict[str, object], dict[str, object]]]:
    edit(example, '"10.3"]', '"10.3", "7.9.9", "8.9.9"]', "2026-06-02T08:00:00+00:00")
    first = docctl_run(example, "2026-06-02T12:00:00+00:00", "audit", "--record", "-o", "../first.json")
    assert first.returncode == 0, first.stderr
    edit(example, ', "8.9.9"]', "]", "2026-06-10T08:00:00+00:00")
    edit(example, "FRM-003]", "FRM-003, SOP-099]", "2026-06-11T08:00:00+00:00")
    second = docctl_run(example, "2026-07-01T12:00:00+00:00", "audit", "-o", "../second.json")
    assert second.returncode == 0, second.stderr
    yield (
        example,
        json.loads((example.parent / "first.json").read_text()),
        json.loads((example.parent / "second.json").read_text()),
    )


def by_code(report: dict[str, object]) -> dict[str, list[dict[str, object]]]:
    result: dict[str, list[dict[str, object]]] = {}
    for item in report["findings"]:  # type: ignore[attr-defined]
        result.setdefault(item["code"], []).append(item)
    return result


def test_first_audit_is_the_baseline_and_is_recorded(
    audited: tuple[Path, dict[str, object], dict[str, object]],
) -> None:
    root, first, _ = audited
    assert first["previous"] is None and first["trend"] == []
    found = by_code(first)
    assert sorted(f["statement"] for f in found["DC401"]) == [  # type: ignore[index]
        "clause 7.9.9 is not in the iso9001:2015 catalogue",
        "clause 8.9.9 is not in the iso9001:2015 catalogue",
    ]
    assert all(f["grade"] == "minor" and not f["repeat"] for f in found["DC401"])
    evidence = found["DC401"][0]["evidence"]
    assert evidence["document"] == "SOP-008" and evidence["revision"] == "B" and evidence["path"] == SOP  # type: ignore[index]
    assert evidence["person"] == "Jane Smith <jane.smith@acme.example>" and evidence["date"] == "2026-06-02"  # type: ignore[index]
    assert len(evidence["commit"]) == 40  # type: ignore[index, arg-type]
    requirement = [c["clause"] for c in found["DC401"][0]["requirement"]]  # type: ignore[index, union-attr]
    assert requirement == ["7.5.3.1", "7.5.3.2"]
    # the record: committed by the auditor with the trailers, the JSON beside the HTML
    log = git(
        root, "log", "-1", "--format=%an%n%(trailers:key=Docctl-Action,valueonly)%n%s", "--name-only", "--", "records"
    )
    assert [line for line in log.splitlines() if line][:3] == [
        "Jane Smith",
        "audit",
        "Audit of document control 2026-06-02: 0 major, 2 minor, 0 OFI",
    ]
    assert "records/audits/AUDIT-2026-06-02.json" in log and "records/audits/AUDIT-2026-06-02.html" in log


def test_second_audit_shows_one_fixed_one_new_one_escalated(
    audited: tuple[Path, dict[str, object], dict[str, object]],
) -> None:
    _, _, second = audited
    previous = second["previous"]
    assert previous["date"] == "2026-06-02" and previous["counts"] == {"major": 0, "minor": 2, "ofi": 0}  # type: ignore[index]
    found = by_code(second)
    [escalated] = found["DC401"]
    assert escalated["statement"] == "clause 7.9.9 is not in the iso9001:2015 catalogue"
    assert escalated["grade"] == "major" and escalated["repeat"] and escalated["escalated"]
    [new] = found["DC402"]
    assert "SOP-099" in str(new["statement"]) and not new["repeat"] and new["grade"] == "major"
    assert second["fixed"] == ["DC401|SOP-008|clause 8.9.9 is not in the iso9001:2015 catalogue"]
    trend = {(t["code"], t["grade"]): (t["new"], t["fixed"], t["still_open"]) for t in second["trend"]}  # type: ignore[attr-defined]
    assert trend == {("DC401", "major"): (0, 0, 1), ("DC402", "major"): (1, 0, 0), ("DC401", "minor"): (0, 1, 0)}
    conclusions = " ".join(second["conclusions"])  # type: ignore[arg-type]
    assert "does not conform: 2 major nonconformities" in conclusions
    assert "Against the audit of 2026-06-02: 1 fixed, 1 new, 1 still open." in conclusions
    assert "Escalated because they were open at the previous audit: F-0" in conclusions


def test_indicators_of_the_example(audited: tuple[Path, dict[str, object], dict[str, object]]) -> None:
    _, _, second = audited
    indicators = second["indicators"]
    assert indicators["documents"] == 21 and indicators["effective"] == 20  # type: ignore[index]
    assert indicators["revisions"] == 3 and indicators["without_change_request"] == []  # type: ignore[index]
    approvals = indicators["approvals_per_approver"]  # type: ignore[index]
    assert approvals["Jane Smith"] > approvals["Tom Baker"] > 0  # type: ignore[index, operator]
    assert indicators["median_days_to_effective"] > 0  # type: ignore[index, operator]
    gaps = [c for c in second["coverage"] if not c["covered_by"]]  # type: ignore[attr-defined]
    assert second["coverage"] and gaps == []


def test_changed_record_is_a_major_finding(
    audited: tuple[Path, dict[str, object], dict[str, object]], tmp_path: Path
) -> None:
    root = copy_of(audited[0], tmp_path)
    record = root / "records/audits/AUDIT-2026-06-02.json"
    assert docctl_run(root, "2026-07-01T12:00:00+00:00", "check").returncode == 1  # DC402 and the draft's clause
    record.write_text(record.read_text().replace('"minor"', '"ofi"'))
    result = docctl_run(root, "2026-07-01T12:00:00+00:00", "check", "--format", "json")
    codes = {f["code"]: f for f in json.loads(result.stdout)["findings"]}
    assert codes["DC501"]["severity"] == "major" and codes["DC501"]["path"] == "records/audits/AUDIT-2026-06-02.json"
    assert codes["DC501"]["message"].startswith(
        "audit record records/audits/AUDIT-2026-06-02.json has changed since it was recorded on 2026-06-02"
    )
    record.unlink()
    result = docctl_run(root, "2026-07-01T12:00:00+00:00", "check", "--format", "json")
    messages = [f["message"] for f in json.loads(result.stdout)["findings"] if f["code"] == "DC501"]
    assert messages == [
        "audit record records/audits/AUDIT-2026-06-02.json was deleted since it was recorded on 2026-06-02 "
        f"(commit {messages[0].split('commit ')[1][:12]}); records are retained unchanged"
    ]


def test_overdue_audit(audited: tuple[Path, dict[str, object], dict[str, object]], tmp_path: Path) -> None:
    root = copy_of(audited[0], tmp_path)
    config = root / "docctl.toml"
    config.write_text(config.read_text() + "\n[audit]\ninterval_months = 1\n")
    on_time = docctl_run(root, "2026-07-01T12:00:00+00:00", "check", "--format", "json")
    assert "DC502" not in on_time.stdout
    late = docctl_run(root, "2026-07-03T12:00:00+00:00", "check", "--format", "json")
    [overdue] = [f for f in json.loads(late.stdout)["findings"] if f["code"] == "DC502"]
    assert overdue["severity"] == "minor" and overdue["path"] == "records/audits"
    assert overdue["message"] == (
        "the last internal audit of document control was recorded on 2026-06-02; the next was due by "
        "2026-07-02 (every 1 months): run 'docctl audit --record'"
    )


def test_never_audited_is_overdue_only_when_configured(example: Path) -> None:
    assert "DC502" not in docctl_run(example, "2027-09-01T12:00:00+00:00", "check").stdout
    config = example / "docctl.toml"
    config.write_text(config.read_text() + "\n[audit]\n")
    out = docctl_run(example, "2027-09-01T12:00:00+00:00", "check").stdout
    assert "DC502 no internal audit of document control is recorded; one was due by" in out


def test_report_forms_read_back(audited: tuple[Path, dict[str, object], dict[str, object]]) -> None:
    root, _, _ = audited
    now = "2026-07-01T12:00:00+00:00"
    for name in ("second.md", "second.html", "second.docx", "second.pdf"):
        result = docctl_run(root, now, "audit", "-o", f"../{name}")
        assert result.returncode == 0, result.stderr
        assert result.stderr.startswith(f"docctl: wrote the audit report to ../{name}: 2 major, 0 minor")
    md = (root.parent / "second.md").read_text()
    for heading in (
        "## 1. Scope",
        "## 2. Criteria",
        "## 3. Method",
        "## 4. Findings",
        "## 5. Trend",
        "## 8. Conclusions",
    ):
        assert heading in md
    assert "### F-01 Major nonconformity: DC401 unknown-clause (repeat finding, escalated from minor)" in md
    assert "- Requirement: ISO 9001:2015 7.5.3.1 Availability and protection of documented information" in md
    html = (root.parent / "second.html").read_text()
    assert html.count("<svg") == 3
    urls = set(re.findall(r"https?://[^\s\"'<>]+", html))  # XML namespace names only: nothing is fetched
    assert urls == {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
    assert 'id="F-01"' in html and "escalated from minor" in html
    word = docx.Document(io.BytesIO((root.parent / "second.docx").read_bytes()))
    text = "\n".join(p.text for p in word.paragraphs)
    assert "F-01 Major nonconformity: DC401 unknown-clause (repeat, escalated from minor)" in text
    assert len(word.inline_shapes) == 3 and len(word.tables) >= 3
    from pypdf import PdfReader

    pdf = "\n".join(page.extract_text() for page in PdfReader(root.parent / "second.pdf").pages)
    assert "F-01 Major nonconformity: DC401 unknown-clause" in pdf and "5. Trend" in pdf and "8. Conclusions" in pdf


def test_same_inputs_same_bytes(audited: tuple[Path, dict[str, object], dict[str, object]]) -> None:
    root, _, _ = audited
    now = "2026-07-01T12:00:00+00:00"
    outputs = []
    for attempt in range(2):
        docctl_run(root, now, "audit", "-o", f"../again{attempt}.html")
        outputs.append((root.parent / f"again{attempt}.html").read_bytes())
    assert outputs[0] == outputs[1]


def test_api_as_of_a_past_date(
    audited: tuple[Path, dict[str, object], dict[str, object]], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, _, _ = audited
    monkeypatch.setenv("DOCCTL_NOW", "2026-07-01T12:00:00+00:00")
    repo = docctl.open(root)
    past = repo.audit(as_of=dt.date(2026, 6, 5))
    assert past.scope.period_end == dt.date(2026, 6, 5)
    assert [f.statement for f in past.findings] == [
        "clause 7.9.9 is not in the iso9001:2015 catalogue",
        "clause 8.9.9 is not in the iso9001:2015 catalogue",
    ]
    assert past.previous is not None and past.previous.date == dt.date(2026, 6, 2)
    with pytest.raises(docctl.LifecycleError, match="only an audit as of today can be recorded"):
        repo.record_audit(past)
    since = repo.audit(since="2026-06-09")
    assert since.scope.period_start == dt.date(2026, 6, 9) and since.method.commits == 2


def test_pack_refuses_the_record_as_output(audited: tuple[Path, dict[str, object], dict[str, object]]) -> None:
    root, _, _ = audited
    now = "2026-07-01T12:00:00+00:00"
    result = docctl_run(root, now, "audit-pack", "--as-of", "2026-06-30", "-o", "sops")
    assert (result.returncode, result.stderr) == (
        2,
        "docctl: error: cannot write sops: the folder is not empty and is not docctl's output; name a new or empty folder\n",
    )
    result = docctl_run(root, now, "audit", "-o", SOP)
    assert (result.returncode, result.stderr) == (
        2,
        f"docctl: error: cannot write {SOP}: it is a controlled document\n",
    )


def test_bad_arguments_are_one_line(example: Path) -> None:
    for args, message in (
        (("audit", "--as-of", "yesterday"), "docctl: error: --as-of must be a date YYYY-MM-DD, not 'yesterday'\n"),
        (
            ("audit", "--since", "no-such-ref"),
            "docctl: error: --since 'no-such-ref' is neither a date YYYY-MM-DD nor a commit of this repository\n",
        ),
        (
            ("audit", "-o", "report.txt"),
            "docctl: error: cannot tell the report format from 'report.txt': use .md, .html, .docx, .pdf or .json\n",
        ),
        (
            ("audit", "-o", "nowhere/report.md"),
            "docctl: error: cannot write nowhere/report.md: the folder nowhere does not exist\n",
        ),
    ):
        result = docctl_run(example, "2026-07-01T12:00:00+00:00", *args)
        assert (result.returncode, result.stderr) == (2, message)


def test_evidence_pack_same_bytes_and_contents(
    audited: tuple[Path, dict[str, object], dict[str, object]], tmp_path: Path
) -> None:
    import zipfile

    root, _, _ = audited
    now = "2026-07-01T12:00:00+00:00"
    first = docctl_run(root, now, "audit-pack", "--as-of", "2026-06-30", "-o", str(tmp_path / "pack1.zip"))
    assert first.returncode == 0, first.stderr
    assert first.stderr.startswith("docctl: wrote the evidence pack of 2026-06-30 to ")
    again = docctl_run(root, now, "audit-pack", "--as-of", "2026-06-30", "-o", str(tmp_path / "pack2.zip"))
    assert again.returncode == 0, again.stderr
    data = (tmp_path / "pack1.zip").read_bytes()
    assert data == (tmp_path / "pack2.zip").read_bytes()
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    copies = sorted(n for n in names if n.startswith("copies/"))
    assert names[:1] == ["copies/FRM-001.html"] and "index.html" in names and "register.html" in names
    assert "matrix-iso9001-2015.html" in names and "register.csv" in names
    assert len(copies) == 21 and "copies/SOP-008.html" in copies  # revision A of SOP-008 is in force (B is a draft)
    archive = zipfile.ZipFile(io.BytesIO(data))
    index = archive.read("index.html").decode()
    assert "Documents in force on 2026-06-30 (21)" in index and 'href="copies/SOP-004.html"' in index
    copy = archive.read("copies/SOP-004.html").decode()
    assert "Controlled copy, valid on 2026-06-30" in copy
    folder = tmp_path / "pack"
    assert docctl_run(root, now, "audit-pack", "--as-of", "2026-06-30", "-o", str(folder)).returncode == 0
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) == sorted(names)
