"""Does the gallery list every kit, show broken ones as unavailable, and escape kit text?"""

from __future__ import annotations

import shutil

from helpers import ROOT, copy_kit, edit_yaml

from talkkit.i18n import catalogue_ids
from talkkit.page.gallery import render_gallery


def test_lists_every_kit_with_its_card():
    html = render_gallery(ROOT / "kits")
    assert "Tidlig opsporing: at se barnet i tide" in html
    assert 'href="voila/render/tidlig-opsporing/kit.ipynb?lang=da"' in html
    assert "Mette Holm (Sundhedsplejerske)" in html
    assert "140 min" in html


def test_broken_kit_is_unavailable_with_reason_and_others_still_show(tmp_path):
    copy_kit(tmp_path)
    broken = tmp_path / "broken-kit"
    shutil.copytree(tmp_path / "tidlig-opsporing", broken)
    (broken / "media" / "talk1.webm").unlink()
    html = render_gallery(tmp_path, language="en")
    assert html.count("Unavailable: this kit has problems") == 1
    assert "media/talk1.webm: the video file is not there" in html
    assert 'href="voila/render/tidlig-opsporing/kit.ipynb' in html
    assert 'href="voila/render/broken-kit/' not in html


def test_kit_text_is_escaped(tmp_path):
    """Is a script in a kit's title shown as text, never run?"""
    kit = copy_kit(tmp_path)
    edit_yaml(kit, lambda d: d.update(title="<script>alert(1)</script>"))
    html = render_gallery(tmp_path)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_gallery_in_swedish():
    html = render_gallery(ROOT / "kits", language="sv")
    assert '<html lang="sv">' in html
    assert "Öppna kitet" in html


def test_gallery_catalogues_translate_every_message():
    """Does every gallery message have a Danish and a Swedish translation?"""
    template = (ROOT / "talkkit" / "templates" / "gallery.html.j2").read_text()
    import re

    used = set(re.findall(r'_\("([^"]+)"', template)) | set(re.findall(r"_\('([^']+)'", template))
    assert len(used) > 10
    for lang in ("da", "sv"):
        missing = used - catalogue_ids("gallery", lang)
        assert not missing, f"{lang}: {sorted(missing)}"
