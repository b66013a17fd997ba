"""The "qms" shape: a generated repository that looks like a real quality management system.

* documents in nested department folders (``quality/sops/capa/``, ``production/work-instructions/
  line-1/assembly/pump-series-a/``, ``hr/forms/training/``), with slugs in their file names;
* folders reorganised over time (whole folders moved in one commit), single documents moved, and
  files renamed when a revision changes the title;
* about a third of the revisions made on review branches and merged with a merge commit (main is
  the first-parent line; the approvals are commits on the branch by the approvers themselves);
* Markdown bodies of 20-200 KB (headings, numbered steps, lists, tables, mentions of other
  documents, clause citations) and .docx documents (forms, some work instructions) with sidecars;
* the real lifecycle with correct fingerprints, as in the flat shape (bench/generate.py).

Deterministic: the same arguments give the same repository, byte for byte.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from docx_bodies import TEMPLATES, template
from generate import CLAUSES, PEOPLE, SPAN, START, _spread, apply, steps
from prose import Citations, Prose, text_of

from docctl.core.fingerprints import fingerprint
from docctl.formats.docx import read_docx

TYPES = {  # code: (share of documents, approver roles, share in .docx)
    "POL": (0.03, ["Quality Manager"], 0.0),
    "SOP": (0.22, ["Process Owner", "Quality Manager"], 0.0),
    "WI": (0.40, ["Process Owner"], 0.15),
    "FRM": (0.35, ["Quality Manager"], 0.6),
}
_PRODUCTS = ["pump-series-a", "valve-series-b", "sensor-kit-c"]
FOLDERS = {
    "POL": ["quality/policies"],
    "SOP": [
        *(f"quality/sops/{topic}" for topic in ("document-control", "capa", "internal-audit", "management-review")),
        "production/sops",
        "engineering/design-control/sops",
        "purchasing/supplier-quality/sops",
        "hr/sops",
        "regulatory/sops/complaints",
        "maintenance/sops",
    ],
    "WI": [
        *(
            f"production/work-instructions/line-{line}/{step}/{product}"
            for line in (1, 2)
            for step in ("assembly", "inspection")
            for product in _PRODUCTS
        ),
        "production/work-instructions/line-3/packaging",
        "maintenance/work-instructions/calibration",
        "maintenance/work-instructions/preventive",
        "warehouse/work-instructions/receiving",
        "warehouse/work-instructions/shipping",
        "engineering/validation/protocols",
    ],
    "FRM": [
        *(f"quality/forms/{topic}" for topic in ("audit", "capa", "nonconformance")),
        *(f"production/forms/batch-records/line-{line}" for line in (1, 2, 3)),
        "hr/forms/training",
        "hr/forms/onboarding",
        "purchasing/supplier-quality/forms",
        "maintenance/forms",
        "regulatory/forms/complaints",
        "engineering/design-control/forms",
    ],
}
#: (when, as a fraction of the history; old folder prefix; new prefix; commit message)
REORGS = [
    (0.35, "production/work-instructions/line-2", "operations/line-2/work-instructions", "line 2 moves to operations"),
    (0.55, "hr/forms/training", "people/training/forms", "training records move to People"),
    (0.75, "maintenance", "operations/maintenance", "maintenance joins operations"),
]
NOUNS = ["control", "inspection", "calibration", "release", "training", "review", "handling", "verification"]
SUBJECTS = ["documents", "records", "suppliers", "equipment", "product", "complaints", "changes", "batches", "labels"]
BRANCHED = 0.35  # share of revisions made on a review branch
MOVED = 0.03  # share of documents moved to another folder once
RETITLED = 0.15  # share of revisions that change the title (the file is renamed)

CONFIG = (
    '[docctl]\nstandards = ["iso9001:2015"]\nrevision_scheme = "letters"\nreview_warning_days = 30\n'
    + "".join(
        f'[types.{code}]\ntitle = "{title}"\nid_pattern = "{code}-{{n:04}}"\n'
        f"approvers = {roles!r}\nreview_months = 36\n".replace("'", '"')
        for code, title, roles in (
            ("POL", "Policy", TYPES["POL"][1]),
            ("SOP", "Standard Operating Procedure", TYPES["SOP"][1]),
            ("WI", "Work Instruction", TYPES["WI"][1]),
            ("FRM", "Form", TYPES["FRM"][1]),
        )
    )
    + "".join(
        f'[people."{email}"]\nname = "{name}"\nroles = {roles!r}\n'.replace("'", '"')
        for name, email, roles in PEOPLE.values()
    )
)


def _slug(title: str) -> str:
    return title.lower().replace(" ", "-")


def folder_at(folder: str, when: float) -> str:
    """Where a department folder is at ``when`` (after the reorganisations before it)."""
    for at, old, new, _ in REORGS:
        if at <= when and (folder == old or folder.startswith(old + "/")):
            folder = new + folder[len(old) :]
    return folder


@dataclass
class QDoc:
    """A document's state as the generator steps it through its lifecycle (the flat shape's ``apply``
    works on it unchanged)."""

    index: int
    type: str
    id: str
    title: str
    folder: str
    format: str
    approvers: list[str]
    references: list[str]
    clauses: list[str]
    blocks: list[str]
    template: int
    revision: str = "A"
    status: str = "draft"
    approvals: list[dict[str, str]] = field(default_factory=list)
    effective: str | None = None
    review_due: str | None = None
    change: str | None = None
    _rendered: tuple[str, bytes, str] | None = None  # (body text, .docx bytes, body as docctl reads it)

    @property
    def path(self) -> str:
        return f"{self.folder}/{self.id}-{_slug(self.title)}.{self.format}"

    @property
    def body(self) -> str:
        """The body text as docctl reads it (for the fingerprint)."""
        return self._render()[2]

    def _render(self) -> tuple[str, bytes, str]:
        text = text_of(self.blocks)
        if self._rendered is None or self._rendered[0] != text + self.title:
            if self.format == "docx":
                data = template(self.template).render(self.title, self.blocks)
                self._rendered = (text + self.title, data, read_docx(data).body)
            else:
                self._rendered = (text + self.title, b"", text)
        return self._rendered

    @property
    def fingerprint(self) -> str:
        return fingerprint(
            id=self.id,
            title=self.title,
            type=self.type,
            revision=self.revision,
            clauses=self.clauses,
            references=self.references,
            supersedes=None,
            body=self.body,
        )

    def metadata(self) -> str:
        out = [f"id: {self.id}", f"title: {self.title}", f"type: {self.type}", f"revision: {self.revision}"]
        out.append(f"status: {self.status}")
        out += [f"effective: {self.effective}"] if self.effective else []
        out += [f"review_due: {self.review_due}"] if self.review_due else []
        out += ["owner: tom.baker@acme.example", "author: sam.okafor@acme.example"]
        out.append("clauses: [" + ", ".join(f'"{c}"' for c in self.clauses) + "]")
        out.append(f"references: [{', '.join(self.references)}]")
        out += [f"change: {self.change}"] if self.change else []
        if self.approvals:
            out.append("approvals:")
            for a in self.approvals:
                out.append(f"  - name: {a['name']}")
                out += [f"    {k}: {a[k]}" for k in ("by", "role", "meaning", "date", "fingerprint")]
        return "\n".join(out) + "\n"

    def files(self, folder: str | None = None) -> dict[str, bytes]:
        """The document's files (path -> bytes), in ``folder`` (default: its own)."""
        path = self.path if folder is None else f"{folder}/{self.path.rsplit('/', 1)[1]}"
        if self.format == "docx":
            return {path: self._render()[1], path + ".yml": self.metadata().encode()}
        return {path: f"---\n{self.metadata()}---\n\n{text_of(self.blocks)}".encode()}


