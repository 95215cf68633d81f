"""A stored follow-up answer (issue 22) as rows every export, the board and the reports show.

Read tolerantly, like every answer an export reads: an odd item becomes text, an unknown
status is shown as "not marked".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from talkkit.contracts.answers import FOLLOWUP_STATUSES
from talkkit.i18n import translator

__all__ = ["FollowupItem", "read_followup", "status_label"]


@dataclass(frozen=True)
class FollowupItem:
    """One take-away of last time and how it went (``status``: see FOLLOWUP_STATUSES)."""

    what: str
    who: str = ""
    when: str = ""
    status: str = ""
    note: str = ""


def read_followup(value: Any) -> list[FollowupItem]:
    """A stored ``followup`` answer as :class:`FollowupItem` rows (empty ones left out)."""
    from talkkit.export.doc import as_text

    items = value if isinstance(value, list | tuple) else [value] if value else []
    result = []
    for item in items[:1000]:
        if isinstance(item, dict):
            status = item.get("status")
            row = FollowupItem(
                *(as_text(item.get(f)) for f in ("what", "who", "when")),
                status=status if isinstance(status, str) and status in FOLLOWUP_STATUSES else "",
                note=as_text(item.get("note")),
            )
        else:
            row = FollowupItem(as_text(item))
        if row.what or row.who or row.when or row.note or row.status:
            result.append(row)
    return result


def status_label(status: str, language: str) -> str:
    """How a status reads in ``language``: "done" -> "Gjort" ("" -> "Not marked")."""
    _ = translator(language)
    return {
        "done": _("Done"),
        "started": _("Started"),
        "not_yet": _("Not yet"),
        "dropped": _("Dropped"),
    }.get(status, _("Not marked"))
