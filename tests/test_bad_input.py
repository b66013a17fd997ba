"""Bad input (docs/reference.md): every malformed input is a finding naming file and line (or one clear line), never a
traceback, and checking never writes."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import GitRepo, sop

import docctl

Run = Callable[..., tuple[int, str, str]]
SIDECAR = "id: FRM-001\ntitle: Form\ntype: FRM\nrevision: A\nstatus: draft\nowner: jane.smith@acme.example\n"


def findings(repo: GitRepo) -> list[tuple[str, str | None, int | None, str]]:
    return [(f.code, f.path, f.line, f.message) for f in docctl.open(repo.path).check().findings]


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file's bytes and modification time, except docctl's own cache in .git/docctl."""
    result = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink() and ".git/docctl/" not in path.as_posix():
            result[str(path)] = (path.read_bytes(), path.stat().st_mtime_ns)
    return result


def test_bad_yaml(repo: GitRepo) -> None:
    repo.write("sops/SOP-001.md", "---\nid: SOP-001\ntitle: 'unclosed\n---\n")
    [(code, path, line, message)] = findings(repo)
    assert (code, path) == ("DC107", "sops/SOP-001.md") and line is not None
    assert message.startswith("invalid YAML: ")


def test_duplicate_keys(repo: GitRepo) -> None:
    repo.write("sops/SOP-001.md", "---\nid: SOP-001\ntitle: A\nid: SOP-002\n---\n")
    assert findings(repo) == [("DC107", "sops/SOP-001.md", 4, "duplicate key 'id' (first on line 2)")]


def test_yaml_aliases_refused(repo: GitRepo) -> None:
    repo.write("sops/SOP-001.md", "---\nid: &a SOP-001\ntitle: *a\n---\n")
    assert findings(repo) == [("DC107", "sops/SOP-001.md", 3, "YAML aliases (*name) are not accepted in metadata")]


def test_yaml_tags_never_construct_objects(repo: GitRepo) -> None:
    marker = repo.path / "hacked"
    repo.write("sops/SOP-001.md", sop(title=f"!!python/object/apply:os.system ['touch {marker}']"))
    assert findings(repo) == [("DC102", "sops/SOP-001.md", 3, "'title' must be a single value, not a list")]
    assert not marker.exists()


def test_bom_is_reported_but_document_still_read(repo: GitRepo) -> None:
    repo.write("sops/SOP-001.md", b"\xef\xbb\xbf" + sop().encode())
    assert findings(repo) == [
        ("DC102", "sops/SOP-001.md", 1, "file starts with a byte order mark (BOM); save it as UTF-8 without BOM")
    ]
    assert docctl.open(repo.path).document("SOP-001").title == "Document Control"


def test_missing_closing_delimiter(repo: GitRepo) -> None:
    repo.write("sops/SOP-001.md", "---\nid: SOP-001\ntitle: A\n\n# body\n")
    assert findings(repo) == [
        ("DC107", "sops/SOP-001.md", 1, "front matter opened on line 1 is never closed with '---'")
    ]


def test_not_utf8(repo: GitRepo) -> None:
    repo.write("sops/SOP-001.md", sop().encode() + b"\nCaf\xe9 au lait\n")
    [(code, path, line, message)] = findings(repo)
    assert (code, path, message) == ("DC107", "sops/SOP-001.md", "not UTF-8 text (byte 0xe9)")
    assert line == sop().count("\n") + 2


def test_front_matter_not_a_mapping(repo: GitRepo) -> None:
    repo.write("sops/SOP-001.md", "---\n- a\n- b\n---\n")
    assert findings(repo) == [("DC102", "sops/SOP-001.md", 1, "metadata must be a mapping of fields (key: value)")]


def test_corrupt_docx(repo: GitRepo) -> None:
    repo.write("forms/FRM-001.docx", b"PK\x03\x04 this is not really a zip")
    repo.write("forms/FRM-001.docx.yml", SIDECAR)
    [(code, path, line, message)] = findings(repo)
    assert (code, path, line) == ("DC107", "forms/FRM-001.docx", None)
    assert "zip" in message


