"""The answer contract between the kit interface and the store.

Every value a group types reaches the kernel as a widget message, and any client can send any
widget message: a value may be *anything* (a dict, ``None``, a huge int, a list nested a thousand
deep). :func:`validate_answer` is the one gate: it returns the clean value or raises
:class:`AnswerError`, never anything else.

Answer keys (``phase_id``/``prompt_id``/``question_id`` come from the kit):

===================================  =============================================================
key                                  value
===================================  =============================================================
``{phase_id}.{prompt_id}``           ``str``: the group's shared answer to a prompt
``{phase_id}.{prompt_id}.views``     ``str``: other or different views voiced in the group
``takeaways``                        ``list`` of ``{"what": str, "who": str, "when": str}``
``questions``                        ``list[str]``: questions for the presenters
``followup``                         ``list`` of ``{"what", "who", "when", "status", "note"}``:
                                     last time's take-aways and how they went (issue 22);
                                     ``status`` is one of :data:`FOLLOWUP_STATUSES`
``evaluation.{question_id}``         ``int`` 1..5 (rating question) or ``str`` (open question)
``facilitator.notes``                ``str``
``speaking.names``                   ``list[str]``: the speaking order (never exported)
===================================  =============================================================

Every key matches :data:`KEY_PATTERN`. The phase ids ``takeaways``, ``questions``,
``followup``, ``facilitator`` and ``speaking`` are therefore reserved; ``evaluation.{id}`` accepts a text as
well as a rating, so an evaluation phase may use the id ``evaluation``.

Text is stored exactly as typed: no stripping, no Unicode normalisation, any code point
(æøå, åäö, emoji, right-to-left text, control characters). Lone surrogates, which a browser can
send but UTF-8 cannot hold, are kept too: the store writes them as ``\\udXXX`` JSON escapes and
reads them back exactly (see :func:`talkkit.store.values.encode_value`). Exports that must be
valid UTF-8 (CSV, Markdown) or XML (XLSX, DOCX) show a lone surrogate as U+FFFD; JSON exports
keep the escape. Length limits count code points (``len(text)``). Text over a limit is
*refused*, never cut: the group decides what to shorten.
"""

from __future__ import annotations

import re
from typing import Any, Final

from talkkit.i18n import translator

__all__ = [
    "FOLLOWUP_FIELDS",
    "FOLLOWUP_STATUSES",
    "KEY_PATTERN",
    "MAX_ITEMS",
    "MAX_NAME_CHARS",
    "MAX_TAKEAWAY_FIELD_CHARS",
    "MAX_TEXT_CHARS",
    "RATING_MAX",
    "RATING_MIN",
    "TAKEAWAY_FIELDS",
    "AnswerError",
    "answer_key",
    "is_identifier",
    "validate_answer",
    "validate_key",
]

#: Most characters in one text answer.
MAX_TEXT_CHARS: Final = 4000
#: Most items in one list answer (take-aways, questions, names).
MAX_ITEMS: Final = 50
#: Most characters in one field of a take-away.
MAX_TAKEAWAY_FIELD_CHARS: Final = 500
#: Most characters in one name of the speaking order.
MAX_NAME_CHARS: Final = 100
#: The range of a rating answer.
RATING_MIN: Final = 1
RATING_MAX: Final = 5
#: The fields of one take-away.
TAKEAWAY_FIELDS: Final = ("what", "who", "when")

#: How a take-aways' follow-up went ("": not marked yet).
FOLLOWUP_STATUSES: Final = ("", "done", "started", "not_yet", "dropped")
#: The fields of one follow-up item (text fields bounded like a take-away's).
FOLLOWUP_FIELDS: Final = (*TAKEAWAY_FIELDS, "status", "note")

_PART = r"[a-z0-9][a-z0-9_-]{0,39}"
#: The syntax of every answer key: one to three dot-separated lowercase parts.
KEY_PATTERN: Final = re.compile(rf"^{_PART}(\.{_PART}){{0,2}}$")

_ID = re.compile(rf"^{_PART}$")


class AnswerError(ValueError):
    """A value the store refuses, with a machine code the interface can translate.

    ``code`` is one of ``"too_long"``, ``"bad_type"``, ``"bad_key"``, ``"too_many_items"``,
    ``"out_of_range"``. ``limit`` and ``actual`` hold the numbers where they apply (characters,
    items, or the rating's upper bound); ``index`` and ``field`` say which list item and which
    take-away field was refused.
    """

    CODES: Final = ("too_long", "bad_type", "bad_key", "too_many_items", "out_of_range")

    def __init__(
        self,
        code: str,
        key: object = None,
        *,
        limit: int | None = None,
        actual: int | None = None,
        index: int | None = None,
        field: str | None = None,
    ) -> None:
        if code not in self.CODES:
            raise ValueError(f"unknown AnswerError code {code!r}")
        self.code = code
        # Never keep a foreign object: its repr() may be huge or may raise.
        self.key = key[:120] if isinstance(key, str) else None
        self.limit = limit
        self.actual = actual
        self.index = index
        self.field = field
        super().__init__(self._describe())

    def _describe(self) -> str:
        parts = [self.code]
        if self.key is not None:
            parts.append(f"key={self.key!r}")
        if self.index is not None:
            parts.append(f"index={self.index}")
        if self.field is not None:
            parts.append(f"field={self.field}")
        if self.limit is not None:
            parts.append(f"limit={self.limit}")
        if self.actual is not None and self.code != "out_of_range":
            parts.append(f"actual={self.actual}")
        return " ".join(parts)

    def message(self, lang: str) -> str:
        """The message to show the group, in ``lang`` (``da``, ``sv`` or ``en``)."""
        _ = translator(lang)
        if self.code == "too_long":
            return _(
                "The text is too long: {actual} characters. At most {limit} characters fit.",
                actual=self.actual,
                limit=self.limit,
            )
        if self.code == "too_many_items":
            return _(
                "There are too many items: {actual}. At most {limit} fit.",
                actual=self.actual,
                limit=self.limit,
            )
        if self.code == "out_of_range":
            return _("Choose a number from {low} to {high}.", low=RATING_MIN, high=RATING_MAX)
        if self.code == "bad_key":
            return _("This answer does not belong to any question, so it was not saved.")
        return _("This answer has an unexpected form, so it was not saved.")


