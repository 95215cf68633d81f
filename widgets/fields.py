"""Browser components shared by every answer view, and the texts they show.

``tk-autosave`` sends a field's value after a second without typing (and on every flush) and
shows what the kernel answered: saved, saving, retrying, refused (why), a privacy warning, or
a conflict with the other version to choose from. ``tk-answer`` is a text field with it.
They are compiled into ``compiled.mjs`` with the other components (see :mod:`widgets.compiled`).
"""

from __future__ import annotations

import functools
from pathlib import Path

import ipyvue

from widgets._i18n import gettext
from widgets.compiled import is_fresh

__all__ = ["register_components", "status_texts"]

_HERE = Path(__file__).resolve().parent


@functools.cache
def register_components() -> None:
    """Make ``<tk-autosave>`` and ``<tk-answer>`` known to every template (once).

    Only when the components come from their sources: the compiled module registers them in
    each component that uses them (see :mod:`widgets.compiled`).
    """
    if is_fresh():
        return
    ipyvue.register_component_from_file("tk-autosave", str(_HERE / "autosave.vue"))
    ipyvue.register_component_from_file("tk-answer", str(_HERE / "answer_field.vue"))


def status_texts(language: str, kit_format: str | None = None) -> dict[str, str]:
    """The texts of ``tk-autosave`` in ``language``."""
    _ = gettext(language, kit_format)
    return {
        "saving": _("Saving…"),
        "saved": _("Saved"),
        "retrying": _("Saving failed, retrying"),
        "kept": _("Your text is kept in the field; it is not saved yet."),
        "found": _("Found"),
        "not_personal": _("It is not a personal identity number: save it"),
        "held": _(
            "Until you decide, the text is kept in this browser only, also if the page is reloaded."
        ),
        "their_version": _("The other version:"),
        "keep_ours": _("Keep our version"),
        "use_theirs": _("Use the other version"),
        "connection_lost": _(
            "The connection to the server was lost, reconnecting. What you type is kept in "
            "this browser and saved when the page is back."
        ),
    }
