"""Helpers for a recorded talk, run from a notebook cell (no terminal needed).

``srt_to_vtt("media/talk1.sv.srt")`` writes ``media/talk1.sv.vtt`` beside it (captions from
the Social Talks platform often come as SRT; the page needs WebVTT), with webvtt-py;
``video_seconds("media/talk1.mp4")`` is the length to write as ``duration_seconds``.
"""

from __future__ import annotations

from pathlib import Path

import webvtt

from talkkit.authoring.media import MediaError, duration_seconds

__all__ = ["srt_to_vtt", "video_seconds"]


def srt_to_vtt(srt: str | Path) -> Path:
    """Convert an SRT captions file to WebVTT beside it; returns the ``.vtt`` path."""
    source = Path(srt)
    if not source.is_file():
        raise MediaError(f"{source} is not there: upload it into the kit's media folder first")
    try:
        captions = webvtt.from_srt(str(source))
    except (webvtt.errors.MalformedFileError, webvtt.errors.MalformedCaptionError) as exc:
        raise MediaError(f"{source} is not a readable SRT file: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise MediaError(
            f"{source} is not UTF-8 text: save it as UTF-8 and upload it again"
        ) from exc
    target = source.with_suffix(".vtt")
    captions.save(str(target))
    return target


def video_seconds(video: str | Path) -> float:
    """The length of a video in seconds, rounded to a tenth (for ``duration_seconds``)."""
    return round(duration_seconds(video), 1)


def use_video(
    video: str,
    captions: dict[str, str] | None = None,
    *,
    talk: int = 0,
    folder: str | Path = ".",
) -> list[str]:
    """Make talk number ``talk`` (0 = the first) of the kit in ``folder`` use an uploaded
    video (``media/talk1.mp4`` or ``.webm``) with its captions (``{"sv": "media/talk1.sv.srt"}``:
    an SRT file is converted to WebVTT first), in the notebook's settings cell: the demo
    talk's script generator is dropped, the length is measured, and the kit's poster is made
    from the video if there is none. Returns what it did, in plain words.

    The notebook file changes on disk: in JupyterLab, reload it (File → Reload Notebook from
    Disk) before you type on."""
    import json

    import yaml

    from talkkit.authoring.media import make_poster
    from talkkit.kit.notebook import SETTINGS_TAG

    folder = Path(folder)
    notebook = folder / "kit.ipynb"
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if SETTINGS_TAG in c.get("metadata", {}).get("tags", []))
    text = "".join(cell["source"])
    notes = "".join(f"{ln}\n" for ln in text.splitlines() if ln.startswith("#"))
    settings = yaml.safe_load(text)
    entry = settings["talks"][talk]
    if not (folder / video).is_file():
        raise MediaError(f"{video} is not there: upload it into the kit's media folder first")
    done = []
    entry["video"] = video
    entry.pop("generate", None)
    entry["duration_seconds"] = video_seconds(folder / video)
    done.append(f"talk {talk + 1}: {video}, {entry['duration_seconds']:g} s")
    entry["captions"] = {}
    for lang, path in (captions or {}).items():
        if path.lower().endswith(".srt"):
            path = str(srt_to_vtt(folder / path).relative_to(folder))
            done.append(f"converted to WebVTT: {path}")
        entry["captions"][lang] = path
    poster = settings.get("poster")
    if poster and not (folder / poster).is_file():
        make_poster(folder / video, folder / poster)
        done.append(f"poster made from the video: {poster}")
    body = yaml.safe_dump(settings, allow_unicode=True, sort_keys=False, width=100)
    cell["source"] = (notes + body).splitlines(keepends=True)
    notebook.write_text(
        json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return done
