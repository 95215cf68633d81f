"""The facilitator board of an event (``kits/board.ipynb``): log in, then follow every group.

Before the facilitator secret is checked the kernel holds no answer, and no widget carries
any: the one view exists with its interface texts only. The secret is checked in this kernel
(:func:`talkkit.events.login`: scrypt hash, constant-time compare, guessing slowed down per
kernel and across kernels). Then a :class:`~talkkit.events.BoardState` reads the event, the
whole board goes to the browser once (a custom message, not a synced trait), and an asyncio
task polls the store every :data:`POLL_SECONDS` and sends only what changed.

The browser may set exactly one trait, ``secret``; everything else arrives as events that are
checked before use (see :class:`widgets._base.SafeTemplate`). All user text is shown with
Vue's ``{{ }}`` interpolation, never as HTML.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
from typing import Any, ClassVar
from urllib.parse import parse_qs

from IPython.display import display
from traitlets import Bool, Dict, Unicode

from talkkit import events
from talkkit.contracts.board import (
    AddPoint,
    BoardMessage,
    BoardMethod,
    BoardPatch,
    BoardSnapshot,
    MovePoint,
    PickEdit,
    PickRow,
    RemovePoint,
)
from talkkit.i18n import LANGUAGE_NAMES, LANGUAGES, normalise_language
from talkkit.page import preheat
from talkkit.page.request import from_environment
from talkkit.report import themes
from talkkit.store import Store, StoreError, open_store
from widgets._base import SafeTemplate, as_int, as_str
from widgets._i18n import gettext
from widgets.theme import apply_theme, set_dark

__all__ = ["POLL_SECONDS", "BoardApp", "BoardView", "login_message", "show_board"]

log = logging.getLogger("talkkit.board")

#: How often the board asks the store for changes.
POLL_SECONDS = 1.0
#: Least seconds between two theme overviews (they read every answer).
THEMES_SECONDS = 4.0


def texts(language: str) -> dict[str, str]:
    """Every text the board shows, in ``language`` (the template holds no words)."""
    _ = gettext(language)
    return {
        "title": _("Facilitator board"),
        "login_intro": _("Enter the facilitator secret of your event to see the groups' answers."),
        "secret": _("Facilitator secret"),
        "login": _("Open the board"),
        "checking": _("Checking…"),
        "groups": _("Groups"),
        "answers": _("Answers"),
        "questions": _("Questions"),
        "themes": _("Themes"),
        "points": _("Main points"),
        "evaluation": _("Evaluation"),
        "followup": _("Follow-up"),
        "no_followup": _("No group has followed up take-aways from an earlier session."),
        "status_done": _("Done"),
        "status_started": _("Started"),
        "status_not_yet": _("Not yet"),
        "status_dropped": _("Dropped"),
        "status_none": _("Not marked"),
        "group": _("Group"),
        "municipality": _("Municipality"),
        "phase": _("Phase"),
        "n_answers": _("Answers"),
        "not_started": _("Not started"),
        "no_groups": _("No group has joined yet. Groups join with the code {code}."),
        "join_code": _("Join code"),
        "prompt": _("Prompt"),
        "no_answer": _("No answer yet"),
        "views": _("Different views in the group"),
        "pick": _("Add to main points"),
        "picked": _("In the main points"),
        "no_questions": _("No questions yet."),
        "words": _("Recurring words"),
        "phrases": _("Recurring phrases"),
        "similar": _("Similar answers"),
        "n_groups": _("{n} groups"),
        "no_themes": _("Themes appear when several groups have answered."),
        "add_point": _("Write a main point"),
        "add": _("Add"),
        "remove": _("Remove"),
        "up": _("Move up"),
        "down": _("Move down"),
        "no_points": _("Pick main points from the answers and questions, or write your own."),
        "present": _("Present"),
        "stop_present": _("Back to the board"),
        "present_title": _("Main points"),
        "present_questions": _("Questions for the presenters"),
        "question_badge": _("Question"),
        "average": _("average"),
        "n_ratings": _("{n} answers"),
        "comments": _("Comments"),
        "no_ratings": _("No ratings yet."),
        "live": _("Updated live"),
        "offline": _("The answers cannot be reached just now; trying again."),
        "language": _("Language"),
    }


def login_message(result: events.LoginResult, language: str) -> str:
    """Why the secret did not open the board, in words."""
    _ = gettext(language)
    if result.error == "wait":
        return _("Too many wrong attempts. Try again in {n} seconds.", n=max(1, round(result.wait)))
    if result.error == "store":
        return _("The answers cannot be reached just now. Please try again.")
    return _("That is not the facilitator secret of an event.")


class BoardView(SafeTemplate):
    """The board's one view: the login form, then the board (data by custom messages)."""

    vue_file = "board.vue"
    browser_writable: ClassVar[frozenset[str]] = frozenset({"secret"})

    lang = Unicode("da").tag(sync=True)
    t = Dict().tag(sync=True)
    languages = Dict().tag(sync=True)
    secret = Unicode("").tag(sync=True)
    error = Unicode("").tag(sync=True)
    busy = Bool(False).tag(sync=True)
    logged_in = Bool(False).tag(sync=True)
    present = Bool(False).tag(sync=True)
    offline = Bool(False).tag(sync=True)

    def __init__(self, app: BoardApp, language: str, **kwargs: Any) -> None:
        super().__init__(
            lang=language,
            t=texts(language),
            languages={c: LANGUAGE_NAMES[c] for c in LANGUAGES},
            **kwargs,
        )
        self._app = app

    # events from the browser (untrusted data) -------------------------------------------------

    def vue_login(self, data: object) -> None:
        self._app.login()

    def vue_resync(self, data: object) -> None:
        self._app.resync()

    def vue_set_present(self, data: object) -> None:
        if self.logged_in and type(data) is bool:
            self.present = data

    def vue_pick(self, data: object) -> None:
        if isinstance(data, dict):
            self._app.pick(data.get("g"), data.get("k"), data.get("i"))

    def vue_add_point(self, data: object) -> None:
        text = as_str(data, 4000)
        if text:
            self._app.edit_picks(AddPoint(text))

    def vue_remove_point(self, data: object) -> None:
        pick_id = as_str(data)
        if pick_id:
            self._app.edit_picks(RemovePoint(pick_id))

    def vue_move_point(self, data: object) -> None:
        if isinstance(data, dict):
            pick_id, step = as_str(data.get("id")), as_int(data.get("step"), -1, 1)
            if pick_id and step in (-1, 1):
                self._app.edit_picks(MovePoint(pick_id, -1 if step == -1 else 1))


