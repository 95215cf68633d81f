"""Events: many groups working on one kit at once, then a joint gathering led from a board.

An organiser runs ``talkkit event create KIT --name "..."`` and gets

* a **join code** for the groups (``ABCD-EFGH-JKMN``: 12 characters from an alphabet without
  look-alikes, about 59 bits, easy to read aloud), which goes in the kit link
  (``?event=CODE``) or is typed into the join form;
* a **facilitator secret** (``<event id>.<32 random characters>``, 192 random bits) for the
  board. Only a salted scrypt hash of it is stored.

Guessing is slowed down in two places (:class:`Gate`): each kernel waits longer after each of
its own failures, and failures are counted in the store per event (and per client) so that
opening more pages does not give more guesses. Secrets are compared as hashes with
:func:`hmac.compare_digest`.

:func:`board_snapshot` returns everything the facilitator board shows; :class:`BoardState`
keeps it up to date by polling the store and hands out only what changed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from talkkit.export.doc import as_text
from talkkit.i18n import normalise_language, translator
from talkkit.kit import Kit, KitLoadError, find_kits, load_kit
from talkkit.paths import kits_dir
from talkkit.store import Event, Session, Store, StoreError
from talkkit.store.base import clean_meeting_url, new_event_id, utcnow
from talkkit.store.types import EventAnswer, Pick

__all__ = [
    "CODE_ALPHABET",
    "BoardState",
    "Event",
    "Gate",
    "JoinError",
    "LoginResult",
    "board_snapshot",
    "create_event",
    "event_links",
    "find_kit",
    "format_code",
    "hash_secret",
    "join",
    "login",
    "new_join_code",
    "new_secret",
    "normalise_code",
    "verify_secret",
]

log = logging.getLogger("talkkit.events")

DOMAIN = "events"

#: Join code characters: no 0/O, 1/I/L, U or V/Y look-alikes that are misheard or mistyped.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTWXZ23456789"
CODE_GROUPS = 3
CODE_GROUP_LEN = 4

#: scrypt cost: n=2**14, r=8, p=1 (~16 MB, ~50 ms): cheap for one login, dear for guessing.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
_MAX_SECRET_CHARS = 200


# -- codes and secrets --------------------------------------------------------------------------


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


def new_secret(event_id: str) -> str:
    """A facilitator secret: the event id, a dot and 192 random bits."""
    return f"{event_id}.{secrets.token_urlsafe(24)}"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hash_secret(secret: str, *, salt: bytes | None = None) -> str:
    """``scrypt$n$r$p$salt$hash`` of ``secret`` with a fresh 16-byte salt."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(
        secret.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32
    )
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


#: Compared against when there is no such event, so a wrong event id costs the same time.
_DUMMY_HASH = hash_secret("no event", salt=b"talkkit-no-event")


def verify_secret(secret: object, stored: str) -> bool:
    """Whether ``secret`` hashes to ``stored`` (hashes compared in constant time)."""
    if type(secret) is not str or not 0 < len(secret) <= _MAX_SECRET_CHARS:
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
    for attempt in range(10):
        event_id = new_event_id()
        secret = new_secret(event_id)
        code = normalise_code(new_join_code())
        assert code is not None
        try:
            event = store.create_event(event_id, kit_id, name, language, code, hash_secret(secret))
            if meeting_url:
                event = store.set_meeting_url(event.id, meeting_url) or event
            return event, secret
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


# -- slowing down guessing ----------------------------------------------------------------------


@dataclass
class Gate:
    """Slows down guessing of secrets and codes, per kernel and across kernels.

    A kernel waits ``2**k`` seconds (at most :attr:`kernel_cap`) after its ``k``-th failure.
    Across kernels, failures are recorded in the store under a *scope* (``board:<event id>``,
    ``join``) and this kernel's ``client`` id; after :attr:`free` failures within
    :attr:`window` seconds every client of the scope waits ``base * 2**(n - free)`` seconds
    after the latest failure, at most :attr:`cap`. A success clears the scope.
    """

    store: Store
    free: int = 3
    base: float = 2.0
    cap: float = 300.0
    window: float = 3600.0
    kernel_cap: float = 60.0
    client: str = field(default_factory=lambda: f"k{os.getpid()}-{secrets.token_hex(4)}")
    clock: Callable[[], float] = time.monotonic
    _failures: int = 0
    _last: float = 0.0

    def kernel_wait(self) -> float:
        if not self._failures:
            return 0.0
        delay = min(self.kernel_cap, 2.0 ** (self._failures - 1))
        return max(0.0, self._last + delay - self.clock())

    def store_wait(self, scope: str) -> float:
        now = utcnow()
        count, last = self.store.failures(scope, now - timedelta(seconds=self.window))
        if count < self.free or last is None:
            return 0.0
        delay = min(self.cap, self.base * 2.0 ** (count - self.free))
        return max(0.0, (last + timedelta(seconds=delay) - now).total_seconds())

    def wait(self, scope: str) -> float:
        """Seconds to wait before an attempt on ``scope`` may be checked (0: go ahead)."""
        return max(self.kernel_wait(), self.store_wait(scope))

    def failed(self, scope: str) -> None:
        self._failures += 1
        self._last = self.clock()
        self.store.record_failure(scope, self.client)

    def succeeded(self, scope: str) -> None:
        self._failures = 0
        self.store.clear_failures(scope)


