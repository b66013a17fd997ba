"""docctl site: the static portal of the documents in force, built on a real repository made through
the lifecycle (tests/site_helpers.py), read back as files: which pages exist, what they show, that
every link resolves inside the folder, that nothing leads outside it, and that a rebuild writes
only what changed. The portal in a browser is tests/test_site_browser.py."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
import subprocess
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import docx
import pytest
from helpers import CONFIG, PEOPLE, environment, sop
from site_helpers import DRAFT_WORD, IN_FORCE_WORD, PNG, broken_links, build_portal_repository, links_of

import docctl
from docctl.publish.site import SiteReport

Run = Callable[..., tuple[int, str, str]]
ROOT = Path(__file__).resolve().parent.parent
NOW = "2026-06-01T12:00:00+00:00"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The portal repository, built once for the module in an isolated git environment."""
    home = tmp_path_factory.mktemp("site-home")
    (home / ".gitconfig").write_text("[init]\n\tdefaultBranch = main\n")
    path = tmp_path_factory.mktemp("site-repo") / "qms"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(home))
        patch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
        patch.setenv("GIT_CONFIG_NOSYSTEM", "1")
        patch.setenv("DOCCTL_NOW", NOW)
        build_portal_repository(path)
    return path


@pytest.fixture
def qms(built: Path, tmp_path: Path) -> Path:
    """A copy of the portal repository that a test may change."""
    target = tmp_path / "qms"
    shutil.copytree(built, target, symlinks=True)
    return target


