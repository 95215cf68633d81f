"""Interface languages: Danish, Swedish and English, from gettext message catalogues.

Catalogues are ordinary gettext ``.po`` files under ``<package>/locale/<lang>/LC_MESSAGES/``,
one *domain* per catalogue. This module knows only talkkit's own domains (``talkkit``: exports,
privacy and validation messages; ``events``: the event report and ``talkkit event``;
``gallery``: the gallery page; ``page``: the texts the kit page's server-rendered first
screen shares with the kit interface); every other package registers its own folder with
:func:`register_domain` when it is imported (``widgets`` does, for the kit interface, the
board and the join form). They are read with Babel (a well-kept gettext
implementation) straight from the ``.po`` files, so there is no compiled ``.mo`` file to forget
to rebuild. English is the source language: a message missing from a catalogue falls back to
its English msgid, never to an error.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

from babel.messages.pofile import read_po

#: Interface languages, in the order they are offered.
LANGUAGES: tuple[str, ...] = ("da", "sv", "en")
DEFAULT_LANGUAGE = "da"

#: The name of each language in itself (for language pickers).
LANGUAGE_NAMES: dict[str, str] = {"da": "Dansk", "sv": "Svenska", "en": "English"}

#: talkkit's own catalogues, beside this module.
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

_LOCALE_DIRS: dict[str, Path] = {
    domain: LOCALE_DIR for domain in ("talkkit", "events", "gallery", "check", "page")
}


#: Between a message's context and its id in a catalogue's keys (as in compiled gettext files).
_CONTEXT_SEP = "\x04"

#: The text context of each kit format: a self-study kit speaks to one person ("du", "jeg").
FORMAT_CONTEXTS: dict[str, str] = {"self-study": "self-study"}


def format_context(kit_format: str | None) -> str | None:
    """The catalogue context for a kit's ``format`` (None: the plain, group-addressed texts)."""
    return FORMAT_CONTEXTS.get(kit_format or "")


def normalise_language(value: object, default: str = DEFAULT_LANGUAGE) -> str:
    """A supported language code from anything a URL or a parameter may hold.

    ``"sv-SE"``, ``"SV"`` and ``" sv "`` become ``"sv"``; anything else becomes ``default``.
    """
    if not isinstance(value, str):
        return default
    code = value.strip().lower().replace("_", "-").split("-", 1)[0]
    return code if code in LANGUAGES else default


def register_domain(domain: str, locale_dir: Path) -> None:
    """Make a catalogue domain known: ``<locale_dir>/<lang>/LC_MESSAGES/<domain>.po`` (each
    package outside ``talkkit`` registers its own when it is imported)."""
    _LOCALE_DIRS[domain] = Path(locale_dir)
    _catalogue.cache_clear()


@functools.cache
def _catalogue(domain: str, language: str) -> dict[str, str]:
    base = _LOCALE_DIRS.get(domain)
    if base is None:
        raise LookupError(
            f"no message catalogue domain {domain!r}: import the package that registers it "
            "(talkkit.i18n.register_domain)"
        )
    path = base / language / "LC_MESSAGES" / f"{domain}.po"
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=language)
    messages: dict[str, str] = {}
    for message in catalog:
        if message.id and isinstance(message.id, str) and message.string and not message.fuzzy:
            key = f"{message.context}{_CONTEXT_SEP}{message.id}" if message.context else message.id
            messages[key] = str(message.string)
    return messages


def preload(
    domains: tuple[str, ...] = ("talkkit",), languages: tuple[str, ...] = LANGUAGES
) -> None:
    """Read the catalogues of ``domains`` in ``languages`` now, not at their first use (a
    preheated kit kernel does it before its page asks)."""
    for domain in domains:
        for language in languages:
            _catalogue(domain, language)


def translator(
    language: str, domain: str = "talkkit", context: str | None = None
) -> Callable[..., str]:
    """A ``_()`` function for one language: ``_("Saved")`` or ``_("{n} left", n=3)``.

    Placeholders use ``str.format`` names, so translators can reorder them. With ``context``
    (a gettext ``msgctxt``, such as ``"self-study"`` for a kit one person works through alone)
    an entry of that context wins over the plain one: ``msgctxt "self-study"`` +
    ``msgid "Our answer"`` gives "Mit svar" where the plain entry gives "Vores svar".
    """
    messages = _catalogue(domain, normalise_language(language))
    prefix = f"{context}{_CONTEXT_SEP}" if context else None

    def _(msgid: str, /, **kwargs: object) -> str:
        text = messages.get(prefix + msgid) if prefix else None
        if text is None:
            text = messages.get(msgid, msgid)
        return text.format(**kwargs) if kwargs else text

    return _


def catalogue_ids(domain: str, language: str) -> set[str]:
    """The msgids a catalogue translates (used by the tests that keep catalogues complete);
    an entry with a context is ``"<context>\\x04<msgid>"``."""
    return set(_catalogue(domain, language))
