"""Does `talkkit media` leave an author's own recording alone, and does `check` say why?"""

from __future__ import annotations

import hashlib
import subprocess

import pytest
from helpers import copy_kit, edit_yaml

from talkkit.authoring.check import check_kit
from talkkit.authoring.media import duration_seconds
from talkkit.cli import main
from talkkit.commands.media import build_kit_media


def _recording(path) -> None:
    """A real H.264 + AAC recording, as a phone or a camera makes one."""
    subprocess.run(
        [
            "ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25",
            "-f", "lavfi", "-i", "sine=frequency=440",
            "-t", "3", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", str(path),
        ],
        check=True,
        timeout=120,
    )  # fmt: skip


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def kit_with_recording(tmp_path):
    """The demo kit whose author put a recording in and left the template's generate: block."""
    kit = copy_kit(tmp_path)
    _recording(kit / "media" / "inspelning.mp4")
    edit_yaml(kit, lambda d: d["talks"][0].update(video="media/inspelning.mp4"))
    return kit


def test_media_leaves_the_authors_recording_alone(kit_with_recording, capsys, monkeypatch):
    """Is an author's mp4 untouched, with a warning in the kit's language, and exit 1?"""
    monkeypatch.delenv("TALKKIT_LANG", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    video = kit_with_recording / "media" / "inspelning.mp4"
    before = _sha(video)
    status = main(["media", str(kit_with_recording)])
    out = capsys.readouterr().out
    assert status == 1
    assert _sha(video) == before
    assert abs(duration_seconds(video) - 3.0) < 0.2
    assert "ADVARSEL: media/inspelning.mp4" in out and "din fil er urørt" in out  # Danish kit
    assert not (kit_with_recording / "media" / "inspelning.da.vtt").exists()
    assert not (kit_with_recording / "media" / "inspelning.stamp").exists()


def test_media_warns_in_the_language_asked_for(kit_with_recording, capsys):
    main(["media", "--lang", "sv", str(kit_with_recording)])
    assert "VARNING: media/inspelning.mp4" in capsys.readouterr().out


def test_check_reports_the_clash(kit_with_recording):
    """Does `check` say the kit is not ready while the recording would be skipped?"""
    found = [str(p) for p in check_kit(kit_with_recording)]
    clash = [m for m in found if m.startswith("media/inspelning.mp4: this is not a file")]
    assert clash and "remove talks[0].generate" in clash[0]


def test_own_captions_beside_a_made_video_are_kept(tmp_path):
    """Are the author's own captions (at the path a demo talk would write) kept too?"""
    kit = copy_kit(tmp_path)
    captions = kit / "media" / "talk1.da.vtt"
    captions.write_text("WEBVTT\n\n1\n00:00:00.000 --> 00:00:02.000\nMin egen tekst\n")
    before = _sha(captions)
    run = build_kit_media(kit)
    assert ("talk1", ["media/talk1.da.vtt"]) in run.kept
    assert _sha(captions) == before
    assert any("talk1.da.vtt: this is not a file" in str(p) for p in check_kit(kit, probe_media=0))


@pytest.mark.slow
def test_media_remakes_what_it_made(tmp_path):
    """Does a talk whose files talkkit made still get made again when its script changes?"""
    kit = copy_kit(tmp_path)
    build_kit_media(kit)  # records the hashes of what the demo kit's stamps say was made here
    script = kit / "media" / "talk2.da.txt"
    script.write_text(script.read_text(encoding="utf-8") + "\nEn sætning mere.\n", "utf-8")
    video = kit / "media" / "talk2.webm"
    before = _sha(video)
    run = build_kit_media(kit)
    assert run.kept == [] and any(line.startswith("media/talk2.webm") for line in run.made)
    assert _sha(video) != before
    assert check_kit(kit, probe_media=False) == []
