"""The landing page: a gallery of kit cards, rendered on the server as static HTML, and the
handler that serves it (standalone at ``/``, as a server extension at ``<base>/talkkit/``).

It is not a notebook: opening the gallery starts no kernel, so 30 groups arriving at once cost
nothing until each opens its kit. Everything shown is HTML-escaped by Jinja's autoescape; the
small filter script is inline (no third-party host is ever asked for anything).

A kit that fails ``talkkit check`` is shown as unavailable, with the reasons, instead of
taking the gallery down. Check results are cached per kit until a file in its folder changes.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from tornado import web

from talkkit.authoring.check import Problem, check_kit
from talkkit.i18n import LANGUAGE_NAMES, normalise_language, translator
from talkkit.kit import NOTEBOOK_FILE, Kit, KitLoadError, find_kits, load_kit, localize
from talkkit.page.policy import SECURITY_HEADERS

__all__ = ["GalleryEntry", "GalleryHandler", "gallery_entries", "render_gallery"]


@dataclass
class GalleryEntry:
    folder: Path
    kit: Kit | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def available(self) -> bool:
        return self.kit is not None and not self.problems


_cache: dict[Path, tuple[float, GalleryEntry]] = {}
_lock = threading.Lock()


def _signature(folder: Path) -> float:
    """The newest modification time of anything in a kit folder (cheap: a few stat calls)."""
    latest = folder.stat().st_mtime
    for path in folder.rglob("*"):
        try:
            latest = max(latest, path.stat().st_mtime)
        except OSError:
            continue
    return latest


def gallery_entry(folder: Path) -> GalleryEntry:
    folder = folder.resolve()
    signature = _signature(folder)
    with _lock:
        cached = _cache.get(folder)
        if cached and cached[0] == signature:
            return cached[1]
    # Media are not opened (no ffprobe per video): the gallery must answer fast for a room of
    # groups; a missing file still makes a kit unavailable, a wrong declared length is for
    # `talkkit check` to tell the author.
    problems = check_kit(folder, probe_media=False)
    try:
        kit = load_kit(folder)
    except KitLoadError:
        kit = None
    entry = GalleryEntry(folder, kit, problems)
    with _lock:
        _cache[folder] = (signature, entry)
    return entry


def gallery_entries(root: Path) -> list[GalleryEntry]:
    return [gallery_entry(folder) for folder in find_kits(root)]


_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("talkkit", "templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _card(
    entry: GalleryEntry, language: str, render_prefix: str, files_prefix: str
) -> dict[str, Any]:
    rel = quote(entry.folder.name)
    if entry.kit is None:
        return {
            "available": False,
            "title": entry.folder.name,
            "problems": [p.text(language) for p in entry.problems],
            "topic": entry.folder.name,
            "topic_name": entry.folder.name,
            "format": "",
            "languages": [],
            "search": entry.folder.name,
        }
    kit = entry.kit
    lang = kit.content_language(language)
    title = localize(kit.title, lang, kit.languages)
    summary = localize(kit.summary, lang, kit.languages)
    speakers = [f"{t.speaker} ({localize(t.role, lang, kit.languages)})" for t in kit.talks]
    return {
        "available": entry.available,
        "problems": [p.text(language) for p in entry.problems],
        "title": title,
        "summary": summary,
        "topic": kit.topic,
        "topic_name": kit.topic_name(lang),
        "format": kit.format,
        "languages": list(kit.languages),
        "language_names": [LANGUAGE_NAMES.get(code, code) for code in kit.languages],
        "minutes": kit.duration_minutes or kit.total_minutes,
        "speakers": speakers,
        "poster": f"{files_prefix}{rel}/{quote(kit.poster)}" if kit.poster else None,
        "href": f"{render_prefix}{rel}/{NOTEBOOK_FILE}?lang={lang}",
        "search": f"{title} {summary} {' '.join(speakers)} {kit.topic_name(lang)}".lower(),
    }


def render_gallery(
    root: Path,
    *,
    language: str = "da",
    render_prefix: str = "voila/render/",
    files_prefix: str = "voila/files/",
) -> str:
    """The gallery page for the kits under ``root``.

    ``render_prefix``/``files_prefix`` are where Voilà serves a kit folder's notebook and media
    (relative to the gallery page): standalone Voilà serves ``kits/`` as its root, the Jupyter
    server extension (Binder) serves the repository root.
    """
    language = normalise_language(language)
    _ = translator(language, "gallery")
    cards = [_card(e, language, render_prefix, files_prefix) for e in gallery_entries(root)]
    # topics by their names (an unavailable kit's folder name is no topic to offer)
    named = {c["topic"]: c["topic_name"] for c in cards if c["format"]}
    topics = sorted(named.items(), key=lambda item: item[1].casefold())
    formats = [f for f in ("hybrid-seminar", "self-study") if any(c["format"] == f for c in cards)]
    languages = sorted({code for c in cards for code in c["languages"]})
    return _ENV.get_template("gallery.html.j2").render(
        _=_,
        lang=language,
        cards=cards,
        topics=topics,
        formats=formats,
        languages=[(code, LANGUAGE_NAMES.get(code, code)) for code in languages],
        ui_languages=list(LANGUAGE_NAMES.items()),
    )


class GalleryHandler(web.RequestHandler):
    """Serves the gallery page (static HTML, no kernel)."""

    def initialize(self, root: Path, render_prefix: str, files_prefix: str) -> None:
        self.root = root
        self.render_prefix = render_prefix
        self.files_prefix = files_prefix

    def set_default_headers(self) -> None:
        for name, value in SECURITY_HEADERS.items():
            self.set_header(name, value)
        self.set_header("Cache-Control", "no-cache")

    def get(self) -> None:
        language = self.get_query_argument("lang", "da")
        html = render_gallery(
            self.root,
            language=language,
            render_prefix=self.render_prefix,
            files_prefix=self.files_prefix,
        )
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(html)
