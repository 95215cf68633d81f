"""The one DOCX writer: a Word document built from headings, paragraphs, lists and tables.

Both Word files of talkkit are written with it: the group's handout
(:mod:`talkkit.export.docx_format`) and the event report (:mod:`talkkit.report.docx`). Every
text passes :func:`~talkkit.export.text.xml_safe` (characters Word cannot hold become U+FFFD),
so no caller can forget it, and :meth:`DocxWriter.note_replaced` adds the note saying so. python-docx is imported when a document is made: it is slow to
import and not needed to open a kit page.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from talkkit.export.text import xml_safe

__all__ = ["DocxWriter", "Run", "bold", "italic"]


@dataclass(frozen=True)
class Run:
    """A piece of a paragraph in bold or italic."""

    text: str
    bold: bool = False
    italic: bool = False


def bold(text: str) -> Run:
    return Run(text, bold=True)


def italic(text: str) -> Run:
    return Run(text, italic=True)


class DocxWriter:
    """One Word document: add parts in reading order, then :meth:`to_bytes`."""

    def __init__(
        self, *, title: str, language: str, font_pt: float, margin_cm: float | None = None
    ) -> None:
        from docx import Document
        from docx.shared import Cm, Pt

        self.document: Any = Document()
        if margin_cm is not None:
            section = self.document.sections[0]
            for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
                setattr(section, side, Cm(margin_cm))
        self.document.styles["Normal"].font.size = Pt(font_pt)
        #: Whether some text had characters Word cannot hold (shown as U+FFFD).
        self.replaced = False
        if language:
            self.document.core_properties.language = language
        if title:
            self.document.core_properties.title = xml_safe(title)[:255]

    def _safe(self, text: str) -> str:
        safe = xml_safe(text)
        self.replaced |= safe != text
        return safe

    def heading(self, text: str, level: int) -> None:
        self.document.add_heading(self._safe(text), level=level)

    def paragraph(self, *parts: str | Run, style: str | None = None) -> None:
        """A paragraph of plain texts and :class:`Run` pieces (``style``: a Word paragraph
        style such as ``"List Bullet"`` or ``"List Number"``)."""
        paragraph = self.document.add_paragraph(style=style)
        for part in parts:
            run = paragraph.add_run(self._safe(part.text if isinstance(part, Run) else part))
            if isinstance(part, Run):
                run.bold = part.bold or None
                run.italic = part.italic or None

    def bullet(self, *parts: str | Run) -> None:
        self.paragraph(*parts, style="List Bullet")

    def numbered(self, *parts: str | Run) -> None:
        self.paragraph(*parts, style="List Number")

    def table(
        self, rows: Iterable[Sequence[str]], *, header: Sequence[str] = (), grid: bool = True
    ) -> None:
        """A table: a bold ``header`` row (if any), then ``rows``."""
        rows = list(rows)
        cols = len(header) or (len(rows[0]) if rows else 0)
        if not cols:
            return
        table = self.document.add_table(rows=1 if header else 0, cols=cols)
        if grid:
            table.style = "Table Grid"
        if header:
            for cell, label in zip(table.rows[0].cells, header, strict=True):
                cell.text = ""
                cell.paragraphs[0].add_run(self._safe(label)).bold = True
        for row in rows:
            for cell, text in zip(table.add_row().cells, row, strict=True):
                cell.text = self._safe(text)

    def picture(self, png: bytes, *, width_cm: float, caption: str = "") -> None:
        """An image (PNG bytes) ``width_cm`` wide, with ``caption`` as its alternative text."""
        from docx.shared import Cm

        shape = self.document.add_picture(io.BytesIO(png), width=Cm(width_cm))
        if caption:  # what a screen reader says: Word's "alt text" (wp:docPr descr)
            shape._inline.docPr.set("descr", self._safe(caption)[:2000])

    def page_break(self) -> None:
        from docx.enum.text import WD_BREAK

        self.document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def note_replaced(self, note: str) -> None:
        """End with ``note`` (in italics) if some text was shown with U+FFFD."""
        if self.replaced:
            self.paragraph(Run(note, italic=True))

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()
