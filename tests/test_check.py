"""Does `talkkit check` name every problem of a kit, with its file and field?"""

from __future__ import annotations

import json

import pytest
from helpers import DEMO_KIT, copy_kit, edit_yaml

from talkkit.authoring.check import check_kit
from talkkit.cli import main


def messages(folder) -> list[str]:
    return [str(p) for p in check_kit(folder)]


def test_demo_kit_is_ready():
    """Is the demo kit free of problems (media made by `talkkit media`)?"""
    assert check_kit(DEMO_KIT) == []


def test_missing_captions_for_declared_language(tmp_path):
    """Does a language declared without captions get reported on the talk's captions field?"""
    kit = copy_kit(tmp_path)

    def add_swedish(data):
        data["languages"].append("sv")

    edit_yaml(kit, add_swedish)
    found = messages(kit)
    assert (
        "kit.yaml: talks[0].captions: no captions for Swedish (sv), a language the kit declares"
        in found
    )
    assert any(m.startswith("kit.yaml: title: one text for a kit in 2 languages") for m in found)


def test_minutes_that_do_not_add_up(tmp_path):
    kit = copy_kit(tmp_path)
    edit_yaml(kit, lambda d: d["agenda"][0].update(minutes=7))
    assert (
        "kit.yaml: agenda: the phases add up to 142 minutes, but duration_minutes says 140"
        in messages(kit)
    )


def test_missing_video(tmp_path):
    kit = copy_kit(tmp_path)
    (kit / "media" / "talk2.webm").unlink()
    assert any(m.startswith("media/talk2.webm: the video file is not there") for m in messages(kit))


def test_declared_length_differs_from_real_length(tmp_path):
    kit = copy_kit(tmp_path)
    edit_yaml(kit, lambda d: d["talks"][0].update(duration_seconds=600))
    found = [m for m in messages(kit) if "talks[0].duration_seconds" in m]
    assert len(found) == 1 and "declared 600 s, but the video is" in found[0]


def test_unknown_language(tmp_path):
    kit = copy_kit(tmp_path)
    edit_yaml(kit, lambda d: d["languages"].append("de"))
    assert "kit.yaml: languages: unknown language 'de': talkkit speaks da, sv, en" in messages(kit)


def test_schema_problem_names_the_field(tmp_path):
    kit = copy_kit(tmp_path)
    edit_yaml(kit, lambda d: d["agenda"][2].update(kind="lecture"))
    found = messages(kit)
    assert len(found) == 1
    assert found[0].startswith("kit.yaml: agenda[2].kind: 'lecture' is not one of: talks,")


def test_broken_yaml_is_reported_not_raised(tmp_path):
    kit = copy_kit(tmp_path)
    (kit / "kit.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    [problem] = check_kit(kit)
    assert "not valid YAML (line" in problem.message


def test_notebook_without_parameters(tmp_path):
    kit = copy_kit(tmp_path)
    nb = json.loads((kit / "kit.ipynb").read_text())
    for cell in nb["cells"]:
        cell["metadata"]["tags"] = [
            t for t in cell["metadata"].get("tags", []) if t != "parameters"
        ]
    (kit / "kit.ipynb").write_text(json.dumps(nb))
    assert "kit.ipynb: no cell is tagged 'parameters' (papermill needs one)" in messages(kit)


def test_notebook_with_outputs(tmp_path):
    kit = copy_kit(tmp_path)
    nb = json.loads((kit / "kit.ipynb").read_text())
    code = next(c for c in nb["cells"] if c["cell_type"] == "code")
    code["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["hi"]}]
    (kit / "kit.ipynb").write_text(json.dumps(nb))
    assert any("has outputs" in m for m in messages(kit))


def test_captions_that_are_not_webvtt(tmp_path):
    kit = copy_kit(tmp_path)
    (kit / "media" / "talk1.da.vtt").write_text("not a caption file\n", encoding="utf-8")
    assert any(m.startswith("media/talk1.da.vtt: not valid WebVTT") for m in messages(kit))


@pytest.mark.parametrize("broken", [True, False])
def test_cli_exit_code(tmp_path, capsys, broken):
    """Does `talkkit check` exit 1 when a kit has a problem, and 0 when none has?"""
    kit = copy_kit(tmp_path)
    if broken:
        (kit / "media" / "talk1.webm").unlink()
    code = main(["check", str(kit)])
    out = capsys.readouterr().out
    assert code == (1 if broken else 0)
    assert ("✗" in out) is broken


def test_cli_fails_when_it_finds_no_kit(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TALKKIT_KITS", str(tmp_path))
    assert main(["check"]) == 1
    assert "No kits found" in capsys.readouterr().out


def test_phase_id_reserved_by_answer_keys(tmp_path):
    kit = copy_kit(tmp_path)
    edit_yaml(kit, lambda d: d["agenda"][1].update(id="questions"))
    assert (
        "kit.yaml: agenda[1].id: 'questions' is reserved for the group's answers; choose another id"
        in messages(kit)
    )


def test_store_url_from_environment(tmp_path, monkeypatch):
    """Does `talkkit serve --store URL` (via $TALKKIT_STORE) decide every kit's store?"""
    from talkkit.store import default_url

    monkeypatch.setenv("TALKKIT_DATA", str(tmp_path))
    monkeypatch.delenv("TALKKIT_STORE", raising=False)
    assert default_url() == f"sqlite://{tmp_path / 'talkkit.sqlite3'}"
    monkeypatch.setenv("TALKKIT_STORE", "postgresql://u@localhost/db")
    assert default_url() == "postgresql://u@localhost/db"
