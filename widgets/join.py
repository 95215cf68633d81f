"""Joining an event from a kit page: the join code (from ``?event=`` or typed), the group's
name and municipality.

The kit page works without it (self-study). The raw ``?event=`` value is never used as an
event id: :func:`join_step` clears it from the app, and the code is checked in this kernel by
:func:`talkkit.events.join` (guessing slowed down by a :class:`~talkkit.events.Gate`). Once
joined, the group's session carries the event id, its name and municipality; the kernel
learns nothing about the event but its name, and never anything of another group.

:class:`widgets.app.KitApp` builds its :class:`JoinStep` itself and shows the form at the top of
its page. :func:`join_step` wraps any other app that has no join step of its own.
"""

from __future__ import annotations

import logging
from typing import Any, ClassVar

import ipyvuetify as v
from traitlets import Bool, Dict, Unicode

from talkkit import events
from talkkit.store import Session, Store
from talkkit.store.values import clean_meeting_url
from widgets._base import SafeTemplate, as_str
from widgets._i18n import gettext

__all__ = ["JoinView", "error_message", "join_step"]

log = logging.getLogger("talkkit.widgets")


def texts(language: str) -> dict[str, str]:
    _ = gettext(language)
    return {
        "title": _("Join your seminar"),
        "offer": _("Taking part in a seminar? Join it with its code"),
        "code": _("Join code"),
        "group": _("Group name"),
        "municipality": _("Municipality"),
        "join": _("Join"),
        "help": _(
            "The code is on the invitation, e.g. ABCD-EFGH-JKMN. Your group's answers are then "
            "shared with the seminar's facilitator."
        ),
        "joined": _("Joined:"),
    }


def error_message(error: events.JoinError, language: str) -> str:
    """Why the group could not join, in words."""
    _ = gettext(language)
    if error.code == "wait":
        return _("Too many wrong codes. Try again in {n} seconds.", n=max(1, round(error.wait)))
    if error.code == "name":
        return _("Please write your group's name (at most 200 characters).")
    if error.code == "other_event":
        return _("Your group's answers already belong to another event.")
    if error.code == "other_kit":
        return _("This code is for another kit. Open the kit your facilitator gave you.")
    if error.code == "store":
        return _("Joining failed just now. Please try again.")
    return _("This code does not match any event. Check it and try again.")


class JoinView(SafeTemplate):
    """The join form. The browser sets no trait; it sends ``join`` with the three fields."""

    vue_file = "join.vue"
    browser_writable: ClassVar[frozenset[str]] = frozenset()

    t = Dict().tag(sync=True)
    prefill = Unicode("").tag(sync=True)
    start_open = Bool(False).tag(sync=True)
    show = Bool(False, help="offer the form (hybrid kits, or a code in the address)").tag(sync=True)
    busy = Bool(False).tag(sync=True)
    error = Unicode("").tag(sync=True)
    joined = Dict().tag(sync=True)

    def __init__(self, step: JoinStep, language: str, **kwargs: Any) -> None:
        super().__init__(t=texts(language), **kwargs)
        self._step = step

    def vue_join(self, data: object) -> None:
        if isinstance(data, dict):
            self._step.join(
                as_str(data.get("code"), 64),
                as_str(data.get("group"), 200),
                as_str(data.get("municipality"), 200),
            )


class JoinStep:
    """Connects the join form to a kit app (anything with ``book``, ``language``, ``open``
    and ``_get_store`` like :class:`widgets.app.KitApp`)."""

    def __init__(self, app: Any, code: str | None, *, offer: bool) -> None:
        self.app = app
        self.language = app.language
        self.gate: events.Gate | None = None
        self.view = JoinView(
            self,
            app.language,
            prefill=events.format_code(events.normalise_code(code) or "") if code else "",
            start_open=bool(code),
            show=bool(offer or code),
        )
        app.book.observe(self._session_opened, "session_id")
        self._session_opened({})

    def _store(self) -> Store:
        store: Store = self.app._get_store()
        if self.gate is None:
            self.gate = events.join_gate(store)
        return store

    def _session_opened(self, change: dict[str, Any]) -> None:
        session: Session | None = self.app.book.session
        if session is None or not session.event_id:
            return
        try:
            event = self._store().get_event(session.event_id)
        except Exception as exc:
            log.warning("event of the session not readable: %s", exc)
            return
        if event is not None:
            self._show_joined(event, session)

    def _show_joined(self, event: events.Event, session: Session) -> None:
        # The meeting link reaches only the page of a group that joined this event.
        conversation = getattr(self.app, "conversation", None)
        if conversation is not None:
            try:
                conversation.meeting_url = clean_meeting_url(event.meeting_url)
            except ValueError:
                conversation.meeting_url = ""
        self.view.joined = {
            "event": event.name,
            "group": session.group_name,
            "municipality": session.municipality,
        }
        self.view.error = ""
        self.view.show = True

    def join(self, code: str | None, group: str | None, municipality: str | None) -> bool:
        view = self.view
        if view.busy or view.joined:
            return False
        view.busy = True
        try:
            store = self._store()
            if self.app.book.session is None:
                self.app.open([])  # the group's own session (new, or this browser's)
            session = self.app.book.session
            result = events.join(
                store,
                code,
                group_name=group,
                municipality=municipality or "",
                session_id=session.id if session else None,
                gate=self.gate,
            )
            if session is None and isinstance(result, events.Event):
                result = events.JoinError("store")
        except Exception as exc:
            log.warning("join failed: %s", exc)
            result = events.JoinError("store")
        finally:
            view.busy = False
        if isinstance(result, events.JoinError):
            view.error = error_message(result, self.language)
            return False
        joined = self._store().get_session(session.id) if session else None
        if joined is not None:
            self.app.book.session = joined  # the export shows the group's name
            self._show_joined(result, joined)
        return True


def join_step(app: Any) -> v.Html:
    """The kit page with the join form above it; display this instead of ``app.view``.

    The form is offered on hybrid-seminar kits and whenever the address carries ``?event=``;
    a self-study kit without a code shows no form.
    """
    existing = getattr(app, "join", None)
    if isinstance(existing, JoinStep):  # KitApp shows its own form inside its page
        box = v.Html(tag="div", children=[app.view])
        box.join_step = existing
        return box
    code = getattr(app.context, "event_code", None) or getattr(app, "event", None) or None
    app.event = None  # a raw code is never an event id: only events.join() turns it into one
    offer = getattr(app.kit, "format", "") != "self-study"
    step = JoinStep(app, code, offer=offer)
    box = v.Html(tag="div", children=[step.view, app.view])
    box.join_step = step
    return box
