"""The formats a report is written in, registered the way :data:`talkkit.export.EXPORTERS`
registers a group's downloads: add a format here and both ``talkkit event report --format``
and ``talkkit report --format`` offer it.

Each format renders both reports: the event report (:class:`~talkkit.report.model.Report`)
and the trend report (:class:`~talkkit.report.trend.TrendReport`). The trend report's
modules (pandas, matplotlib) and WeasyPrint are imported when a file is written, never when
the command line is built.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from talkkit.report.docx import to_docx
from talkkit.report.html import to_html
from talkkit.report.model import Report

if TYPE_CHECKING:
    from talkkit.report.trend import TrendReport

__all__ = ["FORMATS", "ReportFormat"]


@dataclass(frozen=True)
class ReportFormat:
    """One report format: its functions (report -> the file's bytes, one for the event report
    and one for the trend report), extension, MIME type."""

    name: str
    render: Callable[[Report], bytes]
    extension: str
    mime_type: str
    render_trend: Callable[[TrendReport], bytes]


def _html(report: Report) -> bytes:
    return to_html(report).encode("utf-8")


def _pdf(report: Report) -> bytes:
    from talkkit.report.pdf import html_to_pdf

    return html_to_pdf(to_html(report))


def _trend_html(report: TrendReport) -> bytes:
    from talkkit.report.trend_html import to_html as trend_html

    return trend_html(report).encode("utf-8")


def _trend_docx(report: TrendReport) -> bytes:
    from talkkit.report.trend_docx import to_docx as trend_docx

    return trend_docx(report)


def _trend_pdf(report: TrendReport) -> bytes:
    from talkkit.report.pdf import html_to_pdf
    from talkkit.report.trend_html import to_html as trend_html

    return html_to_pdf(trend_html(report))


#: Every report format by its short name (the ``--format`` of ``talkkit event report`` and
#: ``talkkit report``).
FORMATS: dict[str, ReportFormat] = {
    f.name: f
    for f in (
        ReportFormat("html", _html, ".html", "text/html; charset=utf-8", _trend_html),
        ReportFormat(
            "docx",
            to_docx,
            ".docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            _trend_docx,
        ),
        ReportFormat("pdf", _pdf, ".pdf", "application/pdf", _trend_pdf),
    )
}
