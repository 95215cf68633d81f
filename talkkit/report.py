"""The event report and the evaluation summary: what the joint gathering agreed on, what the
groups take home, and how they rated the day.

* :func:`summarise_evaluation` turns the groups' ``evaluation.*`` answers into one summary per
  question: the distribution of ratings (1-5) and the free-text comments, without group names.
* :func:`build_report` reads one or more events from the store; with several events it adds
  the evaluation across all of them.
* :func:`to_html` renders ``templates/report.html.j2`` (Jinja, autoescape on: every user text
  is escaped; the rating charts are inline SVG, so the file needs nothing from the web; every
  printed text passes :func:`~talkkit.export.cells.html_text`, so a lone surrogate cannot stop
  the file and no text becomes a formula when Calc opens the page);
  :func:`to_docx` writes the same content with python-docx.
* Characters a format cannot hold are shown as U+FFFD, and a note at the end says so.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from talkkit.answers import RATING_MAX, RATING_MIN
from talkkit.export.cells import html_text
from talkkit.export.doc import Takeaway, _takeaways, _texts, as_text
from talkkit.export.text import texts_in, xml_replaces, xml_safe
from talkkit.i18n import normalise_language, translator
from talkkit.kit import STANDARD_EVALUATION, Kit, Question, localize
from talkkit.paths import PACKAGE_DIR
from talkkit.store import Event, Store

__all__ = [
    "EventSection",
    "QuestionSummary",
    "Report",
    "build_report",
    "summarise_evaluation",
    "to_docx",
    "to_html",
]

DOMAIN = "events"
TEMPLATE = "report.html.j2"


@dataclass(frozen=True)
class QuestionSummary:
    """One evaluation question over many groups: ``counts[i]`` groups rated ``i + 1``."""

    id: str
    kind: str  # "rating" or "text"
    text: str
    counts: tuple[int, ...] = ()
    comments: tuple[str, ...] = ()

    @property
    def n(self) -> int:
        return sum(self.counts)

    @property
    def mean(self) -> float | None:
        if not self.n:
            return None
        return sum((i + RATING_MIN) * c for i, c in enumerate(self.counts)) / self.n

    def bars(self) -> list[dict[str, Any]]:
        """``{value, count, share}`` per rating, ``share`` 0..1 of the most common rating."""
        top = max(self.counts, default=0) or 1
        return [
            {"value": i + RATING_MIN, "count": c, "share": c / top}
            for i, c in enumerate(self.counts)
        ]

    def as_dict(self) -> dict[str, Any]:
        mean = self.mean
        return {
            "id": self.id,
            "kind": self.kind,
            "text": self.text,
            "counts": list(self.counts),
            "n": self.n,
            "mean": None if mean is None else round(mean, 1),
            "comments": list(self.comments),
        }


def _questions(kit: Kit | None) -> list[Question]:
    return kit.evaluation_questions() if kit is not None else list(STANDARD_EVALUATION)


def summarise_evaluation(
    kit: Kit | None, groups: Iterable[Mapping[str, Any]], language: str = "da"
) -> list[QuestionSummary]:
    """One summary per evaluation question; ``groups`` holds each group's answers (key ->
    value). Ratings outside 1-5 are ignored; a text given to a rating question is a comment.
    Questions the kit does not know (its kit changed) are summarised after the known ones."""
    questions = _questions(kit)
    lang = kit.content_language(language) if kit else normalise_language(language)
    width = RATING_MAX - RATING_MIN + 1
    counts: dict[str, list[int]] = {}
    comments: dict[str, list[str]] = {}
    for values in groups:
        for key, value in values.items():
            if not isinstance(key, str) or not key.startswith("evaluation."):
                continue
            qid = key.removeprefix("evaluation.")
            if type(value) is int:
                if RATING_MIN <= value <= RATING_MAX:
                    counts.setdefault(qid, [0] * width)[value - RATING_MIN] += 1
            else:
                text = as_text(value).strip()
                if text:
                    comments.setdefault(qid, []).append(text)
    out = []
    known = set()
    for q in questions:
        known.add(q.id)
        text = kit.text(q.text, lang) if kit else localize(q.text, lang)
        out.append(
            QuestionSummary(
                q.id,
                q.kind,
                text,
                tuple(counts.get(q.id, [0] * width)) if q.kind == "rating" else (),
                tuple(comments.get(q.id, ())),
            )
        )
    for qid in sorted((set(counts) | set(comments)) - known):
        kind = "rating" if qid in counts else "text"
        out.append(
            QuestionSummary(
                qid,
                kind,
                qid,
                tuple(counts.get(qid, [0] * width)) if kind == "rating" else (),
                tuple(comments.get(qid, ())),
            )
        )
    return out


def combine(summaries: Sequence[Sequence[QuestionSummary]]) -> list[QuestionSummary]:
    """The summaries of several events added up, question by question (first seen order)."""
    merged: dict[str, QuestionSummary] = {}
    for summary in summaries:
        for q in summary:
            old = merged.get(q.id)
            if old is None:
                merged[q.id] = q
                continue
            counts = (
                tuple(a + b for a, b in zip(old.counts, q.counts, strict=True))
                if old.counts and q.counts
                else old.counts or q.counts
            )
            merged[q.id] = QuestionSummary(
                old.id, old.kind, old.text, counts, old.comments + q.comments
            )
    return list(merged.values())


# -- the report ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventSection:
    event: Event
    kit_title: str
    groups: list[tuple[str, str]]  # (group name, municipality)
    points: list[str]  # the facilitator's main points, in order, anonymous
    takeaways: list[tuple[str, Takeaway]]  # (group name, take-away)
    questions: list[tuple[str, str]]  # (group name, question)
    evaluation: list[QuestionSummary]


@dataclass(frozen=True)
class Report:
    language: str
    generated_at: datetime
    events: list[EventSection]
    combined: list[QuestionSummary] = field(default_factory=list)

    @property
    def title(self) -> str:
        _ = translator(self.language, DOMAIN)
        if len(self.events) == 1:
            return _("Event report: {name}", name=self.events[0].event.name)
        return _("Report of {n} events", n=len(self.events))


def _group_label(name: str, n: int, language: str) -> str:
    _ = translator(language, DOMAIN)
    return name or _("Group {n}", n=n)


def build_report(
    store: Store, event_ids: Sequence[str], language: str | None = None, *, kit: Kit | None = None
) -> Report:
    """The report of the events (unknown ids are skipped; :class:`ValueError` if none is
    known). ``language`` defaults to the first event's."""
    from talkkit.events import find_kit

    events = [e for e in (store.get_event(i) for i in event_ids) if e is not None]
    if not events:
        raise ValueError("no such event")
    language = normalise_language(language or events[0].language)
    sections = []
    for event in events:
        event_kit = kit if kit is not None and kit.id == event.kit_id else find_kit(event.kit_id)
        lang = event_kit.content_language(language) if event_kit else language
        sessions = store.list_sessions(event_id=event.id)
        answers = {
            s.id: {k: a.value for k, a in store.load_answers(s.id).items()} for s in sessions
        }
        groups, takeaways, questions = [], [], []
        for n, s in enumerate(sessions, 1):
            label = _group_label(s.group_name, n, language)
            groups.append((label, s.municipality))
            values = answers[s.id]
            takeaways += [(label, t) for t in _takeaways(values.get("takeaways"))]
            questions += [(label, q) for q in _texts(values.get("questions"))]
        sections.append(
            EventSection(
                event=event,
                kit_title=event_kit.text(event_kit.title, lang) if event_kit else event.kit_id,
                groups=groups,
                points=[p.text for p in store.list_picks(event.id)],
                takeaways=takeaways,
                questions=questions,
                evaluation=summarise_evaluation(event_kit, answers.values(), language),
            )
        )
    combined = combine([s.evaluation for s in sections]) if len(sections) > 1 else []
    return Report(language, datetime.now(UTC), sections, combined)


