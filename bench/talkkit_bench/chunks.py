"""``python -m talkkit_bench.chunks``: record again which Voilà chunks a page fetches.

``talkkit serve`` bundles Voilà's JavaScript chunks into one file
(``talkkit.upstream.chunk_bundle``); the list of chunks it bundles
(``talkkit/upstream/voila_chunks.json``) is what the demo kit page and the trivial Voilà page
fetch in chromium. This serves both pages as the benchmark does (a copy of
the kit, ``TALKKIT_NO_CHUNK_BUNDLE=1`` so the pages ask for every chunk on their own), opens
each in chromium, and writes the list with its ``record`` and ``record_extensions``.
A developer's tool, run by hand after an upgrade of Voilà or of a front-end extension
(``tests/test_chunk_bundle.py`` says when).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import tempfile
from pathlib import Path

from talkkit_bench import browser
from talkkit_bench.config import BenchConfig
from talkkit_bench.servers import BASELINE_NOTEBOOK, prepare_kits, start_kit_server

__all__ = ["main", "page_requests"]


def page_requests(server_url: str, notebooks: list[str]) -> list[str]:
    """Every URL the pages of ``notebooks`` request in chromium, until each shows an answer
    field and 3 s more (the chunks a page loads later)."""
    from playwright.async_api import async_playwright

    urls: list[str] = []

    async def visit() -> None:
        async with async_playwright() as p:
            b = await browser.launch(p)
            for notebook in notebooks:
                context = await browser.new_context(b)
                page = await context.new_page()
                page.on("request", lambda r: urls.append(r.url))
                await page.goto(f"{server_url}voila/render/{notebook}")
                await (
                    page.locator(browser.FIELD).filter(visible=True).first.wait_for(timeout=60_000)
                )
                await page.wait_for_timeout(3000)
                await context.close()
            await b.close()

    asyncio.run(visit())
    return urls


def main() -> None:  # pragma: no cover - a developer's tool, run by hand
    """Serve the demo kit and the trivial page, open each in chromium, write the list."""
    from voila import __version__ as voila_version
    from voila.utils import get_voila_labextensions_path

    from talkkit.upstream.chunk_bundle import CHUNK_LIST, record, record_extensions

    kit = BenchConfig().kit
    work = Path(tempfile.mkdtemp(prefix="talkkit-chunks-"))
    os.environ["TALKKIT_NO_CHUNK_BUNDLE"] = "1"  # record what the pages ask for on their own
    try:
        kits = prepare_kits(work, kit)
        server = start_kit_server(kits, work / "data", work / "server.log", [])
        try:
            urls = page_requests(server.url, [kit, BASELINE_NOTEBOOK])
        finally:
            server.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    ids = record(urls)
    extensions = record_extensions(urls, get_voila_labextensions_path())
    listed = {"voila": voila_version, "chunks": ids, "labextensions": extensions}
    CHUNK_LIST.write_text(json.dumps(listed, indent=1) + "\n", encoding="utf-8")
    count = sum(len(e["chunks"]) for e in extensions.values())
    print(f"{CHUNK_LIST}: {len(ids)} chunks of Voilà {voila_version}, {count} of extensions")


if __name__ == "__main__":  # pragma: no cover
    main()
