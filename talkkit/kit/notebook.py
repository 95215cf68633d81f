"""Reading a kit notebook: ``kit.ipynb`` -> the kit's fields (as ``kit.yaml`` had them).

The notebook is the kit's document (issue 21). Two kinds of cell make a kit:

* one raw cell tagged ``talkkit-settings`` holds, as a few lines of YAML, what is not prose:
  ids, kinds, minutes, languages, format, media paths (each fact once);
* markdown cells hold the prose, structured by headings (``# Title``, ``## Talk:``,
  ``## Phase:`` with ``### Prompts`` and ``>`` guidance, ``## Evaluation``, ``## Background``;
  the words in da, sv or en), explained in the notebook's first cell (see
  :data:`talkkit.authoring.migrate.GUIDE`) and in docs/authoring.md.

A markdown cell without a ``lang:xx`` tag is in the kit's first language; a translation is a
copy tagged ``lang:sv`` (...). Cells tagged ``talkkit-guide`` and code cells are not the kit.

:func:`read_notebook` returns the fields in ``kit.yaml``'s shape (validated by the same schema)
with where each came from, so :mod:`talkkit.authoring.check` can name the cell of a problem.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

__all__ = ["GUIDE_TAG", "HEADINGS", "LABELS", "SETTINGS_TAG", "Issue", "Parsed", "Where"]
__all__ += ["is_kit_notebook", "read_notebook"]

SETTINGS_TAG = "talkkit-settings"
GUIDE_TAG = "talkkit-guide"
LANG_TAG = "lang:"

#: Heading words per language (the notebook's prose may be in any of them).
HEADINGS: dict[str, dict[str, str]] = {
    "talk": {"da": "Oplæg", "sv": "Presentation", "en": "Talk"},
    "phase": {"da": "Fase", "sv": "Fas", "en": "Phase"},
    "prompts": {"da": "Spørgsmål", "sv": "Frågor", "en": "Prompts"},
    "chapters": {"da": "Kapitler", "sv": "Kapitel", "en": "Chapters"},
    "evaluation": {"da": "Evaluering", "sv": "Utvärdering", "en": "Evaluation"},
    "background": {"da": "Baggrund", "sv": "Bakgrund", "en": "Background"},
}
#: Line labels (``**Speaker:** ...``) per language.
LABELS: dict[str, dict[str, str]] = {
    "speaker": {"da": "Oplægsholder", "sv": "Talare", "en": "Speaker"},
    "role": {"da": "Rolle", "sv": "Roll", "en": "Role"},
    "audience": {"da": "Målgruppe", "sv": "Målgrupp", "en": "Audience"},
    "topic_title": {"da": "Emne", "sv": "Ämne", "en": "Topic"},
}
#: The heading level each section must have.
LEVELS = {"title": 1, "talk": 2, "phase": 2, "evaluation": 2, "background": 2}
LEVELS |= {"prompts": 3, "chapters": 3}

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_ITEM = re.compile(r"^([-*+])\s+(.*)$")
_SUBITEM = re.compile(r"^\s{2,}[-*+]\s+(.*)$")
_LINK = re.compile(r"^\[(?P<title>[^\]]+)\]\((?P<url>[^)\s]+)\)(?:\s+[-–—]\s+(?P<pub>.+))?$")
_LABEL = re.compile(r"^\*\*(?P<label>[^*:]+):\*\*\s*(?P<value>.*)$")


def _lookup(table: dict[str, dict[str, str]], word: str) -> str | None:
    word = word.strip().casefold()
    for key, words in table.items():
        if word in {w.casefold() for w in words.values()}:
            return key
    return None


@dataclass(frozen=True)
class Where:
    """A cell of the notebook: its number (1 = first cell) and its heading, if any."""

    cell: int
    heading: str = ""


@dataclass(frozen=True)
class Issue:
    """A problem of the notebook's structure, as a message key and its values (see check)."""

    where: Where
    key: str
    values: dict[str, str] = field(default_factory=dict)


@dataclass
class Parsed:
    """A kit notebook read: the fields as ``kit.yaml`` had them, where each came from, what is
    wrong with the structure, and the texts missing in a translation."""

    data: dict[str, Any]
    where: dict[str, Where] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    untranslated: list[tuple[str, Where, str]] = field(default_factory=list)  # (lang, where, path)
    settings_cell: int = 0


def _tags(cell: dict[str, Any]) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []) or [])


def _source(cell: dict[str, Any]) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def is_kit_notebook(path: Path) -> bool:
    """Whether ``path`` is a kit notebook (one with a ``talkkit-settings`` cell)."""
    try:
        nb = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return False
    return any(SETTINGS_TAG in _tags(c) for c in nb.get("cells", []))


