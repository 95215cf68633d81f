"""One jupyter_server event logger shared by every kernel's manager.

Targets jupyter_server 2.14 to 2.21 (tested 2.21.1): ``ServerKernelManager._default_event_logger``,
the traitlets default of its ``event_logger``.

Upstream behaviour worked around (no upstream issue filed; measured with py-spy in
``talkkit-bench``, ``bench/JOURNAL.md``): jupyter_server gives each kernel manager a new event
logger and registers its event schemas into it (a YAML parse and a jsonschema validation per
kernel) unless the server application has a logger, which standalone Voilà has not: about a
tenth of the server's CPU when 30 groups open a kit at once.

Documented hook: the manager class is chosen by traitlets configuration
(``MappingKernelManager.kernel_manager_class``, see :mod:`talkkit.page.kernels`); what is private
is the default method it overrides. Without that method :class:`KitKernelManager` is
jupyter_server's own manager, unchanged.
"""

from __future__ import annotations

from typing import Any

from jupyter_events import EventLogger
from jupyter_server.services.kernels.kernelmanager import ServerKernelManager
from traitlets import default

from talkkit.upstream._target import Target

__all__ = ["TARGET", "KitKernelManager"]

TARGET = Target(
    patch="event_logger",
    distribution="jupyter_server",
    tested=("2.21.1",),
    issue="none filed: a new event logger, with every schema validated, per kernel manager",
)

_EVENT_LOGGER: EventLogger | None = None


def _has_default() -> bool:
    return callable(getattr(ServerKernelManager, "_default_event_logger", None))


if _has_default():

    class KitKernelManager(ServerKernelManager):
        """One kernel's manager, sharing one event logger with all the others."""

        @default("event_logger")
        def _default_event_logger(self) -> EventLogger:
            global _EVENT_LOGGER
            if _EVENT_LOGGER is None:
                _EVENT_LOGGER = super()._default_event_logger()
            return _EVENT_LOGGER

else:

    class KitKernelManager(ServerKernelManager):  # type: ignore[no-redef]  # the fallback of the same name
        """jupyter_server's own manager (the internal this patch needs is gone)."""

        def __init__(self, **kwargs: Any) -> None:
            TARGET.missing(
                "ServerKernelManager._default_event_logger",
                "each kernel's manager makes its own event logger (slower kernel starts)",
            )
            super().__init__(**kwargs)
