"""Does `talkkit new` make a kit folder from a template, and does check list what is left?"""

from __future__ import annotations

import json

import pytest

from talkkit.authoring.check import check_kit
from talkkit.authoring.new import NewKitError, available_templates, new_kit
from talkkit.cli import main
from talkkit.kit import read_raw


def test_templates_exist():
    assert {"hybrid-seminar", "self-study"} <= set(available_templates())


@pytest.mark.parametrize("template", ["hybrid-seminar", "self-study"])
def test_new_kit_lists_what_is_left(tmp_path, template):
    folder = new_kit("min-kit", template=template, language="sv", kits_root=tmp_path)
    data = read_raw(folder)
    assert data["languages"] == ["sv"]
    assert data["agenda"][-1]["title"] == "Utvärdering"  # Swedish kept, others dropped
    problems = [str(p) for p in check_kit(folder, probe_media=False)]
    assert (
        "kit.ipynb: cell 5 (# TODO: the kit's title): still to write: TODO: the kit's title"
        in problems
    )
    assert "media/talk1.sv.txt: the talk script still has TODO in it" in problems
    assert any(p.startswith("media/talk1.webm: the video file is not there") for p in problems)
    # nothing but TODOs and media still to make: the template itself is sound
    assert all("TODO" in p or "not there" in p for p in problems), problems


def test_papermill_injects_the_language(tmp_path):
    folder = new_kit("en-kit", language="en", kits_root=tmp_path)
    nb = json.loads((folder / "kit.ipynb").read_text())
    injected = [c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
    assert len(injected) == 1 and 'language = "en"' in "".join(injected[0]["source"])


@pytest.mark.parametrize(
    ("name", "kwargs", "message"),
    [
        ("Bad Name", {}, "not a usable kit name"),
        ("ok", {"language": "de"}, "unknown language 'de'"),
        ("ok", {"template": "nope"}, "no template 'nope'"),
    ],
)
def test_refuses_bad_input(tmp_path, name, kwargs, message):
    with pytest.raises(NewKitError, match=message):
        new_kit(name, kits_root=tmp_path, **kwargs)
    assert not (tmp_path / name).exists()


def test_refuses_existing_folder(tmp_path, capsys):
    new_kit("twice", kits_root=tmp_path)
    assert main(["new", "twice", "--kits-dir", str(tmp_path)]) == 1
    assert "already exists" in capsys.readouterr().out


def test_new_kit_in_two_languages(tmp_path):
    """Does a kit in Danish with English captions get a text per language and a translation?"""
    folder = new_kit("to-sprog", language=["da", "en"], kits_root=tmp_path)
    data = read_raw(folder)
    assert data["languages"] == ["da", "en"]
    assert data["agenda"][-1]["title"] == {"da": "Evaluering", "en": "Evaluation"}
    talk = data["talks"][0]
    assert talk["generate"]["translations"] == {"en": "media/talk1.en.txt"}
    assert talk["captions"] == {"da": "media/talk1.da.vtt", "en": "media/talk1.en.vtt"}
    assert (folder / "media" / "talk1.en.txt").is_file()
    problems = [str(p) for p in check_kit(folder, probe_media=False)]
    assert not any("one text for a kit in 2 languages" in p for p in problems), problems


def test_the_new_notebook_names_no_path_of_the_authors_machine(tmp_path):
    """A kit is committed and shared: papermill's record of what it read and wrote names the
    template and the notebook, not absolute paths."""
    folder = new_kit("shared-kit", template="self-study", kits_root=tmp_path)
    text = (folder / "kit.ipynb").read_text(encoding="utf-8")
    recorded = json.loads(text)["metadata"]["papermill"]
    assert recorded["input_path"] == "workshop_templates/self-study/kit.ipynb"
    assert recorded["output_path"] == "kit.ipynb"
    assert str(tmp_path) not in text
