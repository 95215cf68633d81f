"""DOCX: everything a group wrote, for Word, in the kit's language.

Most groups in Danish and Swedish public services pick Word, so the document holds all of it:
the kit title, the group and the time (in the kit's local time), the take-aways as a table
(what, who, when), then every phase of the agenda under its own title with each prompt, the
group's answer and the different views in the group, the questions for the presenters, the
evaluation (ratings with their scale's words) and the facilitator's notes when there are any.
The headings say what the text is: a phase's answers stand under that phase's title, never
under a heading that makes them something else. Characters Word cannot hold become U+FFFD.
Several groups give one document with one page per group.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Any

from talkkit.export.doc import ExportDoc, Row, as_docs, local_time_text
from talkkit.export.text import xml_safe

__all__ = ["to_docx"]


def _labelled(document: Any, label: str, text: str) -> None:
    """A bold label ("Vores svar") on its own line, the text under it, line breaks kept."""
    paragraph = document.add_paragraph()
    if label:
        paragraph.add_run(label).bold = True
    for n, line in enumerate(xml_safe(text).split("\n")):
        if label or n:
            paragraph.add_run().add_break()
        paragraph.add_run(line)


def _rows(document: Any, rows: list[Row], _: Callable[..., str]) -> None:
    for row in rows:
        document.add_heading(xml_safe(row.prompt) or row.key, level=2)
        if row.answer:
            _labelled(document, _("Our answer"), row.answer)
        if row.views:
            _labelled(document, _("Different views in the group"), row.views)


def _page(document: Any, doc: ExportDoc) -> None:
    _ = doc.labels()
    document.add_heading(xml_safe(doc.kit_title), level=0)
    when = local_time_text(doc.generated_at, doc.language)
    meta = [x for x in (doc.group_name, doc.municipality, when) if x]
    document.add_paragraph(xml_safe(" · ".join(meta)))

    document.add_heading(_("Our take-aways"), level=1)
    if doc.takeaways:
        table = document.add_table(rows=1, cols=3)
        table.style = "Table Grid"
        for cell, label in zip(table.rows[0].cells, (_("What"), _("Who"), _("When")), strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(label).bold = True
        for t in doc.takeaways:
            cells = table.add_row().cells
            for cell, text in zip(cells, (t.what, t.who, t.when), strict=True):
                cell.text = xml_safe(text)
    else:
        document.add_paragraph(_("No take-aways were written."))

    written = False
    for section in doc.sections:
        rows = [r for r in section.rows if r.answer or r.views]
        if not rows:
            continue
        written = True
        document.add_heading(xml_safe(section.title), level=1)
        _rows(document, rows, _)

    if doc.questions:
        written = True
        document.add_heading(_("Questions for the presenters"), level=1)
        for question in doc.questions:
            document.add_paragraph(xml_safe(question), style="List Bullet")

    answered = [r for r in doc.evaluation if r.answer]
    if answered:
        written = True
        document.add_heading(_("Evaluation"), level=1)
        for row in answered:
            _labelled(document, xml_safe(row.prompt), row.answer)

    if doc.facilitator_notes:
        written = True
        document.add_heading(_("Facilitator notes"), level=1)
        _labelled(document, "", doc.facilitator_notes)

    if not written:
        document.add_paragraph(_("No answers were written."))


def to_docx(docs: ExportDoc | Sequence[ExportDoc]) -> bytes:
    """Everything one group wrote, or one page per group of an event."""
    # imported on demand: python-docx is slow to import and not needed to open a kit page
    from docx import Document
    from docx.enum.text import WD_BREAK
    from docx.shared import Cm, Pt

    document = Document()
    section = document.sections[0]
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    document.styles["Normal"].font.size = Pt(11)
    docs = as_docs(docs)
    if docs:
        document.core_properties.language = docs[0].language
        document.core_properties.title = xml_safe(docs[0].kit_title)[:255]
    for n, doc in enumerate(docs):
        if n:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        _page(document, doc)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
