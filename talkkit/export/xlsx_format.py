"""XLSX: one sheet, one row per answer, every cell plain text.

* xlsxwriter with ``strings_to_formulas``, ``strings_to_urls`` and ``strings_to_numbers`` off,
  and every cell written with ``write_string``: ``=HYPERLINK(...)`` stays text, a URL stays
  text, ``0045`` keeps its zeros.
* Characters XML cannot hold (most control characters, lone surrogates) become U+FFFD, and a
  text longer than a cell holds (32,767 characters) is cut; a note row under the table says so,
  and the CSV and JSON exports keep the full text (the JSON export also every character).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from talkkit.export.doc import ExportDoc, as_docs, record_cells, record_header, records
from talkkit.export.text import fit_cell, xml_safe
from talkkit.i18n import translator

__all__ = ["WORKBOOK_OPTIONS", "to_xlsx"]

#: Never let a spreadsheet interpret user text.
WORKBOOK_OPTIONS = {
    "in_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
_WIDTHS = (24, 18, 16, 12, 22, 18, 40, 60, 40, 16, 14)


def _cell(text: str) -> tuple[str, bool, bool]:
    """The cell text, whether characters were replaced, whether it was cut."""
    safe = xml_safe(text)
    fitted, cut = fit_cell(safe)
    return fitted, safe != text, cut


def to_xlsx(docs: ExportDoc | Sequence[ExportDoc]) -> bytes:
    """One workbook of the answers of one group or of many (a whole event)."""
    docs = as_docs(docs)
    language = docs[0].language if docs else "en"
    _ = translator(language)
    buffer = io.BytesIO()
    import xlsxwriter  # imported on demand, not on a kit page's start-up path

    workbook = xlsxwriter.Workbook(buffer, WORKBOOK_OPTIONS)
    sheet = workbook.add_worksheet(_("Answers")[:31])
    bold = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    header = record_header(language)
    for col, (title, width) in enumerate(zip(header, _WIDTHS, strict=True)):
        sheet.write_string(0, col, title, bold)
        sheet.set_column(col, col, width)
    row = 0
    replaced = cut = False
    for doc in docs:
        for record in records(doc, language):
            row += 1
            for col, text in enumerate(record_cells(record)):
                value, was_replaced, was_cut = _cell(text)
                replaced |= was_replaced
                cut |= was_cut
                sheet.write_string(row, col, value, wrap)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(row, 1), len(header) - 1)
    notes = []
    if replaced:
        notes.append(
            _(
                "Note: some characters cannot be kept in this file and are shown as \ufffd. "
                "The JSON export keeps them."
            )
        )
    if cut:
        notes.append(
            _(
                "Note: a text longer than a spreadsheet cell holds (32,767 characters) was cut "
                "and ends with …. The CSV and JSON exports keep the full text."
            )
        )
    for n, note in enumerate(notes):
        sheet.write_string(row + 2 + n, 0, note)
    workbook.close()
    return buffer.getvalue()
