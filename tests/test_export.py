"""docctl export: controlled copies as PDF, .docx and HTML, read back as a user's tools read them
(pypdf, python-docx, an HTML parser), on a real git repository released by its people."""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Callable
from pathlib import Path

import docx
import lxml.html
import pytest
from publish_helpers import Team, built_qms, copy_of, png
from pypdf import PdfReader

import docctl
from docctl.core.fingerprints import fingerprint
from docctl.publish import docx as docx_copy
from docctl.publish.pdf import INSTALL

Run = Callable[..., tuple[int, str, str]]
COPY_LINE = "Controlled copy, valid on 2026-06-01; uncontrolled when printed"


@pytest.fixture(scope="session")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_qms(tmp_path_factory.mktemp("publish"))


@pytest.fixture
def team(source: Path, tmp_path: Path) -> Team:
    return copy_of(source, tmp_path / "qms")


def export(run_cli: Run, team: Team, *args: str) -> Path:
    target = team.path.parent / "out" / args[-1]
    target.parent.mkdir(exist_ok=True)
    code, out, err = run_cli("export", *args[:-1], "-o", str(target), cwd=team.path)
    assert (code, err) == (0, ""), err
    assert out.startswith(f"{target}: ")
    return target


def pages(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text)


# PDF ----------------------------------------------------------------------------------------------


def test_pdf_copy_of_the_effective_revision(team: Team, run_cli: Run) -> None:
    target = export(run_cli, team, "SOP-001", "SOP-001.pdf")
    texts = pages(target)
    assert len(texts) >= 2
    for number, text in enumerate(texts, start=1):
        flat = squeeze(text)
        assert "SOP-001 Document Control" in flat  # running header: id and title
        assert "Revision A · effective, effective 2026-01-" in flat  # revision, status, effective date
        assert COPY_LINE in flat
        assert f"Page {number} of {len(texts)}" in flat
        assert not re.search(r"\b(DRAFT|SUPERSEDED|OBSOLETE|NOT YET EFFECTIVE)\b", flat)
    body = squeeze(texts[0])
    assert "Documents are controlled so that the current revision is used where work is done." in body
    assert "1. Draft the document." in body and "• the Process Owner reviews;" in body
    assert "Approve Quality Manager approval in git" in body  # a table row
    assert "docctl export SOP-001 -o SOP-001.pdf" in body  # the code block
    assert "[image: Remote logo]" in body  # a remote image is not fetched
    appendix = squeeze(" ".join(texts[1:]))
    assert "Signatures" in appendix and "Revision history" in appendix
    for name, role in (("Tom Baker", "Process Owner"), ("Jane Smith", "Quality Manager")):
        assert re.search(rf"{name} \S+ {role} approved 2026-01-\d\dT", appendix), appendix
    assert appendix.count("not signed") == 2  # git's verdict on each approval commit
    assert re.search(r"A 2026-01-\d\d Tom Baker \(Process Owner\); Jane Smith \(Quality Manager\)", appendix)
    info = PdfReader(target).metadata
    document = docctl.open(team.path).document("SOP-001")
    assert info is not None
    assert (info["/docctlid"], info["/docctlrevision"], info["/docctlstatus"]) == ("SOP-001", "A", "effective")
    assert info["/docctlfingerprint"] == document.fingerprint
    assert info["/docctlcopydate"] == "2026-06-01"
    assert re.fullmatch(r"[0-9a-f]{40}", str(info["/docctlcommit"]))
    assert str(info["/Keywords"]) == f"SOP-001 revision A {document.fingerprint}"


def test_pdf_copy_of_a_superseded_revision_is_marked_on_every_page(team: Team, run_cli: Run) -> None:
    team.revise_sop()
    target = export(run_cli, team, "SOP-001", "--rev", "A", "SOP-001-A.pdf")
    texts = pages(target)
    assert all("SUPERSEDED" in text for text in texts)
    assert "Revision A · superseded" in squeeze(texts[0])
    # the history of a copy ends at its revision; B's copy shows both, with B's change
    newer = squeeze(" ".join(pages(export(run_cli, team, "SOP-001", "SOP-001-B.pdf"))))
    assert "Added the periodic review step CR-7" in newer and "4. Review it every two years." in newer
    assert not re.search(r"\bSUPERSEDED\b", newer)


