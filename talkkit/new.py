"""``talkkit new``: a new kit folder from a workshop template.

The template's ``kit.yaml`` is filled in for the chosen language (texts in other languages are
dropped, what the author must still write is marked ``TODO``, which ``talkkit check`` lists), and
the kit notebook is made with papermill (``prepare_only``), which injects the chosen parameters
after the ``parameters`` cell without running anything.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import papermill
import yaml

from talkkit.i18n import LANGUAGES
from talkkit.kit import KIT_FILE, NOTEBOOK_FILE
from talkkit.paths import templates_dir

__all__ = ["NewKitError", "available_templates", "new_kit"]

_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")

_TODO = {
    "title": "TODO: the kit's title",
    "summary": "TODO: two or three sentences on what the kit is about",
    "background": "TODO: a short background text with references",
    "talk1_title": "TODO: the title of the first talk",
    "talk1_speaker": "TODO: the speaker's name",
    "talk1_role": "TODO: the speaker's role",
    "talk2_title": "TODO: the title of the second talk",
    "talk2_speaker": "TODO: the speaker's name",
    "talk2_role": "TODO: the speaker's role",
}


class NewKitError(Exception):
    """The kit cannot be made (bad name, existing folder, unknown template or language)."""


def available_templates(root: Path | None = None) -> list[str]:
    root = root or templates_dir()
    return sorted(p.parent.name for p in root.glob(f"*/{KIT_FILE}"))


def _keep_language(node: Any, language: str) -> Any:
    if isinstance(node, dict):
        keys = set(node)
        if keys and keys <= set(LANGUAGES):
            return node.get(language) or node.get("en") or next(iter(node.values()))
        # captions map languages to files, they are not a text to translate
        return {k: v if k == "captions" else _keep_language(v, language) for k, v in node.items()}
    if isinstance(node, list):
        return [_keep_language(v, language) for v in node]
    return node


def new_kit(
    topic: str,
    *,
    template: str = "hybrid-seminar",
    language: str = "da",
    kits_root: Path,
    templates_root: Path | None = None,
) -> Path:
    """Make ``kits_root/topic`` from a template and return its folder."""
    if not _SLUG.match(topic):
        raise NewKitError(
            f"{topic!r} is not a usable kit name: use lower-case letters, digits and '-' "
            "(for example tidlig-opsporing)"
        )
    if language not in LANGUAGES:
        raise NewKitError(f"unknown language {language!r}: choose one of {', '.join(LANGUAGES)}")
    source = (templates_root or templates_dir()) / template
    if not (source / KIT_FILE).is_file():
        names = ", ".join(available_templates(templates_root)) or "none"
        raise NewKitError(f"no template {template!r} (templates: {names})")
    target = Path(kits_root) / topic
    if target.exists():
        raise NewKitError(f"{target} already exists; choose another name or remove it")

    text = (source / KIT_FILE).read_text(encoding="utf-8")
    values = {**_TODO, "id": topic, "topic": topic, "language": language}
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    data = _keep_language(yaml.safe_load(text), language)

    target.mkdir(parents=True)
    try:
        media = target / "media"
        media.mkdir()
        for talk in data["talks"]:
            script = talk.get("generate", {}).get("script")
            if script:
                shutil.copyfile(source / "media" / "talk.txt", target / script)
        header = (
            f"# Learning kit '{topic}', made from the '{template}' template.\n"
            "# Fill in every TODO, then run `talkkit media` and `talkkit check` on this folder.\n"
        )
        body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
        (target / KIT_FILE).write_text(header + body, encoding="utf-8")
        papermill.execute_notebook(
            str(source / NOTEBOOK_FILE),
            str(target / NOTEBOOK_FILE),
            parameters={"language": language},
            prepare_only=True,
            kernel_name="python3",
            progress_bar=False,
            log_output=False,
        )
    except Exception:
        shutil.rmtree(target, ignore_errors=True)
        raise
    return target