def _labels(language: str) -> dict[str, str]:
    _ = translator(language, DOMAIN)
    return {
        "kit": _("Kit"),
        "created": _("Created"),
        "groups": _("Groups"),
        "no_groups": _("No group joined."),
        "points": _("Main points from the joint gathering"),
        "no_points": _("No main points were picked."),
        "takeaways": _("Take-aways"),
        "no_takeaways": _("No take-aways were written."),
        "what": _("What"),
        "who": _("Who"),
        "when": _("When"),
        "group": _("Group"),
        "questions": _("Questions for the presenters"),
        "no_questions": _("No questions were written."),
        "evaluation": _("Evaluation"),
        "across": _("Evaluation across all events in this report"),
        "answers": _("answers"),
        "average": _("average"),
        "comments": _("Comments"),
        "no_answers": _("No answers yet."),
        "generated": _("Made with talkkit on {date}"),
        "rating": _("Rating"),
        "replaced": _("Note: some characters cannot be kept in this file and are shown as \ufffd."),
    }


def _replaced(report: Report) -> bool:
    """Whether some text of the report has characters HTML and Word cannot hold."""
    return any(xml_replaces(t) for t in texts_in(report))


def _environment() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(PACKAGE_DIR / "templates")),
        autoescape=True,  # every user text is escaped, whatever the file name
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=html_text,  # before escaping: no U+D800 stops the file, no `=` makes a formula
    )


