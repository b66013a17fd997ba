"""Reading rules: a file with no metadata (DC101), invalid metadata (DC102), an unreadable file (DC107).

The readers report what they found as :class:`~docctl.core.problems.ReadProblem` values; these
functions judge them: the code and the message of each finding.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from docctl.core.model import Finding
from docctl.core.problems import MAX_MARKDOWN_MIB, MAX_SIDECAR_MIB, Fault, ReadProblem
from docctl.rules.codes import finding

_REQUIRED = "id, title, type, revision, status, owner"
_NO_BOM = "save it as UTF-8 without BOM"

#: fault -> (code, message; ``{detail}`` is the problem's detail)
_JUDGEMENTS: dict[Fault, tuple[str, str]] = {
    Fault.NO_FRONT_MATTER: ("DC101", f"no metadata: add YAML front matter ({_REQUIRED}) between '---' lines"),
    Fault.NO_SIDECAR: ("DC101", f"no metadata: add the sidecar {{detail}} with {_REQUIRED}"),
    Fault.EMPTY_SIDECAR: ("DC101", "no metadata: the sidecar {detail} is empty"),
    Fault.BYTE_ORDER_MARK: ("DC102", f"file starts with a byte order mark (BOM); {_NO_BOM}"),
    Fault.SIDECAR_BYTE_ORDER_MARK: ("DC102", f"sidecar starts with a byte order mark (BOM); {_NO_BOM}"),
    Fault.INVALID_FIELD: ("DC102", "{detail}"),
    Fault.UNREADABLE: ("DC107", "{detail}"),
    Fault.TOO_LARGE: (
        "DC107",
        f"file is {{detail}} MiB; controlled Markdown files are limited to {MAX_MARKDOWN_MIB} MiB",
    ),
    Fault.SIDECAR_TOO_LARGE: ("DC107", f"sidecar larger than {MAX_SIDECAR_MIB} MiB"),
    Fault.OUTSIDE_LINK: (
        "DC107",
        "symbolic link to {detail}, outside the repository; controlled files must live in it",
    ),
    Fault.CANNOT_OPEN: ("DC107", "cannot read the file: {detail}"),
    Fault.CANNOT_OPEN_SIDECAR: ("DC107", "cannot read the sidecar: {detail}"),
}


def reading_findings(problems: Iterable[ReadProblem]) -> Iterator[Finding]:
    """DC101, DC102 and DC107: one finding for each problem found while reading a file."""
    for problem in problems:
        yield judge(problem)


def judge(problem: ReadProblem) -> Finding:
    """The finding one reading problem is."""
    code, template = _JUDGEMENTS[problem.fault]
    return finding(
        code,
        template.format(detail=problem.detail),
        path=problem.path,
        line=problem.line,
        document=problem.document,
    )