def make_documents(rng: random.Random, count: int) -> list[QDoc]:
    """The documents' identities, folders, formats and clauses (references and bodies come later)."""
    codes = [code for code, (share, _, _) in TYPES.items() for _ in range(max(1, round(share * 1000)))]
    numbers = dict.fromkeys(TYPES, 0)
    docs: list[QDoc] = []
    for index in range(count):
        code = "POL" if index == 0 else rng.choice(codes)
        numbers[code] += 1
        doc_id = f"{code}-{numbers[code]:04}"
        title = f"{rng.choice(NOUNS).capitalize()} of {rng.choice(SUBJECTS)} {rng.randrange(1, 100)}"
        clauses = sorted(rng.sample(CLAUSES, 2), key=lambda c: [int(p) for p in c.split(".")])
        fmt = "docx" if rng.random() < TYPES[code][2] else "md"
        folder = rng.choice(FOLDERS[code])
        docs.append(QDoc(index, code, doc_id, title, folder, fmt, TYPES[code][1], [], clauses, [], index % TEMPLATES))
    return docs


def write_bodies(rng: random.Random, prose: Prose, docs: list[QDoc], released: set[int]) -> None:
    """References and bodies: each document refers to earlier ones that end released (as a healthy
    QMS does), in its metadata and in its text."""
    earlier: list[str] = []
    for doc in docs:
        window = earlier[-400:]
        doc.references = sorted(set(rng.sample(window, min(len(window), rng.randrange(0, 4)))))
        mentioned = doc.references + [d for d in rng.sample(window, min(len(window), 3)) if d not in doc.references]
        low, high = (20_000, 80_000) if doc.format == "docx" else (20_000, 200_000)
        size = int(math.exp(rng.uniform(math.log(low), math.log(high))))
        doc.blocks = prose.body(rng, f"{doc.id} {doc.title}", size, Citations(mentioned, doc.clauses))
        if doc.index in released:
            earlier.append(doc.id)