@pytest.fixture(scope="module")
def portal(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The portal of the repository, written once for the tests that only read it."""
    out = tmp_path_factory.mktemp("portal") / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DOCCTL_NOW", NOW)
        patch.setenv("GIT_CONFIG_NOSYSTEM", "1")
        docctl.open(built).site(out)
    return out


def page(folder: Path, rel: str) -> str:
    return (folder / rel).read_text(encoding="utf-8")


def text_of(folder: Path, rel: str) -> str:
    return " ".join(" ".join(links_of(folder / rel).text).split())


def stamps(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file of the folder with its inode and modification time (a rewrite changes them)."""
    return {
        p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


# what the portal holds ------------------------------------------------------------------------------------------


def test_the_portal_holds_the_documents_in_force_and_an_archive(built: Path, tmp_path: Path, run_cli: Run) -> None:
    out = tmp_path / "site"
    code, stdout, stderr = run_cli("--root", str(built), "site", "-o", str(out))
    assert (code, stderr) == (0, "")
    assert stdout == (
        "3 documents in force, 2 in the archive: 12 pages written, 0 unchanged (5 of 5 other files written)\n"
        f"open {out / 'index.html'}\n"
    )
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    image = "files/" + hashlib.sha256(PNG).hexdigest()[:20] + ".png"
    assert files == sorted(
        [
            ".docctl-site.json",
            "archive.html",
            "archive/SOP-002.html",
            "archive/WI-001.html",
            "assets/docctl.css",
            "assets/search.js",
            "clauses.html",
            "documents/FRM-001.html",
            "documents/SOP-001.html",
            "documents/SOP-003.html",
            image,
            "files/FRM-001-A.docx",
            "index.html",
            "matrix.html",
            "owners.html",
            "register.html",
            "search-index.js",
            "search.html",
        ]
    )
    # the copies are the committed files, byte for byte
    assert (out / image).read_bytes() == PNG
    assert (out / "files/FRM-001-A.docx").read_bytes() == (built / "forms/FRM-001-inspection-record.docx").read_bytes()


def test_listings_by_type_owner_and_clause_show_only_documents_in_force(portal: Path) -> None:
    index = text_of(portal, "index.html")
    assert "Documents in force" in index and "In force on 2026-06-01" in index
    assert "FRM — Form (1)" in index and "SOP — Standard Operating Procedure (2)" in index
    assert "SOP-001 Document Control B effective 2026-01-26 Tom Baker 2028-01-26" in index
    for retired in ("SOP-002", "WI-001", "SOP-004"):
        assert retired not in index
    owners = text_of(portal, "owners.html")
    assert "Jane Smith <jane.smith@acme.example> (1)" in owners and "Tom Baker <tom.baker@acme.example> (2)" in owners
    clauses = page(portal, "clauses.html")
    assert re.search(r'<h2 id="iso9001-2015-7-5-3">7\.5\.3 [^<]+<small', clauses)
    section = clauses.split('id="iso9001-2015-7-5-3"')[1].split("<h2")[0]
    assert re.findall(r'href="(documents/[^"]+)"', section) == ["documents/SOP-001.html", "documents/SOP-003.html"]


def test_the_archive_is_marked_and_holds_the_superseded_and_obsolete(portal: Path) -> None:
    archive = text_of(portal, "archive.html")
    assert "not for use" in archive
    assert (
        "Superseded (1) ID Title Revision Status Effective Superseded by SOP-002 Control of Records A superseded"
        in archive
    )
    assert "Obsolete (1)" in archive and "WI-001 Deburring A obsolete" in archive
    superseded = page(portal, "archive/SOP-002.html")
    assert '<body class="site document archived">' in superseded
    assert "SUPERSEDED by SOP-003 since 2026-02-02: not for use." in superseded
    assert '<dt>Superseded by</dt><dd><a href="../documents/SOP-003.html">SOP-003</a></dd>' in superseded
    assert "OBSOLETE since 2026-02-03: withdrawn, not for use." in page(portal, "archive/WI-001.html")


def test_a_document_page_shows_the_revision_in_force_not_the_draft(portal: Path, built: Path) -> None:
    html = page(portal, "documents/SOP-001.html")
    text = text_of(portal, "documents/SOP-001.html")
    assert '<meta name="docctl-revision" content="B">' in html
    repo = docctl.open(built)
    [revision_b] = [r for r in repo.history("SOP-001") if r.revision == "B"]
    assert f'<meta name="docctl-fingerprint" content="{revision_b.fingerprint}">' in html
    assert IN_FORCE_WORD in text and DRAFT_WORD not in text
    assert "Revision C (draft) is in progress and not yet in force" in text
    assert "Change Added the retention of records (CR-7)" in text
    # clauses lead to the clause index
    assert '<a href="../clauses.html#iso9001-2015-7-5-3" title="Control of documented information">7.5.3</a>' in html


def test_markdown_is_rendered_and_nothing_in_it_leaves_the_portal(portal: Path) -> None:
    html = page(portal, "documents/SOP-001.html")
    content = html.split('<div class="content md">')[1].split("</div>")[0]
    assert '<h2 id="purpose">Purpose</h2>' in content
    # a link to a document's file leads to its page (in the archive), fragment kept
    assert '<a href="../archive/SOP-002.html#purpose">the records procedure</a>' in content
    # a link to a file the portal does not have is text
    assert '<span class="unlinked" title="guide/notes.pdf is not in the portal">guide</span>' in content
    image = hashlib.sha256(PNG).hexdigest()[:20]
    assert f'<img src="../files/{image}.png" alt="Document flow" />' in content
    assert "[external image, not loaded: Logo from a server]" in content and "cdn.example.com" not in html
    assert "&lt;script&gt;alert(&quot;raw HTML is shown as text&quot;)&lt;/script&gt;" in content
    assert "<table>" in content and "<td>Quality Manager</td>" in content
    assert html.count("<script") == 0


def test_signatures_history_with_diffs_and_references(portal: Path, built: Path) -> None:
    html = page(portal, "documents/SOP-001.html")
    signatures = html.split('<h2 id="signatures">')[1].split('<h2 id="history">')[0]
    rows = re.findall(r"<tr><td>([^<]+)<br><small>([^<]+)</small></td><td>([^<]+)</td><td>([^<]+)</td>", signatures)
    assert rows == [
        ("Tom Baker", "tom.baker@acme.example", "Process Owner", "approved"),
        ("Jane Smith", "jane.smith@acme.example", "Quality Manager", "approved"),
    ]
    assert signatures.count("<br>valid</td>") == 2 and "NOT VALID" not in signatures
    assert signatures.count("by the approver") == 2 and "not signed" in signatures
    history = " ".join(" ".join(html.split('<h2 id="history">')[1].split('<h2 id="references">')[0].split()).split())
    assert re.search(
        r">A</td><td><span class=\"badge s-superseded\">replaced by B</span></td><td class=\"date\">2026-01-09 to 2026-01-26</td><td>First issue</td>",
        history,
    )
    assert '>C</td><td><span class="badge s-draft">draft</span>' in history
    diff = html.split("<summary>Changes from revision A to revision B</summary>")[1].split("</pre>")[0]
    assert '<span class="del">-revision: A</span><span class="add">+revision: B</span>' in diff
    assert (
        f'<span class="add">+Each {IN_FORCE_WORD} record is kept ten years after the document is withdrawn.</span>'
        in diff
    )
    references = html.split('<h2 id="references">')[1]
    out, into = references.split("Documents that refer to this one")
    # the references out of revision B, on show; the draft of C at HEAD also links to SOP-004
    assert [e.target for e in docctl.open(built).xref("SOP-001").outgoing] == ["SOP-002", "SOP-004"]
    assert re.findall(r'<a href="([^"]+)">([^<]+)</a>', out) == [("../archive/SOP-002.html", "SOP-002")]
    assert "SOP-004" not in out
    assert "(superseded, in the archive)" in out and "listed in its references, a link" in out
    assert re.findall(r'<a href="([^"]+)">([^<]+)</a>', into) == [
        ("../archive/SOP-002.html", "SOP-002"),
        ("../documents/SOP-003.html", "SOP-003"),
    ]


def test_a_docx_document_shows_its_paragraphs_and_offers_the_file(portal: Path, built: Path) -> None:
    html = page(portal, "documents/FRM-001.html")
    source = docx.Document(str(built / "forms/FRM-001-inspection-record.docx"))
    paragraphs = [p.text for p in source.paragraphs if p.text.strip()]
    assert len(paragraphs) > 3
    content = html.split('<div class="content docx">')[1].split("</div>")[0]
    assert re.findall(r"<p>([^<]*)</p>", content) == paragraphs
    assert '<a href="../files/FRM-001-A.docx" download>download the .docx</a>' in html


def test_every_link_resolves_inside_the_folder_and_nothing_is_fetched_from_outside(portal: Path) -> None:
    assert broken_links(portal) == []
    for path in sorted(portal.rglob("*")):
        if path.suffix not in (".html", ".js", ".css"):
            continue
        text = path.read_text(encoding="utf-8")
        assert "@import" not in text and "url(" not in text, path
        for where, url in links_of(path).urls if path.suffix == ".html" else []:
            assert not re.match(r"(?i)^(https?:)?//", url), f"{path}: {where}={url}"
        # an http(s) address may only be document text: the search index (words) never holds one
        if path.name != "search-index.js":
            assert not re.search(r"(?i)(src|href|action)\s*=\s*[\"']?\s*(https?:)?//", text), path
    searchable = json.loads(page(portal, "search-index.js").split("= ", 1)[1].rstrip(";\n"))
    assert [e["id"] for e in searchable] == ["FRM-001", "SOP-001", "SOP-002", "SOP-003", "WI-001"]
    sop_001 = next(e for e in searchable if e["id"] == "SOP-001")
    assert IN_FORCE_WORD in sop_001["words"].split() and DRAFT_WORD not in sop_001["words"].split()
    assert sop_001["href"] == "documents/SOP-001.html" and sop_001["archived"] is False


def test_the_register_and_matrix_pages_link_to_the_documents(portal: Path) -> None:
    register = page(portal, "register.html")
    assert '<link rel="stylesheet" href="assets/docctl.css">' in register and "<style>\n@media print" in register
    ids = re.findall(r'<tr class="st-\w+" data-status="\w+" data-type="\w+"><td class="nowrap">(.*?)</td>', register)
    assert ids == [
        '<a href="documents/FRM-001.html">FRM-001</a>',
        '<a href="documents/SOP-001.html">SOP-001</a>',
        '<a href="archive/SOP-002.html">SOP-002</a>',
        '<a href="documents/SOP-003.html">SOP-003</a>',
        "SOP-004",  # never released: not in the portal
        '<a href="archive/WI-001.html">WI-001</a>',
    ]
    matrix = page(portal, "matrix.html")
    row = re.search(r'<tr class="[^"]*"><td class="clause">7\.5\.3</td>.*?</tr>', matrix, re.S)
    assert row is not None
    assert re.findall(r'href="([^"]+)"', row.group(0)) == ["documents/SOP-001.html", "documents/SOP-003.html"]


# rebuilding -----------------------------------------------------------------------------------------------------


def test_a_rebuild_with_nothing_changed_writes_nothing(qms: Path, tmp_path: Path, run_cli: Run) -> None:
    out = tmp_path / "site"
    assert run_cli("--root", str(qms), "site", "-o", str(out))[0] == 0
    before = stamps(out)
    code, stdout, _ = run_cli("--root", str(qms), "site", "-o", str(out))
    assert code == 0
    assert stdout.splitlines()[0] == (
        "3 documents in force, 2 in the archive: 0 pages written, 12 unchanged (0 of 5 other files written)"
    )
    assert stamps(out) == before


def test_a_rebuild_after_one_change_rewrites_that_page_and_the_listings(
    qms: Path, tmp_path: Path, run_cli: Run
) -> None:
    out = tmp_path / "site"
    run_cli("--root", str(qms), "site", "-o", str(out))
    before = stamps(out)
    # a new revision of SOP-003 is released
    with acting("sam"):
        docctl.open(qms).revise("SOP-003", change="Retention periods per record type")
    target = qms / "sops/SOP-003-records-and-retention.md"
    target.write_text(target.read_text() + "\nInspection records: ten years.\n")
    commit(qms, "SOP-003 B", "sam")
    with acting("sam"):
        docctl.open(qms).submit("SOP-003")
    for who, role in (("tom", "Process Owner"), ("jane", "Quality Manager")):
        with acting(who):
            docctl.open(qms).approve("SOP-003", role=role)
    with acting("jane"):
        docctl.open(qms).release("SOP-003")
    code, stdout, _ = run_cli("--root", str(qms), "site", "-o", str(out))
    assert code == 0
    after = stamps(out)
    changed = sorted(rel for rel in after if before.get(rel) != after[rel])
    listings = [
        "archive.html",
        "clauses.html",
        "index.html",
        "matrix.html",
        "owners.html",
        "register.html",
        "search.html",
    ]
    # SOP-003's page, the pages that name the commit or list SOP-003, the search index, the manifest;
    # SOP-001's page lists SOP-003 among the documents that refer to it: unchanged, as SOP-003 stays in force
    assert changed == sorted([".docctl-site.json", "documents/SOP-003.html", "search-index.js", *listings])
    assert stdout.splitlines()[0] == (
        "3 documents in force, 2 in the archive: 8 pages written, 4 unchanged (1 of 5 other files written)"
    )
    assert "Inspection records: ten years." in page(out, "documents/SOP-003.html")


def test_a_page_moves_to_the_archive_and_its_old_file_is_removed(qms: Path, tmp_path: Path, run_cli: Run) -> None:
    out = tmp_path / "site"
    run_cli("--root", str(qms), "site", "-o", str(out))
    (out / "keep-me.txt").write_text("not the portal's")
    with acting("jane"):
        docctl.open(qms).obsolete("FRM-001", reason="Replaced by the ERP")
    code, stdout, _ = run_cli("--root", str(qms), "site", "-o", str(out))
    assert code == 0 and stdout.startswith("2 documents in force, 3 in the archive:")
    assert "1 removed" in stdout.splitlines()[0]
    assert not (out / "documents/FRM-001.html").exists()
    assert "OBSOLETE since" in page(out, "archive/FRM-001.html")
    assert (out / "files/FRM-001-A.docx").is_file()  # the archived page still offers its file
    assert (out / "keep-me.txt").read_text() == "not the portal's"  # never the portal's to remove
    assert broken_links(out) == []


def test_a_page_deleted_or_edited_by_hand_is_written_again(qms: Path, tmp_path: Path, run_cli: Run) -> None:
    out = tmp_path / "site"
    run_cli("--root", str(qms), "site", "-o", str(out))
    original = page(out, "documents/SOP-001.html")
    (out / "documents/SOP-001.html").write_text("defaced")
    (out / "documents/SOP-003.html").unlink()
    code, stdout, _ = run_cli("--root", str(qms), "site", "-o", str(out))
    assert code == 0 and "2 pages written, 10 unchanged" in stdout
    assert page(out, "documents/SOP-001.html") == original and (out / "documents/SOP-003.html").is_file()


def test_the_same_repository_gives_the_same_bytes(qms: Path, tmp_path: Path) -> None:
    repo = docctl.open(qms)
    repo.site(tmp_path / "one")
    repo.site(tmp_path / "two")
    assert stamps_free(tmp_path / "one") == stamps_free(tmp_path / "two")


def stamps_free(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# the moment the portal shows ------------------------------------------------------------------------------------


def test_as_of_a_past_date(built: Path, tmp_path: Path, run_cli: Run) -> None:
    out = tmp_path / "site"
    code, stdout, stderr = run_cli("--root", str(built), "site", "-o", str(out), "--as-of", "2026-01-20")
    assert (code, stderr) == (0, "")
    assert stdout.startswith("4 documents in force, 0 in the archive:")
    html = page(out, "documents/SOP-001.html")
    assert '<meta name="docctl-revision" content="A">' in html and IN_FORCE_WORD not in html
    assert "As of 2026-01-20: this is the document as it stood then" in html
    assert "As of 2026-01-20, made from commit" in text_of(out, "index.html")
    assert (out / "documents/SOP-002.html").is_file() and (out / "documents/WI-001.html").is_file()
    assert not (out / "documents/SOP-003.html").exists()
    assert broken_links(out) == []


def test_uncommitted_changes_are_named_and_not_published(qms: Path, tmp_path: Path, run_cli: Run) -> None:
    target = qms / "sops/SOP-003-records-and-retention.md"
    target.write_text(target.read_text() + "\nAn uncontrolled edit.\n")
    code, stdout, stderr = run_cli("--root", str(qms), "site", "-o", str(tmp_path / "site"))
    assert code == 0
    assert stderr.startswith("docctl: 1 controlled file(s) have uncommitted changes, which the portal does not show")
    assert stderr.rstrip().endswith(": sops/SOP-003-records-and-retention.md")
    assert "An uncontrolled edit." not in page(tmp_path / "site", "documents/SOP-003.html")


def test_outside_git_the_working_copy_is_the_portal(tmp_path: Path, run_cli: Run) -> None:
    root = tmp_path / "qms"
    root.mkdir()
    (root / "docctl.toml").write_text(CONFIG)
    (root / "sops").mkdir()
    title = 'Control <b>"of"</b> & <script>x()</script>'
    (root / "sops/SOP-001.md").write_text(sop(status="effective", effective="2026-01-05", title=f"'{title}'"))
    (root / "sops/SOP-002.md").write_text(sop("SOP-002", title="Draft Only"))
    code, stdout, stderr = run_cli("--root", str(root), "site", "-o", str(tmp_path / "site"))
    assert code == 0
    assert stderr == "docctl: not in git: the portal shows the working copy, without history\n"
    assert stdout.startswith("1 documents in force, 0 in the archive:")
    text = text_of(tmp_path / "site", "documents/SOP-001.html")
    assert "Control documents." in text and "No history: the repository is not in git." in text
    assert broken_links(tmp_path / "site") == []
    # a title is text wherever it is shown: escaped, never markup
    for rel in ("documents/SOP-001.html", "index.html", "register.html", "owners.html"):
        html = page(tmp_path / "site", rel)
        assert "<script>x()" not in html and "<b>" not in html, rel
        assert "Control &lt;b&gt;&#34;of&#34;&lt;/b&gt; &amp; &lt;script&gt;x()&lt;/script&gt;" in html, rel


# where it may be written ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (".", "refusing to write the portal into the repository root {target}: choose another folder"),
        (
            "sops",
            "refusing to write the portal into {target}: it holds the controlled document sops/SOP-001-document-control.md",
        ),
        (
            "portal",
            "refusing to write the portal into {target}: the .docx files it copies there would be controlled "
            "documents; add 'portal/**' to exclude in docctl.toml or write it outside the repository",
        ),
        ("sops/SOP-003-records-and-retention.md", "{target} exists and is not a folder"),
        (
            "../elsewhere",
            "{target} is not empty and is not a docctl portal (it has no .docctl-site.json): choose a new or empty folder",
        ),
    ],
)
def test_unsafe_folders_are_refused(qms: Path, run_cli: Run, target: str, message: str) -> None:
    (qms.parent / "elsewhere").mkdir()
    (qms.parent / "elsewhere/notes.txt").write_text("mine")
    before = stamps(qms.parent)
    full = str(qms / target)
    code, stdout, stderr = run_cli("--root", str(qms), "site", "-o", full)
    assert (code, stdout) == (2, "")
    assert stderr == f"docctl: error: {message.format(target=full)}\n"
    assert stamps(qms.parent) == before


def test_a_folder_inside_the_repository_is_fine_when_excluded(qms: Path, run_cli: Run) -> None:
    config = qms / "docctl.toml"
    config.write_text(config.read_text().replace("[docctl]\n", '[docctl]\nexclude = ["portal/**"]\n'))
    code, _, _ = run_cli("--root", str(qms), "site", "-o", str(qms / "portal"))
    assert code == 0 and (qms / "portal/files/FRM-001-A.docx").is_file()
    code, stdout, _ = run_cli("--root", str(qms), "check")
    assert code == 0, stdout  # the copies are not controlled documents


def test_many_uncommitted_files_are_found(qms: Path, tmp_path: Path) -> None:
    """More controlled files than git is asked about one by one: the status of the whole tree."""
    for number in range(100, 170):
        (qms / f"sops/SOP-{number}.md").write_text(sop(f"SOP-{number}"))
    report = docctl.open(qms).site(tmp_path / "site")
    assert len(report.uncommitted) == 70 and report.uncommitted[0] == "sops/SOP-100.md"
    assert report.documents == 3  # drafts, and not committed: not in the portal


def test_bad_arguments_are_one_line(qms: Path, tmp_path: Path, run_cli: Run) -> None:
    code, _, stderr = run_cli("--root", str(qms), "site", "-o", str(tmp_path / "site"), "--as-of", "soon")
    assert (code, stderr) == (2, "docctl: error: 'soon' is neither a date YYYY-MM-DD nor a commit of this repository\n")
    assert not (tmp_path / "site").exists()
    code, _, stderr = run_cli("--root", str(qms), "site")
    assert code == 2 and stderr.endswith("docctl: error: the following arguments are required: -o/--output\n")


def test_one_stylesheet_for_every_page(portal: Path, tmp_path: Path, built: Path) -> None:
    """The register, the matrix and the portal share docctl.css; no Python module holds CSS."""
    css = (ROOT / "docctl/templates/html/docctl.css").read_text(encoding="utf-8")
    assert (portal / "assets/docctl.css").read_text(encoding="utf-8") == css
    repo = docctl.open(built)
    assert css in repo.register().render("html").decode() and css in repo.matrix().render("html")
    for module in sorted((ROOT / "docctl").rglob("*.py")):
        if (
            module == ROOT / "docctl/publish/docx.py"
        ):  # the Word copy's VML watermark has a style attribute, not a page's CSS
            continue
        source = module.read_text(encoding="utf-8")
        assert not any(rule in source for rule in ("border-collapse", "font-family", "@media")), module


def test_the_python_api(qms: Path, tmp_path: Path) -> None:
    report = docctl.open(qms).site(tmp_path / "site", as_of=dt.date(2026, 1, 20))
    assert isinstance(report, SiteReport)
    assert (report.documents, report.archived, report.as_of) == (4, 0, dt.date(2026, 1, 20))
    assert report.index == tmp_path / "site" / "index.html"
    assert report.to_dict()["pages_written"] == report.pages_written == 11


# helpers --------------------------------------------------------------------------------------------------------


def acting(who: str) -> AbstractContextManager[None]:
    """Act as one of the test people: their git identity for the commits made inside the block."""
    name, email = PEOPLE[who]
    keys = ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL")
    return environment(dict(zip(keys, (name, email, name, email), strict=True)))


def commit(root: Path, message: str, who: str) -> None:
    with acting(who):
        subprocess.run(["git", "add", "-A"], cwd=root, check=True)
        subprocess.run(["git", "commit", "-q", "-m", message], cwd=root, check=True)
