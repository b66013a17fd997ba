"""The audit report as one self-contained HTML page, charts inline as SVG."""

from __future__ import annotations

from docctl.adapters.templates import render
from docctl.audit.model import GRADE_TITLES, AuditReport
from docctl.audit.render.charts import charts, svg


def render_html(report: AuditReport) -> str:
    median = report.indicators.median_days_to_effective
    return render(
        "audit.html",
        report=report,
        title=f"{report.title} {report.scope.period_end.isoformat()}",
        version=report.version,
        count_labels=_count_labels(report),
        grade_titles=GRADE_TITLES,
        ind=report.indicators,
        median=None if median is None else f"{median:g}",
        charts=[(title, svg(fig)) for title, fig in charts(report)],
    )


_PLURAL = {
    "major": ("major nonconformity", "major nonconformities"),
    "minor": ("minor nonconformity", "minor nonconformities"),
    "ofi": ("opportunity for improvement", "opportunities for improvement"),
}


def _count_labels(report: AuditReport) -> list[tuple[str, str]]:
    return [(grade, f"{n} {_PLURAL[grade][n != 1]}") for grade, n in report.counts().items()]
