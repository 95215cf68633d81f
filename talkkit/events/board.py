"""The board's projection of an event: what the facilitator board shows, kept up to date.

:func:`board_snapshot` returns everything the facilitator board shows; :class:`BoardState`
keeps it up to date by polling the store and hands out only what changed. Groups are shown
under aliases (``g1``, ``g2``, ...), never by their session ids.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from talkkit.contracts.board import (
    AnswerRow,
    BoardPatch,
    BoardSnapshot,
    DisplayValue,
    EvaluationRow,
    EventInfo,
    FollowupRow,
    GroupRow,
    PhaseRow,
    PromptRow,
    QuestionRow,
    TakeawayRow,
    ThemesData,
)
from talkkit.events.codes import format_code
from talkkit.events.picks import MainPoints
from talkkit.export.doc import as_text, read_followup
from talkkit.i18n import normalise_language
from talkkit.kit import Kit, find_kit
from talkkit.report.evaluation import summarise_evaluation
from talkkit.report.themes import analyse
from talkkit.store import Session, Store
from talkkit.store.types import EventAnswer, Pick

__all__ = ["FULL_EVERY", "OVERLAP", "BoardState", "board_snapshot", "display"]


def _prompt_key(key: str) -> bool:
    parts = key.split(".")
    return (len(parts) == 2 and parts[0] not in ("evaluation", "facilitator", "speaking")) or (
        len(parts) == 3 and parts[2] == "views"
    )


def _texts(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [t for t in (as_text(v) for v in items[:100]) if t.strip()]


def _takeaways(value: Any) -> list[TakeawayRow]:
    items = value if isinstance(value, list) else [value]
    out: list[TakeawayRow] = []
    for item in items[:100]:
        if isinstance(item, dict):
            row = TakeawayRow(
                what=as_text(item.get("what")),
                who=as_text(item.get("who")),
                when=as_text(item.get("when")),
            )
        else:
            row = TakeawayRow(what=as_text(item), who="", when="")
        if any(row.values()):
            out.append(row)
    return out


def display(key: str, value: Any) -> DisplayValue:
    """An answer as the board shows it: text, a list of texts (questions) or of take-aways."""
    if key == "questions":
        return _texts(value)
    if key == "takeaways":
        return _takeaways(value)
    if key == "followup":
        return [
            FollowupRow(what=f.what, who=f.who, when=f.when, status=f.status, note=f.note)
            for f in read_followup(value)[:100]
        ]
    if key.startswith("evaluation.") and type(value) is int:
        return value
    return as_text(value)


#: Seconds re-read before the last poll's newest change: a save's time is taken just before
#: its commit, so a save committed after a poll may carry a time before that poll's newest.
OVERLAP = timedelta(seconds=5)
#: Every this many polls everything is re-read (and compared), in case kernels on other
#: machines have clocks more than :data:`OVERLAP` apart.
FULL_EVERY = 30


class BoardState(MainPoints):
    """What the board of one event shows, kept in step with the store.

    Groups are shown under aliases (``g1``, ``g2``, ...): session ids are resume links, which
    the board's browser has no business holding.
    """

    def __init__(
        self, store: Store, event_id: str, *, kit: Kit | None = None, language: str = "da"
    ) -> None:
        self.store = store
        self.event_id = event_id
        self.language = normalise_language(language)
        self.event = store.get_event(event_id)
        kit_id = self.event.kit_id if self.event else None
        if kit is None and kit_id is None:
            sessions = store.list_sessions(event_id=event_id)
            kit_id = sessions[0].kit_id if sessions else None
        self.kit = kit if kit is not None else (find_kit(kit_id) if kit_id else None)
        self.kit_id = self.kit.id if self.kit else (kit_id or "")
        self.content_language = (
            self.kit.content_language(self.language) if self.kit else self.language
        )
        self.aliases: dict[str, str] = {}
        self.sessions: dict[str, Session] = {}
        self.answers: dict[tuple[str, str], EventAnswer] = {}
        self.picks: list[Pick] = []
        self._newest: datetime | None = None
        self._group_rows: dict[str, GroupRow] = {}
        self._polls = 0

    # -- reading ----------------------------------------------------------------------------

    def alias(self, session_id: str) -> str:
        if session_id not in self.aliases:
            self.aliases[session_id] = f"g{len(self.aliases) + 1}"
        return self.aliases[session_id]

    def session_of(self, alias: object) -> str | None:
        return next((s for s, a in self.aliases.items() if a == alias), None)

    def _phase_title(self, phase_id: str | None) -> str:
        if not phase_id:
            return ""
        phase = self.kit.phase(phase_id) if self.kit else None
        return self.kit.text(phase.title, self.content_language) if phase and self.kit else ""

    def _group_row(self, session: Session) -> GroupRow:
        count = sum(1 for (sid, _k) in self.answers if sid == session.id)
        return GroupRow(
            g=self.alias(session.id),
            name=session.group_name,
            municipality=session.municipality,
            phase=session.phase or "",
            phase_title=self._phase_title(session.phase),
            answers=count,
            updated=session.updated_at.isoformat(timespec="seconds"),
        )

    def _row(self, answer: EventAnswer) -> AnswerRow:
        return AnswerRow(
            g=self.alias(answer.session_id),
            k=answer.key,
            v=display(answer.key, answer.value),
            r=answer.revision,
        )

    def load(self, *, themes: bool = True) -> BoardSnapshot:
        """Read everything; the full board as :meth:`snapshot` returns it (``themes=False``:
        without the theme overview, the slowest part, for a board to send first)."""
        sessions = self.store.list_sessions(event_id=self.event_id)
        self.sessions = {s.id: s for s in sessions}
        for s in sessions:
            self.alias(s.id)
        rows = self.store.event_answers(self.event_id)
        self.answers = {(a.session_id, a.key): a for a in rows if a.session_id in self.sessions}
        self._newest = max((a.updated_at for a in rows), default=None)
        self.picks = self.store.list_picks(self.event_id) if self.event else []
        self._group_rows = {s.id: self._group_row(s) for s in sessions}
        return self.snapshot(themes=themes)

    def poll(self) -> BoardPatch | None:
        """Read what changed since the last read; the patch to send, or ``None``."""
        sessions = self.store.list_sessions(event_id=self.event_id)
        self._polls += 1
        full = self._polls % FULL_EVERY == 0
        since = self._newest - OVERLAP if self._newest and not full else None
        rows = self.store.event_answers(self.event_id, since=since)
        current = {s.id: s for s in sessions}
        changed_rows = []
        for answer in rows:
            if answer.session_id not in current:
                continue
            old = self.answers.get((answer.session_id, answer.key))
            if old is None or old.revision != answer.revision or old.value != answer.value:
                self.answers[(answer.session_id, answer.key)] = answer
                changed_rows.append(self._row(answer))
            if self._newest is None or answer.updated_at > self._newest:
                self._newest = answer.updated_at
        gone = [sid for sid in self.sessions if sid not in current]
        for sid in gone:
            for key in [k for k in self.answers if k[0] == sid]:
                del self.answers[key]
            self._group_rows.pop(sid, None)
        self.sessions = current
        changed_groups = []
        for session in sessions:
            row = self._group_row(session)
            if self._group_rows.get(session.id) != row:
                self._group_rows[session.id] = row
                changed_groups.append(row)
        if not (changed_rows or changed_groups or gone):
            return None
        return BoardPatch(
            groups=changed_groups, rows=changed_rows, gone=[self.alias(s) for s in gone]
        )

    # -- derived views ----------------------------------------------------------------------

    def prompts(self) -> list[PromptRow]:
        """Every prompt of the kit, in agenda order, then keys the kit does not know."""
        out: list[PromptRow] = []
        known: set[str] = set()
        if self.kit:
            lang = self.content_language
            for phase in self.kit.agenda:
                for prompt in phase.prompts:
                    key = f"{phase.id}.{prompt.id}"
                    known.add(key)
                    out.append(
                        PromptRow(
                            key=key,
                            phase=self.kit.text(phase.title, lang),
                            text=self.kit.text(prompt.text, lang),
                        )
                    )
        extra = sorted(
            {k for (_s, k) in self.answers if _prompt_key(k) and not k.endswith(".views")} - known
        )
        out += [PromptRow(key=k, phase="", text=k) for k in extra]
        return out

    def questions(self) -> list[QuestionRow]:
        """The questions for the presenters, group by group in the order groups joined."""
        out: list[QuestionRow] = []
        for sid in self.sessions:
            answer = self.answers.get((sid, "questions"))
            if answer:
                out += [QuestionRow(g=self.alias(sid), text=t) for t in _texts(answer.value)]
        return out

    def themes(self) -> ThemesData:
        by_prompt: dict[str, list[tuple[str, str]]] = {}
        for (sid, key), answer in self.answers.items():
            if _prompt_key(key) and isinstance(answer.value, str) and answer.value.strip():
                base = key.removesuffix(".views")
                by_prompt.setdefault(base, []).append((self.alias(sid), answer.value))
        return analyse(by_prompt, self.content_language).as_dict()

    def evaluation(self) -> list[EvaluationRow]:
        values = [
            {
                k: a.value
                for (s, k), a in self.answers.items()
                if s == sid and k.startswith("evaluation.")
            }
            for sid in self.sessions
        ]
        return [q.as_dict() for q in summarise_evaluation(self.kit, values, self.content_language)]

    def snapshot(self, *, themes: bool = True) -> BoardSnapshot:
        """Everything the board shows (plain JSON data); ``themes=False`` leaves the theme
        overview empty (``"themes": None``)."""
        event = self.event
        kit, lang = self.kit, self.content_language
        return BoardSnapshot(
            event=EventInfo(
                id=self.event_id,
                name=event.name if event else self.event_id,
                code=format_code(event.code) if event else "",
                kit_id=self.kit_id,
            ),
            kit_title=kit.text(kit.title, lang) if kit else "",
            language=self.language,
            phases=[PhaseRow(id=p.id, title=kit.text(p.title, lang)) for p in kit.agenda]
            if kit
            else [],
            groups=[self._group_rows[sid] for sid in self.sessions if sid in self._group_rows],
            prompts=self.prompts(),
            rows=[self._row(a) for a in self.answers.values()],
            questions=self.questions(),
            themes=self.themes() if themes else None,
            evaluation=self.evaluation(),
            picks=self.picks_data(),
        )

    def pick_answer(self, alias: object, key: object, item: object = None) -> Pick | None:
        """Add the current text of a group's answer (or one item of a list answer) to the
        main points; the text comes from the store, never from the browser."""
        sid = self.session_of(alias)
        if sid is None or type(key) is not str:
            return None
        answer = self.answers.get((sid, key))
        if answer is None or key.startswith("evaluation.") or key in ("takeaways", "followup"):
            return None
        value = display(key, answer.value)
        text: object
        if isinstance(value, list):
            if type(item) is not int or not 0 <= item < len(value):
                return None
            text, source = value[item], f"{sid}/{key}/{item}"
        else:
            text, source = value, f"{sid}/{key}"
        if not isinstance(text, str) or not text.strip():
            return None
        if any(p.source == source for p in self.picks):
            return None
        return self._add(text[:4000], source)


def board_snapshot(
    store: Store, event_id: str, *, kit: Kit | None = None, language: str = "da"
) -> BoardSnapshot:
    """Everything the facilitator board of ``event_id`` shows, read fresh from the store: the
    groups and their phases, every answer, the questions, the themes, the evaluation and the
    main points (for timing the board without a browser: ``talkkit-bench``)."""
    return BoardState(store, event_id, kit=kit, language=language).load()
