"""The interface texts of the kit widgets: the ``widgets`` gettext domain (da, sv, en).

English is the source language. Every text the interface shows goes through ``_()`` of
:func:`texts` in Python and reaches the browser as data; the Vue templates hold no words of their
own, so ``tests/test_widgets_i18n.py`` can find every msgid in the Python files.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from talkkit.i18n import format_context, register_domain, translator

__all__ = ["DOMAIN", "LOCALE_DIR", "gettext"]

DOMAIN = "widgets"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

register_domain(DOMAIN, LOCALE_DIR)


def gettext(language: str, kit_format: str | None = None) -> Callable[..., str]:
    """``_()`` for the interface in ``language``: ``_("Saved")``, ``_("{n} min", n=5)``.

    With a kit's ``format``, a self-study kit's texts speak to one person (the catalogues'
    ``msgctxt "self-study"`` entries: "Mit svar" instead of "Vores svar").
    """
    return translator(language, DOMAIN, format_context(kit_format))
