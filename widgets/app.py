"""The kit app: builds the models and views of one kit page and connects them to the store.

Models (state, validation; tested from Python): :class:`~widgets.book.AnswerBook`,
:class:`~widgets.agenda.AgendaModel`, :class:`~widgets.speaking.SpeakingModel`.
Views (ipyvuetify templates): the page frame and one component per file. Exports read the
answer book, never a view.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from IPython.display import display

from talkkit.i18n import normalise_language
from talkkit.i18n import preload as preload_catalogues
from talkkit.kit import Kit, load_kit
from talkkit.page import preheat
from talkkit.page.request import RequestContext, from_environment
from talkkit.store import Session, Store, load_backend, open_store
from widgets._i18n import DOMAIN as I18N_DOMAIN
from widgets.agenda import AgendaModel
from widgets.answer_keys import answer_keys
from widgets.book import AnswerBook, Scheduler, default_scheduler
from widgets.conversation import ConversationView
from widgets.evaluation import EvaluationView
from widgets.fields import register_components
from widgets.followup import FollowupView
from widgets.join import JoinStep, JoinView
from widgets.page import PageView
from widgets.player import PlayerView
from widgets.questions import QuestionsView
from widgets.session import find_session, open_session
from widgets.speaking import SpeakingModel, SpeakingView
from widgets.takeaways import TakeawaysView
from widgets.theme import apply_theme, set_dark

__all__ = ["KitApp", "prepare_shared_widgets", "show_kit"]

log = logging.getLogger("talkkit.widgets")


class KitApp:
    """One kit page: the kit, the request, the models, the views and the session."""

    def __init__(
        self,
        kit: Kit,
        *,
        language: str,
        facilitator: bool,
        context: RequestContext,
        store: str | Store = "",
        group: str = "",
        event: str = "",
        schedule: Scheduler = default_scheduler,
    ) -> None:
        self.kit = kit
        self.language = language
        self.content_language = kit.content_language(language)
        self.facilitator = facilitator
        self.context = context
        self.event = context.event_code or event or None
        self._store_url = store if isinstance(store, str) else ""
        self._store: Store | None = store if not isinstance(store, str) else None
        self._address_ids = [context.session_id, group or None]

        self.book = AnswerBook(
            kit,
            language=language,
            keys=answer_keys(kit, facilitator=facilitator),
            schedule=schedule,
        )
        self.agenda = AgendaModel(kit)
        self.speaking_model = SpeakingModel()

        register_components()
        apply_theme()
        set_dark({"dark": True, "light": False}.get(context.theme or ""))
        self.players = [
            PlayerView(kit, talk, language=language, media_base=context.media_base)
            for talk in kit.talks
        ]
        self_study = kit.format == "self-study"
        # Every view gets its state in its constructor: its comm opens with it, in one message
        # (widgets._base._OpenWhenBuilt); a trait set afterwards is a message of its own.
        phase = self.agenda.phase
        self.conversation = ConversationView(
            kit,
            self.book,
            language=language,
            self_study=self_study,
            phase=self.agenda.current,
            kind=phase.kind,
        )
        self.speaking = SpeakingView(self.speaking_model, self.book, language=language)
        self.questions = QuestionsView(
            self.book, language=language, kind=phase.kind, kit_format=kit.format
        )
        self.takeaways = TakeawaysView(self.book, language=language, kit_format=kit.format)
        self.evaluation = EvaluationView(kit, self.book, language=language)
        self.followup = FollowupView(self.book, language=language, kit_format=kit.format)
        # Joining a seminar (widgets/join.py): the form sits at the top of the page. A raw
        # ?event= code is never used as an event id; only talkkit.events.join() makes one.
        code = self.event
        self.event = None
        self.join = JoinStep(self, code, offer=kit.format != "self-study")
        self.page = PageView(
            kit,
            self.agenda,
            self.book,
            language=language,
            facilitator=facilitator,
            exporter=self.export,
            on_hello=self.hello,
            players=self.players,
            conversation=self.conversation,
            speaking=self.speaking,
            questions=self.questions,
            takeaways=self.takeaways,
            evaluation=self.evaluation,
            followup=self.followup,
            join=self.join.view,
        )
        self.view = self.page
        self.agenda.observe(self._phase_changed, "current")
        self.book.observe(self._session_opened, "session_id")

        # A session named in the address (or the group parameter), else the one this browser
        # last used with the kit (its cookie), opens right away: the page's fields are ready
        # when it first shows. Otherwise the page asks the browser for its last session first
        # (hello(), from localStorage), then opens that or a new one.
        cookie_id = context.browser_session(kit.id)
        self._follows = self._follow_source()
        if self._follows:
            self._address_ids = []
            self.open([])
        elif self._ids_exist(self._address_ids):
            self.open([])
        elif cookie_id and self._ids_exist([cookie_id]):
            self.open([cookie_id])

    # -- the session ----------------------------------------------------------------------------

    def _get_store(self) -> Store:
        if self._store is None:
            self._store = open_store(self._store_url or None)
        return self._store

    def _ids_exist(self, ids: list[str | None]) -> bool:
        if not any(ids):
            return False
        try:
            return find_session(self._get_store(), self.kit, ids) is not None
        except Exception as exc:
            log.warning("store not reachable at start: %s", exc)
            return False

    def _follow_source(self) -> str | None:
        """The session the address asks this page to follow up: a session of another kit
        (the group's link, opening its next kit), or any with ``?followup=1``."""
        sid = self.context.session_id
        if not sid:
            return None
        try:
            source = self._get_store().get_session(sid)
        except Exception as exc:
            log.warning("store not reachable at start: %s", exc)
            return None
        if source is None or (source.kit_id == self.kit.id and not self.context.followup):
            return None
        return source.id

    def open(self, browser_ids: list[object]) -> bool:
        """Open the session: the address's, else the browser's, else a new one."""

        def opener() -> tuple[Store, Session]:
            store = self._get_store()
            if self._follows:
                follow = store.follow_up(self._follows, self.kit.id, self.language)
                if follow is not None:
                    return store, follow
            session = open_session(
                store,
                self.kit,
                language=self.language,
                candidates=[*self._address_ids, *browser_ids],
                event=self.event,
            )
            return store, session

        return self.book.connect(opener)

    def hello(self, stored: object, timers: object = None) -> None:
        """The browser is up and sent the session id it stored for this kit, and the timers
        of its last session (both untrusted)."""
        if self.book.session is None and not self.book.connecting:
            self.open([stored] if isinstance(stored, str) else [])
        if (
            isinstance(timers, dict)
            and self.book.session is not None
            and timers.get("session") == self.book.session.id
        ):
            self.agenda.restore(timers.get("timers"))

    def _session_opened(self, change: dict[str, Any]) -> None:
        session = self.book.session
        if session is not None and session.follows and self.book.store is not None:
            try:
                earlier = self.book.store.load_answers(session.follows).get("takeaways")
                self.followup.set_previous(earlier.value if earlier else [])
            except Exception as exc:  # the follow-up is a help, never a reason to fail
                log.warning("could not read the take-aways being followed up: %s", exc)
        if session is not None and session.phase and session.phase in self.agenda.ids:
            self.agenda.go(session.phase)

    def _phase_changed(self, change: dict[str, Any]) -> None:
        phase = self.agenda.phase
        self.conversation.phase = phase.id
        self.conversation.kind = phase.kind
        self.questions.kind = phase.kind
        self.book.set_phase(phase.id)

    # -- exports --------------------------------------------------------------------------------

    def export_values(self) -> dict[str, Any]:
        """The answers to export: the stored ones, and the newer ones still waiting to be."""
        values = dict(self.book.values)
        values.update(self.book.waiting_values())
        return values

    def export(self, fmt: str) -> tuple[str, str, bytes] | None:
        """``(file name, MIME type, bytes)`` of this group's answers in format ``fmt``."""
        from talkkit.export import EXPORTERS, build_export_doc  # heavy: only on a download

        exporter = EXPORTERS.get(fmt)
        if exporter is None:
            return None
        now = datetime.now(UTC)
        session = self.book.session or Session(
            id="local",
            kit_id=self.kit.id,
            language=self.language,
            event_id=None,
            group_name="",
            municipality="",
            phase=None,
            created_at=now,
            updated_at=now,
        )
        doc = build_export_doc(self.kit, session, self.export_values(), self.language)
        name = f"{self.kit.id}-{now:%Y-%m-%d}{exporter.extension}"
        return name, exporter.mime_type, exporter.export([doc])


#: The views of a kit page (:class:`KitApp`).
PAGE_VIEWS = (
    PageView,
    PlayerView,
    ConversationView,
    SpeakingView,
    QuestionsView,
    TakeawaysView,
    EvaluationView,
    JoinView,
    FollowupView,
)


def prepare_shared_widgets() -> None:
    """Make the widgets every kit page in this kernel shares, which do not depend on the
    request: the views' ``Template`` widgets, the compiled module they name, the shared
    ``Layout``, and the theme's colours (once per kernel, as :class:`KitApp` would).

    A preheated kernel does it before its page is asked for, so that a group's page open sends
    only its own views: 9 ``comm_open`` messages for the demo kit, where it sent 19 opens and
    31 updates before (with :class:`widgets._base._OpenWhenBuilt`).
    """
    register_components()
    apply_theme()
    for view in PAGE_VIEWS:
        view.prepare()


def show_kit(
    folder: str | Path = ".",
    *,
    language: str = "da",
    event: str = "",
    group: str = "",
    store: str = "",
    facilitator: bool = False,
) -> KitApp:
    """Load the kit in ``folder`` and display it; the page address may override parameters.

    ``?lang=`` wins over ``language``, ``?facilitator=1`` turns facilitator mode on,
    ``?session=`` resumes a session (as ``group`` does), ``?event=`` joins an event.
    """
    kit = load_kit(folder)
    if preheat.is_preheated():
        # A preheated kernel runs this before anyone asked for the page: the heavy work above
        # is done ahead, and so is what every page open reads (the interface texts in every
        # language, the store's module) or sends (the shared widgets); the address
        # (language, session, facilitator) arrives only now.
        preload_catalogues((I18N_DOMAIN, "talkkit"))
        load_backend(store or None)
        prepare_shared_widgets()
        preheat.wait_for_request()
    context = from_environment()
    lang = context.language or normalise_language(language)
    app = KitApp(
        kit,
        language=lang,
        facilitator=bool(facilitator) or context.facilitator,
        context=context,
        store=store,
        group=group,
        event=event,
    )
    display(app.view)
    return app
