"""Take-aways of the practice conversation: what we do, who does it, and by when."""

from __future__ import annotations

from widgets._base import AnswerView
from widgets._i18n import gettext
from widgets.book import AnswerBook
from widgets.fields import status_texts

__all__ = ["TakeawaysView"]


class TakeawaysView(AnswerView):
    vue_file = "takeaways.vue"

    def __init__(self, book: AnswerBook, *, language: str, kit_format: str = "") -> None:
        _ = gettext(language, kit_format)
        super().__init__(
            t={
                **status_texts(language, kit_format),
                "title": _("Our take-aways"),
                "intro": _("Concrete agreements: what, who and by when."),
                "what": _("What"),
                "who": _("Who"),
                "when": _("By when"),
                "row": _("Take-away {n}"),
                "add": _("Add a take-away"),
                "remove": _("Remove take-away {n}"),
            }
        )
        self.bind(book, lambda k: k == "takeaways")
