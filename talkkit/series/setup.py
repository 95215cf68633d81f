"""Making a series: what the leader typed checked (clear messages in their language), the
series stored with a fresh team code and leader secret (shown once, stored hashed), its links.

The code and the secret are made and hashed as an event's (:mod:`talkkit.events.codes`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from talkkit.events.codes import format_code, with_fresh_code
from talkkit.i18n import normalise_language, translator
from talkkit.store import Store
from talkkit.store.series import MAX_STEPS, Series, new_series_id
from talkkit.store.values import MAX_LABEL_CHARS

__all__ = ["SeriesInputError", "create_series", "parse_plan", "series_links"]


@dataclass(frozen=True)
class SeriesInputError(Exception):
    """Why a series cannot be made from what was typed: ``code`` is ``"team"``, ``"no_kits"``,
    ``"too_many"``, ``"unknown_kit"``, ``"dates"`` (not one date per kit), ``"bad_date"`` or
    ``"order"`` (a planned date before the previous one); ``value`` is what was typed."""

    code: str
    value: str = ""
    choices: str = ""

    def message(self, language: str) -> str:
        _ = translator(language, "series")
        value = self.value[:200]
        if self.code == "team":
            return _(
                "The series needs the team's name (at most {n} characters).", n=MAX_LABEL_CHARS
            )
        if self.code == "no_kits":
            return _("Give at least one kit with --kit, each with its planned --date.")
        if self.code == "too_many":
            return _("A series has at most {n} kits.", n=MAX_STEPS)
        if self.code == "unknown_kit":
            return _(
                "There is no kit with the id {kit}. The kits are: {kits}",
                kit=value,
                kits=self.choices,
            )
        if self.code == "dates":
            return _("Give one planned --date for each --kit, in the same order.")
        if self.code == "bad_date":
            return _("{date} is not a date: write it as YYYY-MM-DD, e.g. 2027-01-10.", date=value)
        return _(
            "The planned dates must follow each other: {date} is before the kit before it.",
            date=value,
        )


def parse_plan(
    team: str,
    kits: Sequence[str],
    dates: Sequence[str],
    exists: Callable[[str], bool],
    choices: Sequence[str] = (),
) -> list[tuple[str, date]]:
    """The ordered (kit id, planned date) steps, or :class:`SeriesInputError`. ``exists``
    tells whether a kit id is a kit; ``choices`` are named when one is not."""
    if not team.strip() or len(team) > MAX_LABEL_CHARS:
        raise SeriesInputError("team", team)
    if not kits:
        raise SeriesInputError("no_kits")
    if len(kits) > MAX_STEPS:
        raise SeriesInputError("too_many")
    if len(dates) != len(kits):
        raise SeriesInputError("dates")
    steps: list[tuple[str, date]] = []
    for kit, text in zip(kits, dates, strict=True):
        if not exists(kit):
            raise SeriesInputError("unknown_kit", kit, ", ".join(sorted(choices)))
        try:
            day = date.fromisoformat(text.strip())
        except ValueError:
            raise SeriesInputError("bad_date", text) from None
        if len(text.strip()) != 10:
            raise SeriesInputError("bad_date", text)
        if steps and day < steps[-1][1]:
            raise SeriesInputError("order", text)
        steps.append((kit, day))
    return steps


def create_series(
    store: Store, team: str, steps: list[tuple[str, date]], language: str = "da"
) -> tuple[Series, str]:
    """A new series and the leader's secret (shown once: only its hash is stored)."""
    language = normalise_language(language)
    return with_fresh_code(
        lambda code, secret_hash: store.create_series(
            new_series_id(), team.strip(), language, code, secret_hash, steps
        )
    )


def series_links(series: Series, base_url: str = "") -> dict[str, str]:
    """The team's page (with its code) and the leader's overview."""
    base = base_url.rstrip("/")
    return {
        "team": f"{base}/talkkit/team?code={format_code(series.code)}",
        "overview": f"{base}/talkkit/series-overview",
    }
