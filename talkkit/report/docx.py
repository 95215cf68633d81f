"""The report as a Word document (ratings as a table with text bars), written with the DOCX
writer the group's handout uses (:class:`~talkkit.export.docx_writer.DocxWriter`)."""

from __future__ import annotations

from collections.abc import Sequence

from talkkit.export.docx_writer import DocxWriter, bold, italic
from talkkit.report.evaluation import QuestionSummary
from talkkit.report.model import Report, labels

__all__ = ["to_docx"]


def _bar(share: float, width: int = 20) -> str:
    return "█" * round(share * width)


def to_docx(report: Report) -> bytes:
    """The report as a Word document (ratings as a table with text bars)."""
    t = labels(report.language)
    writer = DocxWriter(title=report.title, language=report.language, font_pt=11)
    writer.heading(report.title, 0)
    for section in report.events:
        if len(report.events) > 1:
            writer.heading(section.event.name, 1)
        writer.paragraph(
            f"{t['kit']}: {section.kit_title} · "
            f"{t['created']}: {section.event.created_at.date().isoformat()}"
        )
        level = 2 if len(report.events) > 1 else 1
        writer.heading(t["groups"], level)
        if not section.groups:
            writer.paragraph(t["no_groups"])
        for name, municipality in section.groups:
            writer.bullet(f"{name} ({municipality})" if municipality else name)
        writer.heading(t["points"], level)
        if not section.points:
            writer.paragraph(t["no_points"])
        for point in section.points:
            writer.numbered(point)
        writer.heading(t["takeaways"], level)
        if section.takeaways:
            writer.table(
                [(group, item.what, item.who, item.when) for group, item in section.takeaways],
                header=(t["group"], t["what"], t["who"], t["when"]),
            )
        else:
            writer.paragraph(t["no_takeaways"])
        if section.followup:
            writer.heading(t["followup"], level)
            writer.table(
                [
                    (g, f.what, f.who, f.when, t[f"status_{f.status or 'none'}"], f.note)
                    for g, f in section.followup
                ],
                header=(t["group"], t["what"], t["who"], t["when"], t["status"], t["note"]),
            )
        writer.heading(t["questions"], level)
        if not section.questions:
            writer.paragraph(t["no_questions"])
        for group, question in section.questions:
            writer.bullet(question, italic(f" ({group})"))
        writer.heading(t["evaluation"], level)
        _evaluation(writer, section.evaluation, t)
    if report.combined:
        writer.heading(t["across"], 1)
        _evaluation(writer, report.combined, t)
    writer.note_replaced(t["replaced"])
    return writer.to_bytes()


def _evaluation(
    writer: DocxWriter, summaries: Sequence[QuestionSummary], t: dict[str, str]
) -> None:
    for q in summaries:
        if q.kind == "rating" and q.n:
            mean = q.mean
            writer.paragraph(
                bold(q.text),
                f"  ({q.n} {t['answers']}"
                + (f", {t['average']} {mean:.1f}" if mean is not None else "")
                + ")",
            )
            writer.table(
                [(str(b["value"]), _bar(b["share"]), str(b["count"])) for b in q.bars()],
                grid=False,
            )
        else:
            writer.paragraph(bold(q.text))
            if q.kind == "rating":
                writer.paragraph(t["no_answers"])
        if q.comments:
            writer.paragraph(t["comments"] + ":")
            for comment in q.comments:
                writer.bullet(comment)
        elif q.kind == "text":
            writer.paragraph(t["no_answers"])
