"""``python -m talkkit.authoring.migrate KIT...``: a kit's ``kit.yaml`` becomes its notebook.

The kit's fields are split as :mod:`talkkit.kit.notebook` reads them: what is not prose goes
into the ``talkkit-settings`` cell, every text into markdown cells (one per section and
language, translations beside the main language). The notebook's code cells (parameters, the
``show_kit`` call) are kept; ``kit.yaml`` is removed, so each fact has one source.
:func:`write_notebook` is also what ``talkkit new`` uses.
"""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from pathlib import Path
from typing import Any

import yaml

from talkkit.i18n import LANGUAGES
from talkkit.kit.model import KIT_FILE, NOTEBOOK_FILE
from talkkit.kit.notebook import GUIDE_TAG, HEADINGS, LABELS, SETTINGS_TAG

__all__ = ["GUIDE", "migrate_folder", "notebook_cells", "settings_of", "write_notebook"]

#: The first cell of every kit notebook: how to write a kit in it (read by authors only).
GUIDE = """\
**How this notebook is a learning kit** (this cell is for you, the author; groups never see it)

The groups see the kit as a page with a video and answer fields. Everything they read comes from
the *markdown cells* below; you change the words there, save (Ctrl+S), and the preview beside
the notebook (right-click the notebook tab → *Open with* → *Voilà preview*, or the Voilà button
in the toolbar) shows the page as the group will see it.

* `# Title` is the kit's title; the paragraph under it is the summary;
  `**Audience:** ...` says who the kit is for.
* `## Talk: <title>` is a talk, with `**Speaker:** <name>` and `**Role:** <role>`.
* `## Phase: <title>` is a phase of the session: its paragraph is the introduction the group
  reads; a quote (a line starting with `>`) is guidance for the facilitator only;
  `### Prompts` lists the questions, one per line starting with `- `
  (an indented `  - ` line under a question is a help text).
* `## Evaluation` lists the kit's own evaluation questions; `## Background` has the background
  text and links as `- [title](https://...) - publisher`.
* Danish and Swedish words work too (`## Fase:`, `## Fas:`, `## Oplæg:`, `## Presentation:`,
  `### Spørgsmål`, `### Frågor`, `**Talare:**` ...).

The grey *settings* cell holds what is not prose: ids, the kind and **minutes** of each phase
(in the same order as the `## Phase:` headings), the languages, the video and caption files.
Each prompt and evaluation question needs an id there too (the group's answers are stored
under it): when you add a prompt, add `- id: a-new-name` to its phase there.

**A translation:** copy the cells of a section, tag the copy `lang:sv` (or `lang:da`, `lang:en`;
the cell's tags are under the gear icon on the right, *Common tools* → *Cell tag*), translate the
words and add the language to `languages:` in the settings cell. `check` lists what is not
translated yet.

**Is the kit right?** Run the last cell (Shift+Enter): it lists every problem by cell, in the
language of the kit. See docs/authoring.md for videos, captions and YouTube or Vimeo links.
"""

SHOW_KIT_COMMENT = (
    "# The page the group sees, made from the cells above (the preview shows it too).\n"
)
CHECK_CALL = "show_check("
#: The last cell: the kit's problems when run in JupyterLab (nothing on the group's page).
CHECK_SOURCE = (
    "# Run this cell (Shift+Enter) to list what is still wrong with the kit, by cell.\n"
    "from talkkit.authoring import show_check\n\nshow_check()"
)

_PROSE_TALK = ("title", "speaker", "role")
_PROSE_PHASE = ("title", "intro", "facilitator")


def _cell(cell_type: str, source: str, tags: list[str] | None = None) -> dict[str, Any]:
    cell: dict[str, Any] = {
        "cell_type": cell_type,
        "id": uuid.uuid4().hex[:8],
        "metadata": {"tags": tags} if tags else {},
        "source": source,
    }
    if cell_type == "code":
        cell["execution_count"] = None
        cell["outputs"] = []
    return cell


#: Top-level fields that are prose (markdown cells); every other field is a setting.
PROSE_FIELDS = ("title", "topic_title", "summary", "audience", "background")


