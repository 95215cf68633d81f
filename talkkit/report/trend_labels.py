"""The trend report's headings, words and the privacy rule in the report's language (the
``events`` catalogue); every format of the trend report uses the same."""

from __future__ import annotations

from talkkit.export.followup import status_label
from talkkit.i18n import translator
from talkkit.report.model import DOMAIN
from talkkit.report.trend import MIN_GROUPS, STATUSES

__all__ = ["HIDDEN", "trend_labels"]

#: What a hidden figure shows instead (the rule under every report says why).
HIDDEN = "–"


def trend_labels(language: str) -> dict[str, str]:
    _ = translator(language, DOMAIN)
    return {
        "overview": _("Overview"),
        "events": _("Events"),
        "groups": _("Groups"),
        "municipalities": _("Municipalities"),
        "municipality": _("Municipality"),
        "takeaways": _("Take-aways written"),
        "kits": _("Kits"),
        "kit": _("Kit"),
        "month": _("Month"),
        "average": _("Average rating (1-5)"),
        "evaluation": _("Evaluation over time"),
        "groups_per_month": _("Groups per month"),
        "ratings_per_month": _("Average rating per month (1-5)"),
        "other_places": _("Other municipalities, each with fewer than {n} groups", n=MIN_GROUPS),
        "themes": _("Recurring themes across events"),
        "themes_intro": _(
            "Words and two-word phrases that many groups wrote, counted locally: the number "
            "of groups and of events whose answers hold them. Who wrote them is not shown."
        ),
        "words": _("Words"),
        "phrases": _("Two-word phrases"),
        "term": _("Word or phrase"),
        "no_themes": _("No word or phrase was written by {n} groups or more.", n=MIN_GROUPS),
        "followup": _("Follow-up of take-aways"),
        "followup_groups": _("Groups that followed up take-aways"),
        "followup_items": _("Take-aways followed up"),
        "no_followup": _("No group followed up take-aways in this period."),
        **{f"status_{s}": status_label(s, language) for s in STATUSES},
        "rule": _(
            "Only totals are shown: no group's answers appear beside its group or "
            "municipality, and no figure is shown for fewer than {n} groups (marked {mark}).",
            n=MIN_GROUPS,
            mark=HIDDEN,
        ),
        "too_few": _(
            "Fewer than {n} groups took part in this period: the report shows no figures.",
            n=MIN_GROUPS,
        ),
        "hidden_mark": HIDDEN,
        "generated": _("Made with talkkit on {date}"),
        "replaced": _("Note: some characters cannot be kept in this file and are shown as \ufffd."),
    }
