"""The event report: what the joint gathering agreed on and what the groups take home.

:func:`build_report` reads one or more events from the store; with several events it adds the
evaluation across all of them. The report is rendered by the formats in
:data:`talkkit.report.formats.FORMATS` (HTML, DOCX).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from talkkit.contracts.answers import FOLLOWUP_STATUSES
from talkkit.export.doc import FollowupItem, Takeaway, read_followup, read_takeaways, read_texts
from talkkit.export.followup import status_label
from talkkit.i18n import normalise_language, translator
from talkkit.kit import Kit, find_kit
from talkkit.report.evaluation import QuestionSummary, combine, summarise_evaluation
from talkkit.store import Event, Store

__all__ = ["DOMAIN", "EventSection", "Report", "build_report", "labels"]

#: The catalogue domain of the report's texts (shared with ``talkkit event``).
DOMAIN = "events"


@dataclass(frozen=True)
class EventSection:
    event: Event
    kit_title: str
    groups: list[tuple[str, str]]  # (group name, municipality)
    points: list[str]  # the facilitator's main points, in order, anonymous
    takeaways: list[tuple[str, Takeaway]]  # (group name, take-away)
    questions: list[tuple[str, str]]  # (group name, question)
    evaluation: list[QuestionSummary]
    #: (group name, item): last time's take-aways the groups followed up (issue 22)
    followup: list[tuple[str, FollowupItem]] = field(default_factory=list)


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
        groups, takeaways, questions, followup = [], [], [], []
        for n, s in enumerate(sessions, 1):
            label = _group_label(s.group_name, n, language)
            groups.append((label, s.municipality))
            values = answers[s.id]
            takeaways += [(label, t) for t in read_takeaways(values.get("takeaways"))]
            questions += [(label, q) for q in read_texts(values.get("questions"))]
            followup += [(label, f) for f in read_followup(values.get("followup"))]
        sections.append(
            EventSection(
                event=event,
                kit_title=event_kit.text(event_kit.title, lang) if event_kit else event.kit_id,
                groups=groups,
                points=[p.text for p in store.list_picks(event.id)],
                takeaways=takeaways,
                questions=questions,
                evaluation=summarise_evaluation(event_kit, answers.values(), language),
                followup=followup,
            )
        )
    combined = combine([s.evaluation for s in sections]) if len(sections) > 1 else []
    return Report(language, datetime.now(UTC), sections, combined)


def labels(language: str) -> dict[str, str]:
    """The report's headings and words in ``language`` (every format uses the same)."""
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
        "followup": _("Follow-up of take-aways from an earlier session"),
        "status": _("How did it go?"),
        "note": _("What happened"),
        **{f"status_{s or 'none'}": status_label(s, language) for s in FOLLOWUP_STATUSES},
        "replaced": _("Note: some characters cannot be kept in this file and are shown as \ufffd."),
    }
