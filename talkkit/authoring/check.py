"""``talkkit check``: every problem of a kit, in plain words, with the file and the field.

The checks go from the shape of ``kit.yaml`` (JSON Schema) to what only the files can tell: a
video that is missing or whose real length differs from the declared one, captions missing for a
language the kit declares, phases whose minutes do not add up, a notebook without the parameters
the kit server passes. A kit with any problem is shown as unavailable in the gallery.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from talkkit.authoring import media
from talkkit.authoring.notebook_check import cell_problems, place, where_text
from talkkit.authoring.problems import Problem, field_path, schema_problems
from talkkit.i18n import LANGUAGES, translator
from talkkit.kit import (
    KIT_FILE,
    NOTEBOOK_FILE,
    STANDARD_EVALUATION,
    Kit,
    KitLoadError,
    from_raw,
    read_raw,
)
from talkkit.kit.notebook import Parsed, is_kit_notebook, read_notebook
from talkkit.kit.phases import CONVERSATION_KINDS, EVALUATION

__all__ = ["REQUIRED_PARAMETERS", "Problem", "check_kit", "schema_problems"]

#: Parameters every kit notebook declares in its ``parameters`` cell (papermill).
REQUIRED_PARAMETERS = ("language", "event", "group", "store", "facilitator")

#: How far a video's real length may be from the declared one before it is a problem.
DURATION_TOLERANCE_SECONDS = 2.0

_LANGUAGE_NAMES = {"da": "Danish", "sv": "Swedish", "en": "English"}


def _texts(data: Any, path: tuple[Any, ...] = ()) -> Iterable[tuple[tuple[Any, ...], Any]]:
    """Every localisable text field of a raw kit, with its path."""
    text_keys = {"title", "summary", "role", "intro", "text", "help", "facilitator", "audience"}
    if isinstance(data, dict):
        for key, value in data.items():
            if key in text_keys and (isinstance(value, str | dict)) and key != "captions":
                yield (*path, key), value
            if key not in {"captions", "generate", "external"}:
                yield from _texts(value, (*path, key))
    elif isinstance(data, list):
        for i, item in enumerate(data):
            yield from _texts(item, (*path, i))


def _language_problems(kit: Kit) -> list[Problem]:
    problems = []
    for lang in kit.languages:
        if lang not in LANGUAGES:
            problems.append(
                Problem(
                    KIT_FILE,
                    "languages",
                    f"unknown language {lang!r}: talkkit speaks {', '.join(LANGUAGES)}",
                )
            )
    for path, value in _texts(kit.raw):
        if isinstance(value, dict):
            for lang in kit.languages:
                if not (value.get(lang) or "").strip():
                    problems.append(
                        Problem(
                            KIT_FILE,
                            field_path(path),
                            f"no {_LANGUAGE_NAMES.get(lang, lang)} text ({lang}:), "
                            "although the kit declares that language",
                        )
                    )
            for lang in value:
                if lang not in kit.languages:
                    problems.append(
                        Problem(
                            KIT_FILE,
                            field_path(path),
                            f"a text in {lang!r}, which is not in the kit's languages",
                        )
                    )
        elif isinstance(value, str) and not value.strip():
            problems.append(Problem(KIT_FILE, field_path(path), "is empty"))
        elif isinstance(value, str) and len(kit.languages) > 1:
            names = ", ".join(f"{code}: ..." for code in kit.languages)
            problems.append(
                Problem(
                    KIT_FILE,
                    field_path(path),
                    f"one text for a kit in {len(kit.languages)} languages; "
                    f"write it per language ({names})",
                )
            )
    return problems


#: Phase ids the answer keys reserve for their own use (see talkkit/contracts/answers.py).
RESERVED_PHASE_IDS = {"takeaways", "questions", "facilitator", "speaking", "evaluation-own"}


def _unique_ids(kit: Kit) -> list[Problem]:
    problems = []
    seen: set[str] = set()
    for i, phase in enumerate(kit.agenda):
        if phase.id in RESERVED_PHASE_IDS:
            problems.append(
                Problem(
                    KIT_FILE,
                    f"agenda[{i}].id",
                    f"{phase.id!r} is reserved for the group's answers; choose another id",
                )
            )
        if phase.id in seen:
            problems.append(
                Problem(KIT_FILE, f"agenda[{i}].id", f"the phase id {phase.id!r} is used twice")
            )
        seen.add(phase.id)
        prompt_ids: set[str] = set()
        for j, prompt in enumerate(phase.prompts):
            if prompt.id in prompt_ids:
                problems.append(
                    Problem(
                        KIT_FILE,
                        f"agenda[{i}].prompts[{j}].id",
                        f"the prompt id {prompt.id!r} is used twice in this phase",
                    )
                )
            prompt_ids.add(prompt.id)
    talk_ids = [t.id for t in kit.talks]
    for i, talk_id in enumerate(talk_ids):
        if talk_ids.index(talk_id) != i:
            problems.append(
                Problem(KIT_FILE, f"talks[{i}].id", f"the talk id {talk_id!r} is used twice")
            )
    standard_ids = {q.id for q in STANDARD_EVALUATION}
    for i, q in enumerate(kit.evaluation):
        if q.id in standard_ids:
            problems.append(
                Problem(
                    KIT_FILE,
                    f"evaluation[{i}].id",
                    f"{q.id!r} is the id of a standard evaluation question; choose another",
                )
            )
    return problems


def _agenda_problems(kit: Kit) -> list[Problem]:
    problems = []
    total = kit.total_minutes
    if kit.duration_minutes is not None and total != kit.duration_minutes:
        problems.append(
            Problem(
                KIT_FILE,
                "agenda",
                f"the phases add up to {total} minutes, but duration_minutes says "
                f"{kit.duration_minutes}",
            )
        )
    for i, phase in enumerate(kit.agenda):
        if phase.kind in CONVERSATION_KINDS and not phase.prompts:
            problems.append(
                Problem(
                    KIT_FILE, f"agenda[{i}].prompts", "a conversation needs at least one prompt"
                )
            )
        if kit.format == "hybrid-seminar" and not phase.facilitator:
            problems.append(
                Problem(
                    KIT_FILE,
                    f"agenda[{i}].facilitator",
                    "no guidance for the facilitator in this phase",
                )
            )
    if not any(p.kind == EVALUATION for p in kit.agenda):
        problems.append(Problem(KIT_FILE, "agenda", "the kit has no evaluation phase"))
    return problems


def _talk_problems(kit: Kit, probe: bool) -> list[Problem]:
    problems = []
    for i, talk in enumerate(kit.talks):
        where = f"talks[{i}]"
        if not talk.video and not talk.external:
            problems.append(
                Problem(
                    KIT_FILE,
                    f"{where}.video",
                    "the talk has neither a video file nor an external video",
                )
            )
        if talk.video:
            video = kit.media_path(talk.video)
            if not video.is_file():
                hint = " (run `talkkit media` to make it from its script)" if talk.generate else ""
                problems.append(Problem(talk.video, "", f"the video file is not there{hint}"))
            elif probe:
                try:
                    real = media.duration_seconds(video)
                except media.MediaError as exc:
                    problems.append(Problem(talk.video, "", f"cannot read the video: {exc}"))
                else:
                    declared = talk.duration_seconds
                    if declared is None and talk.generate:
                        pass  # a generated talk is as long as its speech; nothing to declare
                    elif declared is None:
                        problems.append(
                            Problem(
                                KIT_FILE,
                                f"{where}.duration_seconds",
                                f"not declared; the video is {real:.1f} s long",
                            )
                        )
                    elif abs(real - declared) > DURATION_TOLERANCE_SECONDS:
                        problems.append(
                            Problem(
                                KIT_FILE,
                                f"{where}.duration_seconds",
                                f"declared {declared:g} s, but the video is {real:.1f} s long",
                            )
                        )
            for lang in kit.languages:
                if lang not in talk.captions:
                    problems.append(
                        Problem(
                            KIT_FILE,
                            f"{where}.captions",
                            f"no captions for {_LANGUAGE_NAMES.get(lang, lang)} ({lang}), "
                            "a language the kit declares",
                        )
                    )
            for lang, relpath in talk.captions.items():
                path = kit.media_path(relpath)
                if not path.is_file():
                    problems.append(Problem(relpath, "", f"the {lang} captions file is not there"))
                    continue
                try:
                    cues = media.read_captions(path)
                except media.MediaError as exc:
                    problems.append(Problem(relpath, "", f"not valid WebVTT: {exc}"))
                    continue
                if not cues:
                    problems.append(Problem(relpath, "", "the captions file has no cues"))
        if talk.generate:
            script = kit.media_path(talk.generate["script"])
            if not script.is_file():
                problems.append(
                    Problem(talk.generate["script"], "", "the talk script is not there")
                )
        duration = talk.duration_seconds
        for j, chapter in enumerate(talk.chapters):
            if duration is not None and chapter.start >= duration:
                problems.append(
                    Problem(
                        KIT_FILE,
                        f"{where}.chapters[{j}].start",
                        f"starts at {chapter.start:g} s, after the talk ends ({duration:g} s)",
                    )
                )
        if talk.poster and not kit.media_path(talk.poster).is_file():
            problems.append(Problem(talk.poster, "", "the talk's poster image is not there"))
    if kit.poster and not kit.media_path(kit.poster).is_file():
        problems.append(Problem(kit.poster, "", "the kit's poster image is not there"))
    return problems


def _notebook_problems(kit: Kit) -> list[Problem]:
    path = kit.notebook
    if not path.is_file():
        return [Problem(NOTEBOOK_FILE, "", "the kit notebook is not there")]
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        return [Problem(NOTEBOOK_FILE, "", f"not a readable notebook: {exc}")]
    cells = nb.get("cells", [])
    params = [c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if not params:
        return [Problem(NOTEBOOK_FILE, "", "no cell is tagged 'parameters' (papermill needs one)")]
    source = "".join(params[0].get("source", ""))
    problems = []
    for name in REQUIRED_PARAMETERS:
        if not any(
            line.split(":")[0].split("=")[0].strip() == name for line in source.splitlines()
        ):
            problems.append(
                Problem(NOTEBOOK_FILE, "parameters", f"the parameter '{name}' is not declared")
            )
    if any(c.get("outputs") for c in cells if c.get("cell_type") == "code"):
        problems.append(
            Problem(NOTEBOOK_FILE, "", "the notebook has outputs; strip them before committing")
        )
    return problems


def _todo_problems(kit: Kit) -> list[Problem]:
    """What the author still has to write: ``todo:`` items and texts marked TODO."""
    problems = [Problem(KIT_FILE, "todo", f"still to do: {item}") for item in kit.todo]
    for path, value in _texts(kit.raw):
        texts = value.values() if isinstance(value, dict) else [value]
        for text in texts:
            if isinstance(text, str) and "TODO" in text:
                problems.append(Problem(KIT_FILE, field_path(path), f"still to write: {text}"))
    for i, talk in enumerate(kit.talks):
        if "TODO" in talk.speaker:
            problems.append(
                Problem(KIT_FILE, f"talks[{i}].speaker", f"still to write: {talk.speaker}")
            )
        script = kit.media_path(talk.generate["script"]) if talk.generate else None
        if script and script.is_file() and "TODO" in script.read_text(encoding="utf-8"):
            problems.append(
                Problem(talk.generate["script"], "", "the talk script still has TODO in it")
            )
    return problems


def _by_cell(problems: list[Problem], parsed: Parsed, language: str) -> list[Problem]:
    """Problems of fields placed at the notebook cell they come from."""
    _ = translator(language)
    out = []
    for problem in problems:
        if problem.file != KIT_FILE:
            out.append(problem)
            continue
        where = place(parsed, problem.field)
        message = _(problem.message)
        if problem.field.endswith("minutes") or "'minutes'" in problem.message:
            message = _("{field}: {message}", field=_("minutes"), message=message)
        elif problem.field:
            message = f"{problem.field}: {message}"
        out.append(Problem(NOTEBOOK_FILE, where_text(where, language), message))
    return out


def check_kit(
    folder: str | Path, *, probe_media: bool = True, language: str | None = None
) -> list[Problem]:
    """Every problem of the kit in ``folder``; an empty list means the kit is ready.

    A kit notebook's problems are named by cell, in ``language`` (default: the kit's first)."""
    folder = Path(folder)
    notebook = folder / NOTEBOOK_FILE
    if not (folder / KIT_FILE).is_file() and is_kit_notebook(notebook):
        try:
            parsed = read_notebook(notebook)
        except (ValueError, OSError) as exc:
            return [Problem(NOTEBOOK_FILE, "", str(exc))]
        langs = parsed.data.get("languages") or []
        lang = language or (langs[0] if langs and isinstance(langs[0], str) else "en")
        structure = cell_problems(parsed, lang)
        fields = schema_problems(folder, parsed.data)
        if not fields:
            fields = _field_problems(from_raw(folder, parsed.data), probe_media)
        return [*structure, *_by_cell(fields, parsed, lang)]
    try:
        data = read_raw(folder)
    except KitLoadError as exc:
        return [Problem(KIT_FILE, "", exc.reason)]
    problems = schema_problems(folder, data)
    if problems:
        return problems
    return _field_problems(from_raw(folder, data), probe_media)


def _field_problems(kit: Kit, probe_media: bool) -> list[Problem]:
    return [
        *_language_problems(kit),
        *_unique_ids(kit),
        *_agenda_problems(kit),
        *_talk_problems(kit, probe_media),
        *_notebook_problems(kit),
        *_todo_problems(kit),
    ]