@dataclass(order=True)
class Step:
    """One thing that happens, at a point of the history (0..1): a lifecycle step on main, a whole
    review branch (its steps, then the merge), a move or a reorganisation."""

    when: float
    doc: int = -1
    kind: str = "main"  # main | branch | move | reorg
    actions: list[tuple[str, str]] = field(default_factory=list)
    until: float = 0.0  # a branch: when it is merged
    reorg: int = -1


def plan(rng: random.Random, docs: list[QDoc], commits: int) -> tuple[list[Step], set[int]]:
    """Every step of the history in time order; the documents whose last step is a release."""
    lifecycle = max(len(docs), int(commits * 0.975))  # merges, moves and reorganisations make the rest
    per_doc = _spread(rng, docs, lifecycle)  # type: ignore[arg-type]  # the flat shape's spread, on QDocs
    schedule: list[Step] = []
    released: set[int] = set()
    for doc, count in zip(docs, per_doc, strict=True):
        actions = list(steps(doc, rng, count))  # type: ignore[arg-type]
        if actions[-1][1] == "release":
            released.add(doc.index)
        born = 0.7 * (doc.index / len(docs)) ** 1.3
        units: list[list[tuple[str, str]]] = [[actions[0]]]
        rest = actions[1:]
        while rest:
            if rest[0][1] == "revise" and len(rest) > 3 + len(doc.approvers) and rng.random() < BRANCHED:
                cut = 3 + len(doc.approvers)  # revise, edit, submit, approvals; the release follows on main
                units.append(rest[:cut])
                rest = rest[cut:]
            else:
                units.append(rest[:1])
                rest = rest[1:]
        times = sorted(rng.uniform(born, 1.0) for _ in units[1:])
        times = [born, *times, 1.0]
        for unit, at, after in zip(units, times, times[1:], strict=False):
            if len(unit) > 1:
                schedule.append(Step(at, doc.index, "branch", unit, until=at + (after - at) * 0.8))
            else:
                schedule.append(Step(at, doc.index, "main", unit))
        if rng.random() < MOVED:
            schedule.append(Step(rng.uniform(born, 1.0), doc.index, "move"))
    schedule += [Step(at, kind="reorg", reorg=number) for number, (at, *_) in enumerate(REORGS)]
    return sorted(schedule, key=lambda s: (s.when, s.doc)), released


