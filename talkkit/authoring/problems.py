"""A problem of a kit (file, field, plain words), and the problems of ``kit.yaml``'s shape.

The shape is checked with ``jsonschema`` against ``talkkit/schemas/kit.schema.json``, which lists
every problem at once (the kit page's generated validator stops at the first).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema

from talkkit.i18n import translator
from talkkit.kit import KIT_FILE, schema

__all__ = ["Problem", "field_path", "problem", "schema_problems"]


#: Language names as they read inside a sentence, by the reader's language.
_LANGUAGE_NAMES = {
    "en": {"da": "Danish", "sv": "Swedish", "en": "English"},
    "da": {"da": "dansk", "sv": "svensk", "en": "engelsk"},
    "sv": {"da": "danska", "sv": "svenska", "en": "engelska"},
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a kit: where (file, field) and what, in plain words (English in
    ``message``; :meth:`text` in the author's language when ``msgid`` names its catalogue
    entry in the ``check`` domain, with ``params`` filled in)."""

    file: str
    field: str
    message: str
    msgid: str = dataclasses.field(default="", compare=False, repr=False)
    params: tuple[tuple[str, Any], ...] = dataclasses.field(default=(), compare=False, repr=False)

    def __str__(self) -> str:
        return self.text("en")

    def text(self, language: str) -> str:
        """``file: field: message`` in ``language`` (English when there is no translation)."""
        message = self.message
        if self.msgid and language != "en":
            message = _render(self.msgid, dict(self.params), language)
        where = f"{self.file}: {self.field}" if self.field else self.file
        return f"{where}: {message}"


def _render(msgid: str, params: dict[str, Any], language: str) -> str:
    names = _LANGUAGE_NAMES.get(language, _LANGUAGE_NAMES["en"])
    if "language" in params:  # a language code, named in the reader's language
        params = {**params, "language": names.get(params["language"], params["language"])}
    text = translator(language, "check")(msgid)
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):  # a broken translation must not hide a problem
        return msgid.format(**params)


def problem(file: str, field: str, msgid: str, **params: Any) -> Problem:
    """A :class:`Problem` whose message is the catalogue entry ``msgid`` (``{name}``
    placeholders filled from ``params``), so ``talkkit check`` can say it in the kit's
    language."""
    return Problem(file, field, _render(msgid, params, "en"), msgid, tuple(params.items()))


def field_path(parts: Iterable[Any]) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _schema_message(error: jsonschema.ValidationError) -> str:
    validator = error.validator
    if validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return f"the field '{missing}' is missing"
    if validator == "additionalProperties":
        return f"unknown field ({error.message.split('(')[-1].rstrip(')')})"
    if validator == "enum":
        allowed = error.validator_value  # the schema's enum: a list
        options = ", ".join(str(v) for v in allowed) if isinstance(allowed, list) else str(allowed)
        return f"{error.instance!r} is not one of: {options}"
    if validator == "pattern" and isinstance(error.instance, str):
        if str(error.validator_value).startswith("^https://"):
            return f"{error.instance!r} is not an https:// address"
        if "\\.\\." in str(error.validator_value):
            return f"{error.instance!r} is not a relative path inside the kit folder"
        return f"{error.instance!r} has characters that are not allowed here"
    if validator == "oneOf":
        return "must be a text, or a text per language (da: ..., sv: ..., en: ...)"
    if validator == "type":
        return f"must be of type {error.validator_value}, not {type(error.instance).__name__}"
    if validator in ("exclusiveMinimum", "minimum"):
        op = "more than" if validator == "exclusiveMinimum" else "at least"
        return f"must be {op} {error.validator_value}, not {error.instance!r}"
    if validator == "const":
        return f"must be {error.validator_value!r}"
    return error.message


def schema_problems(folder: Path, data: dict[str, Any]) -> list[Problem]:
    """Problems with the shape of ``kit.yaml`` (fields, types, allowed values)."""
    validator = jsonschema.Draft202012Validator(schema())
    problems = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.path))):
        problems.append(Problem(KIT_FILE, field_path(error.path), _schema_message(error)))
    return problems
