"""The kit page's payloads: what the kernel's answer views and page put into synced traits
for the browser, and the checked form of what the browser sends.

Outgoing (kernel -> page, synced traits of :mod:`widgets`):

* :class:`Incoming`: ``incoming`` of every answer view (and ``pushed`` of the answer book):
  values the browser must put into its fields; ``n`` counts up so the same values sent twice
  are still seen.
* :class:`SaveStatus`: one entry of ``status`` (answer key -> status), what the group sees
  beside a field.
* :class:`Download`: ``download`` of the page, a file for the browser to save.
* :class:`Reload`: ``reload`` of the page, reload in another language.

Incoming (page -> kernel): any client can send any widget message, so an event's data is
``object`` until it is checked; :func:`save_request` and :func:`resolve_request` turn an
answer view's ``save`` and ``resolve`` events into :class:`SaveRequest` and
:class:`ResolveRequest` (the value itself is checked by
:func:`talkkit.contracts.answers.validate_answer`).
"""


from dataclasses import dataclass
from typing import Any, Literal, NotRequired, TypedDict

__all__ = [
    "MAX_KEY_CHARS",
    "Download",
    "Incoming",
    "Reload",
    "ResolveRequest",
    "SaveRequest",
    "SaveState",
    "SaveStatus",
    "resolve_request",
    "save_request",
]

#: Longest answer key a browser event may name (keys are far shorter; see KEY_PATTERN).
MAX_KEY_CHARS = 200

#: ``saving``: waiting for the session or the store; ``privacy``: held back until the group
#: confirms the text holds no personal identity number; ``conflict``: another tab saved a newer
#: answer, the group chooses.
SaveState = Literal["saved", "saving", "retrying", "refused", "privacy", "conflict"]


class Incoming(TypedDict):
    n: int
    values: dict[str, Any]  #: answer key -> clean value (see talkkit.contracts.answers)


class SaveStatus(TypedDict):
    """``seq`` echoes the browser's counter of the send this status answers; ``message`` says
    why in the group's language (``""`` when nothing needs saying)."""

    state: SaveState
    seq: int
    message: str
    found: NotRequired[list[str]]  #: ``privacy``: what looks like a personal identity number
    theirs: NotRequired[Any]  #: ``conflict``: the other tab's value
    theirs_text: NotRequired[str]  #: ``conflict``: that value as text


class Download(TypedDict):
    n: int
    name: str  #: file name
    mime: str
    data: str  #: the file's bytes, base64


class Reload(TypedDict):
    n: int
    lang: str


@dataclass(frozen=True)
class SaveRequest:
    """An answer view's ``save`` event: ``value`` and ``seq`` as sent (checked by the book)."""

    key: str
    value: object
    seq: object
    confirm: bool  #: the group says the text holds no personal identity number


@dataclass(frozen=True)
class ResolveRequest:
    """An answer view's ``resolve`` event: the group's choice in a conflict, as sent."""

    key: str
    choice: object


def _key(data: object) -> str | None:
    if not isinstance(data, dict):
        return None
    key = data.get("key")
    return key if type(key) is str and len(key) <= MAX_KEY_CHARS else None


def save_request(data: object) -> SaveRequest | None:
    """``data`` of a ``save`` event as a :class:`SaveRequest`, or ``None`` if it names no key."""
    key = _key(data)
    if key is None or not isinstance(data, dict):
        return None
    return SaveRequest(key, data.get("value"), data.get("seq"), data.get("confirm") is True)


def resolve_request(data: object) -> ResolveRequest | None:
    """``data`` of a ``resolve`` event as a :class:`ResolveRequest`, or ``None``."""
    key = _key(data)
    if key is None or not isinstance(data, dict):
        return None
    return ResolveRequest(key, data.get("choice"))