# -- joining ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class JoinError:
    """Why a join did not happen: ``code`` is ``"bad_code"``, ``"wait"``, ``"name"``,
    ``"other_event"`` or ``"store"``; ``wait`` the seconds to wait for ``"wait"``."""

    code: str
    wait: float = 0.0

    def message(self, language: str) -> str:
        _ = translator(language, DOMAIN)
        if self.code == "wait":
            return _("Too many wrong codes. Try again in {n} seconds.", n=max(1, round(self.wait)))
        if self.code == "name":
            return _("Please write your group's name (at most 200 characters).")
        if self.code == "other_event":
            return _("Your group's answers already belong to another event.")
        if self.code == "store":
            return _("Joining failed just now. Please try again.")
        return _("This code does not match any event. Check it and try again.")


JOIN_SCOPE = "join"


def join(
    store: Store,
    code: object,
    *,
    group_name: object,
    municipality: object = "",
    session_id: str | None = None,
    gate: Gate | None = None,
) -> Event | JoinError:
    """Check a join code and, with ``session_id``, put that group's session into the event.

    Returns the :class:`Event`, or a :class:`JoinError`. Wrong codes count as failures of
    ``gate`` (scope ``join``, a milder gate than the board's: see :func:`join_gate`).
    """
    if type(group_name) is not str or not group_name.strip() or len(group_name) > 200:
        return JoinError("name")
    if municipality is None:
        municipality = ""
    if type(municipality) is not str or len(municipality) > 200:
        return JoinError("name")
    gate = gate or join_gate(store)
    try:
        wait = gate.wait(JOIN_SCOPE)
        if wait > 0:
            return JoinError("wait", wait)
        normal = normalise_code(code)
        event = store.find_event(normal) if normal else None
        if event is None:
            gate.failed(JOIN_SCOPE)
            return JoinError("bad_code")
        if session_id is not None:
            store.join_event(session_id, event.id, group_name, municipality)
    except ValueError:
        return JoinError("other_event")
    except StoreError as exc:
        log.warning("join failed: %s", exc)
        return JoinError("store")
    return event


def join_gate(store: Store) -> Gate:
    """The gate for join codes: a kernel waits up to 30 s; across kernels at most 10 s, so a
    flood of wrong codes can slow, but never lock out, the groups of a seminar."""
    return Gate(store, free=20, base=0.5, cap=10.0, window=600.0, kernel_cap=30.0)


# -- the facilitator's login --------------------------------------------------------------------


@dataclass(frozen=True)
class LoginResult:
    event: Event | None
    error: str = ""  # "wrong", "wait", "store"
    wait: float = 0.0

    def message(self, language: str) -> str:
        _ = translator(language, DOMAIN)
        if self.error == "wait":
            return _(
                "Too many wrong attempts. Try again in {n} seconds.", n=max(1, round(self.wait))
            )
        if self.error == "store":
            return _("The answers cannot be reached just now. Please try again.")
        return _("That is not the facilitator secret of an event.")


def login(store: Store, secret: object, gate: Gate) -> LoginResult:
    """Check a facilitator secret; the :class:`Event` it opens, or why not."""
    text = secret if type(secret) is str and len(secret) <= _MAX_SECRET_CHARS else ""
    text = text.strip()
    event_id = text.partition(".")[0]
    try:
        event = store.get_event(event_id) if event_id else None
        scope = f"board:{event.id}" if event else "board:?"
        wait = gate.wait(scope)
        if wait > 0:
            return LoginResult(None, "wait", wait)
        stored = store.event_secret_hash(event.id) if event else None
        ok = verify_secret(text, stored or _DUMMY_HASH) and event is not None
        if not ok:
            gate.failed(scope)
            return LoginResult(None, "wrong")
        gate.succeeded(scope)
    except StoreError as exc:
        log.warning("login failed: %s", exc)
        return LoginResult(None, "store")
    return LoginResult(event)


