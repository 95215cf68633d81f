"""``talkkit report``: the trend report over a period, for the Forum (issue 22).

``talkkit report --from 2026-01-01 --to 2026-06-30 [--kit KIT | --topic TOPIC |
--municipality NAME] --format html|docx|pdf --output FILE [--lang da|sv|en]``

The events created in the period (dates inclusive), optionally of one kit, of the kits of one
topic, or only the groups of one municipality: counts, the evaluation over time as charts,
recurring themes and the follow-up of take-aways, as totals only (no figure for fewer than
five groups). ``--store URL`` as every command (else ``$TALKKIT_STORE``, else the local file).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from talkkit.commands.export import cli_language, refuse_kits_folder, store_url, write_private
from talkkit.paths import kits_dir
from talkkit.report.formats import FORMATS

if TYPE_CHECKING:
    from collections.abc import Callable

    from talkkit.store import Store

__all__ = ["register", "run", "write_report"]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "report", help="the trend report over a period (HTML, DOCX or PDF), totals only"
    )
    p.add_argument(
        "--from", dest="start", required=True, metavar="DATE", help="first day, YYYY-MM-DD"
    )
    p.add_argument("--to", dest="end", required=True, metavar="DATE", help="last day, YYYY-MM-DD")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--kit", help="only the events of this kit")
    which.add_argument("--topic", help="only the events of the kits of this topic")
    which.add_argument("--municipality", help="only the groups of this municipality")
    p.add_argument("--format", required=True, choices=sorted(FORMATS), help="file format")
    p.add_argument("--output", required=True, type=Path, help="the file to write")
    p.add_argument("--store", help="store URL (default: $TALKKIT_STORE or the local file)")
    p.add_argument("--lang", help="language of the report and of messages: da, sv or en")
    p.set_defaults(func=run)


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def run(args: argparse.Namespace) -> int:
    # imported here: `talkkit --help` stays light (tests/test_cli_light.py)
    from talkkit.i18n import translator
    from talkkit.store import StoreError, open_store

    lang = cli_language(args.lang)
    _ = translator(lang, "events")
    start, end = _date(args.start), _date(args.end)
    for value, parsed in ((args.start, start), (args.end, end)):
        if parsed is None:
            print(
                _(
                    "{value} is not a date: write it as year-month-day, e.g. 2026-01-31.",
                    value=repr(value)[:60],
                ),
                file=sys.stderr,
            )
            return 2
    assert start is not None and end is not None
    if start > end:
        print(
            _(
                "The period ends before it starts: {start} is after {end}.",
                start=start.isoformat(),
                end=end.isoformat(),
            ),
            file=sys.stderr,
        )
        return 2
    if refuse_kits_folder(args.output, _):
        return 2
    try:
        with open_store(store_url(args.store)) as store:
            return _report(store, args, lang, start, end, _)
    except StoreError as exc:
        print(_("The store could not be read: {error}", error=str(exc)), file=sys.stderr)
        return 1


def _report(
    store: Store,
    args: argparse.Namespace,
    lang: str,
    start: date,
    end: date,
    _: Callable[..., str],
) -> int:
    from talkkit.kit import find_kit
    from talkkit.kit.catalogue import kits_by_topic
    from talkkit.report.trend import TrendQuery, build_trend

    if args.kit and find_kit(args.kit) is None and not store.list_events(kit_id=args.kit):
        print(
            _("No kit with the id {kit} in {folder}.", kit=args.kit, folder=str(kits_dir())),
            file=sys.stderr,
        )
        return 2
    if args.topic is not None:
        known = kits_by_topic()
        if args.topic not in known:
            print(
                _(
                    "No kit has the topic {topic}. The topics are: {topics}.",
                    topic=repr(args.topic)[:80],
                    topics=", ".join(sorted(known)) or "-",
                ),
                file=sys.stderr,
            )
            return 2
    if args.municipality is not None and not args.municipality.strip():
        print(_("Give the municipality's name."), file=sys.stderr)
        return 2
    query = TrendQuery(start, end, args.kit, args.topic, args.municipality)
    try:
        built = build_trend(store, query, lang)
    except ValueError:
        print(
            _(
                "No group took part in an event from {start} to {end} (with what you chose): "
                "there is nothing to report.",
                start=start.isoformat(),
                end=end.isoformat(),
            ),
            file=sys.stderr,
        )
        return 1
    return write_report(lambda: FORMATS[args.format].render_trend(built), args.output, _)


def write_report(render: Callable[[], bytes], output: Path, _: Callable[..., str]) -> int:
    """Render a report (trend or event report) and write it to ``output``; the exit code. A PDF
    without WeasyPrint says how to get it."""
    from talkkit.report.pdf import PdfUnavailable

    try:
        data = render()
    except PdfUnavailable:
        print(
            _(
                "Writing PDF needs WeasyPrint, which is not installed here: "
                "pip install 'talkkit[pdf]' (or write --format html or docx)."
            ),
            file=sys.stderr,
        )
        return 1
    write_private(output, data)
    print(_("Report written to {path}.", path=str(output)))
    return 0
