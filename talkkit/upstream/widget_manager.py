"""The page's patch of Voilà's widget manager: a widget output that asks for its model a
moment too early still renders.

Targets @jupyter-widgets/base 6 and @jupyter-widgets/jupyterlab-manager 5 as jupyterlab_widgets
3.0.x ships them (tested 3.0.17) inside voila 0.5.13's front end (pinned), which sets
``window.jupyterapp`` and resolves ``app.widgetManagerPromise`` with the manager. Works around
jupyter-widgets/ipywidgets#4026 (open upstream; the proposed fix is #4042): under load an output
that looks its model up just before the kernel's widget states are in shows "Error displaying
widget: model not found" for good (1 to 3 pages in 10, 10 browsers on 2 cores).

The patch is JavaScript, in the talkkit template's static folder (content-hashed addresses):
``widget-manager.js`` hands the manager to the page's patches once it exists and
``late-models.js`` changes ``get_model``, ``restoredStatus`` and ``register_model`` (its header
says how). The manager's internals it reads (``_models``, ``_restored``, ``_restoredStatus``)
are checked in the browser when the manager exists; when one is missing the page logs one
console line and the manager stays as it is. No documented hook: Voilà has no way to change its
widget manager. :func:`check` runs at server start: the scripts are there and the front end is
the version the patch was tested with.
"""

from __future__ import annotations

from talkkit.upstream._scripts import missing_scripts
from talkkit.upstream._target import Target

__all__ = ["SCRIPTS", "TARGET", "check"]

TARGET = Target(
    patch="widget_manager",
    distribution="jupyterlab_widgets",
    tested=("3.0.17",),
    issue="jupyter-widgets/ipywidgets#4026 (fix proposed in #4042)",
)

#: The scripts of this patch, in the order the template loads them.
SCRIPTS = ("widget-manager.js", "late-models.js")


def check() -> bool:
    """Whether the scripts are there (logs one line when not; the page then renders with
    Voilà's own widget manager, and Jinja fails no page for a missing static file)."""
    absent = missing_scripts(SCRIPTS)
    if absent:
        return TARGET.missing(
            f"talkkit template script {', '.join(absent)}",
            "widget outputs are rendered by the widget manager as it is",
        )
    TARGET.untested()
    return True