def board_gate(store: Store) -> Gate:
    return Gate(store)


# -- what the board shows -----------------------------------------------------------------------


def find_kit(kit_id: str, root: Path | None = None) -> Kit | None:
    """The kit with this id in the kits folder, or ``None``.

    Only the YAML is read to find it (validating every kit costs seconds in a fresh kernel);
    the kit found is validated as usual if building it straight from its YAML fails.
    """
    from talkkit.kit import from_raw, read_raw

    folders = find_kits(root or kits_dir())
    folders.sort(key=lambda f: f.name != kit_id)  # the folder is usually named like the kit
    for folder in folders:
        try:
            data = read_raw(folder)
        except KitLoadError:
            continue
        if data.get("id") != kit_id:
            continue
        try:
            return from_raw(folder, data)
        except Exception:  # not schema-valid: let load_kit say why
            try:
                return load_kit(folder)
            except KitLoadError as exc:
                log.warning("kit %s cannot be loaded: %s", kit_id, exc)
                return None
    return None


def _prompt_key(key: str) -> bool:
    parts = key.split(".")
    return (len(parts) == 2 and parts[0] not in ("evaluation", "facilitator", "speaking")) or (
        len(parts) == 3 and parts[2] == "views"
    )


def _display(key: str, value: Any) -> Any:
    """An answer as the board shows it: text, a list of texts (questions) or of take-aways."""
    if key == "questions":
        items = value if isinstance(value, list) else [value]
        return [t for t in (as_text(v) for v in items[:100]) if t.strip()]
    if key == "takeaways":
        items = value if isinstance(value, list) else [value]
        out = []
        for item in items[:100]:
            if isinstance(item, dict):
                row = {f: as_text(item.get(f)) for f in ("what", "who", "when")}
            else:
                row = {"what": as_text(item), "who": "", "when": ""}
            if any(row.values()):
                out.append(row)
        return out
    if key.startswith("evaluation.") and type(value) is int:
        return value
    return as_text(value)


#: Seconds re-read before the last poll's newest change: a save's time is taken just before
#: its commit, so a save committed after a poll may carry a time before that poll's newest.
OVERLAP = timedelta(seconds=5)
#: Every this many polls everything is re-read (and compared), in case kernels on other
#: machines have clocks more than :data:`OVERLAP` apart.
FULL_EVERY = 30


