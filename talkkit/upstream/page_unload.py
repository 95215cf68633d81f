"""The page's patch for leaving it: text typed just before a reload is saved, and a widget
message sent while the page unloads is dropped instead of throwing.

Targets voila 0.5.13's front end (pinned), whose own ``beforeunload`` listener disposes the
kernel connection, and the widget comms of @jupyter-widgets/base 6 (jupyterlab_widgets 3.0.x,
tested 3.0.17): ``model.comm``, whose ``send`` goes through ``jsServicesComm``. No upstream issue
filed: Voilà disposes the connection on ``beforeunload``, before the page's own ``pagehide``
handlers can send, and a disposed comm throws "Cannot send" into the component that sends.

The patch is JavaScript (``page-unload.js`` in the talkkit template's static folder; its header
says what it does). It checks in the browser that the manager has ``register_model`` and a comm
a ``send``; when not, the page logs one console line and sends as Voilà does. No documented hook:
Voilà offers none for its unload order or the comms' ``send``. :func:`check` runs at server
start.
"""

from __future__ import annotations

from talkkit.upstream._scripts import missing_scripts
from talkkit.upstream._target import Target

__all__ = ["SCRIPTS", "TARGET", "check"]

TARGET = Target(
    patch="page_unload",
    distribution="jupyterlab_widgets",
    tested=("3.0.17",),
    issue="none filed: Voilà disposes the kernel connection first on beforeunload",
)

#: The scripts of this patch (``widget-manager.js`` hands it the manager).
SCRIPTS = ("widget-manager.js", "page-unload.js")


def check() -> bool:
    """Whether the scripts are there (logs one line when not)."""
    absent = missing_scripts(SCRIPTS)
    if absent:
        return TARGET.missing(
            f"talkkit template script {', '.join(absent)}",
            "typed text is sent when the fields' own timers fire (may be lost on a reload)",
        )
    TARGET.untested()
    return True
