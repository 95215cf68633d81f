"""Voilà's own JavaScript chunks in one file: one request instead of about seventy.

Voilà's page script (``voila.js``, a webpack 5 build) loads its code as some seventy small
chunks (``<id>.voila.js``), in waves: the first wave is asked for only once ``voila.js`` has
run, the next once those have run. On a cold page that is 72 requests of the 112 a kit page
makes, and when 30 groups open a kit at once the server answers 2,000 of them in the same
seconds (``talkkit bench``, ``bench/README.md``).

Webpack's runtime never requests a chunk that is already installed, and it installs every
chunk pushed onto its chunk array (``self.webpackChunk_JUPYTERLAB_CORE_OUTPUT``) before the
runtime itself ran. So the server concatenates the chunks a page uses into one file, served
under a content-hashed name (cached for good), and the talkkit template loads it just before
``voila.js``. The chunk files are untouched and still served: a chunk missing from the list is
loaded the usual way, so a stale list costs requests, never a broken page.

The list (``voila_chunks.json``) is what a kit page and the trivial Voilà page fetch, recorded
in chromium for the pinned Voilà version; ``tests/test_chunk_bundle.py`` fails when a page
fetches a chunk that is not in it, and ``python -m talkkit.chunks`` records it again. With
another Voilà version than the recorded one the server does not bundle (the pages work as
plain Voilà pages); nor does it with ``TALKKIT_NO_CHUNK_BUNDLE=1`` set (to record the list, or
to compare in a benchmark).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

from voila import __version__ as voila_version

__all__ = ["CHUNK_LIST", "ChunkBundle", "build_bundle", "chunk_ids", "record"]

log = logging.getLogger(__name__)

#: The chunk ids a page fetches, recorded for one Voilà version.
CHUNK_LIST = Path(__file__).with_name("voila_chunks.json")

#: A Voilà chunk's file name (``voila.js`` itself is the runtime, not a chunk).
CHUNK_NAME = re.compile(r"^(\d+)\.voila\.js$")


@dataclass(frozen=True)
class ChunkBundle:
    name: str  # file name, content-hashed: talkkit-chunks.<hash>.js
    body: bytes
    gzipped: bytes
    chunks: tuple[str, ...]  # the ids in it


def chunk_ids(path: Path = CHUNK_LIST) -> list[str] | None:
    """The recorded chunk ids, or None if the list is for another Voilà version or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        log.warning("talkkit: no Voilà chunk list (%s); pages load the chunks one by one", exc)
        return None
    if data.get("voila") != voila_version:
        log.warning(
            "talkkit: the Voilà chunk list is for Voilà %s, this is %s; pages load the chunks "
            "one by one (record the list again: python -m talkkit.chunks)",
            data.get("voila"),
            voila_version,
        )
        return None
    ids = [str(i) for i in data.get("chunks", [])]
    return [i for i in ids if i.isdigit()]


def build_bundle(static_paths: list[str], ids: list[str] | None = None) -> ChunkBundle | None:
    """The chunks ``ids`` (default: the recorded list) of Voilà's static folders in one file.

    Chunks not found are left out (the page loads them itself). None if nothing was found.
    """
    ids = chunk_ids() if ids is None else ids
    if not ids:
        return None
    parts: list[bytes] = []
    found: list[str] = []
    for chunk in ids:
        for root in static_paths:
            path = os.path.join(root, f"{chunk}.voila.js")
            try:
                with open(path, "rb") as f:
                    body = f.read()
            except OSError:
                continue
            # a chunk file may end in a line comment (a source map link): end it, then `;`
            parts.append(body.rstrip() + b"\n;\n")
            found.append(chunk)
            break
    if not found:
        return None
    missing = len(ids) - len(found)
    if missing:
        log.warning("talkkit: %d of Voilà's listed chunks were not found", missing)
    body = b"".join(parts)
    digest = hashlib.sha256(body).hexdigest()[:16]
    return ChunkBundle(
        name=f"talkkit-chunks.{digest}.js",
        body=body,
        gzipped=gzip.compress(body, compresslevel=6, mtime=0),
        chunks=tuple(found),
    )


def record(urls: list[str]) -> list[str]:
    """The chunk ids among the URLs a page fetched (sorted by number, no duplicates)."""
    ids = set()
    for url in urls:
        found = CHUNK_NAME.match(url.split("?", 1)[0].rsplit("/", 1)[-1])
        if found:
            ids.add(found.group(1))
    return sorted(ids, key=int)


def _record_main() -> None:  # pragma: no cover - a developer's tool, run by hand
    """Serve the demo kit and the trivial page, open each in chromium, write the list."""
    import asyncio
    import shutil
    import tempfile

    from playwright.async_api import async_playwright

    from bench import browser
    from bench.config import BenchConfig
    from bench.servers import BASELINE_NOTEBOOK, prepare_kits, start_kit_server

    kit = BenchConfig().kit
    work = Path(tempfile.mkdtemp(prefix="talkkit-chunks-"))
    os.environ["TALKKIT_NO_CHUNK_BUNDLE"] = "1"  # record what the pages ask for on their own
    try:
        kits = prepare_kits(work, kit)
        server = start_kit_server(kits, work / "data", work / "server.log", [])
        try:
            urls: list[str] = []

            async def visit() -> None:
                async with async_playwright() as p:
                    b = await browser.launch(p)
                    for notebook in (kit, BASELINE_NOTEBOOK):
                        context = await browser.new_context(b)
                        page = await context.new_page()
                        page.on("request", lambda r: urls.append(r.url))
                        await page.goto(f"{server.url}voila/render/{notebook}")
                        await (
                            page.locator(browser.FIELD)
                            .filter(visible=True)
                            .first.wait_for(timeout=60_000)
                        )
                        await page.wait_for_timeout(3000)  # the chunks a page loads later
                        await context.close()
                    await b.close()

            asyncio.run(visit())
        finally:
            server.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    ids = record(urls)
    CHUNK_LIST.write_text(
        json.dumps({"voila": voila_version, "chunks": ids}, indent=1) + "\n", encoding="utf-8"
    )
    print(f"{CHUNK_LIST}: {len(ids)} chunks of Voilà {voila_version}")


if __name__ == "__main__":  # pragma: no cover
    _record_main()
