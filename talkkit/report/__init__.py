"""The event report and what feeds it: the evaluation summary and the theme overview.

* :mod:`talkkit.report.model`: the report (:func:`build_report`);
* :mod:`talkkit.report.evaluation`: the ratings and comments, question by question;
* :mod:`talkkit.report.themes`: recurring words, phrases and similar answers;
* :mod:`talkkit.report.formats`: the formats a report is written in (:data:`FORMATS`), each in
  its own module (:mod:`~talkkit.report.html`, :mod:`~talkkit.report.docx`).
"""

from talkkit.report.docx import to_docx
from talkkit.report.evaluation import QuestionSummary, combine, summarise_evaluation
from talkkit.report.formats import FORMATS, ReportFormat
from talkkit.report.html import to_html
from talkkit.report.model import EventSection, Report, build_report

__all__ = [
    "FORMATS",
    "EventSection",
    "QuestionSummary",
    "Report",
    "ReportFormat",
    "build_report",
    "combine",
    "summarise_evaluation",
    "to_docx",
    "to_html",
]