def test_encrypted_docx(repo: GitRepo) -> None:
    repo.write("forms/FRM-001.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    repo.write("forms/FRM-001.docx.yml", SIDECAR)
    [(code, path, _, message)] = findings(repo)
    assert (code, path) == ("DC107", "forms/FRM-001.docx")
    assert "encrypted" in message


def test_zip_bomb_refused_before_inflating(repo: GitRepo) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<" + b"a" * (300 * 1024 * 1024) + b">")
    repo.write("forms/FRM-001.docx", buffer.getvalue())
    repo.write("forms/FRM-001.docx.yml", SIDECAR)
    [(code, path, _, message)] = findings(repo)
    assert (code, path) == ("DC107", "forms/FRM-001.docx")
    assert "bomb" in message or "uncompressed" in message or "compression" in message


def test_xml_with_entities_refused(repo: GitRepo) -> None:
    from docctl.formats.docx import new_docx

    original = new_docx(title="FRM-001 Form", headings=[], properties={})
    source = zipfile.ZipFile(io.BytesIO(original))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                data = (
                    b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
                    + data.split(b"?>", 1)[1]
                )
            archive.writestr(info, data)
    repo.write("forms/FRM-001.docx", buffer.getvalue())
    repo.write("forms/FRM-001.docx.yml", SIDECAR)
    [(code, path, _, message)] = findings(repo)
    assert (code, path) == ("DC107", "forms/FRM-001.docx")
    assert "DTD" in message or "entit" in message


def test_bad_sidecar_yaml_names_the_sidecar(repo: GitRepo) -> None:
    from docctl.formats.docx import new_docx

    repo.write("forms/FRM-001.docx", new_docx(title="Form", headings=[], properties={}))
    repo.write("forms/FRM-001.docx.yml", "id: FRM-001\ntitle: [\n")
    [(code, path, line, message)] = findings(repo)
    assert (
        (code, path) == ("DC107", "forms/FRM-001.docx.yml") and line is not None and message.startswith("invalid YAML")
    )


def test_symlink_leaving_the_repository(repo: GitRepo, tmp_path: Path) -> None:
    outside = tmp_path / "outside.md"
    outside.write_text(sop())
    (repo.path / "sops").mkdir()
    os.symlink(outside, repo.path / "sops/SOP-001.md")
    [(code, path, line, message)] = findings(repo)
    assert (code, path, line) == ("DC107", "sops/SOP-001.md", None)
    assert message == f"symbolic link to {outside}, outside the repository; controlled files must live in it"


def test_symlink_inside_the_repository_is_read(repo: GitRepo) -> None:
    repo.write("real/SOP-001.md", sop())
    (repo.path / "sops").mkdir()
    os.symlink("../real/SOP-001.md", repo.path / "sops/link.md")
    codes = [c for c, *_ in findings(repo)]
    assert codes == ["DC103", "DC103"]  # the same document seen twice: a duplicate id, not a crash


def test_odd_characters_in_paths(repo: GitRepo, run_cli: Run) -> None:
    name = "sops/Prüfung «draft» #1 $(rm -rf ~) ; -n.md"
    repo.write(name, "# no metadata\n")
    assert findings(repo) == [
        (
            "DC101",
            name,
            1,
            "no metadata: add YAML front matter (id, title, type, revision, status, owner) between '---' lines",
        )
    ]
    code, out, _ = run_cli("check", cwd=repo.path)
    assert code == 1 and out.startswith(name + ":1: DC101")


def test_non_utf8_file_name(repo: GitRepo, run_cli: Run) -> None:
    (repo.path / "sops").mkdir()
    (repo.path / os.fsdecode(b"sops/caf\xe9.md")).write_text("# nothing\n")
    code, out, _ = run_cli("check", cwd=repo.path)
    assert code == 1 and "DC101" in out and "caf" in out


def test_100_mb_file(repo: GitRepo) -> None:
    with open(repo.path / "big.md", "wb") as handle:
        handle.write(sop().encode())
        handle.truncate(100 * 1024 * 1024)
    assert findings(repo) == [
        ("DC107", "big.md", None, "file is 100 MiB; controlled Markdown files are limited to 10 MiB")
    ]


def test_binary_file_with_md_suffix(repo: GitRepo) -> None:
    repo.write("image.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert findings(repo) == [("DC107", "image.md", 1, "binary file, not Markdown text")]


def test_bad_config_is_one_line_exit_2(repo: GitRepo, run_cli: Run) -> None:
    repo.write("docctl.toml", "[docctl]\nfail_on = 3\n")
    code, out, err = run_cli("check", cwd=repo.path)
    assert (code, out) == (2, "")
    assert (
        err
        == f"docctl: error: {repo.path.resolve() / 'docctl.toml'}:2: 'docctl.fail_on' must be one of major, minor, ofi\n"
    )


def test_check_and_show_never_write(repo: GitRepo, run_cli: Run) -> None:
    repo.write("sops/SOP-001.md", sop())
    repo.write("sops/bad.md", "---\nid: [\n---\n")
    repo.write("sops/SOP-002.md", b"\xef\xbb\xbf" + sop("SOP-002").encode())
    repo.commit()
    status = repo.status()
    before = snapshot(repo.path)
    for args in (
        ["check"],
        ["check", "--format", "json"],
        ["show", "SOP-001"],
        ["show", "SOP-002", "--format", "json"],
    ):
        run_cli(*args, cwd=repo.path)
    assert snapshot(repo.path) == before
    assert repo.status() == status


@pytest.mark.parametrize("text", ["---\n", "---\n---\n", "", "\n\n", "---\n...\n"])
def test_degenerate_files_do_not_crash(repo: GitRepo, text: str) -> None:
    repo.write("sops/x.md", text)
    assert [c for c, *_ in findings(repo)] in (["DC101"], ["DC107"], ["DC102"])