def settings_of(data: dict[str, Any]) -> dict[str, Any]:
    """What of the kit's fields is not prose (it goes into the settings cell): every field
    but the texts, so a field added to the schema later is kept too."""
    out: dict[str, Any] = {
        k: v for k, v in data.items() if k not in (*PROSE_FIELDS, "talks", "agenda", "evaluation")
    }
    out["talks"] = []
    for talk in data.get("talks") or []:
        t = {k: v for k, v in talk.items() if k not in (*_PROSE_TALK, "chapters")}
        if talk.get("chapters"):
            t["chapters"] = [{"start": c["start"]} for c in talk["chapters"]]
        out["talks"].append(t)
    out["agenda"] = []
    for phase in data.get("agenda") or []:
        p = {k: v for k, v in phase.items() if k not in (*_PROSE_PHASE, "prompts")}
        if phase.get("prompts"):
            p["prompts"] = [{"id": q["id"]} for q in phase["prompts"]]
        out["agenda"].append(p)
    if data.get("evaluation"):
        out["evaluation"] = [{"id": q["id"], "kind": q["kind"]} for q in data["evaluation"]]
    for key in ("todo",):  # keep the order of kit.yaml's last fields
        if key in out:
            out[key] = out.pop(key)
    return out


def _text(value: Any, lang: str, main: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value if lang == main else None
    text: str | None = value.get(lang)
    return text


def _word(table: dict[str, dict[str, str]], key: str, lang: str) -> str:
    return table[key].get(lang, table[key]["en"])


def _sections(data: dict[str, Any], lang: str, main: str) -> list[str]:
    """The markdown of each section in ``lang`` (an empty string where nothing is in it)."""

    def t(value: Any) -> str | None:
        return _text(value, lang, main)

    out = []
    lines = [f"# {t(data.get('title')) or ''}".rstrip()]
    if t(data.get("topic_title")):
        lines += ["", f"**{_word(LABELS, 'topic_title', lang)}:** {t(data['topic_title'])}"]
    if t(data.get("summary")):
        lines += ["", t(data["summary"]) or ""]
    if t(data.get("audience")):
        lines += ["", f"**{_word(LABELS, 'audience', lang)}:** {t(data['audience'])}"]
    out.append("\n".join(lines))
    for talk in data.get("talks") or []:
        lines = [f"## {_word(HEADINGS, 'talk', lang)}: {t(talk.get('title')) or ''}".rstrip()]
        lines += ["", f"**{_word(LABELS, 'speaker', lang)}:** {talk.get('speaker', '')}"]
        if t(talk.get("role")):
            lines += ["", f"**{_word(LABELS, 'role', lang)}:** {t(talk['role'])}"]
        if talk.get("chapters"):
            lines += ["", f"### {_word(HEADINGS, 'chapters', lang)}", ""]
            lines += [f"- {t(c.get('title')) or ''}" for c in talk["chapters"]]
        out.append("\n".join(lines))
    for phase in data.get("agenda") or []:
        lines = [f"## {_word(HEADINGS, 'phase', lang)}: {t(phase.get('title')) or ''}".rstrip()]
        if t(phase.get("intro")):
            lines += ["", t(phase["intro"]) or ""]
        if t(phase.get("facilitator")):
            lines += [""] + [
                f"> {ln}".rstrip() for ln in (t(phase["facilitator"]) or "").split("\n")
            ]
        if phase.get("prompts"):
            lines += ["", f"### {_word(HEADINGS, 'prompts', lang)}", ""]
            for prompt in phase["prompts"]:
                lines.append(f"- {t(prompt.get('text')) or ''}")
                if t(prompt.get("help")):
                    lines.append(f"  - {t(prompt['help'])}")
        out.append("\n".join(lines))
    if data.get("evaluation"):
        lines = [f"## {_word(HEADINGS, 'evaluation', lang)}", ""]
        lines += [f"- {t(q.get('text')) or ''}" for q in data["evaluation"]]
        out.append("\n".join(lines))
    background = data.get("background") or {}
    if background:
        lines = [f"## {_word(HEADINGS, 'background', lang)}"]
        if t(background.get("text")):
            lines += ["", t(background["text"]) or ""]
        if background.get("links"):
            lines.append("")
            for link in background["links"]:
                title = t(link.get("title")) or ""
                pub = f" - {link['publisher']}" if link.get("publisher") else ""
                lines.append(f"- [{title}]({link['url']}){pub}")
        out.append("\n".join(lines))
    return out


def notebook_cells(data: dict[str, Any], notes: str = "") -> list[dict[str, Any]]:
    """The guide, settings and prose cells of a kit (translations beside the main language);
    ``notes`` (comment lines) go at the top of the settings cell."""
    languages = list(data.get("languages") or [])
    main = languages[0] if languages else "da"
    several = len(languages) > 1
    settings = yaml.safe_dump(settings_of(data), allow_unicode=True, sort_keys=False, width=100)
    cells = [
        _cell("markdown", GUIDE, [GUIDE_TAG]),
        _cell(
            "raw",
            "# Settings of the kit (not prose): see the cell above.\n" + notes + settings,
            [SETTINGS_TAG],
        ),
    ]
    per_lang = {lang: _sections(data, lang, main) for lang in languages}
    for i in range(len(per_lang[main])):
        for lang in languages:
            text = per_lang[lang][i]
            if lang != main and not _has_words(text):
                continue
            cells.append(_cell("markdown", text, [f"lang:{lang}"] if several else None))
    return cells


def _has_words(markdown: str) -> bool:
    """Whether a section has any text besides its headings and labels (a translation that is
    not there yet is left out, so ``check`` lists it as untranslated)."""
    for line in markdown.splitlines():
        bare = line.strip().lstrip("#").strip()
        if bare and not bare.endswith(":") and not bare.endswith("**"):
            return True
    return False


def write_notebook(
    data: dict[str, Any], notebook: Path, code_from: Path | None = None, notes: str = ""
) -> None:
    """Write ``notebook`` from the kit's fields: guide, settings, the code cells of
    ``code_from`` (default: ``notebook`` itself) with the prose cells after the parameters."""
    base = json.loads((code_from or notebook).read_text(encoding="utf-8"))
    code = [c for c in base.get("cells", []) if c.get("cell_type") == "code"]
    heads = [
        c
        for c in code
        if {"parameters", "injected-parameters"} & set(c.get("metadata", {}).get("tags", []))
    ]
    rest = [c for c in code if c not in heads and CHECK_CALL not in "".join(c.get("source", ""))]
    for cell in rest:
        src = "".join(cell.get("source", ""))
        if "show_kit(" in src:
            cell["source"] = SHOW_KIT_COMMENT + src[src.index("from widgets") :]
    rest.append(_cell("code", CHECK_SOURCE))
    cells = notebook_cells(data, notes)
    base["cells"] = [cells[0], cells[1], *heads, *cells[2:], *rest]
    for cell in base["cells"]:
        if isinstance(cell.get("source"), str):
            cell["source"] = cell["source"].splitlines(keepends=True)
    text = json.dumps(base, sort_keys=True, indent=1, ensure_ascii=False) + "\n"
    notebook.write_text(text, encoding="utf-8")


#: Fields that hold a text (in one language, or per language).
TEXT_KEYS = {
    "title",
    "topic_title",
    "summary",
    "role",
    "intro",
    "text",
    "help",
    "facilitator",
    "audience",
}


def _every_language(node: Any, languages: list[str]) -> Any:
    """A template's plain texts (placeholders such as ``{title}``) in every language."""
    if isinstance(node, dict):
        return {
            k: (
                {lang: v for lang in languages}
                if k in TEXT_KEYS and isinstance(v, str)
                else v
                if k in ("captions", "generate", "external")
                else _every_language(v, languages)
            )
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_every_language(v, languages) for v in node]
    return node


def migrate_folder(folder: Path, *, keep_yaml: bool = False) -> Path:
    """Move ``folder/kit.yaml`` into ``folder/kit.ipynb``; returns the notebook.

    A workshop template (its ``languages`` is the placeholder ``{language}``) is written in
    every interface language: ``talkkit new`` keeps the ones the new kit is in."""
    folder = Path(folder)
    text = (folder / KIT_FILE).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    notes = "".join(f"{ln}\n" for ln in text.splitlines() if ln.startswith("#"))
    if data.get("languages") == ["{language}"]:
        data = _every_language(data, list(LANGUAGES))
        data["languages"] = list(LANGUAGES)
    notebook = folder / NOTEBOOK_FILE
    write_notebook(data, notebook, notes=notes)
    if not keep_yaml:
        (folder / KIT_FILE).unlink()
    return notebook


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m talkkit.authoring.migrate", description=__doc__
    )
    parser.add_argument("folders", nargs="+", type=Path, help="kit or template folders")
    parser.add_argument("--keep-yaml", action="store_true", help="do not remove kit.yaml")
    args = parser.parse_args(argv)
    for folder in args.folders:
        if not (folder / KIT_FILE).is_file():
            print(f"{folder}: no {KIT_FILE} (already a notebook kit?)", file=sys.stderr)
            continue
        print(migrate_folder(folder, keep_yaml=args.keep_yaml))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
