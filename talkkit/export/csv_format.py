"""CSV for Danish and Swedish spreadsheets: ``;``-separated, every field quoted, UTF-8 with BOM.

* Every field is quoted (``csv.QUOTE_ALL``) and the separator is ``;``, the list separator of
  Danish and Swedish Excel and LibreOffice, so ``a;=1+1`` can never become two cells.
* No field becomes a formula whichever separator the file is opened with (``,`` in an English
  spreadsheet, tab): a trigger at the start of a field gets a ``'``, one after a ``,``, ``;``,
  tab or line break inside a field an invisible U+200B
  (:func:`~talkkit.export.cells.csv_guard`, which says why).
* A byte-order mark makes Excel read the file as UTF-8 (æøå, åäö).
* Line breaks inside an answer stay inside its quoted field.
* Characters a spreadsheet drops silently (NUL and other control characters, U+FFFE, U+FFFF)
  and lone surrogates (not encodable in UTF-8) become a visible U+FFFD, and a note row under the
  table says so; the JSON export keeps them. Every other character is kept.

One row per answer; the group columns say whose answer it is, so a whole event is one table.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from talkkit.export.cells import csv_guard
from talkkit.export.doc import ExportDoc, as_docs, record_cells, record_header, records
from talkkit.export.text import xml_safe
from talkkit.i18n import translator

__all__ = ["to_csv"]

BOM = "\ufeff"


def to_csv(docs: ExportDoc | Sequence[ExportDoc]) -> bytes:
    """One CSV file of the answers of one group or of many (a whole event)."""
    docs = as_docs(docs)
    language = docs[0].language if docs else "en"
    replaced = False

    def field(text: str) -> str:
        nonlocal replaced
        safe = xml_safe(text)
        replaced |= safe != text
        return csv_guard(safe)

    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow([field(h) for h in record_header(language)])
    for doc in docs:
        for record in records(doc, language):
            writer.writerow([field(cell) for cell in record_cells(record)])
    if replaced:
        _ = translator(language)
        note = _(
            "Note: some characters cannot be kept in this file and are shown as \ufffd. "
            "The JSON export keeps them."
        )
        writer.writerow([])
        writer.writerow([csv_guard(note)])
    return (BOM + buffer.getvalue()).encode("utf-8")
