"""The payloads between a kit page's kernel and its views (``widgets/*.vue``).

Kernel -> page, as synced traits: a view's :class:`Incoming` values and the :class:`SaveStatus`
of each of its keys; the page's :class:`Download` and :class:`Reload`. Each carries a counter
``n`` so the page acts once per new payload, even when two payloads are alike.

Page -> kernel, as events: :class:`SaveRequest` (``save``) and :class:`ResolveRequest`
(``resolve``). They document what a well-behaved page sends; any client can send anything, so
the views read them with checks (``widgets._base``), never trusting these shapes.
"""

# No ``from __future__ import annotations``: TypedDict reads NotRequired[] from evaluated
# annotations (Python 3.11), so the keys' required/optional split stays right at run time.
from typing import Any, Literal, NotRequired, TypedDict

__all__ = [
    "Download",
    "Incoming",
    "Reload",
    "ResolveRequest",
    "SaveRequest",
    "SaveState",
    "SaveStatus",
]

#: What became of a group's answer (see :mod:`widgets.book`).
SaveState = Literal["saved", "saving", "retrying", "refused", "privacy", "conflict"]


class SaveStatus(TypedDict):
    """The save status of one answer key, as the group sees it."""

    state: SaveState
    seq: int  # the browser's counter of the send this status answers
    message: str  # why, in the group's language ('' when saved or saving)
    found: NotRequired[list[str]]  # privacy: the personal identity numbers found
    theirs: NotRequired[Any]  # conflict: the other version's value
    theirs_text: NotRequired[str]  # conflict: the other version as text


class Incoming(TypedDict):
    """Values the view's fields must take over (a resumed session, a choice in a conflict)."""

    n: int
    values: dict[str, Any]


class Download(TypedDict):
    """A file for the browser to save."""

    n: int
    name: str
    mime: str
    data: str  # base64


class Reload(TypedDict):
    """The browser reloads the page in another interface language."""

    n: int
    lang: str


class SaveRequest(TypedDict):
    """The ``save`` event: the value typed into one field."""

    key: str
    value: Any
    seq: int
    confirm: NotRequired[bool]  # the group says the text holds no personal identity number


class ResolveRequest(TypedDict):
    """The ``resolve`` event: the group's choice in a conflict."""

    key: str
    choice: Literal["ours", "theirs"]
