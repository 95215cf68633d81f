"""The report as one self-contained HTML page: ``templates/report.html.j2`` (Jinja, autoescape
on, so every user text is escaped; the rating charts are inline SVG, so the file needs nothing
from the web).

Every printed text passes :func:`~talkkit.export.cells.html_text` before it is escaped:
characters HTML cannot hold (a lone surrogate would stop the file) become U+FFFD, with a note
at the end, and no text becomes a formula when Calc opens the page or when it is copied into a
spreadsheet."""

from __future__ import annotations

from typing import TYPE_CHECKING

from talkkit.export.cells import html_text
from talkkit.export.text import texts_in, xml_replaces
from talkkit.paths import PACKAGE_DIR
from talkkit.report.model import Report, labels

if TYPE_CHECKING:
    import jinja2

__all__ = ["TEMPLATE", "to_html"]

TEMPLATE = "report.html.j2"


def _environment() -> jinja2.Environment:
    # imported on first render: the board and kit kernels import the report's evaluation
    # summary, never its HTML (jinja2 costs ~40 ms to import)
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(PACKAGE_DIR / "templates")),
        autoescape=True,  # every user text is escaped, whatever the file name
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=html_text,  # before escaping: no U+D800 stops the file, no `=` makes a formula
    )


def to_html(report: Report) -> str:
    """The report as one self-contained HTML page (no scripts, no outside resources)."""
    template = _environment().get_template(TEMPLATE)
    words = labels(report.language)
    return template.render(
        report=report,
        t=words,
        generated=words["generated"].replace("{date}", report.generated_at.date().isoformat()),
        note=words["replaced"] if any(xml_replaces(t) for t in texts_in(report)) else "",
    )
