"""A kit view's custom widget messages reach talkkit's own handler, and nothing else.

Targets ipyvue 3.1 (tested 3.1.1): ``ipyvue.VueTemplateWidget.Events.__init__`` registers
``self._handle_event`` with ``Widget.on_msg``, and ipywidgets 8.1 (tested 8.1.9) keeps the
registered handlers in ``Widget._msg_callbacks.callbacks``.

Upstream behaviour worked around (no upstream issue filed; see ``docs/stack-notes.md``): any client
connected to the kernel can send any widget message, and ipyvue's ``_handle_event`` also
carries out ``create_widget``, ``update_ref`` and ``destroy_widget`` messages, which import
modules and set attributes on any widget. :class:`widgets._base.SafeTemplate` overrides
``_handle_event`` with a handler that accepts only its own ``vue_*`` events; that override is
only safe while ipyvue registers the handler under that name.

No documented hook: ipyvue offers no way to restrict which messages a template accepts.
:func:`route_events` checks each new view: when its only message handler is not talkkit's (ipyvue
registers another name, or more than one), it logs one line and makes talkkit's the only one,
so the page keeps working and stays closed. When ipywidgets keeps its handlers elsewhere, it
logs one line and relies on the override.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from talkkit.upstream._target import Target

__all__ = ["TARGET", "route_events"]

TARGET = Target(
    patch="ipyvue_events",
    distribution="ipyvue",
    tested=("3.1.1",),
    issue="none filed: ipyvue's _handle_event runs create_widget/update_ref from any client",
)


def route_events(view: Any, handler: Callable[[Any, Any, Any], None]) -> bool:
    """Make ``handler`` the only receiver of ``view``'s custom messages; True when it was
    already (ipyvue registered the override, as the tested versions do)."""
    callbacks = getattr(getattr(view, "_msg_callbacks", None), "callbacks", None)
    if not isinstance(callbacks, list):
        return TARGET.missing(
            "Widget._msg_callbacks.callbacks (ipywidgets)",
            "custom messages go to ipyvue's registration of _handle_event, unchecked",
        )
    if callbacks == [handler]:
        TARGET.untested()
        return True
    view._msg_callbacks.callbacks = [handler]
    return TARGET.missing(
        "Events.__init__ registering _handle_event alone",
        "talkkit's event handler is made the view's only message handler",
    )
