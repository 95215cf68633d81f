"""The trend report's charts, drawn with matplotlib: SVG for the HTML (and so the PDF), PNG
for the DOCX, from one drawing.

* :func:`groups_chart`: groups per month (a month of fewer than five groups has no bar);
* :func:`ratings_chart`: the average rating per month, one line per rating question (a month
  where fewer than five groups rated is a gap).

matplotlib is imported when a chart is drawn (it costs tenths of a second) and runs with its
file-only ``Agg`` backend; the SVG keeps its texts as text (readable, searchable) and holds no
reference to anything outside it.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from talkkit.contracts.answers import RATING_MAX, RATING_MIN
from talkkit.export.text import xml_safe
from talkkit.report.trend import TrendReport
from talkkit.report.trend_labels import HIDDEN

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["Chart", "charts", "groups_chart", "ratings_chart"]

#: The charts' colours (the report's blue first; distinguishable for common colour blindness).
COLOURS = ("#1d3557", "#e07a1f", "#2a9d8f", "#8e44ad", "#c0392b", "#7f8c8d")


@dataclass(frozen=True)
class Chart:
    """One drawn chart: its title, a text saying what it shows (the image's alternative text)
    and the drawing as SVG text and as PNG bytes."""

    title: str
    description: str
    svg: str
    png: bytes


def _figure(width: float = 7.5, height: float = 3.4) -> Figure:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=110, layout="constrained")
    return fig


def _render(fig: Figure) -> tuple[str, bytes]:
    import matplotlib

    svg_out, png_out = io.StringIO(), io.BytesIO()
    with matplotlib.rc_context(
        {"svg.fonttype": "none", "svg.hashsalt": "talkkit", "font.family": "DejaVu Sans"}
    ):
        fig.savefig(svg_out, format="svg", metadata={"Date": None, "Creator": None})
        fig.savefig(png_out, format="png", dpi=150, metadata={"Software": None})
    svg = svg_out.getvalue()
    return svg[svg.index("<svg") :], png_out.getvalue()


def _style(ax: Any) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="y", color="#dddddd", linewidth=0.8)
    ax.set_axisbelow(True)


def groups_chart(report: TrendReport, t: dict[str, str]) -> Chart:
    """Groups per month; a hidden month is marked ``–`` (fewer than five groups)."""
    fig = _figure()
    ax = fig.add_subplot()
    _style(ax)
    labels = [xml_safe(m.label) for m in report.months]
    values = [m.groups or 0 for m in report.months]
    ax.bar(range(len(labels)), values, color=COLOURS[0], width=0.6)
    for x, m in enumerate(report.months):
        if m.groups is None:  # hidden: fewer than five groups
            ax.annotate(HIDDEN, (x, 0), ha="center", va="bottom", fontsize=16, color="#555555")
        else:
            ax.annotate(str(m.groups), (x, m.groups), ha="center", va="bottom", fontsize=9)
    ax.set_xticks(range(len(labels)), labels)
    ax.set_ylabel(t["groups"])
    ax.set_ylim(0, max([*values, 1]) * 1.18)
    from matplotlib.ticker import MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    svg, png = _render(fig)
    shown = ", ".join(
        f"{m.label}: {m.groups if m.groups is not None else t['hidden_mark']}"
        for m in report.months
    )
    return Chart(t["groups_per_month"], shown, svg, png)


def ratings_chart(report: TrendReport, t: dict[str, str]) -> Chart | None:
    """The average rating per month, one line per question (None: no month to show)."""
    if not any(r for m in report.months for r in m.ratings.values()):
        return None
    fig = _figure(height=3.9)
    ax = fig.add_subplot()
    _style(ax)
    xs = list(range(len(report.months)))
    parts = []
    for i, (qid, text) in enumerate(report.questions):
        ys = [(m.ratings.get(qid) or (float("nan"), 0))[0] for m in report.months]
        label = textwrap.shorten(xml_safe(text), 70, placeholder=" …")
        colour = COLOURS[i % len(COLOURS)]
        ax.plot(xs, ys, marker="o", color=colour, label=label, linewidth=2)
        shown = [(x, y) for x, y in zip(xs, ys, strict=True) if y == y]  # NaN: a hidden month
        if len(shown) > 1:  # a dotted line across hidden months, so the trend reads
            ax.plot(*zip(*shown, strict=True), linestyle=":", color=colour, linewidth=1.2)
        parts.append(
            label
            + ": "
            + ", ".join(
                f"{m.label} {r[0]:.1f}" if (r := m.ratings.get(qid)) else f"{m.label} –"
                for m in report.months
            )
        )
    ax.set_xticks(xs, [xml_safe(m.label) for m in report.months])
    ax.set_ylim(RATING_MIN - 0.2, RATING_MAX + 0.2)
    ax.set_yticks(range(RATING_MIN, RATING_MAX + 1))
    ax.set_ylabel(t["average"])
    ax.set_xlim(-0.5, len(xs) - 0.5)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), fontsize=8, frameon=False)
    svg, png = _render(fig)
    return Chart(t["ratings_per_month"], "; ".join(parts), svg, png)


def charts(report: TrendReport, t: dict[str, str]) -> list[Chart]:
    """Every chart of the report, in reading order."""
    makers: list[Callable[[TrendReport, dict[str, str]], Chart | None]] = [
        groups_chart,
        ratings_chart,
    ]
    return [c for c in (make(report, t) for make in makers) if c is not None]