def answer_key(*parts: str) -> str:
    """Join parts into an answer key and check it: ``answer_key("talk", "p1", "views")``."""
    return validate_key(".".join(parts))


def validate_key(key: object) -> str:
    """``key`` if it is a well-formed answer key of a known family, else :class:`AnswerError`."""
    if type(key) is not str or not KEY_PATTERN.fullmatch(key):
        raise AnswerError("bad_key", key)
    parts = key.split(".")
    if len(parts) == 1 and key not in ("takeaways", "questions", "followup"):
        raise AnswerError("bad_key", key)
    if len(parts) == 2 and parts[0] in (
        "takeaways",
        "questions",
        "followup",
        "speaking",
        "facilitator",
    ):
        if key not in ("facilitator.notes", "speaking.names"):
            raise AnswerError("bad_key", key)
    if len(parts) == 3 and parts[2] != "views":
        raise AnswerError("bad_key", key)
    return key


def validate_answer(key: object, value: object) -> Any:
    """The clean value to store under ``key``, or :class:`AnswerError`.

    Strings are returned unchanged (not stripped, not normalised); a tuple becomes a list. No
    other exception escapes, whatever ``value`` is.
    """
    key = validate_key(key)
    parts = key.split(".")
    if key == "takeaways":
        return _list(key, value, _takeaway)
    if key == "followup":
        return _list(key, value, _followup)
    if key == "questions":
        return _list(key, value, lambda k, v, i: _text(k, v, MAX_TEXT_CHARS, index=i))
    if key == "speaking.names":
        return _list(key, value, lambda k, v, i: _text(k, v, MAX_NAME_CHARS, index=i))
    if parts[0] == "evaluation" and len(parts) == 2:
        if type(value) is int:
            if not RATING_MIN <= value <= RATING_MAX:
                raise AnswerError("out_of_range", key, limit=RATING_MAX)
            return value
        return _text(key, value, MAX_TEXT_CHARS)
    return _text(key, value, MAX_TEXT_CHARS)


def _text(
    key: str, value: object, limit: int, *, index: int | None = None, field: str | None = None
) -> str:
    if type(value) is not str:
        raise AnswerError("bad_type", key, index=index, field=field)
    if len(value) > limit:
        raise AnswerError("too_long", key, limit=limit, actual=len(value), index=index, field=field)
    return value


def _list(key: str, value: object, item: Any) -> list[Any]:
    if type(value) not in (list, tuple):
        raise AnswerError("bad_type", key)
    assert isinstance(value, list | tuple)
    if len(value) > MAX_ITEMS:
        raise AnswerError("too_many_items", key, limit=MAX_ITEMS, actual=len(value))
    return [item(key, v, i) for i, v in enumerate(value)]


def _takeaway(key: str, value: object, index: int) -> dict[str, str]:
    if type(value) is not dict:
        raise AnswerError("bad_type", key, index=index)
    assert isinstance(value, dict)
    if any(type(k) is not str or k not in TAKEAWAY_FIELDS for k in value):
        raise AnswerError("bad_type", key, index=index)
    return {
        name: _text(key, value.get(name, ""), MAX_TAKEAWAY_FIELD_CHARS, index=index, field=name)
        for name in TAKEAWAY_FIELDS
    }


def _followup(key: str, value: object, index: int) -> dict[str, str]:
    if type(value) is not dict:
        raise AnswerError("bad_type", key, index=index)
    assert isinstance(value, dict)
    if any(type(k) is not str or k not in FOLLOWUP_FIELDS for k in value):
        raise AnswerError("bad_type", key, index=index)
    status = value.get("status", "")
    if type(status) is not str or status not in FOLLOWUP_STATUSES:
        raise AnswerError("bad_type", key, index=index, field="status")
    item = {
        name: _text(key, value.get(name, ""), MAX_TAKEAWAY_FIELD_CHARS, index=index, field=name)
        for name in (*TAKEAWAY_FIELDS, "note")
    }
    item["status"] = status
    return item


def is_identifier(value: object) -> bool:
    """Whether ``value`` is a kit, phase, prompt or question id (one key part)."""
    return type(value) is str and bool(_ID.fullmatch(value))
