"""``docctl audit-pack``: what a certification body asks for at stage 1, as of one day.

The pack holds the register, the coverage matrix of every configured standard, a controlled copy of
every document in force that day (each with its signature page and revision history), and an index
page linking them. Written as a folder or a zip; the same inputs give the same bytes (no clock:
the zip's entries are sorted and dated the pack's day).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from docctl._version import __version__
from docctl.adapters.atomic import write_atomic
from docctl.adapters.templates import render
from docctl.composer import views
from docctl.composer.base import Composer
from docctl.core.errors import UsageError
from docctl.references.matrix import matrix
from docctl.register.build import build as build_register

COPY_FORMATS = ("html", "pdf")


@dataclass(frozen=True, slots=True, kw_only=True)
class PackEntry:
    name: str  # the file's name inside the pack
    title: str
    kind: str  # index | register | matrix | copy


@dataclass(frozen=True, slots=True, kw_only=True)
class Pack:
    day: dt.date
    files: tuple[tuple[str, bytes], ...]  # (name, bytes), sorted by name
    entries: tuple[PackEntry, ...]
    path: Path | None = None

    def zip_bytes(self) -> bytes:
        """The pack as a zip: entries sorted, each dated the pack's day at noon, no extra fields."""
        buffer = io.BytesIO()
        stamp = (self.day.year, self.day.month, self.day.day, 12, 0, 0)
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, data in self.files:
                info = zipfile.ZipInfo(name, date_time=stamp)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, data)
        return buffer.getvalue()


def build(repo: Composer, day: dt.date, *, copies: str = "html") -> Pack:
    """Everything of the pack in memory."""
    if copies not in COPY_FORMATS:
        raise UsageError(f"--copies must be one of {', '.join(COPY_FORMATS)}, not '{copies}'")
    if repo.git() is None:
        raise UsageError("an evidence pack needs git history: this repository has none")
    view = views.at(repo, day) if day < repo.now().date() else repo
    register = build_register(repo, as_of=day.isoformat() if day < repo.now().date() else None)
    files: dict[str, bytes] = {
        "register.html": register.render("html"),
        "register.csv": register.render("csv"),
    }
    entries = [
        PackEntry(name="register.html", title="Controlled document register", kind="register"),
        PackEntry(name="register.csv", title="Controlled document register (CSV)", kind="register"),
    ]
    documents = view.documents()
    for standard in view.config.standards:
        table = matrix(documents, view.references(), standard)
        name = f"matrix-{standard.replace(':', '-')}.html"
        files[name] = table.render("html").encode("utf-8")
        entries.append(PackEntry(name=name, title=f"Clause coverage: {table.title}", kind="matrix"))
    in_force = [row for row in register if row.status == "effective" and row.revision]
    for row in in_force:
        data = _copy(repo, row.id, day, copies)
        name = f"copies/{row.id}.{copies}"
        files[name] = data
        entries.append(PackEntry(name=name, title=f"{row.id} {row.title} (revision {row.revision})", kind="copy"))
    index = render(
        "audit-pack.html",
        title=f"Evidence pack {day.isoformat()}",
        version=__version__,
        day=day.isoformat(),
        root=repo.root.name,
        commit=register.commit,
        entries=entries,
        rows=in_force,
        copy_suffix=copies,
    )
    files["index.html"] = index.encode("utf-8")
    entries.insert(0, PackEntry(name="index.html", title="Index", kind="index"))
    return Pack(day=day, files=tuple(sorted(files.items())), entries=tuple(entries))


def _copy(repo: Composer, doc_id: str, day: dt.date, fmt: str) -> bytes:
    from docctl.publish.copy import gather
    from docctl.publish.export import render as render_copy

    return render_copy(gather(repo, doc_id, as_of=day.isoformat()), fmt)


def check_output(repo: Composer, output: Path) -> Path:
    """Where the pack may go (UsageError otherwise), checked before anything is built: a .zip file,
    or a folder that is new, empty or an earlier pack, never a part of the repository's record."""
    from docctl.composer.outputs import output_file, output_folder

    if output.suffix.lower() == ".zip":
        return output_file(repo, output, generated=lambda data: data[:2] == b"PK" and b"index.html" in data).path
    return output_folder(repo, output, generated=lambda folder: (folder / "index.html").is_file()).path


def write(pack: Pack, output: Path) -> Pack:
    """Write the pack to a .zip file or into a folder (only the files whose bytes changed)."""
    from dataclasses import replace

    if output.suffix.lower() == ".zip":
        write_atomic(output, pack.zip_bytes())
        return replace(pack, path=output)
    for name, data in pack.files:
        target = output / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.is_file() or target.read_bytes() != data:
            write_atomic(target, data)
    return replace(pack, path=output)
