"""Join codes and facilitator secrets, and the event that carries them.

An organiser runs ``talkkit event create KIT --name "..."`` and gets

* a **join code** for the groups (``ABCD-EFGH-JKMN``: 12 characters from an alphabet without
  look-alikes, about 59 bits, easy to read aloud), which goes in the kit link
  (``?event=CODE``) or is typed into the join form;
* a **facilitator secret** (32 random characters, 192 random bits) for the board. It holds no
  part of the event id or of anything else a group can see (a group's JSON download, page and
  kernel carry the event id). Only its scrypt hash is stored, and secrets are compared as hashes
  with :func:`hmac.compare_digest`.

Finding the event a secret opens: the hash's salt is derived from the secret
(:func:`secret_salt`, a SHA-256 of it), so the board finds the one event whose stored salt
matches and runs scrypt once. A salt is there to defeat precomputed tables; with 192 random
bits there is nothing to precompute, so deriving it costs no safety. Secrets of events made
before this change (``<event id>.<...>``, random salt) are still found by their event id.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Callable
from typing import TypeVar

from talkkit.i18n import normalise_language
from talkkit.store import Event, Store
from talkkit.store.values import clean_meeting_url, new_event_id

_Made = TypeVar("_Made")

__all__ = [
    "CODE_ALPHABET",
    "DUMMY_HASH",
    "MAX_SECRET_CHARS",
    "create_event",
    "event_links",
    "format_code",
    "hash_secret",
    "new_join_code",
    "new_secret",
    "normalise_code",
    "secret_salt",
    "stored_salt",
    "verify_secret",
    "with_fresh_code",
]

#: Join code characters: no 0/O, 1/I/L, U or V/Y look-alikes that are misheard or mistyped.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTWXZ23456789"
CODE_GROUPS = 3
CODE_GROUP_LEN = 4

#: scrypt cost: n=2**14, r=8, p=1 (~16 MB, ~50 ms): cheap for one login, dear for guessing.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MAX_SECRET_CHARS = 200


def new_join_code() -> str:
    """A fresh join code, formatted for reading aloud: ``ABCD-EFGH-JKMN``."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUPS * CODE_GROUP_LEN))
    return format_code(raw)


def format_code(code: str) -> str:
    """``ABCDEFGHJKMN`` as ``ABCD-EFGH-JKMN``."""
    return "-".join(code[i : i + CODE_GROUP_LEN] for i in range(0, len(code), CODE_GROUP_LEN))


def normalise_code(value: object) -> str | None:
    """The stored form of a typed join code (upper case, no spaces or dashes), or ``None``
    if it cannot be one."""
    if type(value) is not str or len(value) > 64:
        return None
    code = "".join(c for c in value.upper() if c not in " -._\t")
    if len(code) != CODE_GROUPS * CODE_GROUP_LEN or any(c not in CODE_ALPHABET for c in code):
        return None
    return code


def new_secret(event_id: str = "") -> str:
    """A facilitator secret: 192 random bits, 32 URL-safe characters, independent of the event
    (``event_id`` is accepted for old callers and not used)."""
    del event_id
    return secrets.token_urlsafe(24)


def secret_salt(secret: str) -> bytes:
    """The scrypt salt of a (new-style) secret: 16 bytes of its SHA-256 (see the module doc)."""
    return hashlib.sha256(b"talkkit-secret-salt\0" + secret.encode("utf-8", "replace")).digest()[
        :16
    ]


def stored_salt(stored: str) -> bytes | None:
    """The salt of a stored ``scrypt$...`` hash, or None."""
    parts = stored.split("$")
    if len(parts) != 6:
        return None
    try:
        return _unb64(parts[4])
    except (ValueError, TypeError):
        return None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hash_secret(secret: str, *, salt: bytes | None = None) -> str:
    """``scrypt$n$r$p$salt$hash`` of ``secret``; the salt is :func:`secret_salt` unless given."""
    salt = salt if salt is not None else secret_salt(secret)
    digest = hashlib.scrypt(
        secret.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32
    )
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


#: Compared against when there is no such event, so a wrong event id costs the same time.
DUMMY_HASH = hash_secret("no event", salt=b"talkkit-no-event")


def verify_secret(secret: object, stored: str) -> bool:
    """Whether ``secret`` hashes to ``stored`` (hashes compared in constant time)."""
    if type(secret) is not str or not 0 < len(secret) <= MAX_SECRET_CHARS:
        secret = ""
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        n_, r_, p_ = int(n), int(r), int(p)
        if kind != "scrypt" or not (2 <= n_ <= 2**17 and 1 <= r_ <= 16 and 1 <= p_ <= 4):
            return False
        expected = _unb64(digest)
        actual = hashlib.scrypt(
            str(secret).encode("utf-8", "replace"),
            salt=_unb64(salt),
            n=n_,
            r=r_,
            p=p_,
            dklen=len(expected),
            maxmem=256 * 1024 * 1024,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected) and bool(secret)


# -- creating events ----------------------------------------------------------------------------


def create_event(
    store: Store, kit_id: str, name: str, language: str = "da", meeting_url: str = ""
) -> tuple[Event, str]:
    """A new event and its facilitator secret (shown once: only its hash is stored).

    ``meeting_url``: the joint gathering's online meeting (http or https), shown to the groups
    that joined, in that phase; a :class:`ValueError` when it is not such an address."""
    language = normalise_language(language)
    meeting_url = clean_meeting_url(meeting_url)
    event, secret = with_fresh_code(
        lambda code, secret_hash: store.create_event(
            new_event_id(), kit_id, name, language, code, secret_hash
        )
    )
    if meeting_url:
        event = store.set_meeting_url(event.id, meeting_url) or event
    return event, secret


def with_fresh_code(create: Callable[[str, str], _Made]) -> tuple[_Made, str]:
    """``create(code, secret_hash)`` with a new join code and a new secret, made again with
    others when the store says the code is taken (:class:`ValueError`); what it made, and the
    secret (shown once: only its hash is stored)."""
    for attempt in range(10):
        secret = new_secret()
        code = normalise_code(new_join_code())
        assert code is not None
        try:
            return create(code, hash_secret(secret)), secret
        except ValueError:
            if attempt == 9:
                raise
    raise AssertionError("unreachable")


def event_links(event: Event, base_url: str = "") -> dict[str, str]:
    """The links to hand out: the kit for the groups and the board for the facilitator."""
    base = base_url.rstrip("/")
    return {
        "kit": f"{base}/voila/render/{event.kit_id}/kit.ipynb?event={format_code(event.code)}",
        "board": f"{base}/voila/render/board.ipynb",
    }
