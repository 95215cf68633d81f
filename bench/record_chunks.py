"""Record the chunks a kit page fetches: ``python -m bench.record_chunks``.

Writes ``talkkit/upstream/voila_chunks.json``, the list the chunk bundle is built from (see
:mod:`talkkit.upstream.chunk_bundle`): serve the demo kit and the trivial page without the
bundle, open each in chromium, keep the chunk addresses they asked for. A developer's tool,
beside the benchmark whose servers and browser it uses; the product never imports it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from voila import __version__ as voila_version


def main() -> None:  # pragma: no cover - a developer's tool, run by hand
    """Serve the demo kit and the trivial page, open each in chromium, write the list."""
    import asyncio
    import shutil
    import tempfile

    from playwright.async_api import async_playwright
    from voila.utils import get_voila_labextensions_path

    from bench import browser
    from bench.config import BenchConfig
    from bench.servers import BASELINE_NOTEBOOK, prepare_kits, start_kit_server
    from talkkit.upstream.chunk_bundle import CHUNK_LIST, record, record_extensions

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
    extensions = record_extensions(urls, get_voila_labextensions_path())
    listed = {"voila": voila_version, "chunks": ids, "labextensions": extensions}
    CHUNK_LIST.write_text(json.dumps(listed, indent=1) + "\n", encoding="utf-8")
    count = sum(len(e["chunks"]) for e in extensions.values())
    print(f"{CHUNK_LIST}: {len(ids)} chunks of Voilà {voila_version}, {count} of extensions")


if __name__ == "__main__":  # pragma: no cover
    main()
