"""``talkkit export``: write the answers of one group or of a whole event to a file.

``talkkit export (--event ID | --session ID) [--kit KIT_ID] --format csv|xlsx|md|docx|json
--output FILE [--store URL] [--lang da|sv|en]``

The store is ``--store``, else ``$TALKKIT_STORE``, else the embedded default. Messages are in
``--lang``, else ``$TALKKIT_LANG``/``$LANG``. The output may not be inside the kits folder,
which Voilà serves to anyone who can reach it.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from talkkit.export import EXPORTERS
from talkkit.paths import kits_dir

if TYPE_CHECKING:
    from talkkit.kit import Kit
    from talkkit.store import Session

__all__ = ["cli_language", "register", "run", "store_url"]


def cli_language(value: str | None = None, kit_language: str | None = None) -> str:
    """The language of command messages: ``value`` (``--lang``), ``$TALKKIT_LANG``, the
    language of the kit the command works on, ``$LANG``, else en.

    The kit's language comes before ``$LANG``: a Danish kit's author reads Danish answers even
    on a machine set up in English (many are), unless they ask for another language.
    """
    from talkkit.i18n import normalise_language

    env = os.environ
    for candidate in (value, env.get("TALKKIT_LANG"), kit_language, env.get("LANG")):
        if candidate:
            code = normalise_language(candidate, default="")
            if code:
                return code
    return "en"


def store_url(value: str | None) -> str | None:
    """``--store``, else ``$TALKKIT_STORE``, else ``None`` (the embedded default)."""
    return value or os.environ.get("TALKKIT_STORE") or None


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("export", help="export the answers of a group or of a whole event")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--event", help="every group of this event")
    which.add_argument("--session", help="one group's session id")
    p.add_argument("--kit", help="only sessions of this kit id")
    p.add_argument("--format", required=True, choices=sorted(EXPORTERS), help="file format")
    p.add_argument("--output", required=True, type=Path, help="the file to write")
    p.add_argument("--store", help="store URL (default: $TALKKIT_STORE or the local file)")
    p.add_argument("--lang", help="language of labels and messages: da, sv or en")
    p.set_defaults(func=run)


def _kits() -> dict[str, Kit]:
    from talkkit.kit import KitLoadError, find_kits, load_kit

    kits: dict[str, Kit] = {}
    for folder in find_kits(kits_dir()):
        try:
            kit = load_kit(folder)
        except KitLoadError:
            continue
        kits.setdefault(kit.id, kit)
    return kits


def stub_kit(kit_id: str, language: str) -> Kit:
    """A kit with no agenda, for sessions whose kit is gone: every answer is still exported
    (under "Other answers")."""
    from talkkit.kit import Kit

    return Kit(
        folder=Path(),
        id=kit_id,
        title=kit_id,
        topic=kit_id,
        summary="",
        languages=(language,),
        format="",
        talks=(),
        agenda=(),
    )


def refuse_kits_folder(output: Path, _: Any) -> bool:
    """Whether ``output`` lies inside the kits folder, which is served to the web (then says
    so: a group's answers or a report must never be written there)."""
    try:
        output.resolve().relative_to(kits_dir().resolve())
    except ValueError:
        return False
    print(
        _(
            "Refusing to write inside the kits folder ({folder}): it is served to the web.",
            folder=str(kits_dir()),
        ),
        file=sys.stderr,
    )
    return True


def write_private(output: Path, data: bytes) -> None:
    """Write ``data`` to ``output``, readable by its owner only (it holds the groups' text)."""
    output.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def run(args: argparse.Namespace) -> int:
    # imported here: `talkkit --help` stays light (tests/test_cli_light.py)
    from talkkit.i18n import translator
    from talkkit.store import StoreError, open_store

    lang = cli_language(args.lang)
    _ = translator(lang)
    output: Path = args.output
    if refuse_kits_folder(output, _):
        return 2
    try:
        with open_store(store_url(args.store)) as store:
            if args.session:
                found = store.get_session(args.session)
                sessions = [found] if found else []
            else:
                sessions = store.list_sessions(event_id=args.event)
            sessions = [s for s in sessions if s and (not args.kit or s.kit_id == args.kit)]
            if not sessions:
                print(_("No sessions match."), file=sys.stderr)
                return 1
            docs = _docs(store, sessions, args.lang, _)
    except StoreError as exc:
        print(_("The store could not be read: {error}", error=str(exc)), file=sys.stderr)
        return 1
    write_private(output, EXPORTERS[args.format].export(docs))
    print(_("Exported {n} group(s) to {path}.", n=len(docs), path=str(output)))
    return 0


def _docs(store: Any, sessions: list[Session], lang: str | None, _: Any) -> list[Any]:
    from talkkit.export import build_export_doc
    from talkkit.i18n import normalise_language

    kits = _kits()
    docs = []
    for session in sessions:
        language = normalise_language(lang or session.language)
        kit = kits.get(session.kit_id)
        if kit is None:
            print(
                _("Kit {kit} not found: its answers are exported without the prompt texts.").format(
                    kit=session.kit_id
                ),
                file=sys.stderr,
            )
            kit = stub_kit(session.kit_id, language)
            kits[session.kit_id] = kit
        docs.append(build_export_doc(kit, session, store.load_answers(session.id), language))
    return docs
