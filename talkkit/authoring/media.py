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
import textwrap
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
    "make_title_card",
    "read_captions",
    "read_chapters",
    "translation_problem",
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
    return [Cue(_secs(c.start), _secs(c.end), c.text) for c in vtt.captions]


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


def chapters_path(video: str, language: str | None = None) -> str:
    """The chapters track of a generated talk: one per language when it has translations."""
    suffix = f".chapters.{language}.vtt" if language else ".chapters.vtt"
    return str(Path(video).with_suffix(suffix))


def _structure(sections: list[tuple[str | None, list[str]]]) -> list[tuple[bool, int]]:
    return [(title is not None, len(sentences)) for title, sentences in sections]


def translation_problem(original: str, translation: str) -> str | None:
    """Why a translated script cannot share the original's cue timings, or None if it can.

    A translation must have the same chapters and the same number of sentences in each, so
    that sentence N of the translation is shown while sentence N of the original is spoken.
    """
    a, b = parse_script(original), parse_script(translation)
    if _structure(a) == _structure(b):
        return None
    counts_a = [n for _, n in _structure(a)]
    counts_b = [n for _, n in _structure(b)]
    return (
        f"sentences per chapter differ from the spoken script: {counts_b} instead of {counts_a} "
        "(every sentence of the translation is shown while the same sentence is spoken)"
    )


def read_chapters(path: str | Path) -> list[Cue]:
    """The chapters track of a talk, or an empty list when there is none."""
    path = Path(path)
    return read_captions(path) if path.is_file() else []


_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[\"“”«»(\[]?[A-ZÆØÅÄÖÉÜ0-9])")
#: Abbreviations after which a full stop does not end a sentence (da, sv, en).
_ABBREVIATIONS = {
    "fx", "f.eks", "bl.a", "dvs", "ca", "kl", "mv", "osv", "evt", "jf", "nr", "pga", "mht",
    "t.ex", "s.k", "d.v.s", "m.m", "o.s.v", "resp", "e.g", "i.e", "etc", "dr", "mr", "mrs",
}  # fmt: skip


def split_sentences(line: str) -> list[str]:
    """Sentences of a line; "3. klasse", "fx. hjemme" and "kl. 8" do not end a sentence."""
    parts = _SENTENCE_END.split(line.strip())
    sentences: list[str] = []
    for part in parts:
        if sentences:
            last_word = sentences[-1].rsplit(" ", 1)[-1].rstrip(".").lower()
            if last_word.isdigit() or last_word in _ABBREVIATIONS:
                sentences[-1] = f"{sentences[-1]} {part}"
                continue
        sentences.append(part)
    return [s for s in sentences if s.strip()]


def parse_script(text: str) -> list[tuple[str | None, list[str]]]:
    """A script as ``[(chapter title or None, [sentences])]``."""
    sections: list[tuple[str | None, list[str]]] = [(None, [])]
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("## "):
            sections.append((line[3:].strip(), []))
        elif line and not line.startswith("#"):
            sections[-1][1].extend(split_sentences(line))
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


def make_title_card(out: Path, title: str, subtitle: str) -> None:
    """A 1280x720 title card PNG (the kit's poster in the gallery)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="talkkit-card-") as tmp:
        _title_card(out, title, subtitle, Path(tmp))


def _title_card(out: Path, title: str, subtitle: str, work: Path) -> None:
    """A 1280x720 title card; text goes through files, so no quoting of user text is needed."""
    title_lines = textwrap.wrap(title, 34) or [""]
    subtitle_lines = textwrap.wrap(subtitle, 60) or [""]
    (work / "title.txt").write_text("\n".join(title_lines), encoding="utf-8")
    (work / "subtitle.txt").write_text("\n".join(subtitle_lines), encoding="utf-8")
    title_top = 360 - 70 * len(title_lines) - 10
    font = f"fontfile={_FONT}:" if Path(_FONT).exists() else ""
    draw = (
        f"drawtext={font}textfile={work / 'title.txt'}:fontcolor=white:fontsize=54:"
        f"x=(w-text_w)/2:y={title_top}:line_spacing=14,"
        f"drawtext={font}textfile={work / 'subtitle.txt'}:fontcolor=0xffd166:fontsize=34:"
        "x=(w-text_w)/2:y=400:line_spacing=10"
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
    translations: dict[str, str] | None = None,
) -> TalkMedia:
    """Make a talk's video, captions, chapters and poster from its script, offline.

    ``translations`` maps a language to a translated script with the same chapters and
    sentences: its captions and chapters get the spoken script's timings.
    """
    folder = Path(folder)
    original = (folder / script).read_text(encoding="utf-8")
    sections = parse_script(original)
    if not sections:
        raise MediaError(f"{script} has no sentences to speak")
    translated: dict[str, list[tuple[str | None, list[str]]]] = {}
    for lang, path in (translations or {}).items():
        text = (folder / path).read_text(encoding="utf-8")
        problem = translation_problem(original, text)
        if problem:
            raise MediaError(f"{path}: {problem}")
        translated[lang] = parse_script(text)
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
                "-pix_fmt", "yuv420p", "-c:a", "libopus", "-b:a", "32k", "-t", f"{t:.3f}",
                str(video_path),
            ]
        )  # fmt: skip
    captions = folder / caption_path(video, language)
    write_vtt(captions, cues)
    chapters_file = folder / chapters_path(video)
    write_vtt(chapters_file, chapters)
    for lang, lang_sections in translated.items():
        texts = [sentence for _, sentences in lang_sections for sentence in sentences]
        write_vtt(
            folder / caption_path(video, lang),
            [Cue(c.start, c.end, text) for c, text in zip(cues, texts, strict=True)],
        )
        titles = [title for title, _ in lang_sections if title]
        write_vtt(
            folder / chapters_path(video, lang),
            [Cue(c.start, c.end, title) for c, title in zip(chapters, titles, strict=True)],
        )
    poster_path = folder / (poster or str(Path(video).with_suffix(".png")))
    make_poster(video_path, poster_path)
    return TalkMedia(video_path, captions, chapters_file, poster_path, duration_seconds(video_path))