class BoardState:
    """What the board of one event shows, kept in step with the store.

    Groups are shown under aliases (``g1``, ``g2``, ...): session ids are resume links, which
    the board's browser has no business holding.
    """

    def __init__(
        self, store: Store, event_id: str, *, kit: Kit | None = None, language: str = "da"
    ) -> None:
        self.store = store
        self.event_id = event_id
        self.language = normalise_language(language)
        self.event = store.get_event(event_id)
        kit_id = self.event.kit_id if self.event else None
        if kit is None and kit_id is None:
            sessions = store.list_sessions(event_id=event_id)
            kit_id = sessions[0].kit_id if sessions else None
        self.kit = kit if kit is not None else (find_kit(kit_id) if kit_id else None)
        self.kit_id = self.kit.id if self.kit else (kit_id or "")
        self.content_language = (
            self.kit.content_language(self.language) if self.kit else self.language
        )
        self.aliases: dict[str, str] = {}
        self.sessions: dict[str, Session] = {}
        self.answers: dict[tuple[str, str], EventAnswer] = {}
        self.picks: list[Pick] = []
        self._newest: datetime | None = None
        self._group_rows: dict[str, dict[str, Any]] = {}
        self._polls = 0

    # -- reading ----------------------------------------------------------------------------

    def alias(self, session_id: str) -> str:
        if session_id not in self.aliases:
            self.aliases[session_id] = f"g{len(self.aliases) + 1}"
        return self.aliases[session_id]

    def session_of(self, alias: object) -> str | None:
        return next((s for s, a in self.aliases.items() if a == alias), None)

    def _phase_title(self, phase_id: str | None) -> str:
        if not phase_id:
            return ""
        phase = self.kit.phase(phase_id) if self.kit else None
        return self.kit.text(phase.title, self.content_language) if phase and self.kit else ""

    def _group_row(self, session: Session) -> dict[str, Any]:
        count = sum(1 for (sid, _k) in self.answers if sid == session.id)
        return {
            "g": self.alias(session.id),
            "name": session.group_name,
            "municipality": session.municipality,
            "phase": session.phase or "",
            "phase_title": self._phase_title(session.phase),
            "answers": count,
            "updated": session.updated_at.isoformat(timespec="seconds"),
        }

    def _row(self, answer: EventAnswer) -> dict[str, Any]:
        return {
            "g": self.alias(answer.session_id),
            "k": answer.key,
            "v": _display(answer.key, answer.value),
            "r": answer.revision,
        }

    def load(self, *, themes: bool = True) -> dict[str, Any]:
        """Read everything; the full board as :meth:`snapshot` returns it (``themes=False``:
        without the theme overview, the slowest part, for a board to send first)."""
        sessions = self.store.list_sessions(event_id=self.event_id)
        self.sessions = {s.id: s for s in sessions}
        for s in sessions:
            self.alias(s.id)
        rows = self.store.event_answers(self.event_id)
        self.answers = {(a.session_id, a.key): a for a in rows if a.session_id in self.sessions}
        self._newest = max((a.updated_at for a in rows), default=None)
        self.picks = self.store.list_picks(self.event_id) if self.event else []
        self._group_rows = {s.id: self._group_row(s) for s in sessions}
        return self.snapshot(themes=themes)

    def poll(self) -> dict[str, Any] | None:
        """Read what changed since the last read; the patch to send, or ``None``."""
        sessions = self.store.list_sessions(event_id=self.event_id)
        self._polls += 1
        full = self._polls % FULL_EVERY == 0
        since = self._newest - OVERLAP if self._newest and not full else None
        rows = self.store.event_answers(self.event_id, since=since)
        current = {s.id: s for s in sessions}
        changed_rows = []
        for answer in rows:
            if answer.session_id not in current:
                continue
            old = self.answers.get((answer.session_id, answer.key))
            if old is None or old.revision != answer.revision or old.value != answer.value:
                self.answers[(answer.session_id, answer.key)] = answer
                changed_rows.append(self._row(answer))
            if self._newest is None or answer.updated_at > self._newest:
                self._newest = answer.updated_at
        gone = [sid for sid in self.sessions if sid not in current]
        for sid in gone:
            for key in [k for k in self.answers if k[0] == sid]:
                del self.answers[key]
            self._group_rows.pop(sid, None)
        self.sessions = current
        changed_groups = []
        for session in sessions:
            row = self._group_row(session)
            if self._group_rows.get(session.id) != row:
                self._group_rows[session.id] = row
                changed_groups.append(row)
        if not (changed_rows or changed_groups or gone):
            return None
        return {
            "groups": changed_groups,
            "rows": changed_rows,
            "gone": [self.alias(s) for s in gone],
        }

    # -- derived views ----------------------------------------------------------------------

    def prompts(self) -> list[dict[str, str]]:
        """Every prompt of the kit, in agenda order, then keys the kit does not know."""
        out: list[dict[str, str]] = []
        known: set[str] = set()
        if self.kit:
            lang = self.content_language
            for phase in self.kit.agenda:
                for prompt in phase.prompts:
                    key = f"{phase.id}.{prompt.id}"
                    known.add(key)
                    out.append(
                        {
                            "key": key,
                            "phase": self.kit.text(phase.title, lang),
                            "text": self.kit.text(prompt.text, lang),
                        }
                    )
        extra = sorted(
            {k for (_s, k) in self.answers if _prompt_key(k) and not k.endswith(".views")} - known
        )
        out += [{"key": k, "phase": "", "text": k} for k in extra]
        return out

    def questions(self) -> list[dict[str, str]]:
        """The questions for the presenters, group by group in the order groups joined."""
        out = []
        for sid in self.sessions:
            answer = self.answers.get((sid, "questions"))
            if answer:
                out += [
                    {"g": self.alias(sid), "text": t} for t in _display("questions", answer.value)
                ]
        return out

    def themes(self) -> dict[str, Any]:
        from talkkit.themes import analyse

        by_prompt: dict[str, list[tuple[str, str]]] = {}
        for (sid, key), answer in self.answers.items():
            if _prompt_key(key) and isinstance(answer.value, str) and answer.value.strip():
                base = key.removesuffix(".views")
                by_prompt.setdefault(base, []).append((self.alias(sid), answer.value))
        return analyse(by_prompt, self.content_language).as_dict()

    def evaluation(self) -> list[dict[str, Any]]:
        from talkkit.report import summarise_evaluation

        values = [
            {
                k: a.value
                for (s, k), a in self.answers.items()
                if s == sid and k.startswith("evaluation.")
            }
            for sid in self.sessions
        ]
        return [q.as_dict() for q in summarise_evaluation(self.kit, values, self.content_language)]

    def snapshot(self, *, themes: bool = True) -> dict[str, Any]:
        """Everything the board shows (plain JSON data); ``themes=False`` leaves the theme
        overview empty (``"themes": None``)."""
        event = self.event
        return {
            "event": {
                "id": self.event_id,
                "name": event.name if event else self.event_id,
                "code": format_code(event.code) if event else "",
                "kit_id": self.kit_id,
            },
            "kit_title": self.kit.text(self.kit.title, self.content_language) if self.kit else "",
            "language": self.language,
            "phases": [
                {"id": p.id, "title": self.kit.text(p.title, self.content_language)}
                for p in (self.kit.agenda if self.kit else ())
            ],
            "groups": [self._group_rows[sid] for sid in self.sessions if sid in self._group_rows],
            "prompts": self.prompts(),
            "rows": [self._row(a) for a in self.answers.values()],
            "questions": self.questions(),
            "themes": self.themes() if themes else None,
            "evaluation": self.evaluation(),
            "picks": self.picks_data(),
        }

    # -- picks ------------------------------------------------------------------------------

    def pick_answer(self, alias: object, key: object, item: object = None) -> Pick | None:
        """Add the current text of a group's answer (or one item of a list answer) to the
        main points; the text comes from the store, never from the browser."""
        sid = self.session_of(alias)
        if sid is None or type(key) is not str:
            return None
        answer = self.answers.get((sid, key))
        if answer is None or key.startswith("evaluation.") or key == "takeaways":
            return None
        value = _display(key, answer.value)
        if isinstance(value, list):
            if type(item) is not int or not 0 <= item < len(value):
                return None
            text, source = value[item], f"{sid}/{key}/{item}"
        else:
            text, source = value, f"{sid}/{key}"
        if not isinstance(text, str) or not text.strip():
            return None
        if any(p.source == source for p in self.picks):
            return None
        return self._add(text[:4000], source)

    def add_point(self, text: object) -> Pick | None:
        """A main point the facilitator writes (or merges from several groups)."""
        if type(text) is not str or not text.strip() or len(text) > 4000:
            return None
        return self._add(text.strip(), "")

    def _add(self, text: str, source: str) -> Pick | None:
        from talkkit.store.base import MAX_PICKS

        if len(self.picks) >= MAX_PICKS:
            return None
        pick = Pick(f"p{secrets.token_hex(6)}", text, source)
        self._save([*self.picks, pick])
        return pick

    def remove_pick(self, pick_id: object) -> None:
        self._save([p for p in self.picks if p.id != pick_id])

    def move_pick(self, pick_id: object, step: object) -> None:
        ids = [p.id for p in self.picks]
        if pick_id not in ids or step not in (-1, 1):
            return
        i = ids.index(pick_id)
        j = i + int(step)  # type: ignore[call-overload]
        if 0 <= j < len(ids):
            picks = list(self.picks)
            picks[i], picks[j] = picks[j], picks[i]
            self._save(picks)

    def edit_pick(self, pick_id: object, text: object) -> None:
        if type(text) is not str or not text.strip() or len(text) > 4000:
            return
        self._save(
            [Pick(p.id, text.strip(), p.source) if p.id == pick_id else p for p in self.picks]
        )

    def _save(self, picks: list[Pick]) -> None:
        self.store.set_picks(self.event_id, picks)
        self.picks = picks

    def picks_data(self) -> list[dict[str, str]]:
        """The main points for the browser: the source names the group by its alias."""
        out = []
        for p in self.picks:
            sid, _sep, rest = p.source.partition("/")
            source = f"{self.aliases[sid]}/{rest}" if sid in self.aliases and rest else ""
            out.append({"id": p.id, "text": p.text, "source": source})
        return out


def board_snapshot(
    store: Store, event_id: str, *, kit: Kit | None = None, language: str = "da"
) -> dict[str, Any]:
    """Everything the facilitator board of ``event_id`` shows, read fresh from the store: the
    groups and their phases, every answer, the questions, the themes, the evaluation and the
    main points (for timing the board without a browser: ``talkkit bench``)."""
    return BoardState(store, event_id, kit=kit, language=language).load()
