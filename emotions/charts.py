"""The weekly chart as a PNG image, drawn in the worker (the bot's digest and /stats send it; no browser).

Two panels, one y-axis each: the share of negative photos per day (bars, 0-100 %) and the mean mood per day
(points joined only across consecutive rated days, 1-5). Days are the person's calendar days.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from emotions.selectors.assessments import assessment_daily_negative_share
from emotions.selectors.self_reports import self_report_daily_mood

if TYPE_CHECKING:
    from accounts.models import User

CHART_DAYS = 28
NEGATIVE_COLOUR, MOOD_COLOUR = "#c0392b", "#2f6fde"


def chart_weekly_png(*, user: User, days: int = CHART_DAYS, now: datetime | None = None) -> bytes:
    """The last `days` days of negative share and mood as a PNG (about 1000x700 px)."""
    # Imported here, not at module level: matplotlib costs ~0.5 s and tens of MB, and only the worker draws charts
    # (web processes never need it). Agg draws to memory without any display.
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    buckets = assessment_daily_negative_share(user=user, days=days, now=now)
    moods = self_report_daily_mood(user=user, days=days, now=now)
    x = list(range(len(buckets)))
    labels = [bucket.day.strftime("%d.%m") for bucket in buckets]
    shares = [(bucket.negative_share or 0) * 100 for bucket in buckets]
    mood_values = [moods.get(bucket.day) for bucket in buckets]

    figure = Figure(figsize=(10, 7), dpi=100)
    top, bottom = figure.subplots(2, 1, sharex=True)
    top.bar(x, shares, color=NEGATIVE_COLOUR, alpha=0.8)
    top.set_ylim(0, 100)
    top.set_title(_("Negative photos per day, %"), loc="left")
    top.grid(axis="y", alpha=0.3)
    # A line only between days that both have a rating: a gap where none was given, never a made-up slope.
    bottom.plot(
        x, [value if value is not None else float("nan") for value in mood_values], marker="o", color=MOOD_COLOUR
    )
    bottom.set_ylim(0.8, 5.2)
    bottom.set_yticks([1, 2, 3, 4, 5])
    bottom.set_title(_("Your mood per day (1-5)"), loc="left")
    bottom.grid(axis="y", alpha=0.3)
    step = max(1, len(x) // 10)
    bottom.set_xticks(x[::step], labels[::step])
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
