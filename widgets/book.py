"""The answer book: the group's answers in this kernel, and how they reach the store.

:class:`AnswerBook` is the model every answer view and every export reads. The browser sends a
value (after a second without typing, on leaving a field, and at every phase change) with
:meth:`AnswerBook.save`; the book

1. refuses a key the kit does not ask for, and a value :func:`talkkit.contracts.answers.validate_answer`
   refuses (too long, wrong type, too many items): the status says why, in the group's language,
   and the text stays in the browser's field;
2. holds back text that looks like a personal identity number (:mod:`talkkit.privacy`) until the
   group removes it or confirms it is none;
3. writes it with the revision it last saw: a newer answer from another tab is never
   overwritten, the group sees both and chooses (:meth:`resolve`);
4. keeps a value the store could not take and tries again with growing pauses
   (1 s, 2 s, 4 s ... 30 s), showing "Saving failed, retrying".

Statuses (``status[key]["state"]``): ``saved``, ``saving`` (waiting for the session or the
store), ``retrying``, ``refused``, ``privacy``, ``conflict``.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from traitlets import Bool, Dict, HasTraits, Unicode

from talkkit.contracts.answers import AnswerError, validate_answer
from talkkit.contracts.page import Incoming, SaveState, SaveStatus
from talkkit.kit import Kit
from talkkit.privacy import find_personal_ids, privacy_warning
from talkkit.store import Session, Store, StoreFull
from widgets._i18n import gettext
from widgets.answer_keys import RATING, TEXT, answer_keys

__all__ = ["AnswerBook", "Scheduler", "default_scheduler"]

log = logging.getLogger("talkkit.widgets")

#: ``schedule(delay_seconds, callback)``: run ``callback`` later on the kernel's event loop.
Scheduler = Callable[[float, Callable[[], None]], object]

#: Pauses between retries of a failed save, in seconds (the last one repeats).
BACKOFF = (1.0, 2.0, 4.0, 8.0, 16.0, 30.0)
#: The most retries before the book waits for the next save to try again.
MAX_RETRIES = 40


def default_scheduler(delay: float, callback: Callable[[], None]) -> object:
    """Run ``callback`` after ``delay`` seconds on the running event loop (the kernel's)."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        timer = threading.Timer(delay, callback)
        timer.daemon = True
        timer.start()
        return timer
    return loop.call_later(delay, callback)


def _texts(value: Any) -> Iterable[str]:
    """Every string inside a clean answer value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)


def _personal_ids(value: Any) -> set[str]:
    found: set[str] = set()
    for text in _texts(value):
        found.update(text[m.start : m.end] for m in find_personal_ids(text))
    return found


@dataclass
class _Conflict:
    mine: Any
    revision: int
    theirs: Any
    seq: int


@dataclass
class _Pending:
    value: Any
    seq: int
    attempts: int = 0


@dataclass
class _State:
    revisions: dict[str, int] = field(default_factory=dict)
    pending: dict[str, _Pending] = field(default_factory=dict)
    conflicts: dict[str, _Conflict] = field(default_factory=dict)
    confirmed: dict[str, set[str]] = field(default_factory=dict)


class AnswerBook(HasTraits):
    """One group's answers to one kit (one session), kept in step with the store."""

    values = Dict(help="The clean value of each answered key, as the store holds it.")
    status = Dict(help="key -> {state, seq, message, theirs, theirs_text}: what the group sees.")
    pushed = Dict(help="{n, values}: values the browser must put into its fields (load, choice).")
    ready = Bool(
        False,
        help="True once the session is open and its answers loaded, or once opening it failed "
        "(then the group types on and the book saves when the store is back).",
    )
    session_id = Unicode("", help="The id of the open session ('' until it is open).")
    overall = Unicode("idle", help="idle, saving, saved, retrying or attention (page status).")

    def __init__(
        self,
        kit: Kit,
        *,
        language: str,
        keys: Mapping[str, str] | None = None,
        schedule: Scheduler = default_scheduler,
    ) -> None:
        super().__init__()
        self.kit = kit
        self.language = language
        self.keys = dict(keys if keys is not None else answer_keys(kit))
        self.store: Store | None = None
        self.session: Session | None = None
        self._schedule = schedule
        self._state = _State()
        self._connect: Callable[[], tuple[Store, Session]] | None = None
        self._connect_attempts = 0
        self._retry_planned = False
        self._push_count = 0

    # -- the session ----------------------------------------------------------------------------

    def connect(self, opener: Callable[[], tuple[Store, Session]]) -> bool:
        """Open the session with ``opener`` (tried again with backoff while the store fails)."""
        self._connect = opener
        return self._try_connect()

    def _try_connect(self) -> bool:
        if self._connect is None or self.session is not None:
            return self.session is not None
        try:
            store, session = self._connect()
            answers = store.load_answers(session.id)
        except Exception as exc:
            log.warning("store not reachable (%s: %s); retrying", type(exc).__name__, exc)
            self._connect_attempts += 1
            for key in self._state.pending:
                self._set(key, "retrying", self._state.pending[key].seq)
            self._update_overall()
            # The group can type meanwhile: what it types waits here and is saved on connect.
            self.ready = True
            self._plan_retry(self._connect_attempts)
            return False
        self.store, self.session = store, session
        self.session_id = session.id
        loaded: dict[str, Any] = {}
        for key, answer in answers.items():
            if key not in self.keys:
                continue  # not asked here (e.g. facilitator notes in a participant's kernel)
            try:
                loaded[key] = self._clean(key, answer.value)
            except AnswerError:
                log.warning("stored answer %s does not fit the kit any more; not shown", key)
                continue
            if key in self._state.pending:
                # Typed before the session opened (the store was down, or the page let the
                # group type at once): written as "no answer seen", so a different stored
                # answer is offered to choose from (resolve), never overwritten unseen.
                continue
            self._state.revisions[key] = answer.revision
        self.values = {**loaded, **self.values}
        self._push({k: v for k, v in loaded.items() if k not in self._state.pending})
        self.ready = True
        for key in list(self._state.pending):
            self._write(key)
        return True

    def set_phase(self, phase_id: str | None) -> None:
        """Remember where the group is (best effort: the next phase change tries again)."""
        if self.store is None or self.session is None:
            return
        try:
            self.store.set_phase(self.session.id, phase_id)
        except Exception as exc:
            log.warning("could not store the phase: %s", exc)

    # -- saving ---------------------------------------------------------------------------------

    def _clean(self, key: str, value: Any) -> Any:
        clean = validate_answer(key, value)
        kind = self.keys[key]
        if kind == RATING and type(clean) is not int:
            raise AnswerError("bad_type", key)
        if kind == TEXT and type(clean) is not str:
            raise AnswerError("bad_type", key)
        return clean

    def save(self, key: object, value: object, seq: object = 0, *, confirm: bool = False) -> str:
        """Save one answer from the browser (its :class:`~talkkit.contracts.page.SaveRequest`,
        checked here); returns the resulting state (see module doc).

        ``seq`` is the browser's counter for this field, echoed in the status so the browser
        knows which of its sends the status answers. ``confirm=True``: the group says the text
        holds no personal identity number.
        """
        if type(key) is not str or key not in self.keys:
            return "refused"  # not a field of this kit: nothing to show it on, nothing stored
        seq = seq if type(seq) is int and 0 <= seq < 2**53 else 0
        _ = gettext(self.language, self.kit.format)
        try:
            clean = self._clean(key, value)
        except AnswerError as exc:
            self._set(key, "refused", seq, message=exc.message(self.language))
            return "refused"
        except Exception:
            message = _("This answer could not be read, so it was not saved.")
            self._set(key, "refused", seq, message=message)
            return "refused"
        found = _personal_ids(clean)
        confirmed = self._state.confirmed.setdefault(key, set())
        if confirm:
            confirmed.update(found)
        elif found - confirmed:
            self._state.pending.pop(key, None)
            self._set(
                key,
                "privacy",
                seq,
                message=privacy_warning(self.language),
                found=sorted(found - confirmed),
            )
            return "privacy"
        self._state.conflicts.pop(key, None)
        self._state.pending[key] = _Pending(clean, seq)
        return self._write(key)

    def _write(self, key: str) -> str:
        pending = self._state.pending.get(key)
        if pending is None:
            state: str = self.status.get(key, {}).get("state", "saved")
            return state
        if self.store is None or self.session is None:
            self._set(key, "retrying" if self._connect_attempts else "saving", pending.seq)
            waiting: str = self.status[key]["state"]
            return waiting
        try:
            result = self.store.save_answer(
                self.session.id, key, pending.value, self._state.revisions.get(key)
            )
        except AnswerError as exc:  # the store's own check disagrees: show it, keep the text
            del self._state.pending[key]
            self._set(key, "refused", pending.seq, message=exc.message(self.language))
            return "refused"
        except Exception as exc:
            log.warning("saving %s failed (%s); retrying", key, exc)
            pending.attempts += 1
            # a full disk is said in words (the group should not wait in vain for the network)
            message = exc.message(self.language) if isinstance(exc, StoreFull) else ""
            self._set(key, "retrying", pending.seq, message=message)
            self._plan_retry(pending.attempts)
            return "retrying"
        del self._state.pending[key]
        if result.conflict:
            self._conflict(key, pending, result.revision, result.current)
            return "conflict"
        self._state.revisions[key] = result.revision
        self.values = {**self.values, key: pending.value}
        self._set(key, "saved", pending.seq)
        return "saved"

    def _conflict(self, key: str, pending: _Pending, revision: int, current: Any) -> None:
        try:
            theirs = self._clean(key, current)
        except AnswerError:
            theirs = None  # the stored value no longer fits: offering it makes no sense
        if theirs is None or theirs == pending.value:
            # Nothing the group could prefer: take the stored revision and write ours on top.
            self._state.revisions[key] = revision
            self._state.pending[key] = pending
            self._write(key)
            return
        from talkkit.export.doc import as_text  # the export package is heavy: load on demand

        self._state.conflicts[key] = _Conflict(pending.value, revision, theirs, pending.seq)
        _ = gettext(self.language, self.kit.format)
        self._set(
            key,
            "conflict",
            pending.seq,
            message=_(
                "Someone else saved another version of this answer (in another window?). "
                "Choose which one to keep."
            ),
            conflict=(theirs, as_text(theirs)),
        )

    def resolve(self, key: object, choice: object) -> str:
        """The group's choice in a conflict: ``"ours"`` (keep what we typed) or ``"theirs"``."""
        if type(key) is not str or key not in self._state.conflicts:
            return "refused"
        if choice not in ("ours", "theirs"):
            return "refused"
        conflict = self._state.conflicts.pop(key)
        self._state.revisions[key] = conflict.revision
        if choice == "ours":
            self._state.pending[key] = _Pending(conflict.mine, conflict.seq)
            return self._write(key)
        self.values = {**self.values, key: conflict.theirs}
        self._push({key: conflict.theirs})
        self._set(key, "saved", conflict.seq)
        return "saved"

    # -- retries --------------------------------------------------------------------------------

    def _plan_retry(self, attempts: int) -> None:
        if self._retry_planned or attempts > MAX_RETRIES:
            return
        self._retry_planned = True
        delay = BACKOFF[min(attempts, len(BACKOFF)) - 1]
        self._schedule(delay, self.retry)

    def retry(self) -> None:
        """Try the session and every waiting value again (called by the scheduler)."""
        self._retry_planned = False
        if self.session is None:
            self._try_connect()
            return
        for key in list(self._state.pending):
            self._write(key)

    # -- what the views see ---------------------------------------------------------------------

    def _push(self, values: dict[str, Any]) -> None:
        if not values:
            return
        self._push_count += 1
        self.pushed = dict(Incoming(n=self._push_count, values=values))

    def _set(
        self,
        key: str,
        state: SaveState,
        seq: int,
        *,
        message: str = "",
        found: list[str] | None = None,
        conflict: tuple[Any, str] | None = None,
    ) -> None:
        """Set the :class:`~talkkit.contracts.page.SaveStatus` of ``key`` (``conflict``: the
        other version's value and its text)."""
        entry = SaveStatus(state=state, seq=seq, message=message)
        if found is not None:
            entry["found"] = found
        if conflict is not None:
            entry["theirs"], entry["theirs_text"] = conflict
        self.status = {**self.status, key: entry}
        self._update_overall()

    def _update_overall(self) -> None:
        states = {entry["state"] for entry in self.status.values()}
        if states & {"conflict", "privacy", "refused"}:
            self.overall = "attention"
        elif "retrying" in states or (self.session is None and self._connect_attempts):
            self.overall = "retrying"
        elif "saving" in states:
            self.overall = "saving"
        elif "saved" in states:
            self.overall = "saved"
        else:
            self.overall = "idle"

    @property
    def connecting(self) -> bool:
        """Whether :meth:`connect` was called (the session is open or being retried)."""
        return self._connect is not None

    def waiting_values(self) -> dict[str, Any]:
        """The clean values that wait for the store (newer than :attr:`values`)."""
        return {k: p.value for k, p in self._state.pending.items()}
