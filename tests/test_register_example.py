"""The register of the example repository in all six formats, now and before its last release, each
read back: csv and json parsed (json against its schema), the Markdown table parsed, the Word file
with python-docx, the workbook with openpyxl, and the HTML page in headless Chromium."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import hashlib
import json
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import docx
import jsonschema
import openpyxl
import pytest
from chromium import Chromium, executable
from docx.enum.section import WD_ORIENT

import docctl
from docctl.register.model import COLUMNS, CSV_COLUMNS, FORMATS, TEXT_FORMATS, Register

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 6, 1)
BEFORE = "2026-05-22"  # WI-001 revision B was released on 2026-05-21, effective from 2026-05-24
HEADINGS = [name for _, name in COLUMNS]
IDS = [
    "FRM-001",
    "FRM-002",
    "FRM-003",
    "FRM-004",
    "FRM-005",
    "POL-001",
    "POL-002",
    "QM-001",
    "SOP-001",
    "SOP-002",
    "SOP-003",
    "SOP-004",
    "SOP-005",
    "SOP-006",
    "SOP-007",
    "SOP-008",
    "SOP-009",
    "SOP-010",
    "WI-001",
    "WI-002",
    "WI-003",
]
Run = Callable[..., tuple[int, str, str]]


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """examples/build_example.py, anchored on the tests' today, in an isolated git environment."""
    sys.path.insert(0, str(ROOT / "examples"))
    from build_example import build

    home = tmp_path_factory.mktemp("example-home")
    (home / ".gitconfig").write_text("[init]\n\tdefaultBranch = main\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(home))
        patch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
        patch.setenv("GIT_CONFIG_NOSYSTEM", "1")
        return build(tmp_path_factory.mktemp("example") / "acme-qms", TODAY)


@pytest.fixture
def qms(example: Path) -> docctl.Repository:
    return docctl.open(example)


def cells(register: Register, doc_id: str) -> dict[str, str]:
    [row] = [r for r in register.rows if r.id == doc_id]
    return dict(zip(HEADINGS, row.cells(), strict=True))


# the rows -------------------------------------------------------------------------------------


def test_the_example_register_now(qms: docctl.Repository) -> None:
    register = qms.register()
    assert [r.id for r in register.rows] == IDS
    assert {r.status for r in register.rows} == {"effective"}
    assert cells(register, "WI-001") | {"Fingerprint": ""} == {
        "ID": "WI-001",
        "Title": "First Article Inspection",
        "Type": "WI",
        "Revision": "B",
        "Status": "effective",
        "Owner": "Jane Smith",
        "Effective": "2026-05-24",
        "Next review": "2028-05-24",
        "Approvers": "Jane Smith (Process Owner, 2026-05-20)",
        "Clauses": "8.5.1, 8.6",
        "Path": "work-instructions/WI-001-first-article-inspection.md",
        "Pending revision": "",
        "Superseded by": "",
        "Fingerprint": "",
    }
    assert (cells(register, "SOP-004")["Revision"], cells(register, "SOP-004")["Effective"]) == ("B", "2026-04-22")
    # SOP-008: revision A is effective, B is a draft in the working copy (and at HEAD)
    assert (cells(register, "SOP-008")["Revision"], cells(register, "SOP-008")["Pending revision"]) == (
        "A",
        "B (draft)",
    )
    assert [r.fingerprint for r in register.rows if r.id == "SOP-008"] == [qms.history("SOP-008")[0].fingerprint]
    # periodic reviews kept the yearly documents: the next review is the one recorded then
    assert cells(register, "QM-001")["Next review"] == "2027-04-23"  # reviewed after WI-001 B took effect


def test_the_example_register_before_its_last_release_shows_the_earlier_revision(qms: docctl.Repository) -> None:
    register = qms.register(as_of=BEFORE)
    assert [r.id for r in register.rows] == IDS
    wi = cells(register, "WI-001")
    assert (wi["Revision"], wi["Effective"], wi["Pending revision"]) == ("A", "2025-10-03", "B (scheduled 2026-05-24)")
    assert wi["Approvers"] == "Jane Smith (Process Owner, 2025-09-29)"
    assert [r.fingerprint for r in register.rows if r.id == "WI-001"] == [qms.history("WI-001")[0].fingerprint]
    assert cells(register, "SOP-004")["Revision"] == "B"
    earlier = qms.register(as_of="2026-05-19")  # submitted on 05-18, approved on 05-20
    assert cells(earlier, "WI-001")["Pending revision"] == "B (review)"
    assert cells(qms.register(as_of="2026-04-20"), "SOP-004")["Pending revision"] == "B (scheduled 2026-04-22)"
    assert register.source.startswith("As of 2026-05-22, made from commit ")


# every format, read back ----------------------------------------------------------------------


@pytest.fixture(scope="module", params=[None, BEFORE], ids=["now", "before"])
def written(
    request: pytest.FixtureRequest, example: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Register, Path]:
    """The register now and before the last release, written in the six formats."""
    folder = tmp_path_factory.mktemp("register")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DOCCTL_NOW", "2026-06-01T12:00:00+00:00")
        register = docctl.open(example).register(as_of=request.param)
        for fmt in FORMATS:
            register.write(folder / f"register.{fmt}")
    return register, folder


@pytest.mark.parametrize("as_of", [None, BEFORE], ids=["now", "before"])
def test_the_command_line_writes_the_same_files_and_checks_them(
    example: Path, tmp_path: Path, run_cli: Run, as_of: str | None
) -> None:
    register = docctl.open(example).register(as_of=as_of)
    option = ["--as-of", as_of] if as_of else []
    for fmt in FORMATS:
        target = tmp_path / f"register.{fmt}"
        assert run_cli("register", *option, "-o", str(target), cwd=example) == (0, "", "")
        assert target.read_bytes() == register.render(fmt), fmt
        assert run_cli("register", *option, "--check", str(target), cwd=example) == (0, "", "")
    # the register of now is not the register of before
    other = [] if as_of else ["--as-of", BEFORE]
    code, _, err = run_cli("register", *other, "--check", str(tmp_path / "register.xlsx"), cwd=example)
    assert code == 1 and re.search(
        rf"{re.escape(str(tmp_path / 'register.xlsx'))} is out of date: [A-Z]+-\d+ [A-Z][a-z ]+ is ", err
    )


def expected_cells(register: Register) -> list[list[str]]:
    return [row.cells() for row in register.rows]


def test_csv_reads_back(written: tuple[Register, Path]) -> None:
    register, folder = written
    with (folder / "register.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == [*CSV_COLUMNS, "commit", "as_of"]
    assert [r["id"] for r in rows] == IDS
    assert {r["commit"] for r in rows} == {register.commit}
    assert {r["as_of"] for r in rows} == {register.as_of.isoformat() if register.as_of else ""}
    wi = next(r for r in rows if r["id"] == "WI-001")
    revision = "A" if register.as_of else "B"
    assert (wi["revision"], wi["status"], wi["owner"], wi["clauses"]) == (
        revision,
        "effective",
        "jane.smith@acme.example",
        "8.5.1; 8.6",
    )
    assert (wi["pending_revision"], wi["pending_status"], wi["pending_effective"]) == (
        ("B", "scheduled", "2026-05-24") if register.as_of else ("", "", "")
    )


def test_json_reads_back_and_follows_its_schema(written: tuple[Register, Path]) -> None:
    register, folder = written
    data = json.loads((folder / "register.json").read_text(encoding="utf-8"))
    schema = json.loads((ROOT / "schemas" / "register.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(data)
    assert data == json.loads(json.dumps(register.to_dict()))
    assert (data["commit"], data["as_of"], data["generated"]) == (
        register.commit,
        register.as_of and register.as_of.isoformat(),
        None,
    )
    wi = next(r for r in data["rows"] if r["id"] == "WI-001")
    if register.as_of:
        assert (wi["revision"], wi["pending"]) == (
            "A",
            {"revision": "B", "status": "scheduled", "effective": "2026-05-24"},
        )
    else:
        assert (wi["revision"], wi["pending"]) == ("B", None)


def test_markdown_table_reads_back(written: tuple[Register, Path]) -> None:
    register, folder = written
    text = (folder / "register.md").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == "# Controlled document register"
    assert register.commit is not None and re.search(
        rf"ade from commit {register.commit[:12]} \(2026-05-\d\d\)\.", lines[2]
    )
    table = [line for line in lines if line.startswith("|")]
    parsed = [[cell.strip() for cell in line.strip("|").split(" | ")] for line in table]
    assert parsed[0] == HEADINGS
    assert set(table[1]) <= set("|-")
    assert parsed[2:] == expected_cells(register)


def test_word_file_is_a_landscape_table_with_title_commit_and_page_numbers(written: tuple[Register, Path]) -> None:
    register, folder = written
    document = docx.Document(str(folder / "register.docx"))
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert section.page_width > section.page_height
    header = [p.text for p in section.header.paragraphs]
    assert header[0] == "Controlled document register"
    assert register.commit is not None and register.commit[:12] in header[1]
    assert header[1].endswith("Page 1 of 1")  # the cached results of the PAGE and NUMPAGES fields
    instructions = [e.text.strip() for e in section.header._element.iter() if e.tag.endswith("}instrText")]
    assert instructions == ["PAGE", "NUMPAGES"]
    assert "Uncontrolled when printed" in section.footer.paragraphs[0].text
    [table] = document.tables
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == HEADINGS
    assert [r[0] for r in rows[1:]] == IDS
    wi = rows[1 + IDS.index("WI-001")]
    assert wi[3] == ("A" if register.as_of else "B")
    assert table.rows[0]._tr.trPr.xpath("./w:tblHeader")  # the heading row repeats on every page


def test_workbook_has_a_frozen_header_a_filter_sensible_widths_and_real_dates(written: tuple[Register, Path]) -> None:
    register, folder = written
    book = openpyxl.load_workbook(folder / "register.xlsx")
    sheet = book["Register"]
    assert sheet.freeze_panes == "B2"
    assert sheet.auto_filter.ref == f"A1:N{len(IDS) + 1}"
    assert [c.value for c in sheet[1]] == HEADINGS
    assert [sheet.cell(row=n, column=1).value for n in range(2, len(IDS) + 2)] == IDS
    wi = sheet[2 + IDS.index("WI-001")]
    effective, review = wi[6], wi[7]
    assert effective.is_date and review.is_date
    assert effective.value == (dt.datetime(2025, 10, 3) if register.as_of else dt.datetime(2026, 5, 24))
    assert effective.number_format == "yyyy-mm-dd"
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDEFGHIJKLMN"}
    assert all(10 <= w <= 80 for w in widths.values()), widths
    assert widths["B"] > widths["C"] and widths["N"] >= 70  # titles wider than types; a whole fingerprint
    about = {row[0].value: row[1].value for row in book["About"].iter_rows()}
    assert about["Commit"] == register.commit
    assert sheet.page_setup.orientation == "landscape"


def test_every_file_names_its_commit(written: tuple[Register, Path]) -> None:
    register, folder = written
    assert register.commit is not None
    short = register.commit[:12].encode()
    for fmt in ("csv", "json", "md", "html"):
        assert short in (folder / f"register.{fmt}").read_bytes(), fmt
    assert short.decode() in docx.Document(str(folder / "register.docx")).sections[0].header.paragraphs[1].text
    assert register.commit == openpyxl.load_workbook(folder / "register.xlsx").properties.description


#: sha256 of the example register's text formats, the JSON with its docctl version blanked: a golden
#: comparison, so that moving or changing a writer cannot alter a byte unnoticed. After an intended change
#: of the output, replace the digest with the one the failure prints. (The Office formats are left out:
#: their bytes also depend on the versions of python-docx and openpyxl.)
GOLDEN = {
    ("now", "csv"): "6cb903a7114b00722fe930a8390cdf0cd7fcb3f0b846848a8c95fb31b8a7a6d1",
    ("now", "json"): "84255f2438e443cb1e263bbf79258357d2ada7fa3bd8049ad524deb381aca24f",
    ("now", "md"): "302fe2763870ed9baa57e7f25d21171b0d747db6bb07ae14f584ba480757efb2",
    ("now", "html"): "4e826229964fdc22504057cf5da7b2c2b2324a49e462914651da965756641d96",
    ("before", "csv"): "4fdafdf8afb50608f2c51cf6bb37906f9b0903dd89e81dc56e6c541761b7b109",
    ("before", "json"): "d03b702d209ad2f9b447ffede3b526c3988561321eb64220d067d4b6b1be42cf",
    ("before", "md"): "d69bac6a1d7b42501d2b0a53779f16ff0394c7f99202a4a2dad813baf3e69cb2",
    ("before", "html"): "d8445e649d9d21a06b10c6883e788ef9044a870183c0f6c1a312f4ca68853648",
}


def test_text_formats_are_byte_for_byte_the_golden_ones(written: tuple[Register, Path]) -> None:
    register, folder = written
    moment = "now" if register.as_of is None else "before"
    for fmt in TEXT_FORMATS:
        data = (folder / f"register.{fmt}").read_bytes()
        if fmt == "json":
            data = re.sub(rb'^  "docctl": "[^"]*",$', b'  "docctl": "",', data, count=1, flags=re.MULTILINE)
        digest = hashlib.sha256(data).hexdigest()
        assert digest == GOLDEN[(moment, fmt)], f"{moment} {fmt}: {digest}"


def test_html_is_one_self_contained_page(written: tuple[Register, Path]) -> None:
    _, folder = written
    page = (folder / "register.html").read_text(encoding="utf-8")
    assert not re.search(r"\b(src|href)\s*=|@import|url\(|https?://", page)
    assert page.count("<style>") == 1 and page.count("<script>") == 1
    assert "Uncontrolled when printed" in page


# the HTML page in headless Chromium -------------------------------------------------------------


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Chromium]:
    program = executable()
    if program is None:
        pytest.skip("chromium is not installed (apt-get install chromium; .ci/run installs it)")
    chromium = Chromium(program, tmp_path / "profile")
    try:
        yield chromium
    finally:
        chromium.close()


def choose(browser: Chromium, control: str, value: str) -> None:
    """Set a filter control as a user would leave it (the page listens to input events)."""
    browser.js(
        f"(() => {{ const c = document.getElementById('{control}'); c.value = '{value}'; c.dispatchEvent(new Event('input')); }})()"
    )


VISIBLE = "Array.from(document.querySelectorAll('#register tbody tr')).filter(r => !r.hidden).map(r => r.cells[0].textContent)"


@pytest.mark.tools
def test_html_renders_sorts_and_filters_in_chromium(written: tuple[Register, Path], browser: Chromium) -> None:
    register, folder = written
    browser.open((folder / "register.html").as_uri())
    assert browser.js("document.title") == "Controlled document register"
    assert (
        browser.js("Array.from(document.querySelectorAll('#register thead th')).map(th => th.textContent)") == HEADINGS
    )
    assert browser.js(VISIBLE) == IDS
    assert browser.js("document.querySelector('#register tbody tr').cells.length") == len(HEADINGS)
    assert browser.js("document.getElementById('count').textContent") == "21 of 21 documents"
    # status colours: effective is green, a scheduled pending revision purple
    assert (
        browser.js("getComputedStyle(document.querySelector('td .s-effective')).backgroundColor")
        == "rgb(217, 242, 224)"
    )
    if register.as_of:
        assert (
            browser.js("getComputedStyle(document.querySelector('td .s-scheduled')).backgroundColor")
            == "rgb(230, 224, 255)"
        )
    # typing into the filter narrows the table, and the URL remembers it
    browser.js("document.getElementById('filter').focus()")
    browser.call("Input.insertText", {"text": "inspection"})
    assert browser.js(VISIBLE) == ["WI-001", "WI-003"]
    assert browser.js("document.getElementById('count').textContent") == "2 of 21 documents"
    assert browser.js("location.hash") == "#filter=inspection"
    choose(browser, "filter", "")
    choose(browser, "type", "WI")
    assert browser.js(VISIBLE) == ["WI-001", "WI-002", "WI-003"]
    choose(browser, "type", "")
    choose(browser, "status", "draft")
    assert browser.js(VISIBLE) == []
    choose(browser, "status", "effective")
    assert browser.js(VISIBLE) == IDS
    choose(browser, "status", "")
    # clicking a heading sorts by it; clicking again reverses
    browser.js("document.querySelectorAll('#register thead th button')[6].click()")  # Effective
    order = browser.js(VISIBLE)
    assert order[0] == "POL-001" and order[-1] == ("SOP-004" if register.as_of else "WI-001")
    assert browser.js("document.querySelectorAll('#register thead th')[6].getAttribute('aria-sort')") == "ascending"
    browser.js("document.querySelectorAll('#register thead th button')[6].click()")
    assert browser.js(VISIBLE) == list(reversed(order))
    # nothing but the file itself was loaded
    requests = [e["params"]["request"]["url"] for e in browser.events if e.get("method") == "Network.requestWillBeSent"]
    assert requests and all(url.startswith("file://") for url in requests), requests


@pytest.mark.tools
def test_html_filter_from_the_url_and_print_style(written: tuple[Register, Path], browser: Chromium) -> None:
    register, folder = written
    browser.open((folder / "register.html").as_uri() + "#type=SOP&filter=tom%20baker")
    expected = [r.id for r in register.rows if r.type == "SOP" and "Tom Baker" in " ".join(r.cells())]
    assert 0 < len(expected) < 10
    assert browser.js(VISIBLE) == expected
    assert browser.js("document.getElementById('type').value") == "SOP"
    browser.call("Emulation.setEmulatedMedia", {"media": "print"})
    assert browser.js("getComputedStyle(document.querySelector('.controls')).display") == "none"
    banner = browser.js(
        "Array.from(document.querySelectorAll('.print-only')).filter(e => getComputedStyle(e).display !== 'none').map(e => e.textContent).join(' ')"
    )
    assert register.commit is not None
    assert "Uncontrolled when printed" in banner and register.commit[:12] in banner
    pdf = base64.b64decode(browser.call("Page.printToPDF", {"preferCSSPageSize": True})["data"])
    boxes = {tuple(float(v) for v in m) for m in re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)}
    assert boxes and all(width > height for width, height in boxes)  # A4 landscape


@pytest.mark.tools
def test_html_honours_the_filter_in_the_url_with_dump_dom(written: tuple[Register, Path], tmp_path: Path) -> None:
    """The plain `chromium --dump-dom` route: the page applies #filter= before the DOM is dumped."""
    program = executable()
    if program is None:
        pytest.skip("chromium is not installed (apt-get install chromium; .ci/run installs it)")
    _, folder = written
    result = subprocess.run(
        [
            program,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'dump'}",
            "--dump-dom",
            (folder / "register.html").as_uri() + "#filter=WI-00",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    shown = re.findall(r'<tr class="st-\w+" data-status="\w+" data-type="\w+">(?:<td[^>]*>)([^<]+)', result.stdout)
    hidden = re.findall(
        r'<tr class="st-\w+" data-status="\w+" data-type="\w+" hidden="">(?:<td[^>]*>)([^<]+)', result.stdout
    )
    assert shown == ["WI-001", "WI-002", "WI-003"]
    assert len(hidden) == len(IDS) - 3
    assert '<span id="count" aria-live="polite">3 of 21 documents</span>' in result.stdout


def test_the_python_example_of_docs_register_md_runs(
    example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    page = (ROOT / "docs" / "register.md").read_text(encoding="utf-8")
    code, printed = re.search(r"```python\n(.*?)```\n\n```text\n(.*?)```", page, re.S).groups()  # type: ignore[union-attr]
    monkeypatch.chdir(tmp_path)
    exec(compile(code.replace('"build/acme-qms"', repr(str(example))), "docs/register.md", "exec"), {})
    assert capsys.readouterr().out == printed
    assert (tmp_path / "REGISTER.md").read_bytes() == docctl.open(example).register().render("md")
