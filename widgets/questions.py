"""Questions for the presenters: a list the group adds to during the talks and conversations,
shown large in the joint gathering, ready to read out."""

from __future__ import annotations

from traitlets import Dict, Unicode

from talkkit.kit.phases import page_kinds
from widgets._base import AnswerView
from widgets._i18n import gettext
from widgets.book import AnswerBook
from widgets.fields import status_texts

__all__ = ["QuestionsView"]


class QuestionsView(AnswerView):
    vue_file = "questions.vue"

    kind = Unicode(help="the current phase kind: joint-gathering shows the read-out view").tag(
        sync=True
    )
    kinds = Dict(help="the phase kinds the template tests for (talkkit.kit.phases)").tag(sync=True)

    def __init__(
        self, book: AnswerBook, *, language: str, kind: str = "", kit_format: str = ""
    ) -> None:
        _ = gettext(language, kit_format)
        super().__init__(
            t={
                **status_texts(language, kit_format),
                "title": _("Questions for the presenters"),
                "intro": _(
                    "Write down questions as they come up; you can ask them at the joint gathering."
                ),
                "read_out": _("Read these questions out at the joint gathering."),
                "new": _("New question"),
                "add": _("Add question"),
                "remove": _("Remove question {n}"),
                "none": _("No questions yet."),
            },
            kind=kind,
            kinds=page_kinds(),
        )
        self.bind(book, lambda k: k == "questions")
