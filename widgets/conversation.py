"""Structured conversations: the kit's prompts with the group's answers.

Every phase with prompts (learning, productive and practice conversations, reflections) shows
per prompt an "our answer" field and a "different views in the group" field. In the joint
gathering the main points of the productive conversation are shown again, ready to read out.
"""

from __future__ import annotations

from traitlets import Dict, List, Unicode

from talkkit.kit import Kit
from talkkit.page.first_screen import field_labels, prompt_rows
from widgets._base import AnswerView
from widgets._i18n import gettext
from widgets.book import AnswerBook
from widgets.fields import status_texts

__all__ = ["ConversationView"]

#: The phase kinds whose answers are read out at the joint gathering.
READ_OUT_KINDS = ("productive-conversation",)


class ConversationView(AnswerView):
    """The prompts of every phase; the browser shows those of the current phase."""

    vue_file = "conversation.vue"

    phases = List(help="[{id, kind, prompts: [{key, text, help}]}]").tag(sync=True)
    phase = Unicode(help="the current phase id").tag(sync=True)
    kind = Unicode(help="the current phase kind").tag(sync=True)
    content_lang = Unicode().tag(sync=True)
    points = List(help="[{key, text}]: prompts read out at the joint gathering").tag(sync=True)
    point_values = Dict(help="key -> saved answer of each read-out prompt").tag(sync=True)

    def __init__(
        self,
        kit: Kit,
        book: AnswerBook,
        *,
        language: str,
        self_study: bool,
        phase: str = "",
        kind: str = "",
    ) -> None:
        content = kit.content_language(language)
        # the same prompts and labels as the server-rendered first screen
        # (talkkit/page/first_screen.py), so the two cannot drift
        phases = prompt_rows(kit, content)
        points = [q for p in phases if p["kind"] in READ_OUT_KINDS for q in p["prompts"]]
        _ = gettext(language)
        t = {
            **status_texts(language),
            **field_labels(language, self_study),
            "main_points": _("Our main points, to read out"),
            "no_answer": _("(not answered yet)"),
        }
        super().__init__(
            phases=phases, points=points, content_lang=content, t=t, phase=phase, kind=kind
        )
        keys = {q["key"] for p in phases for q in p["prompts"]}
        self._point_keys = {q["key"] for q in points}
        self.bind(book, lambda k: k in keys or (k.endswith(".views") and k[:-6] in keys))
        book.observe(self._on_values, "values")
        self._on_values({"new": book.values})

    def _on_values(self, change: dict) -> None:
        self.point_values = {k: v for k, v in change["new"].items() if k in self._point_keys}
