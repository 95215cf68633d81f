"""DOCX: a one-page handout of a group's take-aways and agreements, in the kit's language.

The handout is for the group to take home: the kit title, the group, the date, a table of the
take-aways (what, who, when) and the group's main answers from the conversations where it
agreed on something (productive, practice and joint conversations; all conversations if those
are empty). Other views, the evaluation and the facilitator's notes are left out: they are in
the spreadsheet exports. Characters Word cannot hold become U+FFFD, with a note at the end.
Several groups give one document with one page per group.
"""

from __future__ import annotations

from collections.abc import Sequence

from babel.dates import format_date

from talkkit.export.doc import ExportDoc, Row, as_docs
from talkkit.export.docx_writer import DocxWriter, bold
from talkkit.i18n import translator
from talkkit.kit.phases import AGREEMENT_KINDS

__all__ = ["agreements", "to_docx"]


def agreements(doc: ExportDoc) -> list[Row]:
    """The main answers the handout shows (see the module docstring)."""
    chosen = [r for s in doc.sections if s.kind in AGREEMENT_KINDS for r in s.rows if r.answer]
    if chosen:
        return chosen
    return [r for s in doc.sections if s.kind != "other" for r in s.rows if r.answer]


def _page(writer: DocxWriter, doc: ExportDoc) -> None:
    _ = translator(doc.language)
    writer.heading(doc.kit_title, 0)
    try:
        date = format_date(doc.generated_at.date(), format="long", locale=doc.language)
    except Exception:  # a locale problem must not stop a handout
        date = doc.generated_at.date().isoformat()
    writer.paragraph(" · ".join(x for x in (doc.group_name, doc.municipality, date) if x))

    writer.heading(_("Our take-aways"), 1)
    if doc.takeaways:
        writer.table(
            [(t.what, t.who, t.when) for t in doc.takeaways],
            header=(_("What"), _("Who"), _("When")),
        )
    else:
        writer.paragraph(_("No take-aways were written."))

    writer.heading(_("Our agreements"), 1)
    rows = agreements(doc)
    if not rows:
        writer.paragraph(_("No answers were written."))
    for row in rows:
        writer.paragraph(bold(row.prompt), "\n" + row.answer)


def to_docx(docs: ExportDoc | Sequence[ExportDoc]) -> bytes:
    """A handout for one group, or one page per group of an event."""
    docs = as_docs(docs)
    writer = DocxWriter(
        title=docs[0].kit_title if docs else "",
        language=docs[0].language if docs else "",
        font_pt=10,
        margin_cm=2,
    )
    for n, doc in enumerate(docs):
        if n:
            writer.page_break()
        _page(writer, doc)
    if docs:
        _ = translator(docs[0].language)
        writer.note_replaced(
            _(
                "Note: some characters cannot be kept in this file and are shown as \ufffd. "
                "The JSON export keeps them."
            )
        )
    return writer.to_bytes()