class Writer:
    """Commits for ``git fast-import``: main, review branches, merges, moves.

    What main holds of each document is kept as digests (to write only what changed); a document
    on an open review branch keeps its main files until the merge (a reorganisation moves them).
    """

    def __init__(self, docs: list[QDoc], prose: Prose, rng: random.Random, count: int) -> None:
        self.docs, self.prose, self.rng = docs, prose, rng
        self.mark = 0
        self.main: int | None = None
        self.step = SPAN / max(1, count)
        self.when = START
        self.on_main: dict[int, dict[str, str]] = {}  # document -> path -> digest, on main
        self.stash: dict[int, dict[str, bytes]] = {}  # document on an open branch -> its files on main
        self.tips: dict[int, int] = {}  # document on an open branch -> the branch's last commit
        self.count = 0

    def commit(self, ref: str, who: str, message: str, files: dict[str, bytes | None], **parents: int | None) -> bytes:
        self.mark += 1
        self.count += 1
        self.when += self.step
        name, email, _ = PEOPLE[who]
        stamp = f"{int(self.when.timestamp())} +0000"
        out = [
            f"commit {ref}\nmark :{self.mark}\nauthor {name} <{email}> {stamp}\ncommitter {name} <{email}> {stamp}\n"
        ]
        out.append(f"data {len(message.encode())}\n{message}\n")
        out += [f"from :{parents['start']}\n"] if parents.get("start") is not None else []
        out += [f"merge :{parents['merge']}\n"] if parents.get("merge") is not None else []
        body = [
            f"D {path}\n".encode()
            if data is None
            else f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n"
            for path, data in sorted(files.items())
        ]
        return "".join(out).encode() + b"".join(body)

    def to_main(self, index: int, who: str, message: str, files: dict[str, bytes], merge: int | None = None) -> bytes:
        """A commit on main that leaves document ``index`` with ``files``."""
        old = self.on_main.get(index, {})
        digests = {path: hashlib.sha1(data).hexdigest() for path, data in files.items()}
        changes: dict[str, bytes | None] = {path: None for path in old if path not in files}
        changes.update({path: files[path] for path, digest in digests.items() if old.get(path) != digest})
        self.on_main[index] = digests
        return self.main_commit(who, message, changes, merge)

    def main_commit(self, who: str, message: str, changes: dict[str, bytes | None], merge: int | None = None) -> bytes:
        chunk = self.commit("refs/heads/main", who, message, changes, start=self.main, merge=merge)
        self.main = self.mark
        return chunk

    def act(self, doc: QDoc, who: str, action: str) -> str:
        """Apply one lifecycle step to the document's state; the commit message."""
        rng = self.rng
        if action == "revise" and rng.random() < RETITLED:  # a new title: the file is renamed
            doc.title = f"{rng.choice(NOUNS).capitalize()} of {rng.choice(SUBJECTS)} {rng.randrange(1, 100)}"
            doc.blocks[0] = f"# {doc.id} {doc.title}"
        if action == "edit":
            self.prose.edit(rng, doc.blocks, Citations(doc.references, doc.clauses))
            return f"{doc.id}: edit revision {doc.revision}"
        # dated as the commit that records it will be (commit() advances the clock by one step)
        return apply(doc, who, action, self.when + self.step, rng)  # type: ignore[arg-type]

    def branch(self, doc: QDoc, actions: list[tuple[str, str]], number: int) -> Iterator[bytes]:
        """A review branch from main's tip: the revision's steps, each by its actor."""
        ref = f"refs/heads/review/{doc.id}-{number}"
        self.stash[doc.index] = doc.files()
        start, files = self.main, self.stash[doc.index]
        for who, action in actions:
            message = self.act(doc, who, action)
            new = doc.files(files_folder(files))
            changes: dict[str, bytes | None] = {p: None for p in files if p not in new}
            changes.update({p: d for p, d in new.items() if files.get(p) != d})
            yield self.commit(ref, who, message, changes, start=start)
            start, files = self.mark, new
        self.tips[doc.index] = self.mark

    def merge(self, doc: QDoc) -> bytes:
        self.stash.pop(doc.index, None)
        tip = self.tips.pop(doc.index)
        message = (
            f"Merge branch 'review/{doc.id}' into main\n\n{doc.id} revision {doc.revision} reviewed and approved\n"
        )
        return self.to_main(doc.index, "jane", message, doc.files(), merge=tip)

    def reorganise(self, number: int) -> bytes:
        _, old, new_prefix, why = REORGS[number]
        changes: dict[str, bytes | None] = {}
        for index in list(self.on_main):
            doc = self.docs[index]
            if not (doc.folder == old or doc.folder.startswith(old + "/")):
                continue
            files = self.stash.get(index) or doc.files()  # what main has
            doc.folder = new_prefix + doc.folder[len(old) :]
            moved = {f"{doc.folder}/{path.rsplit('/', 1)[1]}": data for path, data in files.items()}
            changes.update(dict.fromkeys(files))
            changes.update(moved)
            self.on_main[index] = {p: hashlib.sha1(d).hexdigest() for p, d in moved.items()}
            if index in self.stash:
                self.stash[index] = moved
        return self.main_commit("jane", f"Reorganise folders: {why} ({old}/ -> {new_prefix}/)", changes)


