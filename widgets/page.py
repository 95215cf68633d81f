"""The page frame: the app bar, the agenda with its timers, and the current phase.

It shows the other components (players, conversation, speaking round, questions, take-aways,
evaluation) inside the phase they belong to. It also carries what concerns the whole page:
the save status, the resume link, downloads, the language and the theme. In facilitator mode
it shows each phase's guidance and the facilitator's notes; for participants the guidance is
never sent to the browser.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import ipyvuetify as v
from ipywidgets import widget_serialization
from traitlets import Bool, Dict, Float, Instance, List, Unicode, dlink

from talkkit.binder import IDLE_MINUTES, on_binder
from talkkit.contracts.page import Download, Reload
from talkkit.i18n import LANGUAGE_NAMES, LANGUAGES
from talkkit.kit import Kit
from talkkit.kit.phases import JOINT_GATHERING, page_kinds
from talkkit.page.first_screen import agenda_rows, shared_texts
from widgets._base import AnswerView
from widgets._i18n import gettext
from widgets.agenda import AgendaModel
from widgets.book import AnswerBook
from widgets.fields import status_texts
from widgets.progress import attention, places, saved_summary

__all__ = ["EXPORT_FORMATS", "PageView"]

#: Download formats in the order offered: (exporter name, label).
EXPORT_FORMATS = (
    ("csv", "CSV"),
    ("xlsx", "Excel (XLSX)"),
    ("md", "Markdown"),
    ("docx", "Word (DOCX)"),
    ("json", "JSON"),
)

_widgets = widget_serialization


class PageView(AnswerView):
    vue_file = "page.vue"

    lang = Unicode().tag(sync=True)
    content_lang = Unicode().tag(sync=True)
    kit_id = Unicode().tag(sync=True)
    title = Unicode().tag(sync=True)
    summary = Unicode().tag(sync=True)
    fallback_note = Unicode().tag(sync=True)
    self_study = Bool(False).tag(sync=True)
    facilitator = Bool(False).tag(sync=True)
    temporary = Bool(
        False, help="nothing is kept after the visit (Binder): the page says so, offers downloads"
    ).tag(sync=True)
    phases: List[Any] = List(help="[{id, kind, title, minutes, intro, prompts}]").tag(sync=True)
    kinds = Dict(help="the phase kinds the template tests for (talkkit.kit.phases)").tag(sync=True)
    guidance = Dict(help="phase id -> facilitator guidance (facilitator mode only)").tag(sync=True)
    has_gathering = Bool(False).tag(sync=True)
    languages: List[Any] = List().tag(sync=True)
    formats: List[Any] = List().tag(sync=True)
    room = Bool(False, help="room mode is this kit's default text size (a shared screen)").tag(
        sync=True
    )
    places = Dict(help="answer key -> {phase, phase_title, label}: where it is on the page").tag(
        sync=True
    )
    attention: List[Any] = List(
        help="[{key, state}]: answers the group must act on before they are saved"
    ).tag(sync=True)
    saved: List[Any] = List(
        help="[{id, title, saved, total}]: what the group saved (the kit's end)"
    ).tag(sync=True)

    current = Unicode().tag(sync=True)
    timers = Dict().tag(sync=True)
    clock = Float(help="the kernel's clock (ms) when timers last changed").tag(sync=True)
    overall = Unicode("idle").tag(sync=True)
    session_id = Unicode().tag(sync=True)
    dark = Bool(False).tag(sync=True)
    download = Dict(help="talkkit.contracts.page.Download: a file to save").tag(sync=True)
    reload = Dict(help="talkkit.contracts.page.Reload: reload in this language").tag(sync=True)

    players = List(Instance(v.VuetifyTemplate)).tag(sync=True, **_widgets)
    conversation = Instance(v.VuetifyTemplate, allow_none=True).tag(sync=True, **_widgets)
    speaking = Instance(v.VuetifyTemplate, allow_none=True).tag(sync=True, **_widgets)
    questions = Instance(v.VuetifyTemplate, allow_none=True).tag(sync=True, **_widgets)
    takeaways = Instance(v.VuetifyTemplate, allow_none=True).tag(sync=True, **_widgets)
    followup = Instance(v.VuetifyTemplate, allow_none=True).tag(sync=True, **_widgets)
    evaluation = Instance(v.VuetifyTemplate, allow_none=True).tag(sync=True, **_widgets)
    join = Instance(v.VuetifyTemplate, allow_none=True).tag(sync=True, **_widgets)

    def __init__(
        self,
        kit: Kit,
        agenda: AgendaModel,
        book: AnswerBook,
        *,
        language: str,
        facilitator: bool,
        exporter: Callable[[str], tuple[str, str, bytes] | None],
        on_hello: Callable[[object, object], None],
        **components: Any,
    ) -> None:
        _ = gettext(language)
        content = kit.content_language(language)
        self_study = kit.format == "self-study"
        fallback = ""
        if content != language:
            # Language names as they read inside a sentence ("på dansk", "in Danish").
            names = {"da": _("Danish"), "sv": _("Swedish"), "en": _("English")}
            fallback = _(
                "This kit is not available in {language}. Its content is shown in {kit_language}.",
                language=names.get(language, language),
                kit_language=names.get(content, content),
            )
        # the same rows as the server-rendered first screen (talkkit/page/first_screen.py)
        phases = agenda_rows(kit, content)
        guidance = (
            {p.id: kit.text(p.facilitator, content) for p in kit.agenda if p.facilitator}
            if facilitator
            else {}
        )
        super().__init__(
            lang=language,
            content_lang=content,
            kit_id=kit.id,
            title=kit.text(kit.title, content),
            summary=kit.text(kit.summary, content),
            fallback_note=fallback,
            self_study=self_study,
            facilitator=facilitator,
            temporary=on_binder(),
            phases=phases,
            guidance=guidance,
            kinds=page_kinds(),
            has_gathering=any(p.kind == JOINT_GATHERING for p in kit.agenda),
            languages=[{"code": c, "name": LANGUAGE_NAMES[c]} for c in LANGUAGES],
            formats=[{"id": f, "label": label} for f, label in EXPORT_FORMATS],
            dark=bool(v.theme.dark),
            room=not self_study,
            places=places(kit, language, self_study=self_study),
            attention=attention(book.status),
            saved=saved_summary(kit, language, book.values),
            t=self.texts(language, self_study),
            **components,
        )
        self.agenda = agenda
        self._exporter = exporter
        self._on_hello = on_hello
        self._downloads = 0
        self._reloads = 0
        dlink((agenda, "current"), (self, "current"))
        dlink((agenda, "timers"), (self, "timers"))
        agenda.observe(lambda _c: setattr(self, "clock", agenda.now()), "timers")
        self.clock = agenda.now()
        dlink((book, "overall"), (self, "overall"))
        dlink((book, "session_id"), (self, "session_id"))
        self.bind(book, (lambda k: k == "facilitator.notes") if facilitator else (lambda k: False))
        book.observe(lambda c: setattr(self, "attention", attention(c["new"])), "status")
        book.observe(
            lambda c: setattr(self, "saved", saved_summary(kit, language, c["new"])), "values"
        )

    @staticmethod
    def texts(language: str, self_study: bool) -> dict[str, str]:
        kit_format = "self-study" if self_study else None
        _ = gettext(language, kit_format)
        return {
            **status_texts(language, kit_format),
            # shared with the first screen (talkkit/page/first_screen.py, ``page`` catalogue)
            **shared_texts(language, self_study),
            "skip": _("Skip to the current step"),
            "hours_minutes": _("{h} h {m} min"),
            "time_left": _("Time left"),
            "time_up": _("Time is up"),
            "time_up_hint": _("Finish the thought you are on, then move on when you are ready."),
            "start": _("Start"),
            "pause": _("Pause"),
            "resume": _("Continue"),
            "add_minute": _("+1 min"),
            "add_minute_label": _("Add one minute"),
            "reset": _("Reset the timer"),
            "sound": _("Sound when the time is up"),
            "session_left": _("Time left in the session"),
            "session_total": _("Suggested time in all"),
            "step_nav": _("Previous and next step"),
            "previous": _("Previous"),
            "next": _("Next"),
            "facilitator": _("For the facilitator"),
            "notes": _("Facilitator notes"),
            "break": _("Take a break. The page keeps your answers."),
            "status_idle": _("Answers are saved automatically"),
            "status_opening": _("Opening your group's answers…"),
            "status_saving": _("Saving…"),
            "status_saved": _("All answers saved"),
            "status_retrying": _("Saving failed, retrying"),
            "status_attention": _("An answer needs your attention"),
            "attention_title": _("Not saved yet: your choice is needed"),
            "attention_privacy": _("Looks like a personal identity number"),
            "attention_refused": _("Could not be saved"),
            "attention_conflict": _("Two versions: choose one"),
            "attention_held": _("Kept in this browser only, not saved"),
            "attention_go": _("Go to the answer"),
            "attention_in": _("{label}, in “{phase}”"),
            "leave_warning": _("An answer is not saved yet. Leave the page anyway?"),
            "text_size": _("Text size"),
            "size_normal": _("Normal"),
            "size_room": _("Large, for a room"),
            "size_larger": _("Larger"),
            "timer_paused": _("The timer of “{phase}” is paused with {time} left."),
            "timer_paused_short": _("Paused, {time} left"),
            "finish": _("Finish"),
            "end_title": _("Thank you") if self_study else _("Thank you for today"),
            "end_intro": _(
                "Your answers are saved. Download them to keep them, or come back later with "
                "the link."
            )
            if self_study
            else _(
                "The group's answers are saved. Download them to take them with you into your "
                "work, or come back later with the link."
            ),
            "end_saved": _("What is saved"),
            "end_of": _("{n} of {total}"),
            "end_downloads": _("Download the answers"),
            "end_back": _("Back to “{phase}”"),
            "download": _("Download answers"),
            "download_title": _("Download your group's answers"),
            "temporary_title": _("Nothing is kept on Binder"),
            "temporary_text": _(
                "This kit runs on Binder, a free service for trying kits. Your answers exist "
                "only while this page is open: Binder stops the kit after {minutes} minutes "
                "without use and deletes everything. Download your group's answers before "
                "you leave.",
                minutes=IDLE_MINUTES,
            ),
            "resume_link": _("Link to continue later"),
            "resume_title": _("Continue later with this link"),
            "resume_hint": _(
                "Open this address to come back to your group's answers, on this or another "
                "computer. Anyone with the link can read and change them: share it only "
                "within the group."
            ),
            "resume_address": _("Address of your group's answers"),
            "copy": _("Copy"),
            "copied": _("Copied"),
            "close": _("Close"),
            "language": _("Language"),
            "dark": _("Dark theme"),
            "light": _("Light theme"),
        }

    # -- events from the browser ------------------------------------------------------------------

    def vue_hello(self, data: object) -> None:
        """The page is up: it sends the session id this browser stored for this kit (or null)
        and the timers it kept for its last session (``{session, timers}`` or null)."""
        self.clock = self.agenda.now()
        if not isinstance(data, dict):
            data = {}
        self._on_hello(data.get("session"), data.get("timers"))

    def vue_go(self, data: object) -> None:
        self.agenda.go(data)

    def vue_step(self, data: object) -> None:
        if data in (1, -1):
            self.agenda.step(data)

    def vue_timer_action(self, data: object) -> None:
        actions = {
            "start": self.agenda.start,
            "pause": self.agenda.pause,
            "add_minute": self.agenda.add_minute,
            "reset": self.agenda.reset,
        }
        if type(data) is str and data in actions:
            actions[data]()
            self.clock = self.agenda.now()

    def vue_theme(self, data: object) -> None:
        if type(data) is bool:
            v.theme.dark = data
            self.dark = data

    def vue_language(self, data: object) -> None:
        if type(data) is str and data in LANGUAGES:
            self._reloads += 1
            self.reload = dict(Reload(n=self._reloads, lang=data))

    def vue_make_download(self, data: object) -> None:
        if type(data) is not str or data not in dict(EXPORT_FORMATS):
            return
        made = self._exporter(data)
        if made is None:
            return
        name, mime, content = made
        self._downloads += 1
        self.download = dict(
            Download(
                n=self._downloads,
                name=name,
                mime=mime,
                data=base64.b64encode(content).decode("ascii"),
            )
        )