@pytest.mark.parametrize(
    ("change", "revision", "watermark"),
    [("draft", "B", "DRAFT"), ("scheduled", "B", "NOT YET EFFECTIVE"), ("obsolete", "A", "OBSOLETE")],
)
def test_watermarks_of_copies_not_in_force(
    team: Team, run_cli: Run, change: str, revision: str, watermark: str
) -> None:
    doc_id = "SOP-002" if change == "obsolete" else "SOP-001"
    if change == "draft":
        team.revise_sop(release=False)
    elif change == "scheduled":
        team.revise_sop(effective="2026-09-01")
    else:
        with team.acting("jane") as qms:
            qms.obsolete("SOP-002", reason="Merged into SOP-001")
    target = export(run_cli, team, doc_id, "--rev", revision, "copy.pdf")
    texts = pages(target)
    assert all(watermark in text for text in texts)
    assert PdfReader(target).metadata["/docctlstatus"] == {"draft": "draft", "scheduled": "not yet effective"}.get(
        change, "obsolete"
    )


def test_as_of_a_date_copies_the_revision_in_force_then(team: Team, run_cli: Run) -> None:
    team.revise_sop()  # B effective from February
    target = export(run_cli, team, "SOP-001", "--as-of", "2026-01-31", "then.pdf")
    text = squeeze(" ".join(pages(target)))
    assert "Controlled copy, valid on 2026-01-31; uncontrolled when printed" in text
    assert "Revision A · effective" in text and "Review it every two years" not in text


def test_pdf_copy_of_a_docx_source_shows_its_text(team: Team, run_cli: Run) -> None:
    text = squeeze(" ".join(pages(export(run_cli, team, "WI-001", "WI-001.pdf"))))
    assert "WI-001 Deburring" in text and "Remove every burr from turned parts before inspection." in text
    assert "Aluminium Brush" in text and "Tom Baker" in text


# HTML ---------------------------------------------------------------------------------------------


def test_html_copy_is_self_contained_and_carries_its_stamp(team: Team, run_cli: Run) -> None:
    target = export(run_cli, team, "SOP-001", "SOP-001.html")
    page = lxml.html.fromstring(target.read_bytes())
    meta = {m.get("name"): m.get("content") for m in page.iter("meta") if m.get("name", "").startswith("docctl-")}
    document = docctl.open(team.path).document("SOP-001")
    assert meta["docctl-id"] == "SOP-001" and meta["docctl-revision"] == "A"
    assert meta["docctl-fingerprint"] == document.fingerprint
    assert meta["docctl-copy-date"] == "2026-06-01" and meta["docctl-status"] == "effective"
    body = page.get_element_by_id("docctl-body")
    assert [h.text_content() for h in body.iter("h1", "h2")] == ["SOP-001 Document Control", "Purpose", "Procedure"]
    assert [c.text_content() for c in body.iter("td")][:3] == ["Draft", "Author", "FRM-001"]
    assert body.find(".//pre/code").text_content().strip() == "docctl export SOP-001 -o SOP-001.pdf"
    images = list(body.iter("img"))
    assert len(images) == 1 and images[0].get("src").startswith("data:image/png;base64,")
    assert "[image: Remote logo]" in body.text_content()
    for element in page.iter():  # nothing is loaded from anywhere: no script, no remote source
        assert element.tag != "script"
        assert not str(element.get("src", "")).startswith(("http:", "https:", "//"))
    assert COPY_LINE in page.text_content()
    rows = [
        [c.text_content().strip() for c in r.iter("td")] for r in page.get_element_by_id("docctl-signatures").iter("tr")
    ]
    assert ["Tom Bakertom.baker@acme.example", "Process Owner", "approved"] in [row[:3] for row in rows]


def test_html_escapes_what_documents_say(team: Team, run_cli: Run) -> None:
    path = team.path / "sops/SOP-001.md"
    with team.acting("sam") as qms:
        qms.revise("SOP-001", change="<script>alert(1)</script> & more")
    path.write_text(path.read_text() + '\n<script>alert("x")</script>\n\n<img src="https://evil.example/x.png">\n')
    team.commit("sam", "raw HTML in the body")
    target = export(run_cli, team, "SOP-001", "--rev", "B", "B.html")
    page = lxml.html.fromstring(target.read_bytes())
    assert not list(page.iter("script")) and all(not i.get("src", "").startswith("http") for i in page.iter("img"))
    assert '<script>alert("x")</script>' in page.get_element_by_id("docctl-body").text_content()


# .docx --------------------------------------------------------------------------------------------


