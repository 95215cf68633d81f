"""Issue 21: the kit notebook is the kit's document. Mistakes an author makes in it are named
by cell, in the kit's language, never as a traceback; translations that are missing are listed;
a save is seen by the next page (no cache)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from helpers import ROOT, copy_kit

from talkkit.authoring.check import check_kit
from talkkit.authoring.show import show_check
from talkkit.kit import load_kit

SWEDISH = ROOT / "kits" / "skolfranvaro"
BILINGUAL = ROOT / "kits" / "anbragte-boern-laering"


def _nb(kit: Path) -> dict:
    return json.loads((kit / "kit.ipynb").read_text(encoding="utf-8"))


def _save(kit: Path, nb: dict) -> None:
    (kit / "kit.ipynb").write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")


def _cell(nb: dict, start: str) -> dict:
    return next(c for c in nb["cells"] if "".join(c["source"]).startswith(start))


def _edit(kit: Path, start: str, change) -> None:
    nb = _nb(kit)
    cell = _cell(nb, start)
    cell["source"] = change("".join(cell["source"]))
    _save(kit, nb)


def _settings(kit: Path, change) -> None:
    nb = _nb(kit)
    cell = next(c for c in nb["cells"] if "talkkit-settings" in c["metadata"].get("tags", []))
    cell["source"] = change("".join(cell["source"]))
    _save(kit, nb)


def texts(kit: Path, language: str | None = None) -> list[str]:
    problems = check_kit(kit, probe_media=False, language=language)
    return [p.text(language or "sv") for p in problems]


def test_the_swedish_kit_is_ready_and_answers_in_swedish(tmp_path):
    kit = copy_kit(tmp_path, SWEDISH)
    assert check_kit(kit) == []
    _settings(kit, lambda s: re.sub(r"\n +minutes: 15\n", "\n", s, count=1))  # first phase
    found = texts(kit)
    assert any(f.startswith("kit.ipynb: cell 7 (## Fas: Se presentationen): ") and "'minutes'" in f
               for f in found), found  # fmt: skip


def test_minutes_that_do_not_add_up(tmp_path):
    kit = copy_kit(tmp_path, SWEDISH)
    _settings(kit, lambda s: s.replace("minutes: 15\n", "minutes: 16\n", 1))
    found = texts(kit, "en")
    assert any("the phases add up to 46 minutes, but duration_minutes says 45" in f for f in found)
    assert all("Traceback" not in f for f in found)


def test_a_prompt_outside_any_phase(tmp_path):
    kit = copy_kit(tmp_path, SWEDISH)
    _edit(kit, "## Presentation:", lambda s: s + "\n\n### Frågor\n\n- Vad tänker du?\n")
    found = texts(kit, "sv")
    assert any(
        f.startswith("kit.ipynb: cell 6 (### Frågor): "
                     "en lista med frågor utanför en fas") for f in found
    ), found  # fmt: skip


def test_a_heading_at_the_wrong_level(tmp_path):
    kit = copy_kit(tmp_path, SWEDISH)
    _edit(kit, "## Fas: Reflektion", lambda s: "#" + s)
    found = texts(kit, "en")
    assert (
        "kit.ipynb: cell 8 (### Fas: Reflektion): the heading 'Fas: Reflektion' is at the wrong "
        "level: write it with ##" in found
    ), found


def test_a_cell_in_an_unknown_language(tmp_path):
    kit = copy_kit(tmp_path, SWEDISH)
    nb = _nb(kit)
    _cell(nb, "## Fas: Reflektion")["metadata"]["tags"] = ["lang:de"]
    _save(kit, nb)
    found = texts(kit, "da")
    assert any("celle 8: en celle på et ukendt sprog 'de' (kittets sprog: sv)" in f for f in found)


def test_a_missing_caption_file_and_a_video_of_another_length(tmp_path):
    kit = copy_kit(tmp_path, SWEDISH)
    (kit / "media" / "talk1.sv.vtt").unlink()
    _settings(kit, lambda s: s.replace("  video: media/talk1.webm", "  video: media/talk1.webm\n"
                                       "  duration_seconds: 9999", 1))  # fmt: skip
    found = [p.text("sv") for p in check_kit(kit, language="sv")]
    assert "media/talk1.sv.vtt: undertextfilen för sv finns inte" in found
    assert any("cell 6 (## Presentation: Gör stegen tillbaka små)" in f and "9999" in f
               for f in found), found  # fmt: skip


def test_the_bilingual_kit_lists_what_is_not_translated(tmp_path):
    kit = copy_kit(tmp_path, BILINGUAL)
    assert check_kit(kit, probe_media=False) == []
    nb = _nb(kit)
    english = [c for c in nb["cells"] if "lang:en" in c["metadata"].get("tags", [])]
    nb["cells"].remove(english[2])  # a translated phase cell removed
    _save(kit, nb)
    found = texts(kit, "en")
    assert found and all("not yet translated into English" in f for f in found), found
    assert len({f.split(": ")[1] for f in found}) == 1  # all in the one Danish cell


def test_a_save_is_read_by_the_next_load(tmp_path):
    kit = copy_kit(tmp_path, SWEDISH)
    assert load_kit(kit).phase("reflection").intro.startswith("Tänk över")
    _edit(kit, "## Fas: Reflektion", lambda s: s.replace("Tänk över", "Fundera på", 1))
    assert load_kit(kit).phase("reflection").intro.startswith("Fundera på")


def test_show_check_lists_problems_in_lab_and_nothing_in_voila(tmp_path, monkeypatch, capsys):
    kit = copy_kit(tmp_path, SWEDISH)
    _settings(kit, lambda s: s.replace("minutes: 15\n", "minutes: 16\n", 1))
    monkeypatch.delenv("VOILA_REQUEST_URL", raising=False)
    monkeypatch.delenv("VOILA_BASE_URL", raising=False)
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    lines = show_check(kit)
    assert lines and any("46" in line for line in lines)
    monkeypatch.setenv("VOILA_REQUEST_URL", "http://127.0.0.1/voila/render/x/kit.ipynb")
    assert show_check(kit) is None


@pytest.mark.parametrize("kit", ["skolfranvaro", "anbragte-boern-laering"])
def test_papermill_help_notebook_lists_the_parameters(kit):
    out = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "papermill"), "--help-notebook", f"kits/{kit}/kit.ipynb"],
        cwd=ROOT, capture_output=True, text=True, check=True, timeout=120,
    ).stdout  # fmt: skip
    for name in ("language", "event", "group", "store", "facilitator"):
        assert f"  {name}: " in out, out
