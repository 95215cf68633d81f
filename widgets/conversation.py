"""Structured conversations: the kit's prompts with the group's answers.

Every phase with prompts (learning, productive and practice conversations, reflections) shows
per prompt an "our answer" field and a "different views in the group" field. In the joint
gathering the main points of the productive conversation are shown again, ready to read out.
"""

from __future__ import annotations

from typing import Any

from traitlets import Dict, List, Unicode

from talkkit.kit import Kit
from talkkit.kit.phases import READ_OUT_KINDS, page_kinds
from talkkit.page.first_screen import field_labels, prompt_rows
from widgets._base import AnswerView
from widgets._i18n import gettext
from widgets.book import AnswerBook
from widgets.fields import status_texts

__all__ = ["ConversationView", "answer_labels"]


def answer_labels(language: str, self_study: bool) -> tuple[str, str]:
    """The labels of a prompt's two fields: the answer, and the group's different views (the
    same as the server-rendered first screen's: :func:`talkkit.page.first_screen.field_labels`)."""
    labels = field_labels(language, self_study)
    return labels["our_answer"], labels["views"]


class ConversationView(AnswerView):
    """The prompts of every phase; the browser shows those of the current phase."""

    vue_file = "conversation.vue"

    phases: List[Any] = List(help="[{id, kind, prompts: [{key, text, help}]}]").tag(sync=True)
    phase = Unicode(help="the current phase id").tag(sync=True)
    kind = Unicode(help="the current phase kind").tag(sync=True)
    kinds = Dict(help="the phase kinds the template tests for (talkkit.kit.phases)").tag(sync=True)
    content_lang = Unicode().tag(sync=True)
    points: List[Any] = List(help="[{key, text}]: prompts read out at the joint gathering").tag(
        sync=True
    )
    point_values = Dict(help="key -> saved answer of each read-out prompt").tag(sync=True)
    meeting_url = Unicode(
        help="the joint gathering's online meeting: set only once the group joined its event"
    ).tag(sync=True)

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
        kit_format = "self-study" if self_study else None
        _ = gettext(language, kit_format)
        ours, views = answer_labels(language, self_study)
        t = {
            **status_texts(language, kit_format),
            "our_answer": ours,
            "views": views,
            "main_points": _("Our main points, to read out"),
            "no_answer": _("(not answered yet)"),
            "meeting": _("The joint gathering meets online:"),
            "meeting_link": _("Open the online meeting (in a new window)"),
        }
        super().__init__(
            phases=phases,
            points=points,
            content_lang=content,
            t=t,
            phase=phase,
            kind=kind,
            kinds=page_kinds(),
        )
        keys = {q["key"] for p in phases for q in p["prompts"]}
        self._point_keys = {q["key"] for q in points}
        self.bind(book, lambda k: k in keys or (k.endswith(".views") and k[:-6] in keys))
        book.observe(self._on_values, "values")
        self._on_values({"new": book.values})

    def _on_values(self, change: dict[str, Any]) -> None:
        self.point_values = {k: v for k, v in change["new"].items() if k in self._point_keys}
