"""``talkkit purge``: delete the groups' answers of an event, of one group, or before a date.

``talkkit purge (--event ID | --series ID | --session ID | --before YYYY-MM-DD) [--store URL] [--yes]``

Asks for confirmation unless ``--yes``; prints how many sessions were deleted. ``--before``
deletes sessions last changed before local midnight of that day. ``--event`` deletes the event
too (its name, join code and the main points picked on its board); ``--series`` deletes the
series too (its team name, code and steps) with every session of its steps. Afterwards the deleted text
is made unreadable in the store's files (:meth:`talkkit.store.Store.reclaim`: SQLite zeroes it
and empties its WAL while the server runs; PostgreSQL runs ``VACUUM FULL``).
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import TYPE_CHECKING

from talkkit.commands.export import cli_language, store_url

if TYPE_CHECKING:
    from talkkit.store import Store

__all__ = ["parse_day", "register", "run"]

_YES = {"y", "yes", "j", "ja"}


def parse_day(text: str) -> datetime:
    """``YYYY-MM-DD`` as local midnight (an argparse type)."""
    try:
        return datetime.strptime(text, "%Y-%m-%d")
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from exc


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("purge", help="delete answers of an event, a group or before a date")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--event", help="every group of this event")
    which.add_argument("--series", help="a team's series with every session of its steps")
    which.add_argument("--session", help="one group's session id")
    which.add_argument("--before", type=parse_day, help="sessions last changed before this day")
    p.add_argument("--store", help="store URL (default: $TALKKIT_STORE or the local file)")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.add_argument("--lang", help="language of messages: da, sv or en")
    p.set_defaults(func=run)


def _matching(store: Store, args: argparse.Namespace) -> int:
    from talkkit.store.values import utc

    if args.session:
        return 1 if store.get_session(args.session) else 0
    if args.series:  # a series whose team opened no kit yet is still there to delete
        found = store.get_series(args.series) is not None
        return max(len(store.series_sessions(args.series)), int(found))
    if args.event:  # an event without sessions is still there to delete
        found = store.get_event(args.event) is not None
        return max(len(store.list_sessions(event_id=args.event)), int(found))
    cutoff = utc(args.before)
    return sum(1 for s in store.list_sessions() if s.updated_at < cutoff)


def run(args: argparse.Namespace) -> int:
    # imported here: `talkkit --help` stays light (tests/test_cli_light.py)
    from talkkit.i18n import translator
    from talkkit.store import StoreError, open_store

    _ = translator(cli_language(args.lang))
    try:
        with open_store(store_url(args.store)) as store:
            count = _matching(store, args)
            if count == 0:
                print(_("No sessions match."))
                return 0
            if not args.yes:
                question = _(
                    "Delete {n} session(s) and all their answers? This cannot be undone. [y/N] ",
                    n=count,
                )
                try:
                    reply = input(question)
                except EOFError:
                    reply = ""
                if reply.strip().lower() not in _YES:
                    print(_("Nothing was deleted."))
                    return 1
            if args.series:  # the series itself too: its team name, code and steps
                deleted = store.delete_series(args.series)
            elif args.event:  # the event itself too: its name, code, picked main points
                deleted = store.delete_event(args.event)
            else:
                deleted = store.purge(before=args.before, session_id=args.session)
            reclaimed = store.reclaim()
    except StoreError as exc:
        print(_("The store could not be read: {error}", error=str(exc)), file=sys.stderr)
        return 1
    print(_("Deleted {n} session(s).", n=deleted))
    if not reclaimed:
        print(
            _("The deleted text may still be in the store's files: run the purge again later."),
            file=sys.stderr,
        )
        return 1
    return 0
