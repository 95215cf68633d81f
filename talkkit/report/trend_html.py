"""The trend report as one self-contained HTML page: ``templates/trend.html.j2`` (Jinja with
autoescape, as the event report), its charts as SVG images inside the page (``data:`` URLs,
which the page's Content-Security-Policy allows and nothing else): the file asks nothing of
any host. The PDF is this page printed (:mod:`talkkit.report.pdf`)."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from talkkit.export.text import texts_in, xml_replaces
from talkkit.report.html import _environment
from talkkit.report.trend import TrendReport
from talkkit.report.trend_charts import Chart, charts
from talkkit.report.trend_labels import trend_labels

__all__ = ["TEMPLATE", "to_html"]

TEMPLATE = "trend.html.j2"


@dataclass(frozen=True)
class _PageChart:
    title: str
    description: str
    svg_base64: str


def _page_chart(chart: Chart) -> _PageChart:
    return _PageChart(
        chart.title, chart.description, base64.b64encode(chart.svg.encode()).decode("ascii")
    )


def to_html(report: TrendReport) -> str:
    """The trend report as one self-contained HTML page (no scripts, no outside resources)."""
    words = trend_labels(report.language)
    return (
        _environment()
        .get_template(TEMPLATE)
        .render(
            report=report,
            t=words,
            charts=[_page_chart(c) for c in charts(report, words)] if report.groups else [],
            generated=words["generated"].replace("{date}", report.generated_at.date().isoformat()),
            note=words["replaced"] if any(xml_replaces(t) for t in texts_in(report)) else "",
        )
    )
