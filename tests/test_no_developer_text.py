"""Does a group's page show no text meant for developers or kit authors?

Voilà shows the output of a notebook's code cells; code sources are hidden, and so (by the
talkkit page template, issue 21) are a kit notebook's markdown and raw cells, the kit's source
which the widgets show. Notes for authors belong there or in code comments. Checked in the notebooks (every kit and template), by ``talkkit check``, and on every
kit page in a real browser.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import KITS
from helpers import ROOT, copy_kit, ensure_yaml

from talkkit.authoring.check import check_kit
from talkkit.kit import find_kits

#: Words only a developer or a kit author needs (never in a group's language).
DEVELOPER_TEXT = re.compile(
    r"talkkit (check|serve|media|new)|kit\.yaml|kit\.ipynb|Voil[àa]|notebook|papermill|"
    r"This notebook|Learning kit\b",
    re.IGNORECASE,
)
NOTEBOOKS = sorted([*KITS.glob("*/kit.ipynb"), *(ROOT / "workshop_templates").glob("*/kit.ipynb")])


def test_there_are_notebooks() -> None:
    assert len(NOTEBOOKS) >= 9


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.parent.name)
def test_the_cells_voila_shows_hold_no_developer_text(path: Path) -> None:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    shown = [json.dumps(c.get("outputs", [])) for c in cells if c["cell_type"] == "code"]
    assert [t for t in shown if DEVELOPER_TEXT.search(t)] == []


def test_check_reports_a_markdown_cell_in_a_kit_yaml_kit(tmp_path) -> None:
    """A kit not yet migrated (kit.yaml, a notebook without settings cell): its markdown
    cells are not the kit's source, so check still asks to move them."""
    kit = copy_kit(tmp_path)
    ensure_yaml(kit)
    nb_path = kit / "kit.ipynb"
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    nb["cells"] = [c for c in nb["cells"] if c["cell_type"] == "code"]
    nb["cells"].insert(0, {"cell_type": "markdown", "metadata": {}, "source": ["# Learning kit"]})
    nb_path.write_text(json.dumps(nb), encoding="utf-8")
    found = [str(p) for p in check_kit(kit, probe_media=False)]
    assert any(m.startswith("kit.ipynb: cells[0]: Voilà shows this markdown cell") for m in found)


@pytest.mark.browser
@pytest.mark.parametrize("kit", [p.name for p in find_kits(KITS)])
def test_no_developer_text_on_a_kit_page(kit_server, page, kit: str) -> None:
    """Open every kit as a group does: is the visible text free of developer words?"""
    from playwright.sync_api import expect

    pg, _log = page
    pg.goto(f"{kit_server.url}voila/render/{kit}/kit.ipynb", timeout=60_000)
    expect(pg.locator(".tk-phase-title")).to_be_visible(timeout=60_000)
    text = pg.locator("body").inner_text()
    assert len(text) > 200  # the page really is there
    assert DEVELOPER_TEXT.findall(text) == []


def test_the_pattern_finds_the_old_note() -> None:
    """Would the old note ("This notebook *is* the kit ...") have been caught?"""
    old = "This notebook *is* the kit: served by Voilà ... check it with `talkkit check .`"
    assert DEVELOPER_TEXT.search(old)


@pytest.mark.browser
def test_a_swedish_kit_asked_in_english_says_so_in_english(kit_server, page) -> None:
    """``?lang=en`` on a Swedish-only kit: an English interface with a note, in English, that
    the kit's content is in Swedish."""
    from playwright.sync_api import expect

    pg, _log = page
    pg.goto(f"{kit_server.url}voila/render/lamna-kriminalitet/kit.ipynb?lang=en", timeout=60_000)
    note = pg.get_by_text("This kit is not available in English. Its content is shown in Swedish.")
    expect(note).to_be_visible(timeout=60_000)
    assert note.bounding_box()["y"] < 768  # on the first screen, without scrolling
