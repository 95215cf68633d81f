"""``talkkit series``: a series of kits for one team (issue 22, "Lokalt Læringsløft").

``talkkit series create --team NAME --kit KIT --date YYYY-MM-DD [--kit KIT --date ...]``
    makes the series (kits in this order, each with its planned date) and prints the team's
    link and code and the leader's secret (shown this once; only its hash is stored).
``talkkit series list``
    every series with its code and how far the team is.
``talkkit series show ID``
    the steps: kit, planned date, done / next / planned, take-aways and their follow-up.
``talkkit series link ID``
    the team's link and code again (the secret cannot be shown again).

Every subcommand takes ``--store URL`` (else ``$TALKKIT_STORE``, else the local file),
``--base-url URL`` where it prints links, and ``--lang da|sv|en`` for its messages (``create``:
also the language of the team's page; default: the first kit's language). ``talkkit purge --series ID`` deletes a series.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from talkkit.commands.export import cli_language, store_url

if TYPE_CHECKING:  # the store is imported when a command runs, not for --help
    from talkkit.store import Store

__all__ = ["register", "run"]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("series", help="a series of kits for one team, with planned dates")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)

    def common(
        q: argparse.ArgumentParser,
        links: bool = False,
        lang_help: str = "language of messages: da, sv or en",
    ) -> None:
        q.add_argument("--store", help="store URL (default: $TALKKIT_STORE or the local file)")
        q.add_argument("--lang", help=lang_help)
        if links:
            q.add_argument("--base-url", default="", help="the server's address, for the links")

    create = actions.add_parser("create", help="make a series for a team")
    create.add_argument("--team", required=True, help="the team's name, e.g. the workplace")
    create.add_argument(
        "--kit", action="append", default=[], metavar="KIT_ID", help="a kit (repeat, in order)"
    )
    create.add_argument(
        "--date",
        action="append",
        default=[],
        metavar="YYYY-MM-DD",
        help="the planned date of the --kit before it (one per kit)",
    )
    common(
        create,
        links=True,
        lang_help="language of the team's page and of messages: da, sv or en "
        "(default: the first kit's)",
    )

    listing = actions.add_parser("list", help="list the series")
    common(listing)

    show = actions.add_parser("show", help="a series' steps, take-aways and follow-up")
    show.add_argument("series_id", metavar="ID")
    common(show)

    link = actions.add_parser("link", help="the team's link and code again")
    link.add_argument("series_id", metavar="ID")
    common(link, links=True)

    p.set_defaults(func=run)


def _kit_language(args: argparse.Namespace) -> str | None:
    """The main language of the series' first kit (``create``): the team's page speaks it
    unless ``--lang`` says otherwise, as ``talkkit event`` speaks its kit's."""
    from talkkit.kit import find_kit

    kits = getattr(args, "kit", None) or []
    kit = find_kit(kits[0]) if kits else None
    return kit.main_language if kit is not None else None


def run(args: argparse.Namespace) -> int:
    # imported here: `talkkit --help` stays light (tests/test_cli_light.py)
    import talkkit.series  # noqa: F401  # registers the "series" catalogue
    from talkkit.i18n import translator
    from talkkit.store import StoreError, open_store

    lang = cli_language(args.lang, _kit_language(args))
    _ = translator(lang, "series")
    try:
        with open_store(store_url(args.store)) as store:
            return _ACTIONS[args.action](store, args, lang)
    except StoreError as exc:
        print(_("The store could not be read: {error}", error=str(exc)), file=sys.stderr)
        return 1


def _create(store: Store, args: argparse.Namespace, lang: str) -> int:
    from talkkit.events.codes import format_code
    from talkkit.i18n import translator
    from talkkit.kit import find_kit, find_kits
    from talkkit.paths import kits_dir
    from talkkit.series.setup import SeriesInputError, create_series, parse_plan, series_links

    _ = translator(lang, "series")
    choices = [folder.name for folder in find_kits(kits_dir())]
    try:
        steps = parse_plan(
            args.team, args.kit, args.date, lambda kit: find_kit(kit) is not None, choices
        )
    except SeriesInputError as exc:
        print(exc.message(lang), file=sys.stderr)
        return 2
    series, secret = create_series(
        store, args.team, steps, args.lang or _kit_language(args) or lang
    )
    links = series_links(series, args.base_url)
    print(
        _("Series {id} created for {team}: {n} kits.", id=series.id, team=series.team, n=len(steps))
    )
    print()
    print(_("The team's code: {code}", code=format_code(series.code)))
    print(_("The team's page: {url}", url=links["team"]))
    print()
    print(_("Leader's overview: {url}", url=links["overview"]))
    print(_("Leader's secret (shown only now; keep it safe): {secret}", secret=secret))
    return 0


def _series(store: Store, args: argparse.Namespace, lang: str) -> object:
    from talkkit.i18n import translator

    series = store.get_series(args.series_id)
    if series is None:
        _ = translator(lang, "series")
        print(_("No such series: {id}", id=args.series_id[:80]), file=sys.stderr)
    return series


def _list(store: Store, args: argparse.Namespace, lang: str) -> int:
    from talkkit.events.codes import format_code
    from talkkit.i18n import translator
    from talkkit.series.progress import progress

    _ = translator(lang, "series")
    found = store.list_series()
    if not found:
        print(_("No series."))
        return 0
    for series in found:
        way = progress(store, series, lang)
        print(
            f"{series.id}\t{format_code(series.code)}\t{series.created_at.date().isoformat()}\t"
            + _("{done} of {total} kits done", done=way.done, total=len(way.steps))
            + f"\t{series.team}"
        )
    return 0


def _show(store: Store, args: argparse.Namespace, lang: str) -> int:
    from talkkit.export.followup import status_label
    from talkkit.i18n import translator
    from talkkit.series.progress import progress
    from talkkit.store.series import Series

    _ = translator(lang, "series")
    series = _series(store, args, lang)
    if not isinstance(series, Series):
        return 1
    way = progress(store, series, lang)
    states = {"done": _("Done"), "next": _("Next"), "planned": _("Planned")}
    print(
        _(
            "{team}: {done} of {total} kits done.",
            team=series.team,
            done=way.done,
            total=len(way.steps),
        )
    )
    for step in way.steps:
        mean = (
            ""
            if step.rating_mean is None
            else "\t" + _("average rating {mean}", mean=step.rating_mean)
        )
        print(
            f"{step.position}. {step.planned.isoformat()}\t{states[step.state]}\t{step.title}{mean}"
        )
        for c in step.commitments:
            status = status_label(c.status, lang) if c.status else _("Not followed up yet")
            print(
                f"   - {c.what} ({c.who}, {c.when}): {status}" + (f": {c.note}" if c.note else "")
            )
    return 0


def _link(store: Store, args: argparse.Namespace, lang: str) -> int:
    from talkkit.events.codes import format_code
    from talkkit.i18n import translator
    from talkkit.series.setup import series_links
    from talkkit.store.series import Series

    _ = translator(lang, "series")
    series = _series(store, args, lang)
    if not isinstance(series, Series):
        return 1
    links = series_links(series, args.base_url)
    print(_("The team's code: {code}", code=format_code(series.code)))
    print(_("The team's page: {url}", url=links["team"]))
    print(_("Leader's overview: {url}", url=links["overview"]))
    return 0


_ACTIONS = {"create": _create, "list": _list, "show": _show, "link": _link}
