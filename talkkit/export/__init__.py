"""Exports of the groups' answers: CSV, XLSX, Markdown, DOCX and JSON.

Build one :class:`ExportDoc` per group with :func:`build_export_doc`, then hand one document or
a list of them (a whole event) to an exporter; every exporter returns the file's bytes::

    doc = build_export_doc(kit, session, store.load_answers(session.id), "da")
    Path("svar.csv").write_bytes(EXPORTERS["csv"].export([doc]))
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from talkkit.export.csv_format import to_csv
from talkkit.export.doc import ExportDoc, Row, Section, Takeaway, build_export_doc
from talkkit.export.docx_format import to_docx
from talkkit.export.json_format import to_json
from talkkit.export.markdown_format import to_markdown
from talkkit.export.xlsx_format import to_xlsx

__all__ = [
    "EXPORTERS",
    "ExportDoc",
    "Exporter",
    "Row",
    "Section",
    "Takeaway",
    "build_export_doc",
    "to_csv",
    "to_docx",
    "to_json",
    "to_markdown",
    "to_xlsx",
]


@dataclass(frozen=True)
class Exporter:
    """One export format: its function, file extension (with the dot) and MIME type."""

    name: str
    export: Callable[[ExportDoc | Sequence[ExportDoc]], bytes]
    extension: str
    mime_type: str


#: Every format by its short name (the ``--format`` of ``talkkit export``).
EXPORTERS: dict[str, Exporter] = {
    e.name: e
    for e in (
        Exporter("csv", to_csv, ".csv", "text/csv; charset=utf-8"),
        Exporter(
            "xlsx",
            to_xlsx,
            ".xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        Exporter("md", to_markdown, ".md", "text/markdown; charset=utf-8"),
        Exporter(
            "docx",
            to_docx,
            ".docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        Exporter("json", to_json, ".json", "application/json"),
    )
}
