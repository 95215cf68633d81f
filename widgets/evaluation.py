"""The evaluation: the standard questions and the kit's own, as ratings 1-5 and open text."""

from __future__ import annotations

from typing import Any

from traitlets import List, Unicode

from talkkit.kit import Kit, rating_labels
from widgets._base import AnswerView
from widgets._i18n import gettext
from widgets.book import AnswerBook
from widgets.fields import status_texts

__all__ = ["EvaluationView"]


class EvaluationView(AnswerView):
    vue_file = "evaluation.vue"

    questions: List[Any] = List(help="[{key, kind, text}]").tag(sync=True)
    scale: List[Any] = List(help="[{value, label}] of the rating scale").tag(sync=True)
    content_lang = Unicode().tag(sync=True)

    def __init__(self, kit: Kit, book: AnswerBook, *, language: str) -> None:
        _ = gettext(language, kit.format)
        content = kit.content_language(language)
        questions = [
            {"key": f"evaluation.{q.id}", "kind": q.kind, "text": kit.text(q.text, content)}
            for q in kit.evaluation_questions()
        ]
        questions.sort(key=lambda q: q["kind"] != "rating")  # ratings first, then open text
        labels = rating_labels(language)
        super().__init__(
            questions=questions,
            scale=[{"value": i + 1, "label": label} for i, label in enumerate(labels)],
            content_lang=content,
            t={
                **status_texts(language, kit.format),
                "title": _("Evaluation"),
                "answer": _("Our answer"),
            },
        )
        keys = {q["key"] for q in questions}
        self.bind(book, lambda k: k in keys)