def test_docx_copy_of_a_docx_source_keeps_its_content(team: Team, run_cli: Run) -> None:
    source = docx.Document(team.path / "wi/WI-001.docx")
    target = export(run_cli, team, "WI-001", "WI-001.docx")
    made = docx.Document(target)
    original = [p.text for p in source.paragraphs]
    assert [p.text for p in made.paragraphs][: len(original)] == original
    assert made.tables[0].cell(1, 0).text == "Aluminium"
    header = [p.text for p in made.sections[0].header.paragraphs]
    assert header == [
        "WI-001 Deburring",
        "Revision A · effective, effective 2026-01-" + header[1][-2:],
        "ACME Precision Parts - Work instruction",
    ]
    footer = made.sections[0].footer.paragraphs
    assert footer[0].text.startswith(COPY_LINE + "\tPage ")
    fields = footer[0]._p.xpath(".//w:instrText/text()")
    assert [f.strip() for f in fields] == ["PAGE", "NUMPAGES"]
    assert footer[-1].text == "Keep at the deburring bench"
    appendix = [[c.text for c in row.cells] for table in made.tables[1:] for row in table.rows]
    assert any(row[:3] == ["Tom Baker <tom.baker@acme.example>", "Process Owner", "approved"] for row in appendix)
    assert any(row[0] == "A" and "Tom Baker (Process Owner)" in row[4] for row in appendix)
    properties = docx_copy.read_custom_properties(target.read_bytes())
    # python-docx sees the custom properties part too (as Word's File > Properties > Custom does)
    package = made.part.package
    (custom,) = [r.target_part for r in package.rels.values() if r.reltype.endswith("/custom-properties")]
    assert b'name="docctl-id"><vt:lpwstr>WI-001</vt:lpwstr>' in custom.blob
    document = docctl.open(team.path).document("WI-001")
    assert properties["docctl-id"] == "WI-001" and properties["docctl-fingerprint"] == document.fingerprint
    # without docctl's additions the copy's text is the source's: the fingerprint recipe gives it back
    text = docx_copy.body_text(target.read_bytes())
    recomputed = fingerprint(
        id=document.id,
        title=document.title,
        type=document.type,
        revision=document.revision,
        clauses=document.clauses,
        references=document.references,
        supersedes=document.supersedes,
        body=text,
    )
    assert recomputed == document.fingerprint


def test_docx_copy_of_a_markdown_source(team: Team, run_cli: Run) -> None:
    team.revise_sop(release=False)
    target = export(run_cli, team, "SOP-001", "--rev", "B", "SOP-001-B.docx")
    made = docx.Document(target)
    styled = [(p.style.name, p.text) for p in made.paragraphs if p.text]
    assert ("Heading 1", "SOP-001 Document Control") in styled and ("Heading 2", "Procedure") in styled
    assert ("List Paragraph", "4.\tReview it every two years.") in styled
    assert ("List Paragraph", "•\tthe Process Owner reviews;") in styled
    assert [c.text for c in made.tables[0].rows[1].cells] == ["Draft", "Author", "FRM-001"]
    assert len(made.inline_shapes) == 1  # the image relative to the document
    header_xml = made.sections[0].header._element.xml
    assert 'string="DRAFT"' in header_xml  # the watermark
    properties = docx_copy.read_custom_properties(target.read_bytes())
    assert (properties["docctl-revision"], properties["docctl-status"]) == ("B", "draft")


# refusals -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("output", "message"),
    [
        ("sops/SOP-001.md", "cannot write sops/SOP-001.md: it is a controlled document"),
        (
            "wi/WI-001.docx.yml",
            "cannot write wi/WI-001.docx.yml: it is the metadata sidecar of the controlled document wi/WI-001.docx",
        ),
        ("docctl.toml", "cannot write docctl.toml: it is docctl's configuration (docctl.toml)"),
        ("sops", "cannot write sops: it is a folder; name a file"),
        ("missing/copy.pdf", "cannot write missing/copy.pdf: the folder missing does not exist"),
        (
            "link.pdf",
            "cannot write link.pdf: it is a symbolic link, not a regular file; docctl replaces only regular files",
        ),
    ],
)
def test_output_never_replaces_the_repository_s_documents(team: Team, run_cli: Run, output: str, message: str) -> None:
    (team.path / "link.pdf").symlink_to(team.path / "sops/SOP-001.md")
    before = {p: p.read_bytes() for p in team.path.rglob("*") if p.is_file() and ".git" not in p.parts}
    code, out, err = run_cli("export", "SOP-001", "--format", "pdf", "-o", output, cwd=team.path)
    assert (code, out, err) == (2, "", f"docctl: error: {message}\n")
    assert {p: p.read_bytes() for p in team.path.rglob("*") if p.is_file() and ".git" not in p.parts} == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["SOP-001", "--format", "html", "-o", "/proc/x.html"],
            "-o /proc/x.html: cannot write it: No such file or directory",
        ),
        (["SOP-099", "-o", "x.pdf"], "no document with id 'SOP-099'"),
        (["SOP-001", "--rev", "Z", "-o", "x.pdf"], "SOP-001 has no revision 'Z' in its history (known: A)"),
        (["SOP-001", "-o", "x.txt"], "cannot tell the format from 'x.txt': use --format pdf, docx or html"),
        (["SOP-001", "--as-of", "2020-01-01", "-o", "x.pdf"], "the repository has no commit on or before 2020-01-01"),
    ],
)
def test_bad_requests_are_one_line_and_exit_2(team: Team, run_cli: Run, args: list[str], message: str) -> None:
    code, out, err = run_cli("export", *args, cwd=team.path)
    assert (code, out, err) == (2, "", f"docctl: error: {message}\n")
    assert not (team.path / "x.pdf").exists()


