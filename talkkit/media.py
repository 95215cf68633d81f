"""Talk media: read what a video and its captions really hold, and make a demo talk offline.

A demo talk is made from a plain-text script written for the kit in its language: speech by
espeak-ng (one WAV per sentence, so every caption cue matches exactly what is spoken), a title
card and muxing by ffmpeg (VP9 + Opus WebM, which Chromium and Firefox play), WebVTT captions and
a WebVTT chapters track from ``## Chapter`` lines in the script. Nothing is downloaded.

Script format::

    ## First chapter title
    A sentence. Another sentence!

    ## Second chapter
    ...
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

import webvtt

__all__ = [
    "Cue",
    "MediaError",
    "TalkMedia",
    "caption_path",
    "chapters_path",
    "duration_seconds",
    "make_poster",
    "make_talk_media",
    "read_captions",
    "read_chapters",
]

#: Silence between sentences and around chapters, in seconds.
SENTENCE_PAUSE = 0.35
CHAPTER_PAUSE = 0.9
_ESPEAK_VOICES = {"da": "da", "sv": "sv", "en": "en-gb"}
_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


class MediaError(Exception):
    """A media file that cannot be read or made (the message says why, in plain words)."""


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str


@dataclass(frozen=True)
class TalkMedia:
    video: Path
    captions: Path
    chapters: Path
    poster: Path
    duration: float


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise MediaError(f"{name} is not installed (Debian package: {_PACKAGES.get(name, name)})")
    return path


_PACKAGES = {"ffprobe": "ffmpeg", "ffmpeg": "ffmpeg", "espeak-ng": "espeak-ng"}


def duration_seconds(path: str | Path) -> float:
    """The real length of a media file, from ffprobe."""
    proc = subprocess.run(
        [
            _tool("ffprobe"),
            "-v",
            "error",
            "-show_entries",
            "format=duration",
            "-of",
            "json",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    if proc.returncode != 0:
        raise MediaError(
            proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "ffprobe failed"
        )
    try:
        return float(json.loads(proc.stdout)["format"]["duration"])
    except (KeyError, ValueError, TypeError) as exc:
        raise MediaError("the file has no duration (is it a video?)") from exc


def read_captions(path: str | Path) -> list[Cue]:
    """The cues of a WebVTT file (captions or chapters)."""
    try:
        vtt = webvtt.read(str(path))
    except (webvtt.errors.MalformedFileError, webvtt.errors.MalformedCaptionError) as exc:
        raise MediaError(str(exc) or "malformed WebVTT") from exc
    except UnicodeDecodeError as exc:
        raise MediaError("not UTF-8 text") from exc
    return [Cue(_secs(c.start), _secs(c.end), c.text) for c in vtt]


def _secs(stamp: str) -> float:
    parts = stamp.split(":")
    seconds = float(parts[-1])
    minutes = int(parts[-2]) if len(parts) > 1 else 0
    hours = int(parts[-3]) if len(parts) > 2 else 0
    return hours * 3600 + minutes * 60 + seconds


def _stamp(seconds: float) -> str:
    ms = round(seconds * 1000)
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def write_vtt(path: Path, cues: list[Cue]) -> None:
    lines = ["WEBVTT", ""]
    for i, cue in enumerate(cues, 1):
        text = cue.text.replace("-->", "->")
        lines += [str(i), f"{_stamp(cue.start)} --> {_stamp(cue.end)}", text, ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def caption_path(video: str, language: str) -> str:
    """Where the captions of a generated talk go: ``media/talk1.webm`` -> ``media/talk1.da.vtt``."""
    return str(Path(video).with_suffix(f".{language}.vtt"))


def chapters_path(video: str) -> str:
    return str(Path(video).with_suffix(".chapters.vtt"))


def read_chapters(path: str | Path) -> list[Cue]:
    """The chapters track of a talk, or an empty list when there is none."""
    path = Path(path)
    return read_captions(path) if path.is_file() else []


_SENTENCE = re.compile(r"(?<=[.!?…])\s+")


def parse_script(text: str) -> list[tuple[str | None, list[str]]]:
    """A script as ``[(chapter title or None, [sentences])]``."""
    sections: list[tuple[str | None, list[str]]] = [(None, [])]
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("## "):
            sections.append((line[3:].strip(), []))
        elif line and not line.startswith("#"):
            sections[-1][1].extend(s for s in _SENTENCE.split(line) if s.strip())
    return [s for s in sections if s[1]]


def _speak(text: str, voice: str, speed: int, out: Path) -> None:
    proc = subprocess.run(
        [_tool("espeak-ng"), "-v", voice, "-s", str(speed), "-w", str(out), "--", text],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    if proc.returncode != 0 or not out.exists():
        raise MediaError(f"espeak-ng failed: {proc.stderr.strip()}")


def _ffmpeg(args: list[str]) -> None:
    proc = subprocess.run(
        [_tool("ffmpeg"), "-hide_banner", "-loglevel", "error", "-y", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    if proc.returncode != 0:
        raise MediaError(f"ffmpeg failed: {proc.stderr.strip()[-500:]}")


def _title_card(out: Path, title: str, subtitle: str, work: Path) -> None:
    """A 1280x720 title card; text goes through files, so no quoting of user text is needed."""
    (work / "title.txt").write_text(title, encoding="utf-8")
    (work / "subtitle.txt").write_text(subtitle, encoding="utf-8")
    font = f"fontfile={_FONT}:" if Path(_FONT).exists() else ""
    draw = (
        f"drawtext={font}textfile={work / 'title.txt'}:fontcolor=white:fontsize=54:"
        "x=(w-text_w)/2:y=h/2-90,"
        f"drawtext={font}textfile={work / 'subtitle.txt'}:fontcolor=0xffd166:fontsize=34:"
        "x=(w-text_w)/2:y=h/2+20"
    )
    _ffmpeg(
        [
            "-f",
            "lavfi",
            "-i",
            "color=c=0x1d3557:s=1280x720",
            "-vf",
            draw,
            "-frames:v",
            "1",
            str(out),
        ]
    )


def make_poster(video: Path, out: Path) -> None:
    """A still of a video's first frame, as the poster shown before it plays."""
    out.parent.mkdir(parents=True, exist_ok=True)
    _ffmpeg(["-i", str(video), "-frames:v", "1", str(out)])


