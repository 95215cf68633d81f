"""DOCX: everything a group wrote, for Word, in the kit's language.

Most groups in Danish and Swedish public services pick Word, so the document holds all of it:
the kit title, the group and the time (in the kit's local time), the take-aways as a table
(what, who, when), then every phase of the agenda under its own title with each prompt, the
group's answer and the different views in the group, the questions for the presenters, the
evaluation (ratings with their scale's words) and the facilitator's notes when there are any.
The headings say what the text is: a phase's answers stand under that phase's title, never
under a heading that makes them something else. Written with the one
:class:`~talkkit.export.docx_writer.DocxWriter` (characters Word cannot hold become U+FFFD,
with a note at the end).
Several groups give one document with one page per group.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from talkkit.export.doc import ExportDoc, Row, as_docs, local_time_text
from talkkit.export.docx_writer import DocxWriter, bold
from talkkit.export.followup import status_label
from talkkit.i18n import translator

__all__ = ["to_docx"]


def _labelled(writer: DocxWriter, label: str, text: str) -> None:
    """A bold label ("Vores svar") on its own line, the text under it, line breaks kept."""
    if label:
        writer.paragraph(bold(label), "\n" + text)
    else:
        writer.paragraph(text)


def _rows(writer: DocxWriter, rows: list[Row], _: Callable[..., str]) -> None:
    for row in rows:
        writer.heading(row.prompt or row.key, 2)
        if row.answer:
            _labelled(writer, _("Our answer"), row.answer)
        if row.views:
            _labelled(writer, _("Different views in the group"), row.views)


def _page(writer: DocxWriter, doc: ExportDoc) -> None:
    _ = doc.labels()
    writer.heading(doc.kit_title, 0)
    when = local_time_text(doc.generated_at, doc.language)
    writer.paragraph(" · ".join(x for x in (doc.group_name, doc.municipality, when) if x))

    writer.heading(_("Our take-aways"), 1)
    if doc.takeaways:
        writer.table(
            [(t.what, t.who, t.when) for t in doc.takeaways],
            header=(_("What"), _("Who"), _("When")),
        )
    else:
        writer.paragraph(_("No take-aways were written."))

    if doc.followup:
        writer.heading(_("Follow-up of last time's take-aways"), 1)
        writer.table(
            [
                (f.what, f.who, f.when, status_label(f.status, doc.language), f.note)
                for f in doc.followup
            ],
            header=(_("What"), _("Who"), _("When"), _("How did it go?"), _("What happened")),
        )

    written = False
    for section in doc.sections:
        rows = [r for r in section.rows if r.answer or r.views]
        if rows:
            written = True
            writer.heading(section.title, 1)
            _rows(writer, rows, _)
    if doc.questions:
        written = True
        writer.heading(_("Questions for the presenters"), 1)
        for question in doc.questions:
            writer.bullet(question)
    answered = [r for r in doc.evaluation if r.answer]
    if answered:
        written = True
        writer.heading(_("Evaluation"), 1)
        for row in answered:
            _labelled(writer, row.prompt, row.answer)
    if doc.facilitator_notes:
        written = True
        writer.heading(_("Facilitator notes"), 1)
        _labelled(writer, "", doc.facilitator_notes)
    if not written:
        writer.paragraph(_("No answers were written."))


def to_docx(docs: ExportDoc | Sequence[ExportDoc]) -> bytes:
    """Everything one group wrote, or one page per group of an event."""
    docs = as_docs(docs)
    writer = DocxWriter(
        title=docs[0].kit_title if docs else "",
        language=docs[0].language if docs else "",
        font_pt=11,
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
