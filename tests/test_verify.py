"""docctl verify: each copy's stamp read back and judged against the repository's history: current,
superseded, obsolete, not yet effective, altered, not a docctl copy, unreadable."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from publish_helpers import Team, built_qms, copy_of

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture(scope="session")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_qms(tmp_path_factory.mktemp("publish"))


@pytest.fixture
def team(source: Path, tmp_path: Path) -> Team:
    return copy_of(source, tmp_path / "qms")


def export(run_cli: Run, team: Team, doc_id: str, name: str, *args: str) -> Path:
    target = team.path.parent / name
    code, _, err = run_cli("export", doc_id, *args, "-o", str(target), cwd=team.path)
    assert (code, err) == (0, ""), err
    return target


def verify(run_cli: Run, team: Team, *files: Path | str) -> tuple[int, list[str], str]:
    code, out, err = run_cli("verify", *map(str, files), cwd=team.path)
    return code, out.splitlines(), err


@pytest.mark.parametrize("suffix", ["pdf", "docx", "html"])
def test_a_copy_of_the_revision_in_force_is_current(team: Team, run_cli: Run, suffix: str) -> None:
    copy = export(run_cli, team, "SOP-001", f"SOP-001.{suffix}")
    code, lines, err = verify(run_cli, team, copy)
    assert (code, err) == (0, "")
    assert re.fullmatch(rf"{copy}: current, effective since 2026-01-\d\d \(SOP-001 revision A\)", lines[0]), lines


@pytest.mark.parametrize("suffix", ["pdf", "docx", "html"])
def test_a_copy_is_superseded_once_the_next_revision_is_released(team: Team, run_cli: Run, suffix: str) -> None:
    copy = export(run_cli, team, "SOP-001", f"SOP-001.{suffix}")
    team.revise_sop()
    released = next(row for row in team.qms.register().rows if row.id == "SOP-001")
    assert released.revision == "B"
    code, lines, _ = verify(run_cli, team, copy)
    assert code == 1
    assert lines == [f"{copy}: superseded by revision B on {released.effective} (SOP-001 revision A)"]


def test_a_copy_of_a_withdrawn_document_is_obsolete(team: Team, run_cli: Run) -> None:
    copy = export(run_cli, team, "SOP-002", "SOP-002.pdf")
    day = team.now.date()
    with team.acting("jane") as qms:
        qms.obsolete("SOP-002", reason="Merged into SOP-001")
    code, lines, _ = verify(run_cli, team, copy)
    assert (code, lines) == (1, [f"{copy}: obsolete since {day} (SOP-002 revision A)"])


def test_copies_of_drafts_and_scheduled_releases_are_not_yet_effective(team: Team, run_cli: Run) -> None:
    team.revise_sop(release=False)
    draft = export(run_cli, team, "SOP-001", "draft.html", "--rev", "B")
    code, lines, _ = verify(run_cli, team, draft)
    assert (code, lines) == (1, [f"{draft}: not yet effective: revision B has not been released (SOP-001 revision B)"])
    team.release_sop(effective="2026-09-01")
    scheduled = export(run_cli, team, "SOP-001", "scheduled.docx", "--rev", "B")
    code, lines, _ = verify(run_cli, team, scheduled, draft)
    assert code == 1
    assert lines == [
        f"{scheduled}: not yet effective: revision B takes effect on 2026-09-01 (SOP-001 revision B)",
        f"{draft}: not yet effective: revision B takes effect on 2026-09-01 (SOP-001 revision B)",
    ]


# altered ------------------------------------------------------------------------------------------


def test_an_html_copy_whose_text_was_edited_is_altered(team: Team, run_cli: Run) -> None:
    copy = export(run_cli, team, "SOP-001", "SOP-001.html")
    copy.write_text(copy.read_text().replace("Draft the document.", "Skip the draft."))
    code, lines, _ = verify(run_cli, team, copy)
    assert (code, lines) == (
        1,
        [f"{copy}: altered: its text no longer matches the fingerprint it carries (SOP-001 revision A)"],
    )


def test_a_docx_copy_whose_text_was_edited_in_word_is_altered(team: Team, run_cli: Run) -> None:
    copy = export(run_cli, team, "WI-001", "WI-001.docx")
    document = docx.Document(copy)
    document.paragraphs[2].text = "Remove the burrs you can see."
    document.save(copy)
    code, lines, _ = verify(run_cli, team, copy)
    assert (code, lines) == (
        1,
        [f"{copy}: altered: its text no longer matches the fingerprint it carries (WI-001 revision A)"],
    )


def test_a_docx_copy_saved_again_unchanged_stays_current(team: Team, run_cli: Run) -> None:
    copy = export(run_cli, team, "WI-001", "WI-001.docx")
    docx.Document(copy).save(copy)  # python-docx rewrites every part
    assert verify(run_cli, team, copy)[0] == 0


def test_a_pdf_printed_from_an_edited_copy_is_altered(team: Team, run_cli: Run) -> None:
    """Someone edits the HTML copy and prints it to PDF again: the stamp is still there, the text is not."""
    import weasyprint

    html = export(run_cli, team, "SOP-001", "SOP-001.html")
    edited = html.read_text().replace("Release it.", "Release it when you like.")
    forged = team.path.parent / "forged.pdf"
    forged.write_bytes(weasyprint.HTML(string=edited).write_pdf(custom_metadata=True))
    code, lines, _ = verify(run_cli, team, forged)
    assert (code, lines) == (
        1,
        [f"{forged}: altered: its text no longer matches the fingerprint it carries (SOP-001 revision A)"],
    )


def test_a_stamp_edited_to_claim_the_new_revision_is_altered(team: Team, run_cli: Run) -> None:
    copy = export(run_cli, team, "SOP-001", "SOP-001.html")
    team.revise_sop()
    text = copy.read_text()
    copy.write_text(text.replace('name="docctl-revision" content="A"', 'name="docctl-revision" content="B"'))
    code, lines, _ = verify(run_cli, team, copy)
    assert (code, lines) == (
        1,
        [f"{copy}: altered: SOP-001 revision B never had the fingerprint this copy carries"],
    )


def test_a_pdf_whose_stamp_names_an_unknown_document_is_unknown(team: Team, run_cli: Run) -> None:
    from pypdf import PdfReader, PdfWriter

    copy = export(run_cli, team, "SOP-001", "SOP-001.pdf")
    writer = PdfWriter(clone_from=PdfReader(copy))
    writer.add_metadata({"/docctlid": "SOP-404"})
    out = io.BytesIO()
    writer.write(out)
    copy.write_bytes(out.getvalue())
    code, lines, _ = verify(run_cli, team, copy)
    assert (code, lines) == (1, [f"{copy}: unknown: this repository's history has no document SOP-404"])


# foreign and unreadable files ---------------------------------------------------------------------


def test_files_that_are_not_docctl_copies(team: Team, run_cli: Run, tmp_path: Path) -> None:
    import weasyprint

    foreign = {
        "letter.pdf": weasyprint.HTML(string="<p>A letter.</p>").write_pdf(),
        "memo.docx": _docx_bytes("A memo."),
        "page.html": b"<!DOCTYPE html><html><head><title>x</title></head><body><p>Hello</p></body></html>",
        "notes.txt": b"just text\n",
        "sheet.xlsx": _zip({"xl/workbook.xml": b"<workbook/>"}),
    }
    paths = []
    for name, data in foreign.items():
        (tmp_path / name).write_bytes(data)
        paths.append(tmp_path / name)
    code, lines, err = verify(run_cli, team, *paths)
    assert (code, err) == (1, "")
    assert lines == [f"{p}: not a docctl copy" for p in paths]


def test_unreadable_input_exits_2_and_still_judges_the_rest(team: Team, run_cli: Run, tmp_path: Path) -> None:
    good = export(run_cli, team, "SOP-001", "SOP-001.pdf")
    broken_pdf = tmp_path / "broken.pdf"
    broken_pdf.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 20)
    broken_docx = tmp_path / "broken.docx"
    broken_docx.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    code, lines, err = verify(run_cli, team, good, tmp_path / "missing.pdf", tmp_path, broken_pdf, broken_docx)
    assert (code, err) == (2, "")
    assert lines[0].startswith(f"{good}: current")
    assert lines[1] == f"{tmp_path / 'missing.pdf'}: cannot read: no such file"
    assert lines[2] == f"{tmp_path}: cannot read: not a regular file"
    assert lines[3].startswith(f"{broken_pdf}: cannot read: ")
    assert lines[4].startswith(f"{broken_docx}: cannot read: ")


def test_json_report(team: Team, run_cli: Run, tmp_path: Path) -> None:
    copy = export(run_cli, team, "SOP-001", "SOP-001.docx")
    (tmp_path / "notes.txt").write_text("x")
    code, out, _ = run_cli("verify", "--format", "json", str(copy), str(tmp_path / "notes.txt"), cwd=team.path)
    report = json.loads(out)
    assert code == 1
    assert report["counts"] == {"current": 1, "not-a-copy": 1}
    first, second = report["files"]
    assert first["verdict"] == "current" and first["id"] == "SOP-001" and first["revision"] == "A"
    assert first["text_checked"] is True and first["copy_date"] == "2026-06-01"
    assert first["fingerprint"] == team.qms.document("SOP-001").fingerprint
    assert second == {
        "file": str(tmp_path / "notes.txt"),
        "verdict": "not-a-copy",
        "message": "not a docctl copy",
        "id": None,
        "revision": None,
        "fingerprint": None,
        "copy_date": None,
        "commit": None,
        "text_checked": False,
    }


def test_library_verify(team: Team, run_cli: Run) -> None:
    copy = export(run_cli, team, "SOP-001", "SOP-001.html")
    (verdict,) = team.qms.verify([copy])
    assert verdict.current and verdict.stamp is not None and verdict.stamp.revision == "A"


def _docx_bytes(text: str) -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_a_pdf_rebuilt_without_its_destinations_is_judged_with_the_text_unchecked(team: Team, run_cli: Run) -> None:
    from pypdf import PdfReader, PdfWriter

    copy = export(run_cli, team, "SOP-001", "SOP-001.pdf")
    reader, writer = PdfReader(copy), PdfWriter()
    for page in reader.pages:  # pages and metadata only: the named destinations are gone
        writer.add_page(page)
    writer.add_metadata(dict(reader.metadata or {}))
    rebuilt = team.path.parent / "rebuilt.pdf"
    with rebuilt.open("wb") as handle:
        writer.write(handle)
    code, lines, _ = verify(run_cli, team, rebuilt)
    assert code == 0
    assert lines[0].endswith("(SOP-001 revision A) [text not checked: the file does not show where its text is]")


def test_without_git_the_working_copy_is_copied_and_judged(tmp_path: Path, run_cli: Run) -> None:
    from helpers import CONFIG, sop

    root = tmp_path / "plain"
    (root / "sops").mkdir(parents=True)
    (root / "docctl.toml").write_text(CONFIG)
    document = root / "sops/SOP-001.md"
    document.write_text(sop("SOP-001", status="effective", effective="2026-03-01"))
    copy = tmp_path / "SOP-001.html"
    code, out, err = run_cli("export", "SOP-001", "-o", str(copy), cwd=root)
    assert (code, err) == (0, "") and "SOP-001 revision A (effective), valid on 2026-06-01" in out
    assert run_cli("export", "SOP-001", "--rev", "B", "-o", str(copy), cwd=root)[2] == (
        "docctl: error: SOP-001 is at revision A; other revisions need git history\n"
    )
    code, out, _ = run_cli("verify", str(copy), cwd=root)
    assert (code, out) == (0, f"{copy}: current, effective since 2026-03-01 (SOP-001 revision A)\n")
    document.write_text(sop("SOP-001", revision="B", status="effective", effective="2026-05-01", change="New step"))
    code, out, _ = run_cli("verify", str(copy), cwd=root)
    assert (code, out) == (1, f"{copy}: superseded by revision B on 2026-05-01 (SOP-001 revision A)\n")


@pytest.mark.tools
@pytest.mark.slow
def test_a_docx_copy_saved_again_by_libreoffice_stays_current(team: Team, run_cli: Run, tmp_path: Path) -> None:
    """LibreOffice rewrites the package and splits docctl's bookmarks; the copy is still current."""
    import shutil
    import subprocess

    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer-nogui; .ci/run installs it)")
    copies = [export(run_cli, team, "SOP-001", "SOP-001.docx"), export(run_cli, team, "WI-001", "WI-001.docx")]
    out = tmp_path / "resaved"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            "--headless",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(out),
            *map(str, copies),
        ],
        capture_output=True,
        timeout=300,
        check=True,
    )
    resaved = [out / copy.name for copy in copies]
    assert all(path.read_bytes() != copy.read_bytes() for path, copy in zip(resaved, copies, strict=True))
    code, lines, _ = verify(run_cli, team, *resaved)
    assert code == 0, lines
    document = docx.Document(resaved[1])
    document.paragraphs[2].text = "Remove the burrs you can see."
    document.save(resaved[1])
    assert verify(run_cli, team, resaved[1])[1][0].startswith(f"{resaved[1]}: altered: ")


def test_a_pdf_copy_with_bytes_changed_in_its_first_page_is_not_current(team: Team, run_cli: Run) -> None:
    from pypdf import PdfReader

    copy = export(run_cli, team, "SOP-001", "SOP-001.pdf")
    contents = PdfReader(copy).pages[0].raw_get("/Contents")
    number = contents.idnum if hasattr(contents, "idnum") else contents[0].idnum
    data = copy.read_bytes()
    start = data.index(b"stream", data.index(b"\n%d 0 obj" % number)) + len(b"stream\n") + 40
    copy.write_bytes(data[:start] + bytes([data[start] ^ 0xFF]) + data[start + 1 :])
    code, out, err = run_cli("verify", "--format", "json", str(copy), cwd=team.path)
    (verdict,) = json.loads(out)["files"]
    assert verdict["verdict"] in ("altered", "unreadable") and code in (1, 2)
    assert err == ""  # pypdf's complaints are not printed
