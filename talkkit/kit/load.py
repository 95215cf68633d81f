"""Reading a kit folder: ``kit.ipynb`` (or a ``kit.yaml`` not yet migrated) -> a Kit.

Since issue 21 the kit notebook is the kit's document: prose in markdown cells, the rest in its
settings cell (:mod:`talkkit.kit.notebook`); its fields have the shape ``kit.yaml`` had, and are
validated against the same schema. ``python -m talkkit.authoring.migrate`` converts a
``kit.yaml`` folder; such a folder is still read from its ``kit.yaml`` until then.

"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import yaml
from fastjsonschema import JsonSchemaValueException

from talkkit.kit.model import (
    KIT_FILE,
    NOTEBOOK_FILE,
    Chapter,
    Kit,
    KitLoadError,
    Phase,
    Prompt,
    Question,
    Talk,
)
from talkkit.kit.notebook import is_kit_notebook, read_notebook
from talkkit.paths import PACKAGE_DIR

__all__ = ["SCHEMA_FILE", "from_raw", "load_kit", "read_raw", "schema"]

SCHEMA_FILE = PACKAGE_DIR / "schemas" / "kit.schema.json"


@functools.cache
def schema() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return data


def read_raw(folder: Path) -> dict[str, Any]:
    """The kit's fields: from its notebook (read afresh on every call, so a page opened after
    a save shows the saved words), or from a ``kit.yaml`` not yet migrated; or
    :class:`KitLoadError`."""
    path = Path(folder) / KIT_FILE
    notebook = Path(folder) / NOTEBOOK_FILE
    if not path.is_file() and is_kit_notebook(notebook):
        try:
            return read_notebook(notebook).data
        except (ValueError, OSError) as exc:
            raise KitLoadError(notebook, f"the kit notebook cannot be read: {exc}") from exc
    if not path.is_file():
        raise KitLoadError(path, "no kit notebook (kit.ipynb with a settings cell) in this folder")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise KitLoadError(path, f"kit.yaml is not valid YAML{where}: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise KitLoadError(path, "kit.yaml is not UTF-8 text") from exc
    if not isinstance(data, dict):
        raise KitLoadError(path, "kit.yaml must be a mapping of fields (title:, talks:, ...)")
    return data


def _prompts(items: Any) -> tuple[Prompt, ...]:
    return tuple(Prompt(p["id"], p["text"], p.get("help")) for p in items or ())


def from_raw(folder: Path, data: dict[str, Any]) -> Kit:
    """Build a :class:`Kit` from schema-valid data (see :mod:`talkkit.authoring.check`)."""
    talks = tuple(
        Talk(
            id=t["id"],
            title=t["title"],
            speaker=t["speaker"],
            role=t["role"],
            duration_seconds=t.get("duration_seconds"),
            video=t.get("video"),
            poster=t.get("poster"),
            captions=dict(t.get("captions") or {}),
            chapters=tuple(Chapter(c["start"], c["title"]) for c in t.get("chapters") or ()),
            external=t.get("external"),
            generate=t.get("generate"),
        )
        for t in data["talks"]
    )
    agenda = tuple(
        Phase(
            id=p["id"],
            kind=p["kind"],
            title=p["title"],
            minutes=p["minutes"],
            intro=p.get("intro"),
            prompts=_prompts(p.get("prompts")),
            facilitator=p.get("facilitator"),
        )
        for p in data["agenda"]
    )
    return Kit(
        folder=Path(folder).resolve(),
        id=data["id"],
        title=data["title"],
        topic=data["topic"],
        summary=data["summary"],
        languages=tuple(data["languages"]),
        format=data["format"],
        talks=talks,
        agenda=agenda,
        duration_minutes=data.get("duration_minutes"),
        timezone=data.get("timezone"),
        topic_title=data.get("topic_title"),
        poster=data.get("poster"),
        audience=data.get("audience"),
        evaluation=tuple(
            Question(q["id"], q["kind"], q["text"]) for q in data.get("evaluation") or ()
        ),
        background=dict(data.get("background") or {}),
        todo=tuple(data.get("todo") or ()),
        raw=data,
    )


def load_kit(folder: str | Path) -> Kit:
    """Load and validate a kit; raises :class:`KitLoadError` naming the first problem.

    Use :func:`talkkit.authoring.check.check_kit` to get *every* problem of a kit instead.
    """
    # imported on the first load, not with the package: the generated validator is the
    # slowest import of talkkit.kit, and listing kits or `talkkit --help` need none of it
    from talkkit.kit.validator import validate  # generated: see talkkit/kit/schema_build.py

    folder = Path(folder)
    data = read_raw(folder)
    try:
        validate(data)
    except JsonSchemaValueException as exc:
        where = (exc.name or "data").removeprefix("data").lstrip(".") or "kit.yaml"
        message = (exc.message or "").removeprefix(exc.name or "").strip()
        raise KitLoadError(folder / KIT_FILE, f"{where}: {message}") from exc
    return from_raw(folder, data)
