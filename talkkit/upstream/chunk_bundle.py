"""Voilà's JavaScript chunks in one file: one request instead of about a hundred.

Targets voila 0.5.13 (pinned; its webpack 5 build ``voila.js`` and its ``<id>.voila.js``
chunks) and the front-end extensions' webpack builds (``remoteEntry.<hash>.js`` mapping chunk
ids to ``<id>.<hash>.js``) of jupyterlab_widgets 3.0.x, ipyvue 3.1.x and ipyvuetify 3.1.x, in the
versions recorded in ``voila_chunks.json`` (each checked at server start, see below).

Upstream behaviour worked around (no upstream issue filed; measured with ``talkkit-bench``):
Voilà's page script (``voila.js``, a webpack 5 build) loads its code as some seventy small
chunks (``<id>.voila.js``), in waves: the first wave is asked for only once ``voila.js`` has
run, the next once those have run. The front-end extensions (ipywidgets' manager, ipyvue,
ipyvuetify and Voilà's widget manager, each its own webpack build behind a ``remoteEntry``) load
26 more the same way. On a cold page that was 98 requests of the 118 a kit page made, and when
30 groups open a kit at once the server answers 3,000 of them in the same seconds (``talkkit-bench``,
``bench/JOURNAL.md``).

Webpack's runtime never requests a chunk that is already installed, and it installs every
chunk pushed onto its chunk array (``self.webpackChunk_JUPYTERLAB_CORE_OUTPUT``, one array per
build) before the runtime itself ran. So the server concatenates the chunks a page uses into one
file, served under a content-hashed name (cached for good), and the talkkit template loads it
just before ``voila.js``. Each chunk runs in a function of its own, so that its ``"use strict"``
applies to it alone, as it does when it is a file. The chunk files are untouched and still
served: a chunk missing from the bundle is loaded the usual way, so a stale list costs
requests, never a broken page.

No documented hook: Voilà has no setting for how its chunks load; what is relied on is
webpack's chunk array, the chunk file names and the ``remoteEntry`` maps. The template loads
the bundle (``page_config["talkkitChunks"]``, set through the documented ``page_config_hook``).

The list (``voila_chunks.json``) is what a kit page and the trivial Voilà page fetch, recorded
in chromium; ``python -m talkkit_bench.chunks`` (a developer's tool beside the benchmark)
records it again, and ``tests/test_chunk_bundle.py``
fails when a page fetches a chunk that is in neither part of it:

- Voilà's chunks, by id, for the pinned Voilà version. With another Voilà version than the
  recorded one they are not bundled (the pages load them as plain Voilà pages do).
- The extensions' chunks, by file name per package, with the package's version. The extensions
  are not pinned, so each chunk is checked at server start: the package is the recorded
  version, the file exists, and the ``remoteEntry`` the page loads maps the chunk's id to the
  file's content hash. A chunk that fails a check is left out (and fetched by the page).

``TALKKIT_NO_CHUNK_BUNDLE=1`` turns the bundle off (to record the list, or to compare in a
benchmark).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from voila import __version__ as voila_version

from talkkit.upstream._target import Target

__all__ = [
    "CHUNK_LIST",
    "ChunkBundle",
    "build_bundle",
    "chunk_ids",
    "extension_chunks",
    "record",
    "record_extensions",
]

log = logging.getLogger(__name__)

TARGET = Target(
    patch="chunk_bundle",
    distribution="voila",
    tested=("0.5.13",),
    issue="none filed: ~100 chunk requests per cold page, in waves",
)

#: The chunks a page fetches, recorded for one Voilà version and the extensions' versions.
CHUNK_LIST = Path(__file__).with_name("voila_chunks.json")

#: A Voilà chunk's file name (``voila.js`` itself is the runtime, not a chunk).
CHUNK_NAME = re.compile(r"^(\d+)\.voila\.js$")

#: An extension's npm package name (``jupyter-vue``, ``@jupyter-widgets/jupyterlab-manager``).
PACKAGE_NAME = re.compile(r"^(?:@[a-z0-9][\w.-]*/)?[a-z0-9][\w.-]*$")

#: An extension's chunk file: ``<id>.<content hash>.js`` (named chunks are not bundled).
EXTENSION_CHUNK = re.compile(r"^(\d+)\.([0-9a-f]{8,64})\.js$")

#: Where a page asks for an extension's chunk: ``.../voila/labextensions/<package>/static/<file>``.
EXTENSION_URL = re.compile(r"/voila/labextensions/((?:@[^/?]+/)?[^/?@][^/?]*)/static/([^/?]+)")


@dataclass(frozen=True)
class ChunkBundle:
    name: str  # file name, content-hashed: talkkit-chunks.<hash>.js
    body: bytes
    gzipped: bytes
    chunks: tuple[str, ...]  # Voilà's chunk ids in it
    extension_chunks: tuple[str, ...] = ()  # "<package>/static/<file>" of the extensions'


def _read_list(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        log.warning("talkkit: no chunk list (%s); pages load the chunks one by one", exc)
        return None
    return data if isinstance(data, dict) else None


def chunk_ids(path: Path = CHUNK_LIST) -> list[str] | None:
    """The recorded Voilà chunk ids, or None if the list is for another Voilà or unreadable."""
    return _voila_ids(_read_list(path))


def extension_chunks(path: Path = CHUNK_LIST) -> dict[str, dict[str, Any]]:
    """The recorded extensions' chunks: ``{package: {"version": v, "chunks": [file, ...]}}``.

    Only well-formed package and file names are kept (the names become paths).
    """
    return _extensions(_read_list(path))


def _voila_ids(data: dict[str, Any] | None) -> list[str] | None:
    if data is None:
        return None
    if data.get("voila") != voila_version:
        log.warning(
            "talkkit: the Voilà chunk list is for Voilà %s, this is %s; pages load the chunks "
            "one by one (record the list again: python -m talkkit_bench.chunks)",
            data.get("voila"),
            voila_version,
        )
        return None
    ids = [str(i) for i in data.get("chunks", [])]
    return [i for i in ids if i.isdigit()]


def _extensions(data: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    listed = (data or {}).get("labextensions")
    found: dict[str, dict[str, Any]] = {}
    if not isinstance(listed, dict):
        return found
    for package, entry in listed.items():
        if not (isinstance(package, str) and PACKAGE_NAME.match(package)):
            continue
        if not isinstance(entry, dict) or not isinstance(entry.get("version"), str):
            continue
        if not isinstance(entry.get("chunks"), list):
            continue
        files = [f for f in entry["chunks"] if isinstance(f, str) and EXTENSION_CHUNK.match(f)]
        if files:
            found[package] = {"version": entry["version"], "chunks": files}
    return found


def _package_root(
    labextension_paths: Iterable[str], package: str
) -> tuple[str, dict[str, Any]] | None:
    """The folder and package.json of the copy of ``package`` a page loads (the first found,
    as jupyterlab_server's ``get_federated_extensions`` picks it)."""
    for root in labextension_paths:
        folder = os.path.join(root, *package.split("/"))
        try:
            with open(os.path.join(folder, "package.json"), encoding="utf-8") as f:
                return folder, json.load(f)
        except FileNotFoundError:
            continue
        except (OSError, ValueError):
            return None
    return None


def _checked_extension_chunks(
    labextension_paths: Sequence[str], listed: dict[str, dict[str, Any]]
) -> list[tuple[str, bytes]]:
    """``(package/static/file, body)`` of every listed chunk that passes the checks above."""
    found: list[tuple[str, bytes]] = []
    for package, entry in listed.items():
        located = _package_root(labextension_paths, package)
        if located is None:
            continue
        folder, meta = located
        if meta.get("version") != entry["version"]:
            log.warning(
                "talkkit: the chunk list is for %s %s, this is %s; its chunks load one by one "
                "(record the list again: python -m talkkit_bench.chunks)",
                package,
                entry["version"],
                meta.get("version"),
            )
            continue
        try:
            load = os.path.normpath(meta["jupyterlab"]["_build"]["load"])
            if load.startswith(("..", "/")):
                continue
            with open(os.path.join(folder, load), encoding="utf-8", errors="replace") as f:
                remote_entry = f.read()
        except (OSError, KeyError, TypeError):
            continue
        for name in entry["chunks"]:
            match = EXTENSION_CHUNK.match(name)
            if match is None:  # never: _extensions() lists only names that match
                continue
            chunk_id, digest = match.groups()
            # the page's runtime asks for this very file for that chunk: {…,411:"10a5…",…}
            if not re.search(rf'[{{,]"?{chunk_id}"?:"{digest}"', remote_entry):
                log.warning("talkkit: %s/static/%s is not %s's chunk now", package, name, package)
                continue
            try:
                with open(os.path.join(folder, "static", name), "rb") as f:
                    found.append((f"{package}/static/{name}", f.read()))
            except OSError:
                continue
    return found


def _wrapped(body: bytes) -> bytes:
    # In a function of its own a chunk's "use strict" holds for that chunk only, as in its own
    # file; `this` stays the global object. A chunk may end in a line comment (a source map).
    return b"(function(){\n" + body.rstrip() + b"\n}).call(this);\n"


def build_bundle(
    static_paths: Sequence[str],
    ids: list[str] | None = None,
    labextension_paths: Sequence[str] = (),
    extensions: dict[str, dict[str, Any]] | None = None,
) -> ChunkBundle | None:
    """Voilà's chunks ``ids`` (default: the recorded list) from its static folders and the
    extensions' chunks (default: the recorded ones) from ``labextension_paths``, in one file.

    Chunks not found or not passing the checks are left out (the page loads them itself). None
    if nothing was found.
    """
    if ids is None or extensions is None:  # the recorded list, read once
        data = _read_list(CHUNK_LIST)
        ids = _voila_ids(data) if ids is None else ids
        extensions = _extensions(data) if extensions is None else extensions
    parts: list[bytes] = []
    found: list[str] = []
    for chunk in ids or []:
        for root in static_paths:
            try:
                with open(os.path.join(root, f"{chunk}.voila.js"), "rb") as f:
                    parts.append(_wrapped(f.read()))
            except OSError:
                continue
            found.append(chunk)
            break
    missing = len(ids or []) - len(found)
    if missing:
        log.warning("talkkit: %d of Voilà's listed chunks were not found", missing)
    from_extensions = _checked_extension_chunks(labextension_paths, extensions)
    parts += [_wrapped(body) for _name, body in from_extensions]
    if not parts:
        return None
    body = b"".join(parts)
    digest = hashlib.sha256(body).hexdigest()[:16]
    return ChunkBundle(
        name=f"talkkit-chunks.{digest}.js",
        body=body,
        gzipped=gzip.compress(body, compresslevel=6, mtime=0),
        chunks=tuple(found),
        extension_chunks=tuple(name for name, _body in from_extensions),
    )


def record(urls: Iterable[str]) -> list[str]:
    """The Voilà chunk ids among the URLs a page fetched (sorted by number, no duplicates)."""
    ids = set()
    for url in urls:
        found = CHUNK_NAME.match(url.split("?", 1)[0].rsplit("/", 1)[-1])
        if found:
            ids.add(found.group(1))
    return sorted(ids, key=int)


def record_extensions(
    urls: Iterable[str], labextension_paths: Sequence[str]
) -> dict[str, dict[str, Any]]:
    """The extensions' chunks among the URLs a page fetched, with each package's version."""
    files: dict[str, set[str]] = {}
    for url in urls:
        found = EXTENSION_URL.search(url.split("?", 1)[0])
        if found and PACKAGE_NAME.match(found.group(1)) and EXTENSION_CHUNK.match(found.group(2)):
            files.setdefault(found.group(1), set()).add(found.group(2))
    listed: dict[str, dict[str, Any]] = {}
    for package in sorted(files):
        located = _package_root(labextension_paths, package)
        if located is not None:
            chunks = sorted(files[package], key=lambda name: int(name.split(".", 1)[0]))
            listed[package] = {"version": located[1].get("version"), "chunks": chunks}
    return listed
