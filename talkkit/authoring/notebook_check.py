"""The kit notebook's part of ``talkkit check``: the ``parameters`` cell papermill needs, no
markdown cell that Voilà would show to every group (in a notebook not yet migrated: a kit
notebook's markdown cells are its source, which the page template skips), no committed
outputs."""

from __future__ import annotations

import json

from talkkit.authoring.problems import Problem, problem
from talkkit.kit import NOTEBOOK_FILE, Kit
from talkkit.kit.notebook import SETTINGS_TAG

__all__ = ["REQUIRED_PARAMETERS", "notebook_problems"]

#: Parameters every kit notebook declares in its ``parameters`` cell (papermill).
REQUIRED_PARAMETERS = ("language", "event", "group", "store", "facilitator")


def notebook_problems(kit: Kit) -> list[Problem]:
    path = kit.notebook
    if not path.is_file():
        return [problem(NOTEBOOK_FILE, "", "the kit notebook is not there")]
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        return [problem(NOTEBOOK_FILE, "", "not a readable notebook: {error}", error=str(exc))]
    cells = nb.get("cells", [])
    params = [c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if not params:
        return [problem(NOTEBOOK_FILE, "", "no cell is tagged 'parameters' (papermill needs one)")]
    source = "".join(params[0].get("source", ""))
    problems = []
    for name in REQUIRED_PARAMETERS:
        if not any(
            line.split(":")[0].split("=")[0].strip() == name for line in source.splitlines()
        ):
            problems.append(
                problem(
                    NOTEBOOK_FILE, "parameters", "the parameter '{name}' is not declared", name=name
                )
            )
    source_cells = any(SETTINGS_TAG in c.get("metadata", {}).get("tags", []) for c in cells)
    for n, cell in enumerate(cells):
        if source_cells:  # a kit notebook's markdown cells are its source: the page skips them
            break
        if cell.get("cell_type") == "markdown" and "".join(cell.get("source", "")).strip():
            problems.append(
                problem(
                    NOTEBOOK_FILE,
                    f"cells[{n}]",
                    "Voilà shows this markdown cell to every group above the kit; write notes "
                    "for authors as # comments in the code cell or in a raw cell",
                )
            )
    if any(c.get("outputs") for c in cells if c.get("cell_type") == "code"):
        problems.append(
            problem(NOTEBOOK_FILE, "", "the notebook has outputs; strip them before committing")
        )
    return problems
