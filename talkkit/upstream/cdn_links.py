"""The Font Awesome CDN links of Voilà's ``lab`` template, taken out of every kit page.

Targets voila 0.5.13 (pinned): ``share/jupyter/voila/templates/lab/index.html.j2`` links Font
Awesome 5 from cdn.jsdelivr.net in its ``notebook_css`` block. Kits are used in public social
services, so a page must not call any other host; the ``talkkit`` template (``index.html.j2``
beside this package's ``share/``) renders that block and removes exactly :data:`LAB_CDN_LINKS`.

Upstream: the links came with voila-dashboards/voila#870 (Font Awesome 5); no upstream issue
asks to serve it locally. Documented hook: template inheritance (``conf.json``
``base_template: lab`` and Jinja blocks) is Voilà's way to change a page; what is private is the markup of the links, which the
child template can only remove as text. :func:`check` reads Voilà's template at server start:
when a listed link is no longer there (Voilà changed its markup) or another third-party link
is, the log says so; the page still works, and its Content-Security-Policy
(:mod:`talkkit.page.policy`) keeps the browser from requesting the other host.
"""

from __future__ import annotations

import re
from pathlib import Path

from talkkit.upstream._scripts import voila_template
from talkkit.upstream._target import Target

__all__ = ["LAB_CDN_LINKS", "TARGET", "check", "lab_template"]

TARGET = Target(
    patch="cdn_links",
    distribution="voila",
    tested=("0.5.13",),
    issue="voila-dashboards/voila#870 added the links; none filed to serve them locally",
)

#: The links the talkkit template removes, as Voilà's lab template writes them.
LAB_CDN_LINKS = (
    '<link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@^5/css/all.min.css" type="text/css" />',
    '<link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@^5/css/v4-shims.min.css" type="text/css" />',
)

#: A link or script of the template that points at another host.
EXTERNAL = re.compile(r"""<(?:link|script)\b[^>]*\b(?:href|src)=["']https?://[^"']+""")


def lab_template() -> Path | None:
    """Voilà's ``lab/index.html.j2`` as Jupyter finds it (the first on the data path)."""
    return voila_template("lab", "index.html.j2")


def check(path: Path | None = None) -> bool:
    """Whether Voilà's lab template holds exactly the third-party links the talkkit template
    removes (logs one line when not)."""
    path = path or lab_template()
    try:
        text = path.read_text(encoding="utf-8") if path else None
    except OSError:
        text = None
    if text is None:
        return TARGET.missing(
            "lab/index.html.j2", "the talkkit template cannot extend it (pages fail to render)"
        )
    absent = [link for link in LAB_CDN_LINKS if link not in text]
    for link in LAB_CDN_LINKS:
        text = text.replace(link, "")
    others = EXTERNAL.findall(text)
    if absent or others:
        return TARGET.missing(
            f"the links the talkkit template removes ({len(absent)} of {len(LAB_CDN_LINKS)} "
            f"not found, other third-party links: {others or 'none'})",
            "pages may link another host; the Content-Security-Policy keeps it from loading",
        )
    TARGET.untested()
    return True
