"""The trend report (issue 22, part 3): many events over a period, for the Forum.

:func:`build_trend` reads the events created in a period (optionally of one kit, one topic or
one municipality) and aggregates them with pandas: events, groups and municipalities; the
evaluation ratings per month; the recurring themes across the events (computed locally by
:mod:`talkkit.report.themes`, as the board's overview); the follow-up of take-aways.

Only aggregates leave this module. No group's text is kept beside its group or municipality
(themes are words and counts), and every figure that describes fewer than :data:`MIN_GROUPS`
groups is ``None`` (hidden; the report states the rule). The formats of
:data:`talkkit.report.formats.FORMATS` render a :class:`TrendReport`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from talkkit.contracts.answers import RATING_MAX, RATING_MIN
from talkkit.export.doc import read_followup, read_takeaways
from talkkit.i18n import normalise_language, translator
from talkkit.kit import STANDARD_EVALUATION, Kit, find_kit, localize
from talkkit.report.model import DOMAIN
from talkkit.report.themes import recurring

if TYPE_CHECKING:
    import pandas as pd

    from talkkit.store import Event, Session, Store

__all__ = [
    "MIN_GROUPS",
    "FollowupCounts",
    "MonthRow",
    "PlaceRow",
    "ThemeRow",
    "TrendQuery",
    "TrendReport",
    "build_trend",
    "municipality_key",
]

#: The fewest groups a figure may describe; a cell of fewer is hidden.
MIN_GROUPS = 5
#: The follow-up statuses counted (an unmarked item counts as not followed up).
STATUSES = ("done", "started", "not_yet", "dropped")
#: How many recurring words and phrases the report shows.
THEME_LIMIT = 15


@dataclass(frozen=True)
class TrendQuery:
    start: date
    end: date
    kit: str | None = None
    topic: str | None = None
    municipality: str | None = None


@dataclass(frozen=True)
class MonthRow:
    month: str  # "2026-03"
    label: str  # "mar. 2026", in the report's language
    events: int | None
    groups: int | None
    #: question id -> (average rating, number of ratings); None: fewer than five groups rated
    ratings: dict[str, tuple[float, int] | None]


@dataclass(frozen=True)
class PlaceRow:
    """A kit or a municipality: its name, events and groups (None: hidden)."""

    name: str
    events: int | None
    groups: int | None
    rating: float | None = None  # the first rating question's average


@dataclass(frozen=True)
class ThemeRow:
    label: str
    groups: int
    events: int


@dataclass(frozen=True)
class FollowupCounts:
    """The follow-up in the period: how many groups followed up how many take-aways."""

    groups: int | None
    items: int | None
    statuses: dict[str, int | None]


@dataclass(frozen=True)
class TrendReport:
    language: str
    generated_at: datetime
    query: TrendQuery
    scope: str  # what the report is limited to ("" for everything), in readable words
    events: int | None
    groups: int | None
    municipalities: int | None
    takeaways: int | None
    questions: list[tuple[str, str]]  # rating questions: (id, text)
    months: list[MonthRow]
    kits: list[PlaceRow]
    places: list[PlaceRow]
    other_places: PlaceRow | None  # municipalities of fewer than five groups, together
    words: list[ThemeRow] = field(default_factory=list)
    phrases: list[ThemeRow] = field(default_factory=list)
    followup: FollowupCounts | None = None
    hidden: bool = False  # some figure was hidden by the rule

    @property
    def title(self) -> str:
        _ = translator(self.language, DOMAIN)
        return _(
            "Trend report {start} to {end}",
            start=self.query.start.isoformat(),
            end=self.query.end.isoformat(),
        )


def municipality_key(name: str) -> str:
    """How municipalities are matched: spaces and case ignored ("  aarhus " is Aarhus)."""
    return " ".join(name.split()).casefold()


def _shown(n: int) -> int | None:
    return n if n >= MIN_GROUPS else None


def _month_label(month: str, language: str) -> str:
    from babel.dates import format_date

    year, mon = month.split("-")
    return format_date(date(int(year), int(mon), 1), "MMM y", locale=language)


def _kit_cache() -> Any:
    found: dict[str, Kit | None] = {}

    def get(kit_id: str) -> Kit | None:
        if kit_id not in found:
            found[kit_id] = find_kit(kit_id)
        return found[kit_id]

    return get


def select_events(store: Store, query: TrendQuery) -> list[Event]:
    """The events created in the period (dates inclusive, UTC), of the kit or topic asked."""
    kit_of = _kit_cache()
    chosen = []
    for event in store.list_events(kit_id=query.kit):
        if not query.start <= event.created_at.astimezone(UTC).date() <= query.end:
            continue
        if query.topic is not None:
            kit = kit_of(event.kit_id)
            if kit is None or kit.topic != query.topic:
                continue
        chosen.append(event)
    return chosen


def _group_rows(
    store: Store, events: Sequence[Event], query: TrendQuery, language: str
) -> tuple[list[dict[str, Any]], list[tuple[str, str, str]]]:
    """One row per group (only numbers and keys) and its texts for the themes:
    ``(content language, "event/session", text)`` (the texts never leave this module)."""
    kit_of = _kit_cache()
    place = municipality_key(query.municipality) if query.municipality else None
    followers: dict[str, list[Session]] = {}
    for s in store.list_sessions():
        if s.follows and s.event_id is None:  # a follow-up link opened outside an event
            followers.setdefault(s.follows, []).append(s)
    rows: list[dict[str, Any]] = []
    texts: list[tuple[str, str, str]] = []
    for event in events:
        kit = kit_of(event.kit_id)
        lang = kit.content_language(language) if kit else language
        for s in store.list_sessions(event_id=event.id):
            if place is not None and municipality_key(s.municipality) != place:
                continue
            values = {k: a.value for k, a in store.load_answers(s.id).items()}
            followup = read_followup(values.get("followup"))
            for later in followers.get(s.id, []):
                followup += read_followup(store.load_answers(later.id).get("followup", None))
            row: dict[str, Any] = {
                "event": event.id,
                "month": event.created_at.astimezone(UTC).strftime("%Y-%m"),
                "kit": event.kit_id,
                "place": municipality_key(s.municipality),
                "place_name": " ".join(s.municipality.split()),
                "takeaways": len(read_takeaways(values.get("takeaways"))),
                "followed": sum(1 for f in followup if f.status),
            }
            for status in STATUSES:
                row[f"fu_{status}"] = sum(1 for f in followup if f.status == status)
            for key, value in values.items():
                if key.startswith("evaluation.") and type(value) is int:
                    if RATING_MIN <= value <= RATING_MAX:
                        row[f"q_{key.removeprefix('evaluation.')}"] = value
                elif _theme_key(key) and isinstance(value, str) and value.strip():
                    texts.append((lang, f"{event.id}/{s.id}", value))
            rows.append(row)
    return rows, texts


def _theme_key(key: str) -> bool:
    """The prompt answers the board's theme overview reads (``chapter.prompt[.views]``)."""
    parts = key.split(".")
    return (len(parts) == 2 and parts[0] not in ("evaluation", "facilitator", "speaking")) or (
        len(parts) == 3 and parts[2] == "views"
    )


