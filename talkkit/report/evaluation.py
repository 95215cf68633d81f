"""The evaluation summary: how the groups rated the day, question by question.

:func:`summarise_evaluation` turns the groups' ``evaluation.*`` answers into one summary per
question: the distribution of ratings (1-5) and the free-text comments, without group names;
:func:`combine` adds up the summaries of several events.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from talkkit.contracts.answers import RATING_MAX, RATING_MIN
from talkkit.contracts.board import EvaluationRow
from talkkit.export.doc import as_text
from talkkit.i18n import normalise_language
from talkkit.kit import STANDARD_EVALUATION, Kit, Question, localize

__all__ = ["QuestionSummary", "combine", "summarise_evaluation"]


@dataclass(frozen=True)
class QuestionSummary:
    """One evaluation question over many groups: ``counts[i]`` groups rated ``i + 1``."""

    id: str
    kind: str  # "rating" or "text"
    text: str
    counts: tuple[int, ...] = ()
    comments: tuple[str, ...] = ()

    @property
    def n(self) -> int:
        return sum(self.counts)

    @property
    def mean(self) -> float | None:
        if not self.n:
            return None
        return sum((i + RATING_MIN) * c for i, c in enumerate(self.counts)) / self.n

    def bars(self) -> list[dict[str, Any]]:
        """``{value, count, share}`` per rating, ``share`` 0..1 of the most common rating."""
        top = max(self.counts, default=0) or 1
        return [
            {"value": i + RATING_MIN, "count": c, "share": c / top}
            for i, c in enumerate(self.counts)
        ]

    def as_dict(self) -> EvaluationRow:
        """The summary as the board receives it."""
        mean = self.mean
        return EvaluationRow(
            id=self.id,
            kind=self.kind,
            text=self.text,
            counts=list(self.counts),
            n=self.n,
            mean=None if mean is None else round(mean, 1),
            comments=list(self.comments),
        )


def _questions(kit: Kit | None) -> list[Question]:
    return kit.evaluation_questions() if kit is not None else list(STANDARD_EVALUATION)


def summarise_evaluation(
    kit: Kit | None, groups: Iterable[Mapping[str, Any]], language: str = "da"
) -> list[QuestionSummary]:
    """One summary per evaluation question; ``groups`` holds each group's answers (key ->
    value). Ratings outside 1-5 are ignored; a text given to a rating question is a comment.
    Questions the kit does not know (its kit changed) are summarised after the known ones."""
    questions = _questions(kit)
    lang = kit.content_language(language) if kit else normalise_language(language)
    width = RATING_MAX - RATING_MIN + 1
    counts: dict[str, list[int]] = {}
    comments: dict[str, list[str]] = {}
    for values in groups:
        for key, value in values.items():
            if not isinstance(key, str) or not key.startswith("evaluation."):
                continue
            qid = key.removeprefix("evaluation.")
            if type(value) is int:
                if RATING_MIN <= value <= RATING_MAX:
                    counts.setdefault(qid, [0] * width)[value - RATING_MIN] += 1
            else:
                text = as_text(value).strip()
                if text:
                    comments.setdefault(qid, []).append(text)
    out = []
    known = set()
    for q in questions:
        known.add(q.id)
        text = kit.text(q.text, lang) if kit else localize(q.text, lang)
        out.append(
            QuestionSummary(
                q.id,
                q.kind,
                text,
                tuple(counts.get(q.id, [0] * width)) if q.kind == "rating" else (),
                tuple(comments.get(q.id, ())),
            )
        )
    for qid in sorted((set(counts) | set(comments)) - known):
        kind = "rating" if qid in counts else "text"
        out.append(
            QuestionSummary(
                qid,
                kind,
                qid,
                tuple(counts.get(qid, [0] * width)) if kind == "rating" else (),
                tuple(comments.get(qid, ())),
            )
        )
    return out


def combine(summaries: Sequence[Sequence[QuestionSummary]]) -> list[QuestionSummary]:
    """The summaries of several events added up, question by question (first seen order)."""
    merged: dict[str, QuestionSummary] = {}
    for summary in summaries:
        for q in summary:
            old = merged.get(q.id)
            if old is None:
                merged[q.id] = q
                continue
            counts = (
                tuple(a + b for a, b in zip(old.counts, q.counts, strict=True))
                if old.counts and q.counts
                else old.counts or q.counts
            )
            merged[q.id] = QuestionSummary(
                old.id, old.kind, old.text, counts, old.comments + q.comments
            )
    return list(merged.values())
