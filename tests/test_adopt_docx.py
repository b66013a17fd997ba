"""docctl adopt on .docx files written by LibreOffice, pandoc and python-docx: values from the
Title/Heading 1 paragraph, core properties, control tables (body and page header) and file names
with spaces and non-ASCII letters; the .docx is never changed, the sidecar holds the metadata."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import CONFIG, GitRepo

import docctl

Run = Callable[..., tuple[int, str, str]]
FIXTURES = Path(__file__).parent / "fixtures" / "adopt"
CONFIG_ADOPT = CONFIG + '\n[adopt]\nrole = "Quality Manager"\n'

NAMES = {
    "libreoffice-html.docx": "SOPs/SOP-014 Prüfmittelüberwachung Rev B.docx",
    "pandoc.docx": "WIs/WI-003 Calibration of Gauges.docx",
    "libreoffice-odt.docx": "Forms/Supplier evaluation form.docx",
}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def office_files(tmp_path: Path) -> GitRepo:
    """The three .docx written by LibreOffice and pandoc, under the names another company gave them."""
    repo = GitRepo(tmp_path / "qms", CONFIG_ADOPT)
    for fixture, name in NAMES.items():
        target = repo.path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(FIXTURES / fixture, target)
    repo.commit("documents as they came")
    return repo


def test_plan_of_libreoffice_and_pandoc_files(office_files: GitRepo) -> None:
    rows = {row.path: row for row in docctl.open(office_files.path).adopt(dry_run=True).plan.adopted}
    sop = rows["SOPs/SOP-014 Prüfmittelüberwachung Rev B.docx"]
    assert {name: (found.value, found.source) for name, found in sop.values.items()} == {
        "id": ("SOP-014", "control table (body, table 1)"),
        "title": ("Prüfmittelüberwachung", "Title/Heading 1 paragraph"),
        "revision": ("B", "control table (body, table 1)"),
        "type": ("SOP", "the id SOP-014"),
        "owner": ("tom.baker@acme.example", "control table (body, table 1)"),
        "status": ("draft", "adopted as draft"),
        "change": (
            "Brought under docctl control at revision B; earlier revisions are recorded outside docctl "
            "(paper records before adoption)",
            "adoption (revision after the first)",
        ),
    }
    assert sop.metadata_path == "SOPs/SOP-014 Prüfmittelüberwachung Rev B.docx.yml" and sop.notes == ()
    wi = rows["WIs/WI-003 Calibration of Gauges.docx"]
    assert (wi.value("id"), wi.values["id"].source) == ("WI-003", "body paragraph 'Document ID: WI-003'")
    assert (wi.value("title"), wi.value("revision"), wi.value("owner")) == (
        "Calibration of Gauges",
        "A",
        "tom.baker@acme.example",
    )
    form = rows["Forms/Supplier evaluation form.docx"]
    assert (form.value("id"), form.value("revision"), form.value("owner")) == (
        "FRM-007",
        "A",
        "jane.smith@acme.example",
    )
    assert form.values["owner"].source == "control table (body, table 1)"


def test_adopted_docx_files_are_not_changed_and_check_is_clean(office_files: GitRepo, run_cli: Run) -> None:
    before = {name: digest(office_files.path / name) for name in NAMES.values()}
    code, out, _ = run_cli("--root", str(office_files.path), "adopt", "--effective", "--legacy-record", "binder 3")
    assert code == 0, out
    assert {name: digest(office_files.path / name) for name in NAMES.values()} == before
    sidecar = (office_files.path / "SOPs/SOP-014 Prüfmittelüberwachung Rev B.docx.yml").read_text()
    assert sidecar.startswith(
        'id: SOP-014\ntitle: "Prüfmittelüberwachung"\ntype: SOP\nrevision: B\nstatus: effective\n'
        "owner: tom.baker@acme.example\neffective: 2024-03-01\nreview_due: 2026-03-01\n"
    )
    assert "legacy_approval: binder 3\napprovals:\n  - name: Jane Smith\n" in sidecar
    assert office_files.status() == ""
    code, out, _ = run_cli("--root", str(office_files.path), "check", "--format", "json")
    findings = json.loads(out)["findings"]
    # the periodic reviews fell due before adoption (now is 2026-06-01): 2026-03-01, and 2023-05-01 + 36 months
    assert {(f["code"], f["document"]) for f in findings} == {("DC307", "SOP-014"), ("DC307", "FRM-007")}
    code, out, _ = run_cli("--root", str(office_files.path), "adopt")
    assert code == 0 and out.splitlines()[-1] == "nothing to adopt: 3 files are controlled already"


def test_untracked_docx_files_are_committed_with_their_sidecars(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "qms", CONFIG_ADOPT)
    repo.commit("docctl.toml")
    name = NAMES["pandoc.docx"]
    (repo.path / "WIs").mkdir()
    shutil.copyfile(FIXTURES / "pandoc.docx", repo.path / name)
    docctl.open(repo.path).adopt()
    assert repo.git("-c", "core.quotePath=false", "show", "--name-status", "--format=", "HEAD").splitlines() == [
        f"A\t{name}",
        f"A\t{name}.yml",
    ]


def _python_docx(*, title: str, header_rows: list[list[str]], body_rows: list[list[str]], status: str = "") -> bytes:
    """A .docx as python-docx writes it: a Title paragraph, a control table in the page header or body."""
    import docx

    document = docx.Document()
    document.core_properties.content_status = status
    if header_rows:
        header = document.sections[0].header
        table = header.add_table(rows=len(header_rows), cols=len(header_rows[0]), width=docx.shared.Inches(6))
        for r, row in enumerate(header_rows):
            for c, text in enumerate(row):
                table.cell(r, c).text = text
    document.add_paragraph(title, style="Title")
    if body_rows:
        table = document.add_table(rows=len(body_rows), cols=len(body_rows[0]))
        for r, row in enumerate(body_rows):
            for c, text in enumerate(row):
                table.cell(r, c).text = text
    document.add_paragraph("1 Purpose", style="Heading 1")
    document.add_paragraph("Work is done as described.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_python_docx_files_with_header_tables_merged_cells_and_core_properties(repo: GitRepo) -> None:
    header = _python_docx(
        title="Cleaning of Clean Rooms", header_rows=[["Doc. No.", "WI-011", "Rev.", "C"]], body_rows=[]
    )
    repo.write("Arbeitsanweisungen/Reinraumreinigung – Übersicht.docx", header)
    merged = _python_docx(
        title="Handling of Customer Property",
        header_rows=[],
        body_rows=[["Document ID", "SOP-031"], ["Revision", "B"]],
        status="Final",
    )
    repo.write("SOPs/customer property.docx", merged)
    import docx

    # merge the two cells of a third row: python-docx then gives its text once per grid column
    document = docx.Document(io.BytesIO(merged))
    table = document.tables[0]
    row = table.add_row()
    row.cells[0].merge(row.cells[1]).text = "Owner"
    out = io.BytesIO()
    document.save(out)
    repo.write("SOPs/customer property.docx", out.getvalue())
    rows = {row.path: row for row in docctl.open(repo.path).adopt(dry_run=True).plan.adopted}
    wi = rows["Arbeitsanweisungen/Reinraumreinigung – Übersicht.docx"]
    assert (wi.value("id"), wi.value("revision"), wi.value("title")) == ("WI-011", "C", "Cleaning of Clean Rooms")
    assert wi.values["id"].source == "control table (page header, table 1)"
    sop = rows["SOPs/customer property.docx"]
    assert (sop.value("id"), sop.value("revision")) == ("SOP-031", "B")
    assert sop.notes == (
        "core property 'content_status' is 'Final', not status 'draft': check reports DC106 until the next "
        "lifecycle step sets it (the .docx is not changed now)",
    )
    docctl.open(repo.path).adopt()
    findings = [(f.code, f.path) for f in docctl.open(repo.path).check().findings]
    assert findings == [("DC106", "SOPs/customer property.docx")]


def test_a_corrupt_docx_is_refused_with_the_reason(repo: GitRepo) -> None:
    repo.write("SOPs/SOP-001 Broken.docx", b"PK\x03\x04 not really a zip")
    repo.write("SOPs/SOP-002 Old format.docx", b"\xd0\xcf\x11\xe0" + b"\0" * 600)
    plan = docctl.open(repo.path).adopt(dry_run=True).plan
    assert {row.path: row.reason for row in plan.refused} == {
        "SOPs/SOP-001 Broken.docx": "cannot be read: corrupt .docx file (truncated or damaged zip archive)",
        "SOPs/SOP-002 Old format.docx": "cannot be read: encrypted or legacy .doc file; save it as .docx",
    }


# --- LibreOffice and pandoc, run now --------------------------------------------------------------


def _soffice(source: Path, out: Path, profile: Path, *options: str) -> Path:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    command = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", *options]
    command += ["--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), str(source)]
    subprocess.run(command, check=True, capture_output=True, timeout=300)
    return out / (source.stem + ".docx")


@pytest.mark.tools
@pytest.mark.slow
def test_live_libreoffice_and_pandoc_documents_are_adopted(tmp_path: Path, run_cli: Run) -> None:
    pandoc = shutil.which("pandoc")
    if pandoc is None:
        pytest.skip("pandoc is not installed")
    work = tmp_path / "work"
    work.mkdir()
    (work / "page.html").write_text(
        "<html><head><meta charset='utf-8'><title>Lenkung von Dokumenten</title></head><body>"
        "<h1>Lenkung von Dokumenten</h1><p>Dokument-Nr.: SOP-002<br>Revision: D</p>"
        "<h2>Zweck</h2><p>Dokumente werden vor der Freigabe geprüft.</p></body></html>",
        encoding="utf-8",
    )
    made = _soffice(work / "page.html", work / "out", work / "profile", "--infilter=HTML (StarWriter)")
    (work / "wi.md").write_text(
        "---\ntitle: Deburring\n---\n\n| Doc No | WI-008 |\n|---|---|\n| Rev | B |\n\n# Steps\n\nDeburr.\n"
    )
    subprocess.run([pandoc, "-o", str(work / "wi.docx"), "--", str(work / "wi.md")], check=True, timeout=120)
    repo = GitRepo(tmp_path / "qms", CONFIG_ADOPT)
    (repo.path / "Verfahren").mkdir()
    shutil.copyfile(made, repo.path / "Verfahren" / "Lenkung von Dokumenten Rev D.docx")
    shutil.copyfile(work / "wi.docx", repo.path / "Verfahren" / "Entgraten.docx")
    repo.commit("as they came")
    code, out, _ = run_cli("--root", str(repo.path), "adopt", "--dry-run", "--type", "SOP", "--format", "json")
    rows = {row["path"]: row for row in json.loads(out)["rows"]}
    lenkung = rows["Verfahren/Lenkung von Dokumenten Rev D.docx"]
    assert (lenkung["id"], lenkung["revision"], lenkung["title"]) == ("SOP-002", "D", "Lenkung von Dokumenten")
    entgraten = rows["Verfahren/Entgraten.docx"]
    assert (entgraten["id"], entgraten["revision"], entgraten["title"]) == ("WI-008", "B", "Deburring")
    code, _, _ = run_cli("--root", str(repo.path), "adopt", "--type", "SOP")
    assert code == 0
    code, out, _ = run_cli("--root", str(repo.path), "check", "--format", "json")
    assert (code, json.loads(out)["findings"]) == (0, [])
