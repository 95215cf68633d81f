"""``talkkit media [KIT...]``: make the demo talks' video, captions and poster from scripts."""

from __future__ import annotations

import argparse
from pathlib import Path

from talkkit.kit import KitLoadError, find_kits, load_kit, localize
from talkkit.media import MediaError, make_poster, make_talk_media
from talkkit.paths import kits_dir


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("media", help="make demo talk videos and captions from their scripts")
    p.add_argument("kits", nargs="*", type=Path, help="kit folders (default: every kit)")
    p.add_argument("--force", action="store_true", help="make them again even if they exist")
    p.set_defaults(func=run)


def build_kit_media(folder: Path, force: bool = False) -> list[str]:
    """Make every generated talk of a kit whose media is missing or older than its script."""
    kit = load_kit(folder)
    done = []
    for talk in kit.talks:
        if not talk.generate or not talk.video:
            continue
        video = kit.media_path(talk.video)
        script = kit.media_path(talk.generate["script"])
        if video.exists() and not force and video.stat().st_mtime >= script.stat().st_mtime:
            continue
        lang = talk.generate["language"]
        result = make_talk_media(
            kit.folder,
            script=talk.generate["script"],
            language=lang,
            video=talk.video,
            title=localize(talk.title, lang, kit.languages),
            subtitle=f"{talk.speaker} · {localize(talk.role, lang, kit.languages)}",
            poster=talk.poster,
            voice=talk.generate.get("voice"),
            speed=talk.generate.get("speed", 165),
        )
        done.append(f"{talk.video}: {result.duration:.1f} s")
    first = kit.talks[0]
    poster = kit.media_path(kit.poster) if kit.poster else None
    if poster and (force or not poster.exists()) and first.video:
        video = kit.media_path(first.video)
        if video.exists():
            make_poster(video, poster)
            done.append(f"{kit.poster}: poster")
    return done


def run(args: argparse.Namespace) -> int:
    folders = [Path(k) for k in args.kits] or find_kits(kits_dir())
    status = 0
    for folder in folders:
        try:
            for line in build_kit_media(folder, force=args.force):
                print(f"{folder}: made {line}")
        except (KitLoadError, MediaError) as exc:
            print(f"{folder}: {exc}")
            status = 1
    return status
