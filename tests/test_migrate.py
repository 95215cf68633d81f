"""Issue 21: every kit and template moved from kit.yaml to its notebook with nothing lost.

tests/data/premigration/ holds each kit.yaml as it was when migrated (as JSON); the kit built
from it must equal the kit built from the notebook, and a notebook written from a kit's
fields must read back as the same fields."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from talkkit.authoring.migrate import write_notebook
from talkkit.authoring.new import _keep_languages
from talkkit.kit import find_kits, from_raw, load_kit
from talkkit.kit.notebook import read_notebook

ROOT = Path(__file__).resolve().parent.parent
BEFORE = ROOT / "tests" / "data" / "premigration"
KITS = find_kits(ROOT / "kits")


def test_every_kit_is_a_notebook_kit():
    assert len(KITS) == 7
    assert not list((ROOT / "kits").glob("*/kit.yaml"))


@pytest.mark.parametrize("folder", KITS, ids=[k.name for k in KITS])
def test_model_before_and_after_migration_is_equal(folder):
    before = json.loads((BEFORE / f"{folder.name}.json").read_text(encoding="utf-8"))
    assert from_raw(folder, before) == load_kit(folder)


@pytest.mark.parametrize("folder", KITS, ids=[k.name for k in KITS])
def test_notebook_round_trip(folder, tmp_path):
    data = read_notebook(folder / "kit.ipynb").data
    copy = tmp_path / "kit.ipynb"
    write_notebook(data, copy, code_from=folder / "kit.ipynb")
    assert read_notebook(copy).data == data


@pytest.mark.parametrize("template", ["hybrid-seminar", "self-study"])
@pytest.mark.parametrize("language", ["da", "sv", "en"])
def test_template_texts_kept(template, language):
    before = json.loads((BEFORE / f"template-{template}.json").read_text(encoding="utf-8"))
    after = read_notebook(ROOT / "workshop_templates" / template / "kit.ipynb").data
    old, new = _keep_languages(before, [language]), _keep_languages(after, [language])
    old.pop("languages")
    new.pop("languages")
    assert _dropped_empty(old) == _dropped_empty(new)


def _dropped_empty(node):
    """An empty list or mapping means the same to the kit model as none (``or ()``)."""
    if isinstance(node, dict):
        return {k: _dropped_empty(v) for k, v in node.items() if v not in ([], {})}
    if isinstance(node, list):
        return [_dropped_empty(v) for v in node]
    return node
