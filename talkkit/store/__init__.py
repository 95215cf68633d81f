"""Where the groups' answers are kept: one interface, two backends chosen by URL.

Example::

    store = open_store()  # the embedded SQLite file in talkkit.paths.data_dir()
    session = store.create_session("boundaries", "da", group_name="Bord 3")
    result = store.save_answer(session.id, "talk.p1", "Vi tog med ...", base_revision=None)
    assert (result.revision, result.conflict) == (1, False)

URLs: ``None`` or ``""`` (the default file), ``sqlite:///abs/path.sqlite3``,
``postgresql://user:password@host:5432/db``.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from talkkit.paths import data_dir
from talkkit.store.base import Store
from talkkit.store.types import (
    Answer,
    Event,
    EventAnswer,
    Pick,
    SaveResult,
    Session,
    SessionNotFound,
    StoreError,
    StoreFull,
    StoreUnavailable,
)

__all__ = [
    "DEFAULT_FILENAME",
    "Answer",
    "Event",
    "EventAnswer",
    "Pick",
    "SaveResult",
    "Session",
    "SessionNotFound",
    "Store",
    "StoreError",
    "StoreFull",
    "StoreUnavailable",
    "check_store",
    "default_url",
    "load_backend",
    "open_store",
]

#: The embedded store's file name inside :func:`talkkit.paths.data_dir`.
DEFAULT_FILENAME = "talkkit.sqlite3"


def default_url() -> str:
    """The server's store: ``$TALKKIT_STORE`` (e.g. a ``postgresql://`` URL set by
    ``talkkit serve --store``), else the embedded ``sqlite:///<data_dir>/talkkit.sqlite3``."""
    return os.environ.get("TALKKIT_STORE") or f"sqlite://{data_dir() / DEFAULT_FILENAME}"


def _store_class(url: str) -> type[Store]:
    """The store class for ``url``'s kind, its module imported (psycopg only for PostgreSQL)."""
    if url.startswith("sqlite://"):
        from talkkit.store.sqlite import SQLiteStore

        return SQLiteStore
    if url.startswith(("postgresql://", "postgres://")):
        from talkkit.store.postgres import PostgresStore

        return PostgresStore
    scheme = url.split(":", 1)[0][:20]
    raise ValueError(f"unknown store URL scheme {scheme!r}: use sqlite:/// or postgresql://")


def load_backend(url: str | None = None) -> None:
    """Import the module of the store at ``url`` now, not at the first :func:`open_store` (a
    preheated kit kernel does it before its page asks). An unknown URL fails later, in
    :func:`open_store`, with its clear message."""
    with contextlib.suppress(ValueError):
        _store_class(url or default_url())


def check_store(url: str | None = None) -> str | None:
    """Why the store cannot be used, or None: opened and quick-checked once when the server
    starts (``talkkit serve``), so a damaged file is found before any group types into it.
    A store that is only unreachable now (PostgreSQL still starting) is not a problem here:
    the pages wait for it."""
    try:
        with open_store(url) as store:
            problems = store.quick_check()
    except StoreUnavailable:
        return None
    except StoreError as exc:
        return str(exc)
    if problems:
        return "; ".join(problems[:5])
    return None


def open_store(url: str | None = None) -> Store:
    """Open (and, if needed, create and upgrade) the store at ``url``.

    Raises :class:`ValueError` for a URL of an unknown kind and :class:`StoreError` (or
    :class:`StoreUnavailable`) when the database cannot be opened.
    """
    url = url or default_url()
    _store_class(url)  # ValueError for a URL of an unknown kind
    if url.startswith("sqlite://"):
        path = url.removeprefix("sqlite://")
        if not path or path in ("/", ":memory:", "/:memory:"):
            raise ValueError("a sqlite store URL needs a file path: sqlite:///abs/path.sqlite3")
        from talkkit.store.sqlite import SQLiteStore

        return SQLiteStore(Path(path))
    from talkkit.store.postgres import PostgresStore

    return PostgresStore(url)
