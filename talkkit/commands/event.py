"""``talkkit event``: events for seminars where many groups work on one kit at once.

``talkkit event create KIT_ID --name "..." [--base-url URL]``
``talkkit event followup-link EVENT [--kit NEXT_KIT] [--base-url URL]``: each group's link to
    follow up its take-aways (the kit starts with them; issue 22).
    makes an event and prints its join code, the facilitator secret (shown this once) and the
    links to hand out.
``talkkit event meeting EVENT URL``
    set the online meeting link of the joint gathering (``""`` clears it); also ``create
    --meeting-url``. Only groups that joined the event see it, in the joint gathering.
``talkkit event list [--kit KIT_ID]``
    the events with their join codes and how many groups joined.
``talkkit event report (EVENT [EVENT ...] | --kit KIT_ID) --format FORMAT --output FILE``
    the report of one event (several, or all of a kit: with the evaluation across them).
``talkkit event unlock EVENT``
    forget the failed board logins of an event (if someone guessed and locked it).
``talkkit event delete EVENT``
    delete an event with every group's answers.

Every subcommand takes ``--store URL`` (else ``$TALKKIT_STORE``, else the local file) and
``--lang da|sv|en`` for its messages.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from talkkit.commands.export import cli_language, refuse_kits_folder, store_url
from talkkit.paths import kits_dir
from talkkit.report.formats import FORMATS

if TYPE_CHECKING:  # the store is imported when a command runs, not for --help
    from talkkit.store import Store

__all__ = ["register", "run"]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("event", help="events: join codes for groups and a facilitator board")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)

    def common(q: argparse.ArgumentParser) -> None:
        q.add_argument("--store", help="store URL (default: $TALKKIT_STORE or the local file)")
        q.add_argument("--lang", help="language of messages and of the report: da, sv or en")

    create = actions.add_parser("create", help="make an event for a kit")
    create.add_argument("kit_id", metavar="KIT_ID", help="the kit the groups work on")
    create.add_argument("--name", required=True, help="the event's name, e.g. the day and place")
    create.add_argument("--base-url", default="", help="the server's address, for the links")
    create.add_argument(
        "--meeting-url",
        default="",
        help="the online meeting of the joint gathering (http or https); shown to joined groups",
    )
    common(create)

    meeting = actions.add_parser(
        "meeting", help="set or clear the online meeting link of an event's joint gathering"
    )
    meeting.add_argument("event_id", metavar="EVENT")
    meeting.add_argument(
        "url", metavar="URL", help='the meeting address (http or https); "" clears'
    )
    common(meeting)

    listing = actions.add_parser("list", help="list events")
    listing.add_argument("--kit", help="only events of this kit")
    common(listing)

    report = actions.add_parser("report", help="write an event report (HTML, DOCX or PDF)")
    report.add_argument("event_ids", metavar="EVENT", nargs="*", help="event id(s)")
    report.add_argument(
        "--kit", help="every event of this kit (with the evaluation across all of them)"
    )
    report.add_argument("--format", required=True, choices=sorted(FORMATS), help="file format")
    report.add_argument("--output", required=True, type=Path, help="the file to write")
    common(report)

    follow = actions.add_parser(
        "followup-link", help="each group's link to follow up its take-aways some weeks later"
    )
    follow.add_argument("event_id", metavar="EVENT")
    follow.add_argument("--kit", help="the kit the groups follow up in (default: the event's)")
    follow.add_argument("--base-url", default="", help="the server's address, for the links")
    common(follow)

    unlock = actions.add_parser(
        "unlock",
        help="forget failed board logins counted by older versions (failures now slow down "
        "only the page that made them: nothing to unlock)",
    )
    unlock.add_argument("event_id", metavar="EVENT")
    common(unlock)

    delete = actions.add_parser("delete", help="delete an event and all its groups' answers")
    delete.add_argument("event_id", metavar="EVENT")
    delete.add_argument("--yes", action="store_true", help="do not ask")
    common(delete)

    p.set_defaults(func=run)


def _kit_language(args: argparse.Namespace) -> str | None:
    from talkkit.kit import find_kit

    kit = find_kit(args.kit_id) if getattr(args, "kit_id", None) else None
    return kit.main_language if kit is not None else None


def run(args: argparse.Namespace) -> int:
    # imported here: `talkkit --help` stays light (tests/test_cli_light.py)
    from talkkit.i18n import translator
    from talkkit.store import StoreError, open_store

    lang = cli_language(args.lang, _kit_language(args))
    _ = translator(lang, "events")
    try:
        with open_store(store_url(args.store)) as store:
            return _ACTIONS[args.action](store, args, lang)
    except StoreError as exc:
        print(_("The store could not be read: {error}", error=str(exc)), file=sys.stderr)
        return 1


def _create(store: Store, args: argparse.Namespace, lang: str) -> int:
    from talkkit.events.codes import create_event, event_links, format_code
    from talkkit.i18n import translator
    from talkkit.kit import find_kit

    _ = translator(lang, "events")
    kit = find_kit(args.kit_id)
    if kit is None:
        print(
            _("No kit with the id {kit} in {folder}.", kit=args.kit_id, folder=str(kits_dir())),
            file=sys.stderr,
        )
        return 2
    if not args.name.strip():
        print(_("The event needs a name."), file=sys.stderr)
        return 2
    try:
        event, secret = create_event(
            store, kit.id, args.name, args.lang or kit.main_language, args.meeting_url
        )
    except ValueError:
        print(_bad_url(_, args.meeting_url), file=sys.stderr)
        return 2
    links = event_links(event, args.base_url)
    print(_("Event {id} created: {name}", id=event.id, name=event.name))
    print()
    print(_("Join code for the groups: {code}", code=format_code(event.code)))
    print(_("Link for the groups: {url}", url=links["kit"]))
    print()
    print(_("Facilitator board: {url}", url=links["board"]))
    print(_("Facilitator secret (shown only now; keep it safe): {secret}", secret=secret))
    if event.meeting_url:
        print(_("Online meeting of the joint gathering: {url}", url=event.meeting_url))
    return 0


def _bad_url(_: Callable[..., str], url: str) -> str:
    return _(
        "{url} is not a meeting address: give the whole address, starting with https:// "
        "(or http://), without spaces.",
        url=repr(url)[:200],
    )


def _meeting(store: Store, args: argparse.Namespace, lang: str) -> int:
    from talkkit.i18n import translator

    _ = translator(lang, "events")
    try:
        event = store.set_meeting_url(args.event_id, args.url)
    except ValueError:
        print(_bad_url(_, args.url), file=sys.stderr)
        return 2
    if event is None:
        print(_("No such event: {id}", id=args.event_id), file=sys.stderr)
        return 1
    if event.meeting_url:
        print(_("Online meeting of the joint gathering: {url}", url=event.meeting_url))
    else:
        print(_("The event has no online meeting link now."))
    return 0


def _list(store: Store, args: argparse.Namespace, lang: str) -> int:
    from talkkit.events.codes import format_code
    from talkkit.i18n import translator

    _ = translator(lang, "events")
    found = store.list_events(kit_id=args.kit)
    if not found:
        print(_("No events."))
        return 0
    for event in found:
        groups = len(store.list_sessions(event_id=event.id))
        print(
            f"{event.id}\t{format_code(event.code)}\t{event.kit_id}\t"
            f"{event.created_at.date().isoformat()}\t"
            + _("{n} groups", n=groups)
            + f"\t{event.name}"
        )
    return 0


def _followup_links(store: Store, args: argparse.Namespace, lang: str) -> int:
    from talkkit.i18n import translator
    from talkkit.kit import find_kit

    _ = translator(lang, "events")
    event = store.get_event(args.event_id)
    if event is None:
        print(_("No such event: {id}", id=args.event_id), file=sys.stderr)
        return 1
    kit_id = args.kit or event.kit_id
    if find_kit(kit_id) is None:
        print(
            _("No kit with the id {kit} in {folder}.", kit=kit_id, folder=str(kits_dir())),
            file=sys.stderr,
        )
        return 1
    sessions = store.list_sessions(event_id=event.id)
    if not sessions:
        print(_("No group joined."))
        return 0
    base = args.base_url.rstrip("/")
    print(_("Give each group its own link: it opens the kit with the group's take-aways."))
    for n, s in enumerate(sessions, 1):
        name = s.group_name or _("Group {n}", n=n)
        where = f" ({s.municipality})" if s.municipality else ""
        link = f"{base}/voila/render/{kit_id}/kit.ipynb?session={s.id}&followup=1"
        print(f"{name}{where}\t{link}")
    return 0


def _report(store: Store, args: argparse.Namespace, lang: str) -> int:
    from talkkit.i18n import translator
    from talkkit.report.model import build_report

    _ = translator(lang, "events")
    if refuse_kits_folder(args.output, _):
        return 2
    event_ids = list(args.event_ids)
    if args.kit:
        event_ids += [e.id for e in store.list_events(kit_id=args.kit) if e.id not in event_ids]
    try:
        built = build_report(store, event_ids, args.lang)
    except ValueError:
        print(_("No such event: {id}", id=", ".join(event_ids) or "-"), file=sys.stderr)
        return 1
    from talkkit.commands.report import write_report

    return write_report(lambda: FORMATS[args.format].render(built), args.output, _)


def _unlock(store: Store, args: argparse.Namespace, lang: str) -> int:
    from talkkit.i18n import translator

    _ = translator(lang, "events")
    if store.get_event(args.event_id) is None:
        print(_("No such event: {id}", id=args.event_id), file=sys.stderr)
        return 1
    store.clear_failures(f"board:{args.event_id}")
    print(_("Failed logins of {id} forgotten.", id=args.event_id))
    return 0


def _delete(store: Store, args: argparse.Namespace, lang: str) -> int:
    from talkkit.i18n import translator

    _ = translator(lang, "events")
    event = store.get_event(args.event_id)
    if event is None:
        print(_("No such event: {id}", id=args.event_id), file=sys.stderr)
        return 1
    if not args.yes:
        print(
            _("Add --yes to delete {name} and every group's answers.", name=event.name),
            file=sys.stderr,
        )
        return 2
    n = store.delete_event(event.id)
    print(_("Deleted {name} and {n} group(s).", name=event.name, n=n))
    if not store.reclaim():  # the deleted text out of the store's files, as `talkkit purge`
        print(
            _("The deleted text may still be in the store's files: run the purge again later."),
            file=sys.stderr,
        )
        return 1
    return 0


_ACTIONS = {
    "create": _create,
    "list": _list,
    "report": _report,
    "unlock": _unlock,
    "delete": _delete,
    "meeting": _meeting,
    "followup-link": _followup_links,
}
