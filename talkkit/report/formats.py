"""The formats an event report is written in, registered the way
:data:`talkkit.export.EXPORTERS` registers a group's downloads: add a format here and
``talkkit event report --format`` offers it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from talkkit.report.docx import to_docx
from talkkit.report.html import to_html
from talkkit.report.model import Report

__all__ = ["FORMATS", "ReportFormat"]


@dataclass(frozen=True)
class ReportFormat:
    """One report format: its function (report -> the file's bytes), extension, MIME type."""

    name: str
    render: Callable[[Report], bytes]
    extension: str
    mime_type: str


def _html(report: Report) -> bytes:
    return to_html(report).encode("utf-8")


#: Every report format by its short name (the ``--format`` of ``talkkit event report``).
FORMATS: dict[str, ReportFormat] = {
    f.name: f
    for f in (
        ReportFormat("html", _html, ".html", "text/html; charset=utf-8"),
        ReportFormat(
            "docx",
            to_docx,
            ".docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    )
}