def _questions(df: pd.DataFrame, events: Sequence[Event], language: str) -> list[tuple[str, str]]:
    """The rating questions answered, with their text (the standard ones first)."""
    kit_of = _kit_cache()
    texts: dict[str, str] = {}
    for event in events:
        kit = kit_of(event.kit_id)
        if kit is None:
            continue
        lang = kit.content_language(language)
        for q in kit.evaluation_questions():
            if q.kind == "rating":
                texts.setdefault(q.id, kit.text(q.text, lang))
    for q in STANDARD_EVALUATION:
        if q.kind == "rating":
            texts.setdefault(q.id, localize(q.text, language))
    answered = [c.removeprefix("q_") for c in df.columns if c.startswith("q_")]
    order = [q for q in texts if q in answered] + sorted(q for q in answered if q not in texts)
    return [(q, texts.get(q, q)) for q in order]


def _themes(texts: list[tuple[str, str, str]]) -> tuple[list[ThemeRow], list[ThemeRow]]:
    by_lang: dict[str, list[tuple[str, str]]] = {}
    for lang, who, text in texts:
        by_lang.setdefault(lang, []).append((who, text))
    words: list[ThemeRow] = []
    phrases: list[ThemeRow] = []
    for lang, docs in by_lang.items():
        found_words, found_phrases = recurring(docs, lang, limit=200)
        for found, out in ((found_words, words), (found_phrases, phrases)):
            for term in found:
                if term.groups >= MIN_GROUPS:
                    events = len({w.split("/", 1)[0] for w in term.writers})
                    out.append(ThemeRow(term.label, term.groups, events))
    key = lambda t: (-t.groups, -t.events, t.label)  # noqa: E731
    return sorted(words, key=key)[:THEME_LIMIT], sorted(phrases, key=key)[:THEME_LIMIT]


def _status_count(items: pd.Series[int], shown: Any) -> int | None:
    """Take-aways of one status: a cell of the groups that marked one so (0 groups: 0)."""
    groups = int((items > 0).sum())
    return int(items.sum()) if groups == 0 or shown(groups) is not None else None