def make_talk_media(
    folder: Path,
    *,
    script: str,
    language: str,
    video: str,
    title: str,
    subtitle: str,
    poster: str | None = None,
    voice: str | None = None,
    speed: int = 165,
) -> TalkMedia:
    """Make a talk's video, captions, chapters and poster from its script, offline."""
    folder = Path(folder)
    sections = parse_script((folder / script).read_text(encoding="utf-8"))
    if not sections:
        raise MediaError(f"{script} has no sentences to speak")
    voice = voice or _ESPEAK_VOICES.get(language, language)
    video_path = folder / video
    video_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="talkkit-media-") as tmp:
        work = Path(tmp)
        cues: list[Cue] = []
        chapters: list[Cue] = []
        frames = bytearray()
        params = None
        t = 0.0
        n = 0
        for chapter, sentences in sections:
            chapter_start = t
            for sentence in sentences:
                wav = work / f"{n:04d}.wav"
                n += 1
                _speak(sentence, voice, speed, wav)
                with wave.open(str(wav), "rb") as w:
                    p = w.getparams()
                    data = w.readframes(p.nframes)
                if params is None:
                    params = p
                length = p.nframes / p.framerate
                cues.append(Cue(t, t + length, sentence))
                frames += data
                pause = SENTENCE_PAUSE
                frames += b"\x00" * (int(pause * p.framerate) * p.sampwidth * p.nchannels)
                t += length + pause
            if chapter:
                chapters.append(Cue(chapter_start, t, chapter))
            if params is not None:
                frames += b"\x00" * (
                    int(CHAPTER_PAUSE * params.framerate) * params.sampwidth * params.nchannels
                )
                t += CHAPTER_PAUSE
        assert params is not None
        speech = work / "speech.wav"
        with wave.open(str(speech), "wb") as w:
            w.setparams(params)
            w.writeframes(bytes(frames))
        card = work / "card.png"
        _title_card(card, title, subtitle, work)
        _ffmpeg(
            [
                "-loop", "1", "-framerate", "2", "-i", str(card), "-i", str(speech),
                "-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "150k",
                "-pix_fmt", "yuv420p", "-c:a", "libopus", "-b:a", "32k", "-shortest",
                str(video_path),
            ]
        )  # fmt: skip
    captions = folder / caption_path(video, language)
    write_vtt(captions, cues)
    chapters_file = folder / chapters_path(video)
    write_vtt(chapters_file, chapters)
    poster_path = folder / (poster or str(Path(video).with_suffix(".png")))
    make_poster(video_path, poster_path)
    return TalkMedia(video_path, captions, chapters_file, poster_path, duration_seconds(video_path))
