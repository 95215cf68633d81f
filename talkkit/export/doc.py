"""The neutral export document: what a group answered, with the kit's texts, ready to render.

:func:`build_export_doc` reads the stored answers *tolerantly*: whatever a value turned out to
be (``None``, a number, a nested list, a lone surrogate, a megabyte of text) it becomes text, so
one odd answer never makes an export fail. Nothing is dropped: answers whose key the kit no
longer knows go to an "Other answers" section. The only key left out is ``speaking.names`` (the
speaking order: names of people, needed only during the conversation).
"""

from __future__ import annotations

import json
import zoneinfo
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from talkkit.contracts.answers import FOLLOWUP_STATUSES
from talkkit.export.followup import status_label
from talkkit.i18n import format_context, normalise_language, translator
from talkkit.store.types import Answer, Session

__all__ = [
    "ExportDoc",
    "FollowupItem",
    "Record",
    "Row",
    "Section",
    "Takeaway",
    "as_docs",
    "as_text",
    "build_export_doc",
    "local_time_text",
    "rating_text",
    "read_followup",
    "read_takeaways",
    "read_texts",
    "records",
]

#: Keys never exported.
PRIVATE_KEYS = frozenset({"speaking.names"})
_MAX_DEPTH = 4


@dataclass(frozen=True)
class Row:
    """One prompt (or question) and the group's answer to it (a rating as "4 – Much")."""

    prompt: str
    answer: str
    views: str = ""
    key: str = ""


@dataclass(frozen=True)
class Section:
    """One phase of the agenda (``kind`` is the phase kind, ``"other"`` for unknown keys)."""

    title: str
    rows: list[Row]
    id: str = ""
    kind: str = ""


@dataclass(frozen=True)
class Takeaway:
    what: str
    who: str = ""
    when: str = ""


@dataclass(frozen=True)
class ExportDoc:
    """One group's answers to one kit, in one language."""

    kit_title: str
    kit_id: str
    language: str
    session_id: str
    group_name: str
    municipality: str
    generated_at: datetime
    sections: list[Section] = field(default_factory=list)
    takeaways: list[Takeaway] = field(default_factory=list)
    #: Last time's take-aways and how they went (issue 22), when this session follows one up.
    followup: list[FollowupItem] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    evaluation: list[Row] = field(default_factory=list)
    facilitator_notes: str = ""
    event_id: str | None = None
    kit_format: str = ""  # "self-study": the texts speak to one person
    timezone: str = "UTC"  # generated_at is in this zone (the kit's local time)

    def labels(self) -> Callable[..., str]:
        """``_()`` for this document's labels: its language, and one person for self-study."""
        return translator(self.language, "talkkit", format_context(self.kit_format))


def as_text(value: Any, _depth: int = 0) -> str:
    """Any stored value as text; never raises."""
    try:
        if value is None:
            return ""
        if isinstance(value, str):
            return str.__str__(value)
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int):
            return int.__repr__(value) if abs(value) < 10**100 else "(a very large number)"
        if isinstance(value, float):
            return float.__repr__(value)
        if _depth >= _MAX_DEPTH:
            return "…"
        if isinstance(value, list | tuple):
            return "\n".join(as_text(v, _depth + 1) for v in value[:1000])
        if isinstance(value, dict):
            items = list(value.items())[:1000]
            return "\n".join(
                f"{as_text(k, _depth + 1)}: {as_text(v, _depth + 1)}" for k, v in items
            )
        return json.dumps(value)  # other JSON types; anything else lands in the except
    except Exception:  # an export must never fail on one value
        return "(unreadable value)"


def _unwrap(answer: Any) -> Any:
    return answer.value if isinstance(answer, Answer) else answer


def read_takeaways(value: Any) -> list[Takeaway]:
    """A stored take-aways answer as :class:`Takeaway` rows (empty ones left out)."""
    items = value if isinstance(value, list | tuple) else [value] if value else []
    result = []
    for item in items[:1000]:
        if isinstance(item, dict):
            t = Takeaway(*(as_text(item.get(f)) for f in ("what", "who", "when")))
        else:
            t = Takeaway(as_text(item))
        if t.what or t.who or t.when:
            result.append(t)
    return result


@dataclass(frozen=True)
class FollowupItem:
    """One take-away of last time and how it went (``status``: see FOLLOWUP_STATUSES)."""

    what: str
    who: str = ""
    when: str = ""
    status: str = ""
    note: str = ""


def read_followup(value: Any) -> list[FollowupItem]:
    """A stored ``followup`` answer as :class:`FollowupItem` rows (empty ones left out)."""
    items = value if isinstance(value, list | tuple) else [value] if value else []
    result = []
    for item in items[:1000]:
        if isinstance(item, dict):
            status = item.get("status")
            row = FollowupItem(
                as_text(item.get("what")),
                as_text(item.get("who")),
                as_text(item.get("when")),
                status=status if isinstance(status, str) and status in FOLLOWUP_STATUSES else "",
                note=as_text(item.get("note")),
            )
        else:
            row = FollowupItem(as_text(item))
        if row.what or row.who or row.when or row.note or row.status:
            result.append(row)
    return result


def read_texts(value: Any) -> list[str]:
    """A stored list answer (questions) as its non-empty texts."""
    items = value if isinstance(value, list | tuple) else [value] if value else []
    return [t for t in (as_text(v) for v in items[:1000]) if t]


def local_time_text(moment: datetime, language: str) -> str:
    """A moment as a reader of ``language`` writes it, in the moment's own zone: "1. maj 2025
    14.00" (the export document's times are already in the kit's local time)."""
    from babel.dates import format_date, format_time

    try:
        day = format_date(moment.date(), format="long", locale=language)
        return f"{day} {format_time(moment, format='short', tzinfo=moment.tzinfo, locale=language)}"
    except Exception:  # a locale problem must not stop an export
        return moment.isoformat(timespec="minutes")


