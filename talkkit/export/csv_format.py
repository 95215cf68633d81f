"""CSV for Danish and Swedish spreadsheets: ``;``-separated, every field quoted, UTF-8 with BOM.

* Every field is quoted (``csv.QUOTE_ALL``) and the separator is ``;``, the list separator of
  Danish and Swedish Excel and LibreOffice, so ``a;=1+1`` can never become two cells.
* A byte-order mark makes Excel read the file as UTF-8 (æøå, åäö).
* A field starting with ``= + - @``, tab, CR or LF gets a leading ``'``, so a spreadsheet shows
  it as text instead of running it as a formula (:func:`~talkkit.export.text.csv_guard`).
* Line breaks inside an answer stay inside its quoted field.
* Lone surrogates (not encodable in UTF-8) become U+FFFD; every other character is kept.

One row per answer; the group columns say whose answer it is, so a whole event is one table.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from talkkit.export.doc import ExportDoc, as_docs, record_cells, record_header, records
from talkkit.export.text import csv_guard, utf8_safe

__all__ = ["to_csv"]

BOM = "\ufeff"


def to_csv(docs: ExportDoc | Sequence[ExportDoc]) -> bytes:
    """One CSV file of the answers of one group or of many (a whole event)."""
    docs = as_docs(docs)
    language = docs[0].language if docs else "en"
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow([csv_guard(h) for h in record_header(language)])
    for doc in docs:
        for record in records(doc, language):
            writer.writerow([csv_guard(utf8_safe(cell)) for cell in record_cells(record)])
    return (BOM + buffer.getvalue()).encode("utf-8")
