"""doorstop beside docctl: the same documents as a doorstop item tree, timed with doorstop from PyPI.

doorstop is installed into its own environment under build/ (it is never a docctl dependency).
Work instructions and forms become child documents linked to the documents they reference; each
item's text is the document's body.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def tree(repo: Path, out: Path) -> Path:
    """The item tree of ``repo``'s documents in ``out`` (made once, then reused)."""
    import docctl

    if (out / ".git").exists():
        return out
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(out)], check=True)
    documents = docctl.open(repo).documents()
    prefixes = sorted({d.type for d in documents if d.type})
    top = "SOP" if "SOP" in prefixes else prefixes[0]
    for prefix in prefixes:
        folder = out / prefix.lower()
        folder.mkdir()
        settings = f"settings:\n  digits: 4\n  prefix: {prefix}\n  sep: '-'\n"
        (folder / ".doorstop.yml").write_text(settings + (f"  parent: {top}\n" if prefix != top else ""))
    for level, document in enumerate(documents, start=1):
        assert document.id and document.type
        links = "".join(f"\n- {ref}: null" for ref in document.references) or " []"
        text = "\n".join("  " + line for line in document.body.strip().splitlines())
        item = (
            f"active: true\nderived: false\nheader: ''\nlevel: {level}.0\nlinks:{links}\n"
            f"normative: true\nref: ''\nreviewed: null\ntext: |\n{text}\n"
        )
        (out / document.type.lower() / f"{document.id}.yml").write_text(item)
    subprocess.run(["git", "-C", str(out), "add", "-A"], check=True)
    identity = ["-c", "user.name=bench", "-c", "user.email=bench@example.com"]
    subprocess.run(["git", "-C", str(out), *identity, "commit", "-q", "-m", "items"], check=True)
    return out


def seconds(repo: Path, name: str) -> tuple[float | None, str]:
    """Wall time of ``doorstop`` (build and validate the tree) on ``repo``'s documents, and a note."""
    venv = ROOT / "build" / "bench-doorstop-venv"
    doorstop = venv / "bin" / "doorstop"
    if not doorstop.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        result = subprocess.run(
            [str(venv / "bin" / "pip"), "install", "-q", "doorstop"], capture_output=True, text=True
        )
        if result.returncode != 0 or not doorstop.exists():
            return None, "doorstop could not be installed: " + result.stderr.strip()[-200:]
    items = tree(repo, ROOT / "build" / "bench" / f"doorstop-{name}")
    start = time.perf_counter()
    result = subprocess.run([str(doorstop)], cwd=items, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    version = subprocess.run([str(doorstop), "--version"], capture_output=True, text=True).stdout.strip()
    return elapsed, f"{version}, exit {result.returncode}"
