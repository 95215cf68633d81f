"""Does ``talkkit check`` answer in the kit's language unless told otherwise?"""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from helpers import ROOT, copy_kit, edit_yaml

from talkkit.authoring.check import check_kit
from talkkit.cli import main
from talkkit.i18n import catalogue_ids, translator

SOURCES = [ROOT / "talkkit" / "authoring" / "check.py"]


def check_msgids() -> set[str]:
    found = set()
    for path in SOURCES:
        found |= {m for _l, m, _c, _x in extract_from_file("python", path, {"problem": (3,)}) if m}
    from talkkit.authoring.cells import MESSAGES, PLACES

    found |= {*MESSAGES.values(), *PLACES}  # the notebook's messages, by key
    return found | {"ready", "{n} problem(s)", "{ready} of {total} kits ready"}


def test_the_extraction_finds_the_messages() -> None:
    assert len(check_msgids()) > 30


@pytest.mark.parametrize("language", ["da", "sv"])
def test_every_check_message_is_translated_with_its_placeholders(language: str) -> None:
    assert sorted(check_msgids() - catalogue_ids("check", language)) == []
    _ = translator(language, "check")
    fields = lambda t: {f for _x, f, _s, _c in string.Formatter().parse(t) if f}  # noqa: E731
    assert [m for m in check_msgids() if fields(_(m)) != fields(m)] == []


def _broken(tmp_path: Path, source: Path | None = None) -> Path:
    kit = copy_kit(tmp_path, source) if source else copy_kit(tmp_path)
    edit_yaml(kit, lambda d: d["agenda"][0].update(minutes=7))
    (kit / "media" / "talk2.webm").unlink()
    return kit


def test_a_danish_kit_gets_danish_answers(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.delenv("TALKKIT_LANG", raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")  # an English machine: the kit's language wins
    kit = _broken(tmp_path)
    assert main(["check", "--no-media", str(kit)]) == 1
    out = capsys.readouterr().out
    assert "2 problem(er)" in out
    assert "faserne giver tilsammen 142 minutter, men duration_minutes siger 140" in out
    assert "media/talk2.webm: videofilen findes ikke (kør `talkkit media`" in out
    assert "0 af 1 kit er klar" in out
    assert "the phases add up" not in out
    main(["check", "--no-media", "--lang", "en", str(kit)])
    assert "the phases add up to 142 minutes" in capsys.readouterr().out


def test_a_swedish_kit_gets_swedish_answers(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.delenv("TALKKIT_LANG", raising=False)
    monkeypatch.delenv("LANG", raising=False)
    kit = copy_kit(tmp_path, ROOT / "kits" / "skolfranvaro")
    edit_yaml(kit, lambda d: d.update(languages=["sv", "da"]))
    main(["check", "--no-media", str(kit)])
    out = capsys.readouterr().out
    assert "kit.yaml: title: en text för ett kit på 2 språk; skriv den för varje språk" in out
    assert "inga undertexter på danska (da), ett språk som kitet anger" in out


def test_problems_stay_english_for_the_api(tmp_path) -> None:
    """Do ``str(problem)`` and the tests' English messages stay as they were?"""
    found = [str(p) for p in check_kit(_broken(tmp_path), probe_media=False)]
    assert (
        "kit.yaml: agenda: the phases add up to 142 minutes, but duration_minutes says 140" in found
    )
