"""docctl xref, impact and matrix: library values, text and JSON output, exit statuses."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import GitRepo, sop

import docctl

EFFECTIVE = {"status": "effective", "effective": "2026-03-05"}
Run = Callable[..., tuple[int, str, str]]


def write(repo: GitRepo, doc_id: str, text: str = "", **fields: object) -> None:
    body = f"\n# {doc_id} Title\n\n{text}\n"
    repo.write(f"sops/{doc_id}.md", sop(doc_id, body=body, **fields))


@pytest.fixture
def chain(repo: GitRepo) -> GitRepo:
    """SOP-001 <- SOP-002 (references) <- SOP-003 (mention) <- WI-001 (link); FRM-001 obsolete refers to SOP-001."""
    write(repo, "SOP-001", "Purpose per ISO 9001:2015 clause 7.5.3.", clauses=["7.5.3", "7.5.2"], **EFFECTIVE)
    write(repo, "SOP-002", "Documents are controlled.", references=["SOP-001"], **EFFECTIVE)
    write(repo, "SOP-003", "Records as in SOP-002.\n\nAgain SOP-002.", **EFFECTIVE)
    repo.write(
        "wi/WI-001.md",
        sop("WI-001", type="WI", body="\n# WI-001 Title\n\nSee [the SOP](../sops/SOP-003.md).\n", **EFFECTIVE),
    )
    write(repo, "FRM-001", "Old form for SOP-001.", type="FRM", status="obsolete")
    return repo


def test_xref_library_out_and_in_with_lines(chain: GitRepo) -> None:
    result = docctl.open(chain.path).xref("SOP-002")
    assert [(e.target, [(r.kind, r.line) for r in e.via]) for e in result.outgoing] == [
        ("SOP-001", [("references", 9)])
    ]
    assert [(e.target, [(r.kind, r.path, r.line) for r in e.via]) for e in result.incoming] == [
        ("SOP-003", [("mention", "sops/SOP-003.md", 14), ("mention", "sops/SOP-003.md", 16)])
    ]
    [entry] = result.incoming
    assert (entry.declared, entry.in_text) == (False, True)


def test_xref_clauses_and_weak_claims(chain: GitRepo) -> None:
    uses = docctl.open(chain.path).xref("SOP-001").clauses
    assert [(u.number, u.claimed_lines, u.mentioned_lines, u.weak) for u in uses] == [
        ("7.5.2", (9,), (), True),
        ("7.5.3", (9,), (15,), False),
    ]


def test_xref_cli_text(chain: GitRepo, run_cli: Run) -> None:
    code, out, _ = run_cli("--root", str(chain.path), "xref", "SOP-002")
    assert code == 0
    assert out.splitlines() == [
        "SOP-002  Document Control  (effective, revision A)  sops/SOP-002.md",
        "",
        "References out (1):",
        "  SOP-001  Document Control  (effective): references[0] (line 9)",
        "",
        "Referenced by (1):",
        "  SOP-003  Document Control  (effective)  sops/SOP-003.md: mentioned on lines 14, 16  [mentioned, not declared in references]",
        "",
        "Clauses (0):",
        "  none",
    ]


def test_xref_cli_json_shape(chain: GitRepo, run_cli: Run) -> None:
    code, out, _ = run_cli("--root", str(chain.path), "xref", "WI-001", "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert data["document"] == {
        "id": "WI-001",
        "title": "Document Control",
        "type": "WI",
        "revision": "A",
        "status": "effective",
        "path": "wi/WI-001.md",
    }
    assert data["out"] == [
        {
            "id": "SOP-003",
            "title": "Document Control",
            "status": "effective",
            "path": "sops/SOP-003.md",
            "exists": True,
            "declared": False,
            "in_text": True,
            "via": [{"kind": "link", "target": "sops/SOP-003.md", "path": "wi/WI-001.md", "line": 14, "field": None}],
        }
    ]
    assert data["in"] == [] and data["clauses"] == []


def test_xref_unknown_id_is_a_usage_error(chain: GitRepo, run_cli: Run) -> None:
    code, out, err = run_cli("--root", str(chain.path), "xref", "SOP-404")
    assert (code, out, err) == (2, "", "docctl: error: no document with id 'SOP-404'\n")


def test_impact_is_transitive_with_reason_chains(chain: GitRepo) -> None:
    result = docctl.open(chain.path).impact("SOP-001")
    assert [(e.document.id, e.distance, [str(s) for s in e.chain]) for e in result.affected] == [
        ("SOP-002", 1, ["SOP-002 references SOP-001 (sops/SOP-002.md:9)"]),
        (
            "SOP-003",
            2,
            ["SOP-003 mentions SOP-002 (sops/SOP-003.md:14)", "SOP-002 references SOP-001 (sops/SOP-002.md:9)"],
        ),
        (
            "WI-001",
            3,
            [
                "WI-001 links to SOP-003 (wi/WI-001.md:14)",
                "SOP-003 mentions SOP-002 (sops/SOP-003.md:14)",
                "SOP-002 references SOP-001 (sops/SOP-002.md:9)",
            ],
        ),
    ]  # FRM-001 is obsolete: nothing to review


def test_impact_depth_and_cli(chain: GitRepo, run_cli: Run) -> None:
    assert [e.document.id for e in docctl.open(chain.path).impact("SOP-001", depth=1).affected] == ["SOP-002"]
    code, out, _ = run_cli("--root", str(chain.path), "impact", "SOP-001", "--depth", "2")
    assert code == 0
    assert out.splitlines() == [
        "A change to SOP-001 Document Control may require review of 2 document(s) within 2 step(s):",
        "",
        "SOP-002  Document Control  (effective)  sops/SOP-002.md",
        "    because SOP-002 references SOP-001 (sops/SOP-002.md:9)",
        "SOP-003  Document Control  (effective)  sops/SOP-003.md",
        "    because SOP-003 mentions SOP-002 (sops/SOP-003.md:14)",
        "    because SOP-002 references SOP-001 (sops/SOP-002.md:9)",
    ]
    code, out, _ = run_cli("--root", str(chain.path), "impact", "WI-001")
    assert (code, out) == (0, "No document refers to WI-001: a change to it affects no other document.\n")


def test_impact_json(chain: GitRepo, run_cli: Run) -> None:
    code, out, _ = run_cli("--root", str(chain.path), "impact", "SOP-002", "--format", "json")
    data = json.loads(out)
    assert data["document"]["id"] == "SOP-002" and data["depth"] is None
    assert data["affected"][0]["id"] == "SOP-003"
    assert data["affected"][0]["distance"] == 1
    assert data["affected"][0]["chain"] == [
        {
            "from": "SOP-003",
            "to": "SOP-002",
            "kind": "mention",
            "target": "SOP-002",
            "path": "sops/SOP-003.md",
            "line": 14,
            "field": None,
        }
    ]


def test_impact_bad_depth(chain: GitRepo, run_cli: Run) -> None:
    code, _, err = run_cli("--root", str(chain.path), "impact", "SOP-001", "--depth", "0")
    assert (code, err) == (2, "docctl: error: depth must be at least 1\n")


# --- matrix -------------------------------------------------------------------------------------


@pytest.fixture
def coverage(repo: GitRepo) -> GitRepo:
    write(
        repo,
        "SOP-001",
        "Per ISO 9001:2015 clause 7.5.3 and (ref. 7.5.2).",
        clauses=["7.5", "7.5.2", "7.5.3", "7.1.5.1"],
        **EFFECTIVE,
    )
    write(repo, "SOP-002", "Competence (clause 7.2).", clauses=["7.2", "8.3"])  # a draft covers nothing
    write(repo, "SOP-003", "Old.", clauses=["9.2"], status="obsolete")  # left out
    return repo


def test_matrix_rows_coverage_weak_and_mandatory(coverage: GitRepo) -> None:
    m = docctl.open(coverage.path).matrix()
    assert m.standard == "iso9001:2015" and len(m.rows) == 91
    assert [d.id for d in m.documents] == ["SOP-001", "SOP-002"]
    rows = {r.number: r for r in m.rows}
    assert rows["7.5"].coverage == "direct"
    assert [(c.document, c.claimed, c.mentioned, c.weak) for c in rows["7.5"].cells] == [
        ("SOP-001", True, False, False)
    ]
    assert rows["7.5.3.1"].coverage == "inherited" and rows["7.5.3.1"].inherited_from == (("SOP-001", "7.5.3"),)
    assert rows["7"].coverage == "partial"
    assert rows["7.2"].coverage == "gap"  # only a draft addresses it
    assert [(c.document, c.effective) for c in rows["7.2"].cells] == [("SOP-002", False)]
    assert [(c.document, c.weak) for c in rows["7.1.5.1"].cells] == [("SOP-001", True)]
    [item] = rows["7.2"].mandatory
    assert (item.item.kind.value, item.gap) == ("record", True)
    [fit] = rows["7.1.5.1"].mandatory
    assert fit.covered_by == (("SOP-001", "7.1.5.1"),) and not fit.gap
    assert m.summary["mandatory"] == 27 and m.summary["weak"] == 2  # SOP-001 7.1.5.1; SOP-002 8.3 (a draft)


def test_matrix_text(coverage: GitRepo, run_cli: Run) -> None:
    code, out, _ = run_cli("--root", str(coverage.path), "matrix")
    lines = out.splitlines()
    assert code == 0
    assert lines[0] == "ISO 9001:2015 Quality management systems - Requirements (iso9001:2015): 91 clauses, 2 documents"
    i = lines.index("  7.2          Competence  [GAP]")
    assert lines[i + 1 : i + 3] == [
        "                 SOP-002 (draft)",
        "                 mandatory record to retain: Evidence of competence [GAP]",
    ]
    assert "                 SOP-001 (weak)" in lines
    assert lines[-1] == (
        "91 clauses: 4 addressed directly, 3 through a parent clause, 3 partially, 81 gap(s); mandatory documented "
        "information: 27 item(s), 26 gap(s); 2 weak claim(s) (claimed in metadata, never mentioned in the body)"
    )


def test_matrix_json_csv_md_html(coverage: GitRepo, run_cli: Run, tmp_path: Path) -> None:
    root = str(coverage.path)
    code, out, _ = run_cli("--root", root, "matrix", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["standard"]["id"] == "iso9001:2015"
    row = next(r for r in data["clauses"] if r["clause"] == "7.2")
    assert row == {
        "clause": "7.2",
        "title": "Competence",
        "untitled": False,
        "depth": 2,
        "coverage": "gap",
        "documents": [{"id": "SOP-002", "claimed": True, "mentioned": True, "weak": False, "effective": False}],
        "inherited_from": [],
        "mandatory": [{"kind": "record", "what": "Evidence of competence", "covered_by": [], "gap": True}],
    }
    assert set(data["summary"]) == {
        "clauses",
        "direct",
        "inherited",
        "partial",
        "gaps",
        "mandatory",
        "mandatory_gaps",
        "weak",
    }

    code, out, _ = run_cli("--root", root, "matrix", "--format", "csv")
    table = list(csv.reader(io.StringIO(out)))
    assert table[0] == [
        "clause",
        "title",
        "untitled",
        "coverage",
        "inherited_from",
        "mandatory",
        "mandatory_gap",
        "SOP-001",
        "SOP-002",
    ]
    assert next(r for r in table if r[0] == "7.1.5.1")[-2:] == ["weak", ""]
    assert len(table) == 92

    code, out, _ = run_cli("--root", root, "matrix", "--format", "md")
    assert "| 7.2 | Competence | SOP-002 (draft) | record to retain: Evidence of competence [GAP] | **GAP** |" in out

    target = tmp_path / "matrix.html"
    code, out, err = run_cli("--root", root, "matrix", "--format", "html", "-o", str(target))
    page = target.read_text(encoding="utf-8")
    assert (code, out) == (0, "") and "wrote the iso9001:2015 coverage matrix" in err
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page
    assert "src=" not in page and "href=" not in page and "<script" not in page  # self-contained
    assert '<tr class="gap"><td class="clause">7.2</td>' in page


def test_matrix_other_standard_and_unknown_standard(coverage: GitRepo, run_cli: Run) -> None:
    m = docctl.open(coverage.path).matrix("iso13485:2016")
    assert len(m.rows) == 91 and m.documents == () and {r.coverage for r in m.rows} == {"gap"}
    assert m.rows[2].untitled and m.rows[2].number == "4.1.1"
    code, _, err = run_cli("--root", str(coverage.path), "matrix", "--standard", "as9100:2016")
    assert code == 2
    assert (
        err
        == "docctl: error: unknown standard 'as9100:2016' (catalogues: iso13485:2016, iso14001:2015, iso45001:2018, iso9001:2015)\n"
    )


def test_matrix_is_deterministic(coverage: GitRepo, run_cli: Run) -> None:
    first = run_cli("--root", str(coverage.path), "matrix", "--format", "html")[1]
    assert run_cli("--root", str(coverage.path), "matrix", "--format", "html")[1] == first
