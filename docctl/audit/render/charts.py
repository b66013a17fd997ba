"""The audit's charts, drawn with matplotlib (imported only here): findings by grade against the
previous audit, days from submission to effective, and approvals per approver. SVG for HTML, PNG
for Word and PDF; the same report gives the same bytes."""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING

from docctl.audit.model import GRADES, AuditReport
from docctl.core.errors import UsageError

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

_COLOURS = {"major": "#b42318", "minor": "#b54708", "ofi": "#175cd3"}


def _figure(width: float = 6.0, height: float = 2.8) -> Figure:
    try:
        import matplotlib
    except ImportError:
        raise UsageError("the audit's charts need matplotlib: pip install 'docctl[audit]'") from None

    matplotlib.rcParams["svg.hashsalt"] = "docctl"  # stable ids inside the SVG
    matplotlib.rcParams["font.family"] = "DejaVu Sans"
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=100)


def trend_chart(report: AuditReport) -> Figure:
    fig = _figure()
    ax = fig.add_subplot()
    now = report.counts()
    before = dict(report.previous.counts) if report.previous is not None else None
    xs = range(len(GRADES))
    width = 0.38
    if before is not None and report.previous is not None:
        ax.bar(
            [x - width / 2 for x in xs],
            [before.get(g, 0) for g in GRADES],
            width,
            label=report.previous.date.isoformat(),
            color="#98a2b3",
        )
        ax.bar(
            [x + width / 2 for x in xs],
            [now[g] for g in GRADES],
            width,
            label=f"{report.scope.period_end}",
            color=[_COLOURS[g] for g in GRADES],
        )
        ax.legend(frameon=False)
    else:
        ax.bar(list(xs), [now[g] for g in GRADES], 0.6, color=[_COLOURS[g] for g in GRADES])
    ax.set_xticks(list(xs), ["major", "minor", "OFI"])
    ax.set_ylabel("findings")
    ax.set_title("Findings by grade" + (" against the previous audit" if before is not None else ""))
    ax.yaxis.set_major_locator(_integers())
    _tidy(ax)
    return fig


def approvals_chart(report: AuditReport) -> Figure:
    people = report.indicators.approvals_per_approver
    fig = _figure(height=max(1.6, 0.45 * len(people) + 0.9))
    ax = fig.add_subplot()
    names = [name for name, _ in people][::-1]
    ax.barh(names or ["(none)"], [n for _, n in people][::-1] or [0], color="#175cd3")
    ax.set_xlabel("approvals in the period")
    ax.set_title("Approvals per approver")
    ax.xaxis.set_major_locator(_integers())
    _tidy(ax)
    return fig


def lead_time_chart(report: AuditReport) -> Figure:
    days = sorted(report.indicators.days_to_effective)
    fig = _figure()
    ax = fig.add_subplot()
    ax.bar(range(1, len(days) + 1), days or [0], color="#039855")
    median = report.indicators.median_days_to_effective
    if median is not None:
        ax.axhline(median, color="#1d2530", linestyle="--", linewidth=1, label=f"median {median:g} days")
        ax.legend(frameon=False)
    ax.set_xlabel("releases in the period, shortest first")
    ax.set_ylabel("days")
    ax.set_title("Days from submission to effective")
    _tidy(ax)
    return fig


def _integers() -> MaxNLocator:
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(integer=True)


def _tidy(ax: object) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)  # type: ignore[attr-defined]
    ax.figure.tight_layout()  # type: ignore[attr-defined]


def charts(report: AuditReport) -> list[tuple[str, Figure]]:
    return [
        ("Findings by grade", trend_chart(report)),
        ("Days from submission to effective", lead_time_chart(report)),
        ("Approvals per approver", approvals_chart(report)),
    ]


def svg(fig: Figure) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    text = text[text.index("<svg") :]  # without the XML declaration and DOCTYPE: inline in HTML
    return re.sub(r"\s*<metadata>.*?</metadata>", "", text, flags=re.DOTALL)  # no RDF block naming web sites


def png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=150, metadata={"Software": None})
    return buffer.getvalue()
