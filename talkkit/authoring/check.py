"""``talkkit check``: every problem of a kit, in plain words, with the file and the field.

The checks go from the shape of ``kit.yaml`` (JSON Schema) to what only the files can tell: a
video that is missing or whose real length differs from the declared one, captions missing for a
language the kit declares, phases whose minutes do not add up, a notebook without the parameters
the kit server passes. A kit with any problem is shown as unavailable in the gallery.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from talkkit.authoring import media, stamps
from talkkit.authoring.cells import by_cell, cell_problems
from talkkit.authoring.notebook_check import REQUIRED_PARAMETERS, notebook_problems
from talkkit.authoring.problems import Problem, field_path, problem, schema_problems
from talkkit.i18n import LANGUAGES
from talkkit.kit import (
    KIT_FILE,
    NOTEBOOK_FILE,
    STANDARD_EVALUATION,
    Kit,
    KitLoadError,
    from_raw,
    read_raw,
)
from talkkit.kit.notebook import is_kit_notebook, read_notebook
from talkkit.kit.phases import CONVERSATION_KINDS, EVALUATION

__all__ = ["REQUIRED_PARAMETERS", "Problem", "check_kit", "schema_problems"]


#: How far a video's real length may be from the declared one before it is a problem.
DURATION_TOLERANCE_SECONDS = 2.0


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
                problem(
                    KIT_FILE,
                    "languages",
                    "unknown language {code!r}: talkkit speaks {codes}",
                    code=lang,
                    codes=", ".join(LANGUAGES),
                )
            )
    for path, value in _texts(kit.raw):
        if isinstance(value, dict):
            for lang in kit.languages:
                if not (value.get(lang) or "").strip():
                    problems.append(
                        problem(
                            KIT_FILE,
                            field_path(path),
                            "no {language} text ({code}:), although the kit declares that language",
                            language=lang,
                            code=lang,
                        )
                    )
            for lang in value:
                if lang not in kit.languages:
                    problems.append(
                        problem(
                            KIT_FILE,
                            field_path(path),
                            "a text in {code!r}, which is not in the kit's languages",
                            code=lang,
                        )
                    )
        elif isinstance(value, str) and not value.strip():
            problems.append(problem(KIT_FILE, field_path(path), "is empty"))
        elif isinstance(value, str) and len(kit.languages) > 1:
            names = ", ".join(f"{code}: ..." for code in kit.languages)
            problems.append(
                problem(
                    KIT_FILE,
                    field_path(path),
                    "one text for a kit in {n} languages; write it per language ({names})",
                    n=len(kit.languages),
                    names=names,
                )
            )
    return problems


#: Phase ids the answer keys reserve for their own use (see talkkit/contracts/answers.py).
RESERVED_PHASE_IDS = {"takeaways", "questions", "followup", "facilitator", "speaking"}
RESERVED_PHASE_IDS.add("evaluation-own")


def _unique_ids(kit: Kit) -> list[Problem]:
    problems = []
    seen: set[str] = set()
    for i, phase in enumerate(kit.agenda):
        if phase.id in RESERVED_PHASE_IDS:
            problems.append(
                problem(
                    KIT_FILE,
                    f"agenda[{i}].id",
                    "{id!r} is reserved for the group's answers; choose another id",
                    id=phase.id,
                )
            )
        if phase.id in seen:
            problems.append(
                problem(
                    KIT_FILE, f"agenda[{i}].id", "the phase id {id!r} is used twice", id=phase.id
                )
            )
        seen.add(phase.id)
        prompt_ids: set[str] = set()
        for j, prompt in enumerate(phase.prompts):
            if prompt.id in prompt_ids:
                problems.append(
                    problem(
                        KIT_FILE,
                        f"agenda[{i}].prompts[{j}].id",
                        "the prompt id {id!r} is used twice in this phase",
                        id=prompt.id,
                    )
                )
            prompt_ids.add(prompt.id)
    talk_ids = [t.id for t in kit.talks]
    for i, talk_id in enumerate(talk_ids):
        if talk_ids.index(talk_id) != i:
            problems.append(
                problem(KIT_FILE, f"talks[{i}].id", "the talk id {id!r} is used twice", id=talk_id)
            )
    standard_ids = {q.id for q in STANDARD_EVALUATION}
    for i, q in enumerate(kit.evaluation):
        if q.id in standard_ids:
            problems.append(
                problem(
                    KIT_FILE,
                    f"evaluation[{i}].id",
                    "{id!r} is the id of a standard evaluation question; choose another",
                    id=q.id,
                )
            )
    return problems


def _agenda_problems(kit: Kit) -> list[Problem]:
    problems = []
    total = kit.total_minutes
    if kit.duration_minutes is not None and total != kit.duration_minutes:
        problems.append(
            problem(
                KIT_FILE,
                "agenda",
                "the phases add up to {total} minutes, but duration_minutes says {declared}",
                total=total,
                declared=kit.duration_minutes,
            )
        )
    for i, phase in enumerate(kit.agenda):
        if phase.kind in CONVERSATION_KINDS and not phase.prompts:
            problems.append(
                problem(
                    KIT_FILE, f"agenda[{i}].prompts", "a conversation needs at least one prompt"
                )
            )
        if kit.format == "hybrid-seminar" and not phase.facilitator:
            problems.append(
                problem(
                    KIT_FILE,
                    f"agenda[{i}].facilitator",
                    "no guidance for the facilitator in this phase",
                )
            )
    if not any(p.kind == EVALUATION for p in kit.agenda):
        problems.append(problem(KIT_FILE, "agenda", "the kit has no evaluation phase"))
    return problems


def _talk_problems(kit: Kit, probe: bool) -> list[Problem]:
    problems = []
    for i, talk in enumerate(kit.talks):
        where = f"talks[{i}]"
        if not talk.video and not talk.external:
            problems.append(
                problem(
                    KIT_FILE,
                    f"{where}.video",
                    "the talk has neither a video file nor an external video",
                )
            )
        if talk.video:
            video = kit.media_path(talk.video)
            if not video.is_file():
                msgid = (
                    "the video file is not there (run `talkkit media` to make it from its script)"
                    if talk.generate
                    else "the video file is not there"
                )
                problems.append(problem(talk.video, "", msgid))
            elif probe:
                try:
                    real = media.duration_seconds(video)
                except media.MediaError as exc:
                    problems.append(
                        problem(talk.video, "", "cannot read the video: {error}", error=str(exc))
                    )
                else:
                    declared = talk.duration_seconds
                    if declared is None and talk.generate:
                        pass  # a generated talk is as long as its speech; nothing to declare
                    elif declared is None:
                        problems.append(
                            problem(
                                KIT_FILE,
                                f"{where}.duration_seconds",
                                "not declared; the video is {real:.1f} s long",
                                real=real,
                            )
                        )
                    elif abs(real - declared) > DURATION_TOLERANCE_SECONDS:
                        problems.append(
                            problem(
                                KIT_FILE,
                                f"{where}.duration_seconds",
                                "declared {declared:g} s, but the video is {real:.1f} s long",
                                declared=declared,
                                real=real,
                            )
                        )
            for lang in kit.languages:
                if lang not in talk.captions:
                    problems.append(
                        problem(
                            KIT_FILE,
                            f"{where}.captions",
                            "no captions for {language} ({code}), a language the kit declares",
                            language=lang,
                            code=lang,
                        )
                    )
            for lang, relpath in talk.captions.items():
                path = kit.media_path(relpath)
                if not path.is_file():
                    problems.append(
                        problem(relpath, "", "the {code} captions file is not there", code=lang)
                    )
                    continue
                try:
                    cues = media.read_captions(path)
                except media.MediaError as exc:
                    problems.append(
                        problem(relpath, "", "not valid WebVTT: {error}", error=str(exc))
                    )
                    continue
                if not cues:
                    problems.append(problem(relpath, "", "the captions file has no cues"))
        if talk.generate and talk.video:
            for rel in stamps.authors_files(kit, talk):
                problems.append(
                    problem(
                        rel,
                        "",
                        "this is not a file `talkkit media` made, but {talk} has a 'generate:' "
                        "block, so no demo talk is made and the file is left alone; remove "
                        "{talk}.generate to use this recording, or give the demo talk "
                        "another file name",
                        talk=where,
                    )
                )
        if talk.generate:
            script = kit.media_path(talk.generate["script"])
            if not script.is_file():
                problems.append(
                    problem(talk.generate["script"], "", "the talk script is not there")
                )
        duration = talk.duration_seconds
        for j, chapter in enumerate(talk.chapters):
            if duration is not None and chapter.start >= duration:
                problems.append(
                    problem(
                        KIT_FILE,
                        f"{where}.chapters[{j}].start",
                        "starts at {start:g} s, after the talk ends ({end:g} s)",
                        start=chapter.start,
                        end=duration,
                    )
                )
        if talk.poster and not kit.media_path(talk.poster).is_file():
            problems.append(problem(talk.poster, "", "the talk's poster image is not there"))
    if kit.poster and not kit.media_path(kit.poster).is_file():
        problems.append(problem(kit.poster, "", "the kit's poster image is not there"))
    return problems


def _todo_problems(kit: Kit) -> list[Problem]:
    """What the author still has to write: ``todo:`` items and texts marked TODO."""
    problems = [problem(KIT_FILE, "todo", "still to do: {item}", item=item) for item in kit.todo]
    for path, value in _texts(kit.raw):
        texts = value.values() if isinstance(value, dict) else [value]
        for text in texts:
            if isinstance(text, str) and "TODO" in text:
                problems.append(
                    problem(KIT_FILE, field_path(path), "still to write: {text}", text=text)
                )
    for i, talk in enumerate(kit.talks):
        if "TODO" in talk.speaker:
            problems.append(
                problem(
                    KIT_FILE, f"talks[{i}].speaker", "still to write: {text}", text=talk.speaker
                )
            )
        name: str | None = talk.generate["script"] if talk.generate else None
        if name:
            script = kit.media_path(name)
            if script.is_file() and "TODO" in script.read_text(encoding="utf-8"):
                problems.append(problem(name, "", "the talk script still has TODO in it"))
    return problems


def _timezone_problems(kit: Kit) -> list[Problem]:
    if kit.timezone is None:
        return []
    try:
        zoneinfo.ZoneInfo(kit.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return [
            problem(
                KIT_FILE,
                "timezone",
                "{zone!r} is not a time zone (write it as Europe/Copenhagen)",
                zone=kit.timezone,
            )
        ]
    return []


def check_kit(
    folder: str | Path, *, probe_media: bool = True, language: str | None = None
) -> list[Problem]:
    """Every problem of the kit in ``folder``; an empty list means the kit is ready.

    A kit notebook's problems are named by cell (in ``language``, default the kit's first)."""
    folder = Path(folder)
    notebook = folder / NOTEBOOK_FILE
    if not (folder / KIT_FILE).is_file() and is_kit_notebook(notebook):
        try:
            parsed = read_notebook(notebook)
        except (ValueError, OSError) as exc:
            return [Problem(NOTEBOOK_FILE, "", str(exc))]
        langs = parsed.data.get("languages") or []
        lang = language or (str(langs[0]) if isinstance(langs, list) and langs else "en")
        structure = cell_problems(parsed, lang)
        fields = schema_problems(folder, parsed.data)
        if not fields:
            fields = _field_problems(from_raw(folder, parsed.data), probe_media)
        return [*structure, *by_cell(fields, parsed, lang, KIT_FILE)]
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
        *_timezone_problems(kit),
        *_unique_ids(kit),
        *_agenda_problems(kit),
        *_talk_problems(kit, probe_media),
        *notebook_problems(kit),
        *_todo_problems(kit),
    ]