def files_folder(files: dict[str, bytes]) -> str:
    return next(iter(files)).rsplit("/", 1)[0]


def stream(documents: int, commits: int, seed: int) -> Iterator[bytes]:
    rng = random.Random(seed)
    prose = Prose(seed)
    docs = make_documents(rng, documents)
    schedule, released = plan(rng, docs, commits)
    write_bodies(rng, prose, docs, released)
    count = sum(len(s.actions) + (s.kind != "main") for s in schedule) + 1
    writer = Writer(docs, prose, rng, count)
    yield b"reset refs/heads/main\n"
    yield writer.main_commit("jane", "Set up the controlled document repository", {"docctl.toml": CONFIG.encode()})
    pending: list[Step] = []  # open review branches, by merge time
    for item in schedule:
        while pending and pending[0].until <= item.when:
            yield writer.merge(docs[pending.pop(0).doc])
        if item.kind == "reorg":
            yield writer.reorganise(item.reorg)
            continue
        doc = docs[item.doc]
        if item.kind == "move":
            if item.doc in writer.stash or item.doc not in writer.on_main:
                continue  # on a review branch, or not written yet: stays where it is
            others = [folder_at(f, item.when) for f in FOLDERS[doc.type]]
            doc.folder = rng.choice([f for f in others if f != doc.folder] or [doc.folder])
            yield writer.to_main(item.doc, "sam", f"Move {doc.id} to {doc.folder}/", doc.files())
        elif item.kind == "main":
            if item.doc not in writer.on_main:
                doc.folder = folder_at(doc.folder, item.when)  # created after a reorganisation
            who, action = item.actions[0]
            message = writer.act(doc, who, action)
            yield writer.to_main(item.doc, who, message, doc.files())
        else:
            yield from writer.branch(doc, item.actions, len(writer.tips) + writer.count)
            pending.append(item)
            pending.sort(key=lambda s: s.until)
    for item in pending:
        yield writer.merge(docs[item.doc])
    yield b"done\n"
