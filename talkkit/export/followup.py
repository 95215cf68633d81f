"""How a follow-up status (issue 22) reads: the exports, the board and the reports use it.

The stored answer is read by :func:`talkkit.export.doc.read_followup`.
"""

from __future__ import annotations

from talkkit.i18n import translator

__all__ = ["status_label"]


def status_label(status: str, language: str) -> str:
    """How a status reads in ``language``: "done" -> "Gjort" ("" -> "Not marked")."""
    _ = translator(language)
    return {
        "done": _("Done"),
        "started": _("Started"),
        "not_yet": _("Not yet"),
        "dropped": _("Dropped"),
    }.get(status, _("Not marked"))