def rating_text(value: Any, language: str) -> str:
    """A stored rating with its scale's word: ``4`` -> ``"4 – Much"`` (anything else as text)."""
    from talkkit.kit import rating_labels

    text = as_text(value)
    labels = rating_labels(language)
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= len(labels):
        return f"{value} – {labels[value - 1]} (1–{len(labels)})"
    return text


def _local(moment: datetime, zone: str) -> datetime:
    try:
        return moment.astimezone(zoneinfo.ZoneInfo(zone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return moment.astimezone(UTC)


def build_export_doc(
    kit: Any,
    session: Session,
    answers: Mapping[str, Answer | Any],
    language: str,
    *,
    generated_at: datetime | None = None,
) -> ExportDoc:
    """The export document of one session.

    ``kit`` is a :class:`talkkit.kit.Kit`; ``answers`` maps keys to :class:`Answer` objects (as
    :meth:`Store.load_answers` returns them) or to bare values. Labels are in ``language``; the
    kit's texts in that language when the kit has it, else in the kit's main language.
    """
    language = normalise_language(language)
    _ = translator(language)
    lang = kit.content_language(language)
    values = {k: _unwrap(a) for k, a in answers.items() if isinstance(k, str)}
    used: set[str] = set(PRIVATE_KEYS)

    sections = []
    for phase in kit.agenda:
        if not phase.prompts:
            continue
        rows = []
        for prompt in phase.prompts:
            key = f"{phase.id}.{prompt.id}"
            used.update((key, f"{key}.views"))
            rows.append(
                Row(
                    prompt=kit.text(prompt.text, lang),
                    answer=as_text(values.get(key)),
                    views=as_text(values.get(f"{key}.views")),
                    key=key,
                )
            )
        sections.append(Section(kit.text(phase.title, lang), rows, id=phase.id, kind=phase.kind))

    evaluation = []
    for question in kit.evaluation_questions():
        key = f"evaluation.{question.id}"
        used.add(key)
        value = values.get(key)
        answer = rating_text(value, language) if question.kind == "rating" else as_text(value)
        evaluation.append(Row(kit.text(question.text, lang), answer, key=key))

    used.update(("takeaways", "followup", "questions", "facilitator.notes"))
    other = [
        Row(prompt=key, answer=as_text(value), key=key)
        for key, value in sorted(values.items())
        if key not in used
    ]
    if other:
        sections.append(Section(_("Other answers"), other, id="other", kind="other"))

    return ExportDoc(
        kit_title=kit.text(kit.title, lang),
        kit_id=kit.id,
        language=language,
        session_id=session.id,
        group_name=session.group_name,
        municipality=session.municipality,
        generated_at=_local(generated_at or datetime.now(UTC), kit.local_timezone),
        sections=sections,
        takeaways=read_takeaways(values.get("takeaways")),
        followup=read_followup(values.get("followup")),
        questions=read_texts(values.get("questions")),
        evaluation=evaluation,
        facilitator_notes=as_text(values.get("facilitator.notes")),
        event_id=session.event_id,
        kit_format=getattr(kit, "format", ""),
        timezone=kit.local_timezone,
    )


def as_docs(docs: ExportDoc | Sequence[ExportDoc]) -> list[ExportDoc]:
    """One document or several, as a list (exporters take either)."""
    return [docs] if isinstance(docs, ExportDoc) else list(docs)


@dataclass(frozen=True)
class Record:
    """One answer as one row of a table (CSV, XLSX): which group, where, what."""

    doc: ExportDoc
    section: str
    key: str
    prompt: str
    answer: str
    views: str = ""
    who: str = ""
    when: str = ""


def record_header(language: str) -> list[str]:
    """The column titles of :func:`records`, in ``language``."""
    _ = translator(language)
    return [
        _("Kit"),
        _("Group"),
        _("Municipality"),
        _("Session"),
        _("Section"),
        _("Key"),
        _("Question"),
        _("Answer"),
        _("Different views in the group"),
        _("Who"),
        _("When"),
    ]


def record_cells(record: Record) -> list[str]:
    d = record.doc
    return [
        d.kit_title,
        d.group_name,
        d.municipality,
        d.session_id,
        record.section,
        record.key,
        record.prompt,
        record.answer,
        record.views,
        record.who,
        record.when,
    ]


def records(doc: ExportDoc, language: str) -> Iterator[Record]:
    """Every answer of a document as a table row (unanswered prompts are left out)."""
    _ = translator(language, "talkkit", format_context(doc.kit_format))
    for section in doc.sections:
        for row in section.rows:
            if row.answer or row.views:
                yield Record(doc, section.title, row.key, row.prompt, row.answer, row.views)
    for n, t in enumerate(doc.takeaways, 1):
        yield Record(
            doc,
            _("Our take-aways"),
            "takeaways",
            _("Take-away {n}", n=n),
            t.what,
            "",
            t.who,
            t.when,
        )
    for item in doc.followup:
        status = status_label(item.status, language)
        answer = f"{status}: {item.note}" if item.note else status
        yield Record(
            doc, _("Follow-up of last time's take-aways"), "followup", item.what, answer, "",
            item.who, item.when,
        )  # fmt: skip
    for n, question in enumerate(doc.questions, 1):
        yield Record(
            doc, _("Questions for the presenters"), "questions", _("Question {n}", n=n), question
        )
    for row in doc.evaluation:
        if row.answer:
            yield Record(doc, _("Evaluation"), row.key, row.prompt, row.answer)
    if doc.facilitator_notes:
        yield Record(doc, _("Facilitator notes"), "facilitator.notes", "", doc.facilitator_notes)
