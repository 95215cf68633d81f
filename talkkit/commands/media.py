"""``talkkit media [KIT...]``: make the demo talks' video, captions and poster from scripts."""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

from talkkit.paths import kits_dir

if TYPE_CHECKING:
    from talkkit.kit import Kit


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("media", help="make demo talk videos and captions from their scripts")
    p.add_argument("kits", nargs="*", type=Path, help="kit folders (default: every kit)")
    p.add_argument("--force", action="store_true", help="make them again even if they exist")
    p.set_defaults(func=run)


def _fingerprint(kit: Kit, inputs: dict) -> str:
    """What a generated file is made from: when any of it changes, the file is made again."""
    files = [inputs["script"], *sorted((inputs.get("translations") or {}).values())]
    digest = hashlib.sha256(json.dumps(inputs, sort_keys=True).encode())
    for rel in files:
        digest.update(kit.media_path(rel).read_bytes())
    return digest.hexdigest()


def _up_to_date(stamp: Path, fingerprint: str, *outputs: Path) -> bool:
    return all(p.exists() for p in outputs) and stamp.exists() and stamp.read_text() == fingerprint


def build_kit_media(folder: Path, force: bool = False) -> list[str]:
    """Make every generated talk (and the kit's poster) whose inputs changed since last time."""
    from talkkit.authoring.media import make_talk_media, make_title_card
    from talkkit.kit import load_kit, localize

    kit = load_kit(folder)
    done = []
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
        stamp = video.with_suffix(".stamp")
        fingerprint = _fingerprint(kit, inputs)
        if not force and _up_to_date(stamp, fingerprint, video):
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
        stamp.write_text(fingerprint)
        done.append(f"{talk.video}: {result.duration:.1f} s")
    if kit.poster:
        lang = kit.main_language
        title = localize(kit.title, lang, kit.languages)
        poster = kit.media_path(kit.poster)
        stamp = poster.with_suffix(".stamp")
        fingerprint = hashlib.sha256(f"{title}|Social Talks".encode()).hexdigest()
        if force or not _up_to_date(stamp, fingerprint, poster):
            make_title_card(poster, title, "Social Talks")
            stamp.write_text(fingerprint)
            done.append(f"{kit.poster}: poster")
    return done


def run(args: argparse.Namespace) -> int:
    # imported here: `talkkit --help` stays light (tests/test_cli_light.py)
    from talkkit.authoring.media import MediaError
    from talkkit.kit import KitLoadError, find_kits

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