class BoardApp:
    """The board of one kernel: login, the event's state, the poll loop."""

    def __init__(
        self,
        *,
        language: str = "da",
        store: str | Store = "",
        present: bool = False,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self.language = normalise_language(language)
        self._store_spec = store
        self._store: Store | None = store if not isinstance(store, str) else None
        self._want_present = present
        self.poll_seconds = poll_seconds
        self.state: events.BoardState | None = None
        self._gate: events.Gate | None = None
        self._task: asyncio.Task[None] | None = None
        self._themes_at = 0.0
        self._themes_dirty = False
        self._lock = threading.Lock()  # the poll runs in a worker thread
        self.view = BoardView(self, self.language)

    def _get_store(self) -> Store:
        if self._store is None:
            spec = self._store_spec if isinstance(self._store_spec, str) else ""
            self._store = open_store(spec or None)
        return self._store

    # -- login ------------------------------------------------------------------------------

    def login(self) -> bool:
        """Check the secret the browser set; on success load the event and start polling."""
        view = self.view
        if self.state is not None:
            return True
        secret, view.secret = view.secret, ""  # never kept, whatever happens
        view.busy = True
        try:
            store = self._get_store()
            if self._gate is None:
                self._gate = events.board_gate(store)
            result = events.login(store, secret, self._gate)
        except StoreError as exc:
            log.warning("board store not reachable: %s", exc)
            result = events.LoginResult(None, "store")
        finally:
            view.busy = False
        if result.event is None:
            view.error = login_message(result, self.language)
            return False
        view.error = ""
        self.state = events.BoardState(store, result.event.id, language=self.language)
        with self._lock:
            # the theme overview (the slow part) follows with the first poll
            snapshot = self.state.load(themes=False)
        self._themes_dirty = True
        self._themes_at = 0.0
        view.logged_in = True
        view.present = self._want_present
        self._send("snapshot", snapshot)
        self._start_polling()
        return True

    def resync(self) -> None:
        """The browser (re)mounted: send the whole board again."""
        if self.state is not None:
            with self._lock:
                snapshot = self.state.snapshot()
            self._send("snapshot", snapshot)

    def _send(
        self, method: BoardMethod, payload: BoardSnapshot | BoardPatch | list[PickRow]
    ) -> None:
        self.view.send(BoardMessage(method=method, args=[payload]))

    # -- live updates -----------------------------------------------------------------------

    def _start_polling(self) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is None:
            try:
                loop = asyncio.get_event_loop()
            except RuntimeError:
                return  # no loop (a plain script): poll() can still be called by hand
        self._task = loop.create_task(self._poll_loop())

    async def _poll_loop(self) -> None:
        loop = asyncio.get_running_loop()
        while self.state is not None:
            await asyncio.sleep(self.poll_seconds)
            try:
                patch = await loop.run_in_executor(None, self._read_changes)
                if patch:  # the changed rows go out first...
                    self._send("patch", patch)
                themes = await loop.run_in_executor(None, self._read_themes)
                if themes:  # ...the theme overview (slower) after them
                    self._send("patch", themes)
            except Exception as exc:  # the store may be down for a moment: keep trying
                log.warning("board poll failed: %s", exc)
                self.view.offline = True
                continue
            self.view.offline = False  # a synced trait: only sent when it changes

    def _read_changes(self) -> BoardPatch | None:
        """One poll (runs in a worker thread): the patch of changed rows, or ``None``."""
        with self._lock:
            state = self.state
            if state is None:
                return None
            patch = state.poll()
            if patch:
                self._themes_dirty = True
                patch["questions"] = state.questions()
                if any(r["k"].startswith("evaluation.") for r in patch["rows"]) or patch["gone"]:
                    patch["evaluation"] = state.evaluation()
            return patch

    def _read_themes(self) -> BoardPatch | None:
        """The theme overview as a patch, when answers changed and it is due; else ``None``."""
        with self._lock:
            state = self.state
            if state is None or not self._themes_dirty:
                return None
            if time.monotonic() - self._themes_at < THEMES_SECONDS:
                return None
            self._themes_dirty = False
            self._themes_at = time.monotonic()
            return BoardPatch(groups=[], rows=[], gone=[], themes=state.themes())

    def poll_now(self) -> BoardPatch | None:
        """Poll once as the loop does and send what it sends (for tests and benchmarks); the
        changed rows, with the theme overview merged in when it was due."""
        patch = self._read_changes()
        if patch:
            self._send("patch", patch)
        themes = self._read_themes()
        if themes:
            self._send("patch", themes)
            patch = {**(patch or themes), "themes": themes["themes"]}
        return patch

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None

    # -- main points ------------------------------------------------------------------------

    def pick(self, alias: object, key: object, item: object) -> None:
        if self.state is None:
            return
        with self._lock:
            try:
                added = self.state.pick_answer(alias, key, item if type(item) is int else None)
            except (StoreError, ValueError) as exc:
                log.warning("main point not saved: %s", exc)
                added = None
            picks = self.state.picks_data()
        if added:
            self._send("picks", picks)

    def edit_picks(self, edit: PickEdit) -> None:
        """Apply one edit of the main points (already checked by the view) and send them."""
        state = self.state
        if state is None:
            return
        with self._lock:
            try:
                state.edit(edit)
            except (StoreError, ValueError) as exc:
                log.warning("main points not saved: %s", exc)
            picks = state.picks_data()
        self._send("picks", picks)


def warm_up(language: str) -> None:
    """Load the theme overview's word lists and stemmers now, not on the facilitator's click
    (they hold no answer, only the language's stop words)."""
    for lang in {language, "da", "sv"}:
        themes.stop_words(lang)
        themes.stem("børnene", lang)


def show_board(*, language: str = "da", store: str = "") -> BoardApp:
    """Display the board; ``?lang=`` in the address wins over ``language`` and ``?present=1``
    opens the presentation view once logged in."""
    warm_up(normalise_language(language))
    if preheat.is_preheated():
        # a preheated kernel gets the page's address only now (see widgets.app.show_kit)
        preheat.wait_for_request()
    context = from_environment()
    query = parse_qs(os.environ.get("QUERY_STRING", ""), max_num_fields=20)
    present = (query.get("present") or [""])[0].strip().lower() in ("1", "true", "yes", "ja")
    apply_theme()
    set_dark({"dark": True, "light": False}.get(context.theme or ""))
    app = BoardApp(
        language=context.language or normalise_language(language), store=store, present=present
    )
    display(app.view)
    return app
