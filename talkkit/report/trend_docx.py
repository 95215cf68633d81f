"""The trend report as a Word document: the same parts as the HTML, the charts as PNG
pictures (with their description as alternative text), written with the shared DOCX writer
(:class:`~talkkit.export.docx_writer.DocxWriter`)."""

from __future__ import annotations

from talkkit.export.docx_writer import DocxWriter, italic
from talkkit.report.trend import TrendReport
from talkkit.report.trend_charts import charts
from talkkit.report.trend_labels import HIDDEN, trend_labels

__all__ = ["to_docx"]


def _n(value: int | None) -> str:
    return HIDDEN if value is None else str(value)


def _avg(value: float | None) -> str:
    return HIDDEN if value is None else f"{value:.1f}"


def to_docx(report: TrendReport) -> bytes:
    t = trend_labels(report.language)
    writer = DocxWriter(title=report.title, language=report.language, font_pt=10.5)
    writer.heading(report.title, 0)
    if report.scope:
        writer.paragraph(report.scope)
    writer.paragraph(italic(t["rule"]))
    writer.heading(t["overview"], 1)
    if report.groups is None:
        writer.paragraph(italic(t["too_few"]))
    writer.table(
        [
            (t["events"], _n(report.events)),
            (t["groups"], _n(report.groups)),
            (t["municipalities"], _n(report.municipalities)),
            (t["takeaways"], _n(report.takeaways)),
        ]
    )
    if report.groups is not None:  # fewer than five groups: nothing more is shown
        _details(writer, report, t)
    writer.note_replaced(t["replaced"])
    writer.paragraph(
        italic(t["generated"].replace("{date}", report.generated_at.date().isoformat()))
    )
    return writer.to_bytes()


def _details(writer: DocxWriter, report: TrendReport, t: dict[str, str]) -> None:
    writer.heading(t["kits"], 2)
    writer.table(
        [(k.name, _n(k.events), _n(k.groups), _avg(k.rating)) for k in report.kits],
        header=(t["kit"], t["events"], t["groups"], t["average"]),
    )
    writer.heading(t["municipalities"], 2)
    places = [(p.name, _n(p.events), _n(p.groups)) for p in report.places]
    if report.other_places:
        other = report.other_places
        places.append((t["other_places"], _n(other.events), _n(other.groups)))
    writer.table(places, header=(t["municipality"], t["events"], t["groups"]))
    writer.heading(t["evaluation"], 1)
    for chart in charts(report, t):
        writer.heading(chart.title, 2)
        writer.picture(chart.png, width_cm=16, caption=chart.description)
    rows = []
    for m in report.months:
        cells = [m.label, _n(m.events), _n(m.groups)]
        for qid, _text in report.questions:
            r = m.ratings.get(qid)
            cells.append(f"{r[0]:.1f} ({r[1]})" if r else HIDDEN)
        rows.append(cells)
    writer.table(
        rows, header=(t["month"], t["events"], t["groups"], *(q for _i, q in report.questions))
    )
    writer.heading(t["themes"], 1)
    writer.paragraph(t["themes_intro"])
    if not report.words and not report.phrases:
        writer.paragraph(italic(t["no_themes"]))
    for heading, terms in ((t["words"], report.words), (t["phrases"], report.phrases)):
        if terms:
            writer.heading(heading, 2)
            writer.table(
                [(row.label, str(row.groups), str(row.events)) for row in terms],
                header=(t["term"], t["groups"], t["events"]),
            )
    writer.heading(t["followup"], 1)
    f = report.followup
    if f is None or f.groups == 0:
        writer.paragraph(italic(t["no_followup"]))
    else:
        writer.table(
            [
                (t["followup_groups"], _n(f.groups)),
                (t["followup_items"], _n(f.items)),
                *((t[f"status_{s}"], _n(c)) for s, c in f.statuses.items()),
            ]
        )
