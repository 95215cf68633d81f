"""A kit view's widget comm opens once the view is built, with its whole state in one message.

Targets ipywidgets 8.1 (tested 8.1.9): ``Widget.__init__`` ends with ``self.open()``, and
``Widget.open`` creates the comm (``comm_open`` with the state) when ``self.comm`` is None. The
views are ipyvuetify 3.1 templates (tested 3.1.0), whose metaclass this one extends.

Upstream behaviour worked around (no upstream issue filed; measured in ``talkkit-bench``): the
comm opens at the end of ``Widget.__init__``, so every trait a view sets or links after
``super().__init__()`` went to the kernel's iopub as a message of its own: 12 ``update``
messages per kit page, each one more message for the server to route when 30 groups open the
kit at once (``bench/JOURNAL.md``).

No documented hook: ipywidgets has no "open later" option. :class:`DeferredOpen` makes ``open()``
wait until :class:`OpenWhenBuilt` (the view class's metaclass) calls it after ``__init__`` has
returned. When ``Widget`` has no ``open``, or a built view already has its comm (ipywidgets
opened it some other way), one line is logged and the view works as ipywidgets made it (its
traits then reach the page as updates).
"""

from __future__ import annotations

from typing import Any

import ipyvuetify as v
from ipywidgets import Widget

from talkkit.upstream._target import Target

__all__ = ["TARGET", "DeferredOpen", "OpenWhenBuilt"]

TARGET = Target(
    patch="widget_open",
    distribution="ipywidgets",
    tested=("8.1.9",),
    issue="none filed: traits set after Widget.__init__ each cost an update message",
)

#: Whether ipywidgets opens a widget's comm through an overridable ``open()``.
OPENS = callable(getattr(Widget, "open", None)) and "comm" in Widget.class_trait_names()


class OpenWhenBuilt(type(v.VuetifyTemplate)):  # type: ignore[misc]  # ipywidgets' metaclass, found at run time
    """Opens a view's comm after its ``__init__`` (and its subclasses') has returned."""

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        view = super().__call__(*args, **kwargs)
        if not OPENS:
            TARGET.missing("Widget.open and Widget.comm", "views open as ipywidgets opens them")
            return view
        if view.comm is not None:
            TARGET.missing(
                "Widget.__init__ opening through self.open()",
                "each view's comm opened in its __init__ (more update messages)",
            )
        else:
            TARGET.untested()
        view._built = True
        view.open()
        return view


class DeferredOpen:
    """Mixin of a widget class whose metaclass is :class:`OpenWhenBuilt`."""

    #: Set once the whole ``__init__`` has run.
    _built = False

    def open(self) -> None:
        if self._built or not OPENS:
            super().open()  # type: ignore[misc]  # a mixin: open() is the widget class's it is mixed into
