"""The base of every kit component view: a ``VuetifyTemplate`` that trusts nothing it receives.

Any client connected to the kernel can send any widget message (see ``docs/stack-notes.md``). Plain
ipyvue templates would let it set every synced trait, call ``vue_*`` handlers with any data, and
(through ipyvue's ``create_widget``/``update_ref`` messages) import modules and set attributes on
any widget. :class:`SafeTemplate` closes all of that:

* trait updates from the browser are dropped unless the trait is listed in ``browser_writable``
  (no component lists any: every input arrives as an event);
* only ``event`` messages for the component's own ``vue_*`` handlers are dispatched;
* a handler that raises is logged, never propagated into the kernel's message loop.

Overriding ipyvue's ``_handle_event`` relies on how ipyvue registers it: checked for every view
in :mod:`talkkit.upstream.ipyvue_events`. A view's comm opens once its whole ``__init__`` has
run (:mod:`talkkit.upstream.widget_open`): the page gets one ``comm_open`` carrying the view's
built state, not an open followed by one ``update`` per trait the ``__init__`` sets or links
after ``super().__init__()``.

Handlers receive untrusted JSON: check types with the helpers below before using a value.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, ClassVar

import ipyvuetify as v
import traitlets
from ipywidgets import Layout
from traitlets import Bool, Dict

from talkkit.contracts.answers import (
    MAX_ITEMS,
    MAX_NAME_CHARS,
    MAX_TAKEAWAY_FIELD_CHARS,
    MAX_TEXT_CHARS,
)
from talkkit.contracts.page import Incoming, SaveStatus
from talkkit.upstream.ipyvue_events import route_events
from talkkit.upstream.widget_open import DeferredOpen, OpenWhenBuilt
from widgets.compiled import component_template

__all__ = ["AnswerView", "SafeTemplate", "as_int", "as_str"]

log = logging.getLogger("talkkit.widgets")


@functools.cache
def _shared_layout() -> Layout:
    """One ``Layout`` for every component: each DOM widget would otherwise bring its own model."""
    return Layout()


class SafeTemplate(DeferredOpen, v.VuetifyTemplate, metaclass=OpenWhenBuilt):
    """A ``VuetifyTemplate`` that accepts only its own events and no trait updates."""

    #: Synced traits the browser may set (none by default).
    browser_writable: ClassVar[frozenset[str]] = frozenset()
    #: The component's single-file Vue component in ``widgets/`` (see :mod:`widgets.compiled`).
    vue_file: ClassVar[str | None] = None

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("layout", _shared_layout())
        if self.vue_file is not None:
            kwargs.setdefault("template", component_template(self.vue_file))
        super().__init__(**kwargs)
        route_events(self, self._handle_event)

    @classmethod
    def prepare(cls) -> None:
        """Make the widgets every view of this class shares (its component's ``Template``, the
        shared ``Layout``) now: a preheated kernel does it before its page is asked for."""
        _shared_layout()
        if cls.vue_file is not None:
            component_template(cls.vue_file)

    def set_state(self, sync_data: dict[str, Any]) -> None:
        allowed = {k: val for k, val in sync_data.items() if k in self.browser_writable}
        if allowed:
            super().set_state(allowed)

    def _handle_event(self, _widget: Any, content: Any, buffers: Any) -> None:
        if not isinstance(content, dict) or set(content) - {"event", "data"}:
            return  # create_widget, update_ref, destroy_widget: never used by talkkit
        event = content.get("event")
        if type(event) is not str or event not in self.events:
            return
        try:
            getattr(self, "vue_" + event)(content.get("data"))
        except Exception:  # a bad message must not break the page for the group
            log.exception("%s: handler %s failed", type(self).__name__, event)


def as_str(value: object, limit: int = 200) -> str | None:
    """``value`` if it is a string of at most ``limit`` characters, else ``None``."""
    return value if type(value) is str and len(value) <= limit else None


def as_int(value: object, low: int, high: int) -> int | None:
    """``value`` if it is an int (not a bool) within ``low..high``, else ``None``."""
    return value if type(value) is int and low <= value <= high else None


class AnswerView(SafeTemplate):
    """A view that edits some of the :class:`~widgets.book.AnswerBook`'s keys.

    The browser keeps what the group types in its own fields and sends it with the ``save``
    event; the book answers through ``status``. ``incoming`` carries values the fields must
    take over (the answers of a resumed session, the version chosen in a conflict).
    """

    incoming = Dict(help="talkkit.contracts.page.Incoming: values for this view's fields").tag(
        sync=True
    )
    status = Dict(help="key -> talkkit.contracts.page.SaveStatus of this view's keys").tag(
        sync=True
    )
    ready = Bool(False, help="the session is open: fields may be edited").tag(sync=True)
    t = Dict(help="interface texts in the group's language").tag(sync=True)
    limits = Dict(help="the answer contract's limits (characters, items)").tag(sync=True)

    def bind(self, book: Any, owns: Callable[[str], bool]) -> None:
        """Show and edit the keys of ``book`` for which ``owns(key)`` is true."""
        self._book = book
        self._owns = owns
        self.limits = {
            "text": MAX_TEXT_CHARS,
            "items": MAX_ITEMS,
            "field": MAX_TAKEAWAY_FIELD_CHARS,
            "name": MAX_NAME_CHARS,
        }
        values = {k: val for k, val in book.values.items() if owns(k)}
        if values:
            self.incoming = dict(Incoming(n=0, values=values))
        self._on_status({"new": book.status})
        book.observe(self._on_push, "pushed")
        book.observe(self._on_status, "status")
        traitlets.dlink((book, "ready"), (self, "ready"))

    def _on_push(self, change: dict[str, Any]) -> None:
        pushed: Incoming = change["new"]
        values = {k: val for k, val in pushed.get("values", {}).items() if self._owns(k)}
        if values:
            self.incoming = dict(Incoming(n=pushed["n"], values=values))

    def _on_status(self, change: dict[str, Any]) -> None:
        statuses: dict[str, SaveStatus] = change["new"]
        self.status = {k: val for k, val in statuses.items() if self._owns(k)}

    def _key(self, data: object) -> str | None:
        if not isinstance(data, dict):
            return None
        key = data.get("key")
        return key if type(key) is str and len(key) <= 200 and self._owns(key) else None

    def vue_save(self, data: object) -> None:
        """A :class:`~talkkit.contracts.page.SaveRequest`, checked field by field."""
        key = self._key(data)
        if key is not None:
            assert isinstance(data, dict)
            confirm = data.get("confirm") is True
            self._book.save(key, data.get("value"), data.get("seq"), confirm=confirm)

    def vue_resolve(self, data: object) -> None:
        """A :class:`~talkkit.contracts.page.ResolveRequest`, checked field by field."""
        key = self._key(data)
        if key is not None:
            assert isinstance(data, dict)
            self._book.resolve(key, data.get("choice"))