def to_html(report: Report) -> str:
    """The report as one self-contained HTML page (no scripts, no outside resources)."""
    template = _environment().get_template(TEMPLATE)
    labels = _labels(report.language)
    return template.render(
        report=report,
        t=labels,
        generated=labels["generated"].replace("{date}", report.generated_at.date().isoformat()),
        note=labels["replaced"] if _replaced(report) else "",
    )


def _bar(share: float, width: int = 20) -> str:
    return "█" * round(share * width)


def to_docx(report: Report) -> bytes:
    """The report as a Word document (ratings as a table with text bars)."""
    from docx import Document
    from docx.shared import Pt

    t = _labels(report.language)
    document = Document()
    document.styles["Normal"].font.size = Pt(11)
    document.core_properties.title = xml_safe(report.title)[:255]
    document.core_properties.language = report.language
    document.add_heading(xml_safe(report.title), level=0)
    for section in report.events:
        if len(report.events) > 1:
            document.add_heading(xml_safe(section.event.name), level=1)
        document.add_paragraph(
            xml_safe(
                f"{t['kit']}: {section.kit_title} · "
                f"{t['created']}: {section.event.created_at.date().isoformat()}"
            )
        )
        level = 2 if len(report.events) > 1 else 1
        document.add_heading(t["groups"], level=level)
        if not section.groups:
            document.add_paragraph(t["no_groups"])
        for name, municipality in section.groups:
            text = f"{name} ({municipality})" if municipality else name
            document.add_paragraph(xml_safe(text), style="List Bullet")
        document.add_heading(t["points"], level=level)
        if not section.points:
            document.add_paragraph(t["no_points"])
        for point in section.points:
            document.add_paragraph(xml_safe(point), style="List Number")
        document.add_heading(t["takeaways"], level=level)
        if section.takeaways:
            table = document.add_table(rows=1, cols=4)
            table.style = "Table Grid"
            for cell, label in zip(
                table.rows[0].cells, (t["group"], t["what"], t["who"], t["when"]), strict=True
            ):
                cell.text = ""
                cell.paragraphs[0].add_run(label).bold = True
            for group, item in section.takeaways:
                cells = table.add_row().cells
                for cell, text in zip(cells, (group, item.what, item.who, item.when), strict=True):
                    cell.text = xml_safe(text)
        else:
            document.add_paragraph(t["no_takeaways"])
        document.add_heading(t["questions"], level=level)
        if not section.questions:
            document.add_paragraph(t["no_questions"])
        for group, question in section.questions:
            paragraph = document.add_paragraph(style="List Bullet")
            paragraph.add_run(xml_safe(question))
            paragraph.add_run(f" ({xml_safe(group)})").italic = True
        document.add_heading(t["evaluation"], level=level)
        _docx_evaluation(document, section.evaluation, t)
    if report.combined:
        document.add_heading(t["across"], level=1)
        _docx_evaluation(document, report.combined, t)
    if _replaced(report):
        document.add_paragraph().add_run(t["replaced"]).italic = True
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _docx_evaluation(
    document: Any, summaries: Sequence[QuestionSummary], t: dict[str, str]
) -> None:
    for q in summaries:
        paragraph = document.add_paragraph()
        paragraph.add_run(xml_safe(q.text)).bold = True
        if q.kind == "rating" and not q.n:
            document.add_paragraph(t["no_answers"])
        elif q.kind == "rating":
            mean = q.mean
            paragraph.add_run(
                f"  ({q.n} {t['answers']}"
                + (f", {t['average']} {mean:.1f}" if mean is not None else "")
                + ")"
            )
            table = document.add_table(rows=0, cols=3)
            for bar in q.bars():
                cells = table.add_row().cells
                cells[0].text = str(bar["value"])
                cells[1].text = _bar(bar["share"])
                cells[2].text = str(bar["count"])
        if q.comments:
            document.add_paragraph(t["comments"] + ":")
            for comment in q.comments:
                document.add_paragraph(xml_safe(comment), style="List Bullet")
        elif q.kind == "text":
            document.add_paragraph(t["no_answers"])
