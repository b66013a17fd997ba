"""docctl adopt --register: master lists in .xlsx (openpyxl) and CSV as Excel writes it (comma with
UTF-8, semicolon with UTF-8 and a byte order mark, Windows-1252), rows matched to files by path, id
and title, rows without a file and files without a row."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import CONFIG, GitRepo

import docctl

Run = Callable[..., tuple[int, str, str]]
CONFIG_ADOPT = CONFIG + '\n[adopt]\nrole = "Quality Manager"\n'

HEADER = ["Doc No", "Document Title", "Rev", "Effective Date", "Document Owner", "Next Review", "Location"]
ROWS = [
    ["SOP-012", "Purchasing", "C", "2025-04-01", "Tom Baker", "2027-04-01", ""],
    ["", "Prüfmittelüberwachung", "B", "2025-03-01", "jane.smith@acme.example", "", ""],
    ["WI-020", "Gauge check", "A", "2024-09-15", "tom.baker@acme.example", "", r"work instructions\gauges.md"],
    ["SOP-030", "Training", "D", "2021-05-01", "jane.smith@acme.example", "", ""],
]


@pytest.fixture
def qms(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "qms", CONFIG_ADOPT)
    repo.write("sops/SOP-012 Purchasing.md", "# Purchasing\n\nBuying from approved suppliers.\n")
    repo.write("sops/Prüfmittelüberwachung.md", "# Prüfmittelüberwachung\n\nPrüfmittel werden überwacht.\n")
    repo.write("work instructions/gauges.md", "# Gauge Check\n\nCheck each gauge.\n")
    repo.write("work instructions/unlisted.md", "# WI-021 Unlisted\n\nNot in the master list.\n")
    repo.commit("documents as they came")
    return repo


def write_xlsx(path: Path, header: list[str], rows: list[list[str]]) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Master List"
    sheet.append(["ACME Medical - Master Document List"])  # a title above the header, as lists have
    sheet.append([])
    sheet.append(header)
    for row in rows:
        values: list[object] = list(row)
        for index in (3, 5):  # dates as date cells
            if values[index]:
                values[index] = dt.datetime.fromisoformat(str(values[index]))
        sheet.append(values)
    book.save(path)


def write_csv(path: Path, header: list[str], rows: list[list[str]], *, separator: str, encoding: str) -> None:
    lines = [separator.join(header), *(separator.join(row) for row in rows)]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))


@pytest.mark.parametrize(
    ("name", "separator", "encoding"),
    [
        ("master.xlsx", "", ""),
        ("master-comma.csv", ",", "utf-8"),
        ("master-semicolon.csv", ";", "utf-8-sig"),
        ("master-ansi.csv", ";", "cp1252"),
    ],
)
def test_master_list_formats_give_the_same_plan(qms: GitRepo, name: str, separator: str, encoding: str) -> None:
    target = qms.path / name
    if name.endswith(".xlsx"):
        write_xlsx(target, HEADER, ROWS)
    else:
        write_csv(target, HEADER, ROWS, separator=separator, encoding=encoding)
    plan = docctl.open(qms.path).adopt(dry_run=True, effective=True, register=target, type="SOP").plan
    rows = {row.path: row for row in plan.adopted}
    first = 4 if name.endswith(".xlsx") else 2  # the sheet's row numbers: the xlsx has a title and a blank row above
    purchasing = rows["sops/SOP-012 Purchasing.md"]
    assert purchasing.master_row == first
    assert {n: purchasing.value(n) for n in ("id", "revision", "effective", "owner", "review_due")} == {
        "id": "SOP-012",
        "revision": "C",
        "effective": "2025-04-01",
        "owner": "tom.baker@acme.example",
        "review_due": "2027-04-01",
    }
    assert purchasing.values["owner"].source == f"master list row {first} ('Document Owner')"
    assert purchasing.value("legacy_approval") == f"master list {name}, row {first}"
    pruef = rows["sops/Prüfmittelüberwachung.md"]  # matched by its title; its id is the next free one
    assert (pruef.master_row, pruef.value("revision"), pruef.value("id")) == (first + 1, "B", "SOP-031")
    gauges = rows["work instructions/gauges.md"]  # matched by the path, written with a backslash
    assert (gauges.master_row, gauges.value("id"), gauges.value("type")) == (first + 2, "WI-020", "WI")
    report = plan.master_list
    assert report is not None and report.rows == 4
    assert report.unmatched_rows == ((first + 3, "SOP-030 'Training'"),)
    assert report.files_without_row == ("work instructions/unlisted.md",)
    assert report.notes == (
        (f"{target} is not UTF-8: read as Windows-1252 (Excel's 'CSV' in Western Europe)",)
        if encoding == "cp1252"
        else ()
    )
    assert plan.refused == ()


def test_master_list_end_to_end_on_the_command_line(qms: GitRepo, run_cli: Run) -> None:
    write_csv(qms.path / "Master List.csv", HEADER, ROWS, separator=";", encoding="utf-8-sig")
    code, out, _ = run_cli("adopt", "--dry-run", "--register", "Master List.csv", "--type", "SOP", cwd=qms.path)
    assert code == 0
    assert out.split("\n\n")[-2].splitlines() == [
        "Master list Master List.csv: 4 document rows, 3 with a file",
        "  row 5 has no file: SOP-030 'Training'",
        "  no row for work instructions/unlisted.md",
    ]
    code, out, _ = run_cli("adopt", "--effective", "--register", "Master List.csv", "--type", "SOP", cwd=qms.path)
    assert code == 0, out
    code, out, _ = run_cli("check", "--format", "json", cwd=qms.path)
    findings = json.loads(out)["findings"]
    assert code == 0 and [f["code"] for f in findings] == []
    code, out, _ = run_cli("adopt", "--register", "Master List.csv", cwd=qms.path)
    assert code == 0 and "row 5 has no file: SOP-030 'Training'" in out and "no row for" not in out
    assert out.splitlines()[-1] == "nothing to adopt: 4 files are controlled already"


def test_ambiguous_rows_and_dates_are_not_guessed(qms: GitRepo) -> None:
    rows = [
        ["", "Purchasing", "C", "01/04/2025", "", "", ""],
        ["", "Gauge Check", "A", "", "", "", "gauges.md"],
    ]
    qms.write("other/gauges.md", "# Gauge Check\n")  # the same name and title in another folder
    write_csv(qms.path / "list.csv", HEADER, rows, separator=",", encoding="utf-8")
    plan = docctl.open(qms.path).adopt(dry_run=True, effective=True, register=qms.path / "list.csv", type="WI").plan
    purchasing = next(row for row in plan.rows if row.path == "sops/SOP-012 Purchasing.md")
    assert purchasing.master_row == 2 and purchasing.value("effective") == "2026-06-01"  # today, not a guess
    assert "date '01/04/2025' could be day/month or month/day: write it as YYYY-MM-DD" in purchasing.notes
    report = plan.master_list
    assert report is not None and report.unmatched_rows == ((3, "'Gauge Check'"),)
    assert report.notes == (
        "row 3 ('Gauge Check') fits 2 files by title (other/gauges.md, work instructions/gauges.md): not used",
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("list.docx", b"x", "list.docx: a master list must be an .xlsx or .csv file"),
        ("missing.csv", None, "missing.csv: no such file"),
        ("list.csv", b"Name,Colour\nA,red\n", "list.csv: no header row naming a document id, title or path column"),
        ("list.xlsx", b"PK\x03\x04broken", "list.xlsx: not a readable .xlsx file (BadZipFile)"),
        ("list.csv", b"\x81\x81\x81", "list.csv: not UTF-8 or Windows-1252 text; save it as 'CSV UTF-8'"),
    ],
)
def test_unreadable_master_lists_are_one_line_errors(
    qms: GitRepo, run_cli: Run, name: str, content: bytes | None, message: str
) -> None:
    if content is not None:
        (qms.path / name).write_bytes(content)
    code, out, err = run_cli("adopt", "--dry-run", "--register", name, cwd=qms.path)
    assert code == 2 and out == ""
    assert err.startswith(f"docctl: error: {message}") and err.count("\n") == 1
