"""DOCX: a one-page handout of a group's take-aways and agreements, in the kit's language.

The handout is for the group to take home: the kit title, the group, the date, a table of the
take-aways (what, who, when) and the group's main answers from the conversations where it
agreed on something (productive, practice and joint conversations; all conversations if those
are empty). Other views, the evaluation and the facilitator's notes are left out: they are in
the spreadsheet exports. Characters Word cannot hold become U+FFFD, with a note at the end.
Several groups give one document with one page per group.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from babel.dates import format_date

from talkkit.export.doc import ExportDoc, Row, as_docs
from talkkit.export.text import texts_in, xml_replaces, xml_safe
from talkkit.i18n import translator

__all__ = ["AGREEMENT_KINDS", "to_docx"]

#: Phase kinds whose answers are the group's agreements.
AGREEMENT_KINDS = ("productive-conversation", "practice-conversation", "joint-gathering")


def agreements(doc: ExportDoc) -> list[Row]:
    """The main answers the handout shows (see the module docstring)."""
    chosen = [r for s in doc.sections if s.kind in AGREEMENT_KINDS for r in s.rows if r.answer]
    if chosen:
        return chosen
    return [r for s in doc.sections if s.kind != "other" for r in s.rows if r.answer]


def _page(document: object, doc: ExportDoc) -> None:
    _ = translator(doc.language)
    document.add_heading(xml_safe(doc.kit_title), level=0)  # type: ignore[attr-defined]
    try:
        date = format_date(doc.generated_at.date(), format="long", locale=doc.language)
    except Exception:  # a locale problem must not stop a handout
        date = doc.generated_at.date().isoformat()
    meta = [x for x in (doc.group_name, doc.municipality, date) if x]
    document.add_paragraph(xml_safe(" · ".join(meta)))  # type: ignore[attr-defined]

    document.add_heading(_("Our take-aways"), level=1)  # type: ignore[attr-defined]
    if doc.takeaways:
        table = document.add_table(rows=1, cols=3)  # type: ignore[attr-defined]
        table.style = "Table Grid"
        for cell, label in zip(table.rows[0].cells, (_("What"), _("Who"), _("When")), strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(label).bold = True
        for t in doc.takeaways:
            cells = table.add_row().cells
            for cell, text in zip(cells, (t.what, t.who, t.when), strict=True):
                cell.text = xml_safe(text)
    else:
        document.add_paragraph(_("No take-aways were written."))  # type: ignore[attr-defined]

    document.add_heading(_("Our agreements"), level=1)  # type: ignore[attr-defined]
    rows = agreements(doc)
    if not rows:
        document.add_paragraph(_("No answers were written."))  # type: ignore[attr-defined]
    for row in rows:
        paragraph = document.add_paragraph()  # type: ignore[attr-defined]
        paragraph.add_run(xml_safe(row.prompt)).bold = True
        paragraph.add_run("\n" + xml_safe(row.answer))


def to_docx(docs: ExportDoc | Sequence[ExportDoc]) -> bytes:
    """A handout for one group, or one page per group of an event."""
    # imported on demand: python-docx is slow to import and not needed to open a kit page
    from docx import Document
    from docx.enum.text import WD_BREAK
    from docx.shared import Cm, Pt

    document = Document()
    section = document.sections[0]
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    document.styles["Normal"].font.size = Pt(10)
    docs = as_docs(docs)
    if docs:
        document.core_properties.language = docs[0].language
        document.core_properties.title = xml_safe(docs[0].kit_title)[:255]
    for n, doc in enumerate(docs):
        if n:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        _page(document, doc)
    if any(xml_replaces(t) for t in texts_in(docs)):
        _ = translator(docs[0].language)
        note = _(
            "Note: some characters cannot be kept in this file and are shown as \ufffd. "
            "The JSON export keeps them."
        )
        document.add_paragraph().add_run(note).italic = True
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
