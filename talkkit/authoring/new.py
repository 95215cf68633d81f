"""``talkkit new``: a new kit folder from a workshop template.

The template's notebook (its settings and prose, in da, sv and en) is filled in for the chosen language (texts in other languages are
dropped, what the author must still write is marked ``TODO``, which ``talkkit check`` lists), and
the kit notebook is made with papermill (``prepare_only``), which injects the chosen parameters
after the ``parameters`` cell without running anything.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

from talkkit.authoring.migrate import write_notebook
from talkkit.i18n import LANGUAGES
from talkkit.kit import NOTEBOOK_FILE
from talkkit.kit.notebook import is_kit_notebook, read_notebook
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


def _relative_papermill_paths(notebook: Path, template: str) -> None:
    """Papermill records the absolute paths it read and wrote; a kit is committed and shared, so
    it names the template and the notebook instead (no path of the author's machine)."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    recorded = nb.get("metadata", {}).get("papermill", {})
    if "input_path" in recorded:
        recorded["input_path"] = f"workshop_templates/{template}/{NOTEBOOK_FILE}"
    if "output_path" in recorded:
        recorded["output_path"] = NOTEBOOK_FILE
    text = json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + "\n"  # as nbformat writes
    notebook.write_text(text, encoding="utf-8")


def available_templates(root: Path | None = None) -> list[str]:
    root = root or templates_dir()
    return sorted(p.parent.name for p in root.glob(f"*/{NOTEBOOK_FILE}") if is_kit_notebook(p))


def _keep_languages(node: Any, languages: list[str]) -> Any:
    """Keep the template's texts in the kit's languages: one language gives plain texts, several
    give a text per language (a TODO where the template has no text in that language)."""
    if isinstance(node, dict):
        keys = set(node)
        if keys and keys <= set(LANGUAGES):
            texts = {
                lang: node.get(lang)
                or f"TODO: translate: {node.get('en') or next(iter(node.values()))}"
                for lang in languages
            }
            return texts[languages[0]] if len(languages) == 1 else texts
        # captions and the media generator map languages to files: not texts to translate
        return {
            k: v if k in ("captions", "generate") else _keep_languages(v, languages)
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_keep_languages(v, languages) for v in node]
    if isinstance(node, str) and node.startswith("TODO") and len(languages) > 1:
        return {lang: node for lang in languages}
    return node


def new_kit(
    topic: str,
    *,
    template: str = "hybrid-seminar",
    language: str | list[str] = "da",
    kits_root: Path,
    templates_root: Path | None = None,
) -> Path:
    """Make ``kits_root/topic`` from a template and return its folder.

    ``language`` is the kit's language, or a list of them: the first is the one the talks are
    spoken in; each further one gets captions from a translated script.
    """
    languages = [language] if isinstance(language, str) else list(dict.fromkeys(language))
    if not languages:
        raise NewKitError("give at least one language")
    for code in languages:
        if code not in LANGUAGES:
            raise NewKitError(f"unknown language {code!r}: choose one of {', '.join(LANGUAGES)}")
    language = languages[0]
    if not _SLUG.match(topic):
        raise NewKitError(
            f"{topic!r} is not a usable kit name: use lower-case letters, digits and '-' "
            "(for example tidlig-opsporing)"
        )
    source = (templates_root or templates_dir()) / template
    if not is_kit_notebook(source / NOTEBOOK_FILE):
        names = ", ".join(available_templates(templates_root)) or "none"
        raise NewKitError(f"no template {template!r} (templates: {names})")
    target = Path(kits_root) / topic
    if target.exists():
        raise NewKitError(f"{target} already exists; choose another name or remove it")

    text = json.dumps(read_notebook(source / NOTEBOOK_FILE).data, ensure_ascii=False)
    values = {**_TODO, "id": topic, "topic": topic, "language": language}
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    data = _keep_languages(json.loads(text), languages)
    data["languages"] = languages
    for talk in data["talks"]:
        spoken = talk["generate"]["script"]
        extra = {lang: spoken.replace(f".{language}.txt", f".{lang}.txt") for lang in languages[1:]}
        if extra:
            talk["generate"]["translations"] = extra
            for lang in extra:
                talk["captions"][lang] = talk["captions"][language].replace(
                    f".{language}.", f".{lang}."
                )

    target.mkdir(parents=True)
    try:
        media = target / "media"
        media.mkdir()
        for talk in data["talks"]:
            generate = talk.get("generate", {})
            for script in [generate.get("script"), *(generate.get("translations") or {}).values()]:
                if script:
                    shutil.copyfile(source / "media" / "talk.txt", target / script)
        notes = (
            f"# Learning kit '{topic}', made from the '{template}' template.\n"
            "# Fill in every TODO, then run the last cell (or `talkkit media` and `talkkit check`).\n"
        )
        import papermill  # imported here: heavy (nbclient, jupyter_client), only new_kit needs it

        papermill.execute_notebook(
            str(source / NOTEBOOK_FILE),
            str(target / NOTEBOOK_FILE),
            parameters={"language": language},
            prepare_only=True,
            kernel_name="python3",
            progress_bar=False,
            log_output=False,
        )
        write_notebook(data, target / NOTEBOOK_FILE, notes=notes)
        _relative_papermill_paths(target / NOTEBOOK_FILE, template)
    except Exception:
        shutil.rmtree(target, ignore_errors=True)
        raise
    return target
