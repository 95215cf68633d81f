"""What ``talkkit media`` made: a stamp beside each generated file set, so nothing else is replaced.

A stamp (``media/talk1.stamp`` beside ``media/talk1.webm``) records what the files were made
from (a fingerprint of the script and settings) and the SHA-256 of every file written. A file
that exists and is not recorded with its current content is the author's: ``talkkit media``
leaves it alone and ``talkkit check`` reports the clash. Stamps written before the hashes were
recorded hold only the fingerprint; their files are taken as made here unless changed after the
stamp was written.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from talkkit.authoring.media import caption_path, chapters_path

if TYPE_CHECKING:
    from talkkit.kit import Kit, Talk

__all__ = [
    "Stamp",
    "authors_files",
    "foreign_files",
    "generated_files",
    "read_stamp",
    "stamp_path",
    "talk_files",
    "write_stamp",
]


@dataclass(frozen=True)
class Stamp:
    """A stamp's content: the inputs' fingerprint and, when recorded, the files' hashes."""

    fingerprint: str
    made: dict[str, str] | None = field(default=None)  # file name -> sha256; None: legacy stamp


def stamp_path(output: Path) -> Path:
    """The stamp of a generated video or poster: ``media/talk1.webm`` -> ``media/talk1.stamp``."""
    return output.with_suffix(".stamp")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_stamp(path: Path) -> Stamp | None:
    """The stamp at ``path``, or None when there is none (or it is not one of ours)."""
    try:
        text = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    if not text.startswith("{"):
        return Stamp(text) if text else None
    try:
        data = json.loads(text)
        made = {str(k): str(v) for k, v in dict(data["made"]).items()}
        return Stamp(str(data["fingerprint"]), made)
    except (ValueError, KeyError, TypeError):
        return None


def write_stamp(path: Path, fingerprint: str, outputs: list[Path]) -> None:
    """Record that ``outputs`` were made from ``fingerprint`` (each with its hash)."""
    made = {p.name: _sha256(p) for p in outputs if p.is_file()}
    path.write_text(json.dumps({"fingerprint": fingerprint, "made": made}, indent=1) + "\n")


def foreign_files(stamp: Path, outputs: list[Path]) -> list[Path]:
    """Those of ``outputs`` that exist but were not made by ``talkkit media`` (or were changed
    since): the author's files, which must not be overwritten."""
    existing = [p for p in outputs if p.is_file()]
    if not existing:
        return []
    recorded = read_stamp(stamp)
    if recorded is None:
        return existing
    if recorded.made is None:
        # A stamp from before hashes were recorded is written right after its files: one
        # changed since then is the author's.
        made_at = stamp.stat().st_mtime
        return [p for p in existing if p.stat().st_mtime > made_at]
    return [p for p in existing if recorded.made.get(p.name) != _sha256(p)]


def generated_files(
    video: str, language: str, translations: list[str], poster: str | None
) -> list[str]:
    """Every file ``make_talk_media`` writes for a talk (paths relative to the kit folder)."""
    files = [video, caption_path(video, language), chapters_path(video)]
    for lang in translations:
        files += [caption_path(video, lang), chapters_path(video, lang)]
    files.append(poster or str(Path(video).with_suffix(".png")))
    return files


def talk_files(kit: Kit, talk: Talk) -> list[Path]:
    """Every file ``talkkit media`` writes for a generated talk."""
    assert talk.generate and talk.video
    translations = list(talk.generate.get("translations") or {})
    rel = generated_files(talk.video, talk.generate["language"], translations, talk.poster)
    return [kit.media_path(r) for r in rel]


def authors_files(kit: Kit, talk: Talk) -> list[str]:
    """The files of a generated talk that exist but were not made by ``talkkit media``: the
    author's, never to be overwritten (``talkkit check`` reports them, ``talkkit media`` skips)."""
    if not (talk.generate and talk.video):
        return []
    stamp = stamp_path(kit.media_path(talk.video))
    return [str(p.relative_to(kit.folder)) for p in foreign_files(stamp, talk_files(kit, talk))]
