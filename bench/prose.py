"""Realistic QMS prose for the generated repositories: procedures with headings, numbered steps,
lists, tables, cross-references to other documents and citations of clauses.

Deterministic: everything comes from the ``random.Random`` it is given. Bodies are assembled from a
pool of paragraphs, lists and tables made once per seed (so 400 MB of text takes seconds), mixed
with sentences of the document's own (its references, its clauses), so no two bodies are alike.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

ROLES = [
    "Process Owner",
    "Quality Manager",
    "Production Supervisor",
    "Operator",
    "Quality Engineer",
    "Maintenance Technician",
    "Warehouse Lead",
    "Training Coordinator",
    "Purchasing Manager",
    "Design Engineer",
    "Regulatory Affairs Specialist",
    "Internal Auditor",
]
VERBS = [
    "review",
    "verify",
    "record",
    "approve",
    "inspect",
    "calibrate",
    "retain",
    "segregate",
    "label",
    "escalate",
    "document",
    "evaluate",
    "sign off",
    "communicate",
    "archive",
    "investigate",
]
OBJECTS = [
    "incoming material",
    "nonconforming product",
    "the calibration status of each gauge",
    "the work order",
    "the batch record",
    "the supplier certificate of conformity",
    "the training record",
    "the first-article inspection report",
    "the risk assessment",
    "the design review minutes",
    "customer complaints",
    "corrective actions",
    "the sampling plan",
    "the equipment log",
    "the labelling proof",
    "the change request",
    "the deviation report",
    "the line clearance checklist",
    "the torque settings",
    "the cleaning record",
]
CONDITIONS = [
    "before release to production",
    "within five working days",
    "at each shift change",
    "when a deviation is detected",
    "in accordance with the sampling plan",
    "before the product leaves the warehouse",
    "at least once a year",
    "whenever the process parameters change",
    "before the first use of new equipment",
    "after every maintenance intervention",
    "at the start of each batch",
    "when the customer requests it",
    "before the document is released",
    "within 24 hours of receipt",
]
REASONS = [
    "so that the records remain traceable",
    "to prevent the unintended use of nonconforming product",
    "because the customer contract requires it",
    "so that the results can be reproduced during an audit",
    "to keep the measurement uncertainty within tolerance",
    "to demonstrate the competence of the personnel involved",
    "so that trends can be analysed at the management review",
    "to ensure that only current revisions are used at the point of use",
]
TOPICS = [
    "Receiving and identification",
    "Preparation of the work area",
    "Setup and first-article inspection",
    "In-process inspection",
    "Handling of deviations",
    "Segregation and disposition",
    "Final inspection and release",
    "Packaging and labelling",
    "Cleaning and line clearance",
    "Calibration and maintenance",
    "Training and qualification",
    "Records and retention",
    "Escalation to management",
    "Supplier notification",
    "Verification of effectiveness",
    "Data analysis and trending",
]
TERMS = [
    ("NCR", "Nonconformance report: the record of a product or process that does not meet a requirement."),
    ("CAPA", "Corrective and preventive action, raised when the cause of a problem must be removed."),
    ("FAI", "First-article inspection of the first part made after a setup or a change."),
    ("AQL", "Acceptance quality limit of the sampling plan in use."),
    ("DHR", "Device history record: the production records of one lot or serial number."),
    ("MRB", "Material review board, deciding the disposition of nonconforming material."),
    ("PPE", "Personal protective equipment required at the workstation."),
    ("OOT", "Out of tolerance: a measurement outside the limits of the drawing."),
]


@dataclass(frozen=True)
class Citations:
    """What one document points at: documents by id and clauses of ISO 9001:2015."""

    documents: Sequence[str]
    clauses: Sequence[str]


class Prose:
    """A pool of paragraphs, lists and tables for one seed, and bodies assembled from it."""

    def __init__(self, seed: int, pool: int = 1500) -> None:
        rng = random.Random(seed * 7919 + 1)
        self.paragraphs = [self._paragraph(rng) for _ in range(pool)]
        self.lists = [self._list(rng) for _ in range(pool // 5)]
        self.tables = [self._table(rng) for _ in range(pool // 10)]

    @staticmethod
    def sentence(rng: random.Random) -> str:
        role, verb, obj = rng.choice(ROLES), rng.choice(VERBS), rng.choice(OBJECTS)
        text = f"The {role} shall {verb} {obj} {rng.choice(CONDITIONS)}"
        if rng.random() < 0.4:
            text += f", {rng.choice(REASONS)}"
        return text + "."

    def _paragraph(self, rng: random.Random) -> str:
        return " ".join(self.sentence(rng) for _ in range(rng.randrange(3, 8)))

    def _list(self, rng: random.Random) -> str:
        items = []
        for number in range(1, rng.randrange(4, 10)):
            items.append(f"{number}. {self.sentence(rng)}")
            if rng.random() < 0.3:
                items += [f"   - {rng.choice(OBJECTS).capitalize()} {rng.choice(CONDITIONS)}." for _ in range(2)]
        return "\n".join(items)

    def _table(self, rng: random.Random) -> str:
        rows = ["| Step | Responsible | Record | Frequency |", "|---|---|---|---|"]
        for number in range(1, rng.randrange(4, 12)):
            rows.append(
                f"| {number} | {rng.choice(ROLES)} | {rng.choice(OBJECTS).capitalize()} | {rng.choice(CONDITIONS)} |"
            )
        return "\n".join(rows)

    def cross_reference(self, rng: random.Random, cites: Citations) -> str:
        """A sentence that names documents and clauses (the mentions and citations the extractor finds)."""
        parts = [self.sentence(rng)[:-1]]
        if cites.documents and rng.random() < 0.7:
            parts.append(f"and record the result on {rng.choice(cites.documents)}")
        if cites.clauses and rng.random() < 0.6:
            parts.append(f"as required by ISO 9001:2015 clause {rng.choice(cites.clauses)}")
        return " ".join(parts) + "."

    def body(self, rng: random.Random, heading: str, size: int, cites: Citations) -> list[str]:
        """A body of about ``size`` characters as a list of Markdown blocks (an edit replaces one)."""
        blocks = [f"# {heading}", "## 1 Purpose", self._own(rng, cites), "## 2 Scope", rng.choice(self.paragraphs)]
        refs = [f"- {doc_id}" for doc_id in cites.documents] + [f"- ISO 9001:2015 clause {c}" for c in cites.clauses]
        blocks += ["## 3 References", "\n".join(refs) or "None."]
        terms = rng.sample(TERMS, 4)
        blocks += [
            "## 4 Definitions",
            "| Term | Definition |\n|---|---|\n" + "\n".join(f"| {t} | {d} |" for t, d in terms),
        ]
        blocks += ["## 5 Responsibilities", rng.choice(self.tables), "## 6 Procedure"]
        length = sum(len(b) + 2 for b in blocks)
        section = 0
        while length < size:
            section += 1
            chunk = [f"### 6.{section} {rng.choice(TOPICS)}", rng.choice(self.paragraphs)]
            kind = rng.random()
            chunk.append(rng.choice(self.lists) if kind < 0.5 else rng.choice(self.tables) if kind < 0.7 else "")
            chunk += [rng.choice(self.paragraphs), self.cross_reference(rng, cites)]
            chunk = [c for c in chunk if c]
            blocks += chunk
            length += sum(len(c) + 2 for c in chunk)
        blocks += ["## 7 Records", rng.choice(self.tables)]
        return blocks

    def _own(self, rng: random.Random, cites: Citations) -> str:
        return " ".join(self.cross_reference(rng, cites) for _ in range(3))

    def edit(self, rng: random.Random, blocks: list[str], cites: Citations) -> None:
        """Change one paragraph of the procedure (or add one): what a revision's edit does."""
        candidates = [i for i, b in enumerate(blocks) if b and b[0].isalpha()]
        sentence = self.cross_reference(rng, cites)
        if candidates and rng.random() < 0.7:
            index = rng.choice(candidates)
            blocks[index] = blocks[index] + " " + sentence
        else:
            blocks.insert(len(blocks) - 2, sentence)


def text_of(blocks: Sequence[str]) -> str:
    return "\n\n".join(blocks) + "\n"
