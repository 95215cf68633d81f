"""The kit interface (ipyvuetify), built on the ``talkkit`` core.

A kit notebook only does::

    from widgets import show_kit
    app = show_kit(".", language=language, event=event, group=group, store=store,
                   facilitator=facilitator)
"""

from widgets import _i18n  # noqa: F401 - registers the "widgets" message catalogues
from widgets.app import KitApp, show_kit

__all__ = ["KitApp", "show_kit"]
