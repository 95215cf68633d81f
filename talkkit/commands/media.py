"""``talkkit media [KIT...]``: make the demo talks' video, captions and poster from scripts.

It never replaces a file it did not make (see :mod:`talkkit.stamps`): a talk whose video,
captions or poster is the author's own is skipped with a warning in the kit's language.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from talkkit.paths import kits_dir

if TYPE_CHECKING:
    from talkkit.kit import Kit


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("media", help="make demo talk videos and captions from their scripts")
    p.add_argument("kits", nargs="*", type=Path, help="kit folders (default: every kit)")
    p.add_argument("--force", action="store_true", help="make them again even if they exist")
    p.add_argument("--lang", help="language of messages: da, sv or en (default: the kit's)")
    p.set_defaults(func=run)


@dataclass
class MediaRun:
    """What one kit's run made, and the author's files it left alone (relative paths)."""

    made: list[str] = field(default_factory=list)
    kept: list[tuple[str, list[str]]] = field(default_factory=list)  # (talk id, files)


def _fingerprint(kit: Kit, inputs: dict[str, Any]) -> str:
    """What a generated file is made from: when any of it changes, the file is made again."""
    files = [inputs["script"], *sorted((inputs.get("translations") or {}).values())]
    digest = hashlib.sha256(json.dumps(inputs, sort_keys=True).encode())
    for rel in files:
        digest.update(kit.media_path(rel).read_bytes())
    return digest.hexdigest()


def _up_to_date(stamp: Path, fingerprint: str, *outputs: Path) -> bool:
    from talkkit.authoring.stamps import read_stamp

    recorded = read_stamp(stamp)
    return (
        all(p.exists() for p in outputs)
        and recorded is not None
        and (recorded.fingerprint == fingerprint)
    )


def build_kit_media(folder: Path, force: bool = False) -> MediaRun:
    """Make every generated talk (and the kit's poster) whose inputs changed since last time,
    leaving alone every talk whose files are the author's own."""
    # imported here, not at the top: `talkkit --help` stays light (tests/test_cli_light.py)
    from talkkit.authoring.media import make_talk_media, make_title_card
    from talkkit.authoring.stamps import (
        authors_files,
        foreign_files,
        read_stamp,
        stamp_path,
        talk_files,
        write_stamp,
    )
    from talkkit.kit import load_kit, localize

    kit = load_kit(folder)
    run = MediaRun()
    for talk in kit.talks:
        if not talk.generate or not talk.video:
            continue
        lang = talk.generate["language"]
        inputs = {
            "script": talk.generate["script"],
            "language": lang,
            "title": localize(talk.title, lang, kit.languages),
            "subtitle": f"{talk.speaker} · {localize(talk.role, lang, kit.languages)}",
            "voice": talk.generate.get("voice"),
            "speed": talk.generate.get("speed", 165),
            "translations": talk.generate.get("translations") or {},
        }
        video = kit.media_path(talk.video)
        stamp = stamp_path(video)
        kept = authors_files(kit, talk)
        if kept:
            run.kept.append((talk.id, kept))
            continue
        fingerprint = _fingerprint(kit, inputs)
        if not force and _up_to_date(stamp, fingerprint, video):
            current = read_stamp(stamp)  # there is one: it is up to date
            if current is not None and current.made is None:
                write_stamp(stamp, fingerprint, talk_files(kit, talk))  # record the hashes now
            continue
        result = make_talk_media(
            kit.folder,
            script=inputs["script"],
            language=lang,
            video=talk.video,
            title=inputs["title"],
            subtitle=inputs["subtitle"],
            poster=talk.poster,
            voice=inputs["voice"],
            speed=inputs["speed"],
            translations=inputs["translations"],
        )
        write_stamp(stamp, fingerprint, talk_files(kit, talk))
        run.made.append(f"{talk.video}: {result.duration:.1f} s")
    if kit.poster:
        lang = kit.main_language
        title = localize(kit.title, lang, kit.languages)
        poster = kit.media_path(kit.poster)
        stamp = stamp_path(poster)
        fingerprint = hashlib.sha256(f"{title}|Social Talks".encode()).hexdigest()
        if foreign_files(stamp, [poster]):
            run.kept.append(("poster", [kit.poster]))
        elif force or not _up_to_date(stamp, fingerprint, poster):
            make_title_card(poster, title, "Social Talks")
            write_stamp(stamp, fingerprint, [poster])
            run.made.append(f"{kit.poster}: poster")
    return run


def _kit_language(folder: Path) -> str | None:
    from talkkit.kit import KitLoadError, load_kit

    try:
        return load_kit(folder).main_language
    except KitLoadError:
        return None


def run(args: argparse.Namespace) -> int:
    from talkkit.authoring.media import MediaError
    from talkkit.commands.export import cli_language
    from talkkit.i18n import translator
    from talkkit.kit import KitLoadError, find_kits

    folders = [Path(k) for k in args.kits] or find_kits(kits_dir())
    status = 0
    for folder in folders:
        _ = translator(cli_language(args.lang, _kit_language(folder)))
        try:
            result = build_kit_media(folder, force=args.force)
        except (KitLoadError, MediaError) as exc:
            print(f"{folder}: {exc}")
            status = 1
            continue
        for line in result.made:
            print(_("{kit}: made {what}", kit=folder, what=line))
        for talk_id, files in result.kept:
            status = 1
            print(
                _(
                    "{kit}: WARNING: {files} is not a file talkkit made, so nothing was made for "
                    "'{talk}' and your file is untouched. To use your own recording, remove the "
                    "talk's 'generate:' block in kit.yaml; to have a demo talk made, give it "
                    "another file name.",
                    kit=folder,
                    files=", ".join(files),
                    talk=talk_id,
                )
            )
    return status
