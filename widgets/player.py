"""The talk player: the kit's video with captions, chapters and a searchable transcript.

The video, its poster and caption tracks are files the server hands out (``media_base`` +
path); they never pass through the kernel. The kernel reads the WebVTT captions once to send
the transcript as data. A talk hosted on YouTube or Vimeo shows a notice and a button; only
after the click does the kernel send the privacy-mode embed address, so nothing is requested
from that host before the group has chosen to.
"""

from __future__ import annotations

import logging
import re
from pathlib import PurePosixPath
from typing import Any

from traitlets import Dict, List, Unicode

from talkkit.authoring.media import MediaError, read_captions, read_chapters
from talkkit.i18n import LANGUAGE_NAMES
from talkkit.kit import Kit, Talk
from widgets._base import SafeTemplate
from widgets._i18n import gettext

__all__ = ["PlayerView", "clock_label", "embed_url"]

log = logging.getLogger("talkkit.widgets")

_EXTERNAL_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_MIME = {".webm": "video/webm", ".mp4": "video/mp4", ".ogg": "video/ogg", ".ogv": "video/ogg"}
PROVIDERS = {"youtube": "YouTube", "vimeo": "Vimeo"}


def embed_url(external: dict[str, Any] | None) -> str | None:
    """The privacy-mode embed address of an external talk, or ``None`` if it is not valid."""
    if not isinstance(external, dict):
        return None
    provider, vid = external.get("provider"), external.get("id")
    if type(vid) is not str or not _EXTERNAL_ID.match(vid):
        return None
    if provider == "youtube":
        return f"https://www.youtube-nocookie.com/embed/{vid}"
    if provider == "vimeo":
        return f"https://player.vimeo.com/video/{vid}?dnt=1"
    return None


def clock_label(seconds: float) -> str:
    """``75.2`` -> ``"1:15"``; ``3725`` -> ``"1:02:05"``."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _cues(kit: Kit, path: str) -> list[dict[str, Any]]:
    try:
        cues = read_captions(kit.media_path(path))
    except (MediaError, OSError) as exc:
        log.warning("captions %s not readable: %s", path, exc)
        return []
    return [
        {"i": i, "s": round(c.start, 3), "e": round(c.end, 3), "text": c.text,
         "label": clock_label(c.start)}
        for i, c in enumerate(cues)
    ]  # fmt: skip


def _chapters(kit: Kit, talk: Talk, language: str) -> list[dict[str, Any]]:
    if talk.chapters:
        items = [(c.start, kit.text(c.title, language)) for c in talk.chapters]
    else:
        track = kit.talk_chapters_track(talk)
        try:
            items = (
                [(c.start, c.text) for c in read_chapters(kit.media_path(track))] if track else []
            )
        except (MediaError, OSError) as exc:
            log.warning("chapters of %s not readable: %s", talk.id, exc)
            items = []
    return [{"start": s, "title": title, "label": clock_label(s)} for s, title in items]


class PlayerView(SafeTemplate):
    """One talk."""

    vue_file = "player.vue"

    talk = Dict(help="{id, title, speaker, role}").tag(sync=True)
    src = Unicode().tag(sync=True)
    mime = Unicode().tag(sync=True)
    poster = Unicode().tag(sync=True)
    tracks: List[Any] = List(help="[{lang, src, label, default}]").tag(sync=True)
    cues = Dict(help="language -> [{i, s, e, text, label}]").tag(sync=True)
    chapters: List[Any] = List(help="[{start, title, label}]").tag(sync=True)
    external = Dict(help="{provider, name} of a talk hosted elsewhere, else {}").tag(sync=True)
    embed_src = Unicode(help="the embed address, sent only after the group allowed it").tag(
        sync=True
    )
    content_lang = Unicode().tag(sync=True)
    t = Dict().tag(sync=True)

    def __init__(self, kit: Kit, talk: Talk, *, language: str, media_base: str) -> None:
        content = kit.content_language(language)
        _ = gettext(language, kit.format)
        poster = kit.talk_poster(talk)
        default_caption = content if content in talk.captions else next(iter(talk.captions), "")
        if language in talk.captions:
            default_caption = language
        external = {}
        hosted = talk.external
        self._embed = embed_url(hosted) if hosted else None
        if self._embed and hosted:
            name = PROVIDERS[hosted["provider"]]
            external = {
                "provider": hosted["provider"],
                "notice": _(
                    "This talk is hosted by {name}. Playing it here loads it from {name}, "
                    "which then learns that this page was opened (in privacy mode, without "
                    "cookies until you play).",
                    name=name,
                ),
                "button": _("Load the video from {name}", name=name),
            }
        super().__init__(
            talk={
                "id": talk.id,
                "title": kit.text(talk.title, content),
                "speaker": talk.speaker,
                "role": kit.text(talk.role, content),
                "duration": clock_label(talk.duration_seconds) if talk.duration_seconds else "",
            },
            src=f"{media_base}{talk.video}" if talk.video and not self._embed else "",
            mime=_MIME.get(PurePosixPath(talk.video or "").suffix.lower(), "video/webm"),
            poster=f"{media_base}{poster}" if poster else "",
            tracks=[
                {
                    "lang": lang,
                    "src": f"{media_base}{path}",
                    "label": LANGUAGE_NAMES.get(lang, lang),
                    "default": lang == default_caption,
                }
                for lang, path in talk.captions.items()
            ],
            cues={lang: _cues(kit, path) for lang, path in talk.captions.items()},
            chapters=_chapters(kit, talk, content),
            external=external,
            content_lang=content,
            t={
                "captions": _("Captions"),
                "captions_off": _("No captions"),
                "transcript": _("Transcript"),
                "search": _("Search the transcript"),
                "no_matches": _("No line of the transcript contains this."),
                "chapters": _("Chapters"),
                "jump": _("Play from here"),
                "video": _("Video: {title}", title=kit.text(talk.title, content)),
            },
        )

    def vue_allow_external(self, _data: object = None) -> None:
        """The group chose to load the external video."""
        if self._embed:
            self.embed_src = self._embed