class _Stream:
    """The prose of one language, line by line, parsed into that language's texts."""

    def __init__(self, lang: str, parsed: Parsed) -> None:
        self.lang = lang
        self.parsed = parsed
        self.texts: dict[str, Any] = {}  # path -> text (str) or link dict
        self.where: dict[str, Where] = {}
        self.section: tuple[str, int] | None = None
        self.sub: str | None = None  # "prompts" / "chapters" under a talk or phase
        self.counts = {"talk": 0, "phase": 0}
        self.para: list[str] = []
        self.para_target: str | None = None
        self.quote: list[str] = []
        self.here = Where(0)
        self.items = 0

    # -- helpers -------------------------------------------------------------------------------
    def issue(self, key: str, **values: str) -> None:
        self.parsed.issues.append(Issue(self.here, key, values))

    def put(self, path: str, text: str) -> None:
        if path in self.texts and isinstance(self.texts[path], str):
            self.texts[path] += "\n\n" + text
        else:
            self.texts[path] = text
            self.where[path] = self.here

    def flush(self) -> None:
        if self.para:
            text = "\n".join(self.para).strip()
            target = self.para_target
            if target is None:
                self.issue("text_outside")
            elif text:
                self.put(target, text)
            self.para = []
        if self.quote:
            text = "\n".join(self.quote).strip()
            if self.section and self.section[0] == "phase":
                if text:
                    self.put(f"agenda[{self.section[1]}].facilitator", text)
            else:
                self.issue("quote_outside")
            self.quote = []

    # -- lines ---------------------------------------------------------------------------------
    def heading(self, level: int, text: str) -> None:
        self.flush()
        word, colon, rest = text.partition(":")
        if colon:
            kind = _lookup(HEADINGS, word)
            kind = kind if kind in ("talk", "phase") else None
        else:
            kind = _lookup(HEADINGS, text)
            kind = None if kind in ("talk", "phase") else kind
        if level == 1 and kind is None:
            kind = "title"
        if kind is None:
            self.issue("unknown_heading", heading=text)
            self.para_target = None
            return
        want = LEVELS[kind]
        if level != want:
            self.issue("heading_level", heading=text, hashes="#" * want)
        self.sub = None
        self.items = 0
        if kind == "title" and "title" in self.texts:
            self.issue("second_title", heading=text)
            self.section, self.para_target = None, None
        elif kind == "title":
            self.section = ("title", 0)
            self.put("title", text.strip())
            self.para_target = "summary"
        elif kind in ("talk", "phase"):
            i = self.counts[kind]
            self.counts[kind] += 1
            self.section = (kind, i)
            base = "talks" if kind == "talk" else "agenda"
            self.put(f"{base}[{i}].title", rest.strip())
            self.para_target = f"agenda[{i}].intro" if kind == "phase" else None
        elif kind in ("prompts", "chapters"):
            owner = "phase" if kind == "prompts" else "talk"
            if not self.section or self.section[0] != owner:
                self.issue("prompts_outside" if kind == "prompts" else "chapters_outside")
                self.sub = "lost"
            else:
                self.sub = kind
            self.para_target = None
        else:  # evaluation, background
            self.section = (kind, 0)
            self.para_target = "background.text" if kind == "background" else None

    def item(self, text: str, sub: bool) -> None:
        self.flush()
        section = self.section[0] if self.section else None
        i = self.section[1] if self.section else 0
        if self.sub == "lost":
            return
        if self.sub == "prompts":
            if sub:
                if self.items:
                    self.put(f"agenda[{i}].prompts[{self.items - 1}].help", text)
                return
            self.put(f"agenda[{i}].prompts[{self.items}].text", text)
            self.items += 1
        elif self.sub == "chapters":
            self.put(f"talks[{i}].chapters[{self.items}].title", text)
            self.items += 1
        elif section == "evaluation":
            self.put(f"evaluation[{self.items}].text", text)
            self.items += 1
        elif section == "background":
            match = _LINK.match(text)
            if not match:
                self.issue("bad_link", text=text)
                return
            self.texts[f"background.links[{self.items}]"] = match.groupdict()
            self.where[f"background.links[{self.items}]"] = self.here
            self.items += 1
        elif section == "phase":
            self.issue("prompt_without_heading", text=text)
        else:
            self.issue("prompt_outside", text=text)

    def line(self, line: str) -> None:
        if not line.strip():
            self.flush()
            return
        if heading := _HEADING.match(line):
            self.heading(len(heading.group(1)), heading.group(2))
            return
        if sub := _SUBITEM.match(line):
            self.item(sub.group(1).strip(), sub=True)
            return
        if item := _ITEM.match(line):
            self.item(item.group(2).strip(), sub=False)
            return
        if line.startswith(">"):
            if self.para:
                self.flush()
            self.quote.append(line[1:].removeprefix(" "))
            return
        if (label := _LABEL.match(line)) and (key := _lookup(LABELS, label.group("label"))):
            self.flush()
            value = label.group("value").strip()
            if key in ("audience", "topic_title"):
                self.put(key, value)
            elif self.section and self.section[0] == "talk":
                self.put(f"talks[{self.section[1]}].{key}", value)
            else:
                self.issue("label_outside", label=label.group("label"))
            return
        if self.quote:
            self.flush()
        self.para.append(line.rstrip())

    def cell(self, number: int, text: str) -> None:
        self.flush()
        first = next((ln for ln in text.splitlines() if ln.strip()), "")
        heading = _HEADING.match(first)
        self.here = Where(number, first.strip() if heading else "")
        for ln in text.splitlines():
            if _HEADING.match(ln):
                self.here = Where(number, ln.strip())
            self.line(ln)
        self.flush()


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    """Put ``value`` at ``path`` (``agenda[1].prompts[0].text``) into ``data``."""
    parts = re.findall(r"[^.\[\]]+|\[\d+\]", path)
    node: Any = data
    for part, nxt in zip(parts, [*parts[1:], None], strict=True):
        key: Any = int(part[1:-1]) if part.startswith("[") else part
        if isinstance(node, list):
            while len(node) <= key:
                node.append(None)
        if nxt is None:
            node[key] = value
            return
        child: Any = [] if nxt.startswith("[") else {}
        if isinstance(node, list):
            if node[key] is None:
                node[key] = child
        else:
            node.setdefault(key, child)
        node = node[key]


