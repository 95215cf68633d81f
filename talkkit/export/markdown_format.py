"""Markdown: a readable report of one group (or of every group of an event).

All user text goes through :func:`~talkkit.export.text.escape_markdown`, so an answer can never
make a heading, a link, an image, HTML, a table or a list of its own. Unanswered prompts are
left out. Control characters and lone surrogates are shown as U+FFFD, with a note at the end.
"""

from __future__ import annotations

from collections.abc import Sequence

from talkkit.export.doc import ExportDoc, as_docs, local_time_text
from talkkit.export.followup import status_label
from talkkit.export.text import escape_markdown, markdown_replaces, texts_in
from talkkit.i18n import translator

__all__ = ["to_markdown"]


def _e(text: str) -> str:
    return escape_markdown(text)


def _h(text: str) -> str:
    return escape_markdown(text, inline=True)


def _doc(doc: ExportDoc) -> list[str]:
    _ = doc.labels()
    title = _h(doc.kit_title)
    if doc.group_name:
        title += " — " + _h(doc.group_name)
    out = [f"# {title}", ""]
    meta = [f"**{_('Kit')}:** {_h(doc.kit_id)}"]
    if doc.group_name:
        meta.append(f"**{_('Group')}:** {_h(doc.group_name)}")
    if doc.municipality:
        meta.append(f"**{_('Municipality')}:** {_h(doc.municipality)}")
    meta.append(f"**{_('Session')}:** {_h(doc.session_id)}")
    meta.append(f"**{_('Generated')}:** {_h(local_time_text(doc.generated_at, doc.language))}")
    out += [" · ".join(meta), ""]
    for section in doc.sections:
        rows = [r for r in section.rows if r.answer or r.views]
        if not rows:
            continue
        out += [f"## {_h(section.title)}", ""]
        for row in rows:
            out += [f"### {_h(row.prompt)}", ""]
            if row.answer:
                out += [f"*{_('Our answer')}:* {_e(row.answer)}", ""]
            if row.views:
                out += [f"*{_('Different views in the group')}:* {_e(row.views)}", ""]
    if doc.takeaways:
        out += [f"## {_('Our take-aways')}", ""]
        for t in doc.takeaways:
            parts = [f"**{_('What')}:** {_e(t.what)}"]
            if t.who:
                parts.append(f"**{_('Who')}:** {_e(t.who)}")
            if t.when:
                parts.append(f"**{_('When')}:** {_e(t.when)}")
            out.append("- " + " · ".join(parts))
        out.append("")
    if doc.followup:
        out += ["## " + _("Follow-up of last time's take-aways"), ""]
        for f in doc.followup:
            parts = [f"**{_h(status_label(f.status, doc.language))}:** {_e(f.what)}"]
            parts += [f"**{_('Who')}:** {_e(f.who)}"] if f.who else []
            parts += [f"**{_('When')}:** {_e(f.when)}"] if f.when else []
            parts += [f"**{_('What happened')}:** {_e(f.note)}"] if f.note else []
            out.append("- " + " · ".join(parts))
        out.append("")
    if doc.questions:
        out += [f"## {_('Questions for the presenters')}", ""]
        out += [f"- {_e(q)}" for q in doc.questions]
        out.append("")
    answered = [r for r in doc.evaluation if r.answer]
    if answered:
        out += [f"## {_('Evaluation')}", ""]
        out += [f"- **{_h(r.prompt)}** {_e(r.answer)}" for r in answered]
        out.append("")
    if doc.facilitator_notes:
        out += [f"## {_('Facilitator notes')}", "", _e(doc.facilitator_notes), ""]
    return out


def to_markdown(docs: ExportDoc | Sequence[ExportDoc]) -> bytes:
    """A Markdown report of one group or of many (a whole event), UTF-8."""
    lines: list[str] = []
    docs = as_docs(docs)
    for n, doc in enumerate(docs):
        if n:
            lines += ["---", ""]
        lines += _doc(doc)
    if any(markdown_replaces(t) for t in texts_in(docs)):
        _ = translator(docs[0].language)
        lines += [
            "",
            "*"
            + _(
                "Note: some characters cannot be kept in this file and are shown as \ufffd. "
                "The JSON export keeps them."
            )
            + "*",
            "",
        ]
    return "\n".join(lines).encode("utf-8")