def test_rev_and_as_of_exclude_each_other(team: Team, run_cli: Run) -> None:
    code, _, err = run_cli("export", "SOP-001", "--rev", "A", "--as-of", "2026-02-01", "-o", "x.pdf", cwd=team.path)
    assert code == 2 and "not allowed with argument" in err


def test_a_missing_pdf_engine_is_one_line_naming_what_to_install(
    team: Team, run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    code, out, err = run_cli("export", "SOP-001", "-o", "copy.pdf", cwd=team.path)
    assert (code, out, err) == (2, "", f"docctl: error: {INSTALL}\n")
    assert not (team.path / "copy.pdf").exists()
    assert export(run_cli, team, "SOP-001", "copy.html").is_file()  # HTML and .docx need no engine


def test_images_outside_the_repository_are_not_embedded(team: Team, run_cli: Run) -> None:
    (team.path.parent / "secret.png").write_bytes(png(rgb=(255, 0, 0)))
    path = team.path / "sops/SOP-001.md"
    with team.acting("sam") as qms:
        qms.revise("SOP-001", change="Linked an image outside the repository")
    path.write_text(path.read_text() + "\n![secret](../../secret.png)\n\n![missing](images/none.png)\n")
    team.commit("sam", "images")
    page = lxml.html.fromstring(export(run_cli, team, "SOP-001", "--rev", "B", "B.html").read_bytes())
    body = page.get_element_by_id("docctl-body").text_content()
    assert "[image: secret]" in body and "[image: missing]" in body
    assert len(list(page.get_element_by_id("docctl-body").iter("img"))) == 1


def test_library_export_returns_the_copy_without_writing(team: Team) -> None:
    made = docctl.open(team.path).export("SOP-001", format="html")
    assert made.path is None and made.format == "html" and made.data.startswith(b"<!DOCTYPE html>")
    assert made.summary == "SOP-001 revision A (effective), valid on 2026-06-01"
    assert io.BytesIO(made.data).read(15) == b"<!DOCTYPE html>"


@pytest.mark.tools
def test_an_html_copy_printed_from_chromium_keeps_header_footer_and_watermark(
    team: Team, run_cli: Run, tmp_path: Path
) -> None:
    """The HTML copy printed by a real browser (its @page rules), with every request refused."""
    import shutil
    import subprocess

    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.skip("chromium is not installed (apt-get install chromium; .ci/run installs it)")
    team.revise_sop()
    html = export(run_cli, team, "SOP-001", "--rev", "A", "SOP-001-A.html")
    printed = tmp_path / "printed.pdf"
    subprocess.run(
        [
            executable,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--proxy-server=127.0.0.1:9",  # nothing may leave the machine: every request would fail
            f"--user-data-dir={tmp_path / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={printed}",
            html.as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )
    texts = [squeeze(t) for t in pages(printed)]
    assert len(texts) >= 2
    for number, text in enumerate(texts, start=1):
        assert "SOP-001 Document Control" in text and "Revision A · superseded" in text
        assert COPY_LINE in text and f"Page {number} of {len(texts)}" in text
        assert "SUPERSEDED" in text
    assert "Documents are controlled so that the current revision is used where work is done." in texts[0]
    # a browser's PDF carries no stamp: only docctl's own PDF is a controlled copy
    code, out, _ = run_cli("verify", str(printed), cwd=team.path)
    assert (code, out) == (1, f"{printed}: not a docctl copy\n")


def test_uncommitted_changes_are_not_in_the_copy_and_a_notice_says_so(team: Team, run_cli: Run) -> None:
    path = team.path / "sops/SOP-001.md"
    path.write_text(path.read_text().replace("Release it.", "Release it whenever."))
    target = team.path.parent / "copy.html"
    code, out, err = run_cli("export", "SOP-001", "-o", str(target), cwd=team.path)
    assert code == 0 and out.startswith(f"{target}: HTML copy of SOP-001 revision A (effective)")
    assert re.fullmatch(
        r"docctl: SOP-001 has changes that are not committed; the copy shows revision A as commit [0-9a-f]{12} recorded it\n",
        err,
    )
    body = lxml.html.fromstring(target.read_bytes()).get_element_by_id("docctl-body").text_content()
    assert "Release it." in body and "whenever" not in body
