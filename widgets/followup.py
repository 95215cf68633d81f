"""The follow-up at the start of a kit (issue 22): last time's take-aways, and how they went.

A session that follows an earlier one (:mod:`talkkit.store.follow`) starts with the earlier
session's take-aways (what, who, by when); the group marks each done, started, not yet or
dropped and writes a line on what happened. It is saved as the ``followup`` answer (see
:mod:`talkkit.contracts.answers`), which the store validates like any other.
"""

from __future__ import annotations

from typing import Any

from traitlets import List

from talkkit.contracts.answers import MAX_ITEMS, MAX_TAKEAWAY_FIELD_CHARS, TAKEAWAY_FIELDS
from widgets._base import AnswerView
from widgets._i18n import gettext
from widgets.book import AnswerBook
from widgets.fields import status_texts

__all__ = ["FollowupView", "previous_takeaways"]


def previous_takeaways(value: Any) -> list[dict[str, str]]:
    """A stored take-aways answer as clean ``{what, who, when}`` rows (odd items left out)."""
    rows = []
    for item in value if isinstance(value, list) else []:
        if not isinstance(item, dict):
            continue
        texts = {f: item.get(f) for f in TAKEAWAY_FIELDS}
        row = {
            f: text[:MAX_TAKEAWAY_FIELD_CHARS] if type(text) is str else ""
            for f, text in texts.items()
        }
        if any(row.values()):
            rows.append(row)
    return rows[:MAX_ITEMS]


class FollowupView(AnswerView):
    vue_file = "followup.vue"

    previous: List[Any] = List(help="[{what, who, when}]: the take-aways being followed up").tag(
        sync=True
    )

    def __init__(self, book: AnswerBook, *, language: str, kit_format: str = "") -> None:
        _ = gettext(language, kit_format)
        super().__init__(
            t={
                **status_texts(language, kit_format),
                "title": _("Follow-up: how did it go?"),
                "intro": _(
                    "Last time you agreed on these take-aways. Mark how each one went and "
                    "write a line on what happened when you tried."
                ),
                "who": _("Who"),
                "when": _("By when"),
                "status": _("How did it go?"),
                "done": _("Done"),
                "started": _("Started"),
                "not_yet": _("Not yet"),
                "dropped": _("Dropped"),
                "note": _("What happened"),
                "row": _("Take-away {n}"),
            }
        )
        self.bind(book, lambda k: k == "followup")

    def set_previous(self, value: Any) -> None:
        """Show these take-aways (the earlier session's stored answer, untrusted shape)."""
        self.previous = previous_takeaways(value)
