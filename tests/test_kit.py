"""Does the kit model load kits quickly and safely, with the right fallbacks?"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from helpers import DEMO_KIT, copy_kit, edit_yaml

from talkkit.kit import KitLoadError, load_kit, localize, phases, schema, schema_build


def test_generated_validator_matches_the_schema():
    """Is talkkit/kit/validator.py regenerated after every schema change?"""
    assert schema_build.TARGET.read_text(encoding="utf-8") == schema_build.generate(), (
        "run: python -m talkkit.kit.schema_build"
    )


def test_load_rejects_what_the_schema_forbids(tmp_path):
    kit = copy_kit(tmp_path)
    edit_yaml(kit, lambda d: d["talks"][0].update(video="../../../etc/passwd"))
    with pytest.raises(KitLoadError, match=r"talks\[0\]\.video: must match pattern"):
        load_kit(kit)


def test_localize_fallback_order():
    text = {"da": "Hej", "en": "Hello"}
    assert localize(text, "sv", ("da",)) == "Hej"  # the kit's main language first
    assert localize(text, "sv") == "Hello"  # then English
    assert localize({"da": "Hej"}, "sv") == "Hej"  # then any
    assert localize("Samme", "sv") == "Samme"


def test_kit_start_path_imports_nothing_heavy():
    """Does opening a kit page stay clear of heavy imports (jsonschema, exports, pandas)?"""
    code = (
        "import sys, json\n"
        "from talkkit.kit import load_kit\n"
        "import widgets\n"
        f"load_kit({str(DEMO_KIT)!r})\n"
        "heavy = ['jsonschema', 'docx', 'xlsxwriter', 'openpyxl', 'pandas', 'psycopg']\n"
        "print(json.dumps([m for m in heavy if m in sys.modules]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def test_the_schema_allows_exactly_the_phase_kinds():
    """Is the schema's list of phase kinds the one in talkkit/kit/phases.py, and is every
    group of kinds made of known kinds?"""
    agenda = schema()["properties"]["agenda"]["items"]["properties"]
    assert tuple(agenda["kind"]["enum"]) == phases.PHASE_KINDS
    for group in (
        phases.CONVERSATION_KINDS,
        phases.QUESTION_KINDS,
        phases.AGREEMENT_KINDS,
        phases.READ_OUT_KINDS,
    ):
        assert group and set(group) <= set(phases.PHASE_KINDS), group
    sent = phases.page_kinds()
    singles = {v for v in sent.values() if isinstance(v, str)}
    lists = {k for v in sent.values() if isinstance(v, list) for k in v}
    assert singles | lists <= set(phases.PHASE_KINDS)