def _places(df: pd.DataFrame, column: str) -> pd.DataFrame:
    return (
        df.groupby(column, sort=False)
        .agg(events=("event", "nunique"), groups=("event", "size"))
        .sort_values(["groups", "events"], ascending=False, kind="stable")
    )


def build_trend(store: Store, query: TrendQuery, language: str | None = None) -> TrendReport:
    """The trend report of the period. :class:`ValueError` if the period holds no group."""
    import pandas as pd

    language = normalise_language(language)
    events = select_events(store, query)
    rows, texts = _group_rows(store, events, query, language)
    if not rows:
        raise ValueError("empty period")
    df = pd.DataFrame(rows)
    questions = _questions(df, events, language)
    hidden = False

    def shown(n: int) -> int | None:
        nonlocal hidden
        hidden |= n < MIN_GROUPS
        return _shown(n)

    total = len(df)
    enough = total >= MIN_GROUPS
    if not enough:  # no figure at all, and no kit, municipality or month named either
        return TrendReport(
            language, datetime.now(UTC), query, _scope(query, language), None, None, None,
            None, questions, [], [], [], None, hidden=True,
        )  # fmt: skip
    months = []
    for month, part in df.groupby("month", sort=True):
        n = len(part)
        ratings: dict[str, tuple[float, int] | None] = {}
        for qid, _text in questions:
            col = part.get(f"q_{qid}")
            rated = int(col.count()) if col is not None else 0
            ratings[qid] = (float(col.mean()), rated) if col is not None and shown(rated) else None
        months.append(
            MonthRow(
                str(month),
                _month_label(str(month), language),
                int(part["event"].nunique()) if shown(n) else None,
                _shown(n),
                ratings,
            )
        )
    first_q = f"q_{questions[0][0]}" if questions else None
    kit_of = _kit_cache()
    kits = []
    for kit_id, agg in _places(df, "kit").iterrows():
        kit = kit_of(str(kit_id))
        title = kit.text(kit.title, kit.content_language(language)) if kit else str(kit_id)
        part = df[df["kit"] == kit_id]
        rated = int(part[first_q].count()) if first_q in part else 0
        rating = float(part[first_q].mean()) if first_q and shown(rated) else None
        n = int(agg["groups"])
        kits.append(PlaceRow(title, int(agg["events"]) if shown(n) else None, _shown(n), rating))
    places, small = [], df.iloc[0:0]
    named = df[df["place"] != ""]
    for key, agg in _places(named, "place").iterrows():
        part = named[named["place"] == key]
        if int(agg["groups"]) >= MIN_GROUPS:
            spelling = Counter(part["place_name"]).most_common(1)[0][0]
            places.append(PlaceRow(spelling, int(agg["events"]), int(agg["groups"])))
        else:
            small = pd.concat([small, part])
    other = None
    if len(small):
        hidden = True
        n = len(small)
        other = PlaceRow(
            "",  # named by the format: "Other municipalities, each with fewer than 5 groups"
            int(small["event"].nunique()) if n >= MIN_GROUPS else None,
            _shown(n),
        )
    followed = df[df["followed"] > 0]
    nf = len(followed)
    followup = FollowupCounts(
        nf if nf == 0 else shown(nf),
        int(followed["followed"].sum()) if nf >= MIN_GROUPS else None,
        {s: _status_count(followed[f"fu_{s}"], shown) for s in STATUSES},
    )
    words, phrases = _themes(texts)
    return TrendReport(
        language=language,
        generated_at=datetime.now(UTC),
        query=query,
        scope=_scope(query, language),
        events=int(df["event"].nunique()),
        groups=total,
        municipalities=int(named["place"].nunique()),
        takeaways=int(df["takeaways"].sum()),
        questions=questions,
        months=months,
        kits=kits,
        places=places,
        other_places=other,
        words=words,
        phrases=phrases,
        followup=followup,
        hidden=hidden,
    )


def _scope(query: TrendQuery, language: str) -> str:
    _ = translator(language, DOMAIN)
    if query.kit:
        kit = find_kit(query.kit)
        name = kit.text(kit.title, kit.content_language(language)) if kit else query.kit
        return _("Kit: {name}", name=name)
    if query.topic:
        return _("Topic: {name}", name=topic_name(query.topic, language) or query.topic)
    if query.municipality:
        return _("Municipality: {name}", name=" ".join(query.municipality.split()))
    return ""


def topic_name(topic: str, language: str) -> str:
    """The topic as readers see it (its first kit's ``topic_title``), else ``""``."""
    from talkkit.kit.catalogue import kits_by_topic

    kits = kits_by_topic().get(topic, [])
    return kits[0].topic_name(kits[0].content_language(language)) if kits else ""