def _get(data: Any, path: str) -> Any:
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        if part.startswith("["):
            i = int(part[1:-1])
            if not isinstance(data, list) or i >= len(data):
                return None
            data = data[i]
        else:
            if not isinstance(data, dict):
                return None
            data = data.get(part)
    return data


def read_notebook(path: Path) -> Parsed:
    """The kit's fields from a kit notebook (raises ``ValueError`` if it is not one)."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    cells = nb.get("cells", [])
    settings_at = [i for i, c in enumerate(cells) if SETTINGS_TAG in _tags(c)]
    if not settings_at:
        raise ValueError("no cell is tagged talkkit-settings")
    parsed = Parsed({}, settings_cell=settings_at[0] + 1)
    settings_text = _source(cells[settings_at[0]])
    try:
        settings = yaml.safe_load(settings_text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = str(mark.line + 1) if mark else "?"
        parsed.issues.append(Issue(Where(settings_at[0] + 1), "settings_yaml", {"line": line}))
        settings = {}
    if not isinstance(settings, dict):
        parsed.issues.append(Issue(Where(settings_at[0] + 1), "settings_yaml", {"line": "1"}))
        settings = {}
    languages = settings.get("languages") or []
    languages = [str(x) for x in languages] if isinstance(languages, list) else []
    main = languages[0] if languages else ""
    streams: dict[str, _Stream] = {}
    for number, cell in enumerate(cells, start=1):
        tags = _tags(cell)
        if cell.get("cell_type") != "markdown" or GUIDE_TAG in tags:
            continue
        langs = [t[len(LANG_TAG) :] for t in tags if t.startswith(LANG_TAG)]
        lang = langs[0] if langs else main
        if not languages:  # the settings cell is broken: that is the problem to report
            continue
        if lang not in languages:
            parsed.issues.append(
                Issue(
                    Where(number), "unknown_language", {"lang": lang, "known": ", ".join(languages)}
                )
            )
            continue
        streams.setdefault(lang, _Stream(lang, parsed)).cell(number, _source(cell))

    data: dict[str, Any] = json.loads(json.dumps(settings))  # a deep copy
    if main not in streams:
        parsed.data = data
        return parsed
    main_stream = streams[main]
    several = len(languages) > 1
    for text_path, value in main_stream.texts.items():
        if isinstance(value, dict):  # a link: url and publisher come from the main language
            link: dict[str, Any] = {"title": value["title"], "url": value["url"]}
            if value.get("pub"):
                link["publisher"] = value["pub"].strip()
            if several:
                link["title"] = {main: value["title"]}
            _set(data, text_path, link)
        elif several and not text_path.endswith((".speaker",)):
            _set(data, text_path, {main: value})
        else:
            _set(data, text_path, value)
        parsed.where[text_path] = main_stream.where[text_path]
    for lang in languages[1:]:
        stream = streams.get(lang)
        for text_path, value in main_stream.texts.items():
            if text_path.endswith(".speaker"):
                continue
            other = stream.texts.get(text_path) if stream else None
            if other is None:
                parsed.untranslated.append((lang, main_stream.where[text_path], text_path))
                continue
            if isinstance(value, dict):
                title = other["title"] if isinstance(other, dict) else str(other)
                _get(data, text_path)["title"][lang] = title
            else:
                _get(data, text_path)[lang] = other
    parsed.data = data
    return parsed
