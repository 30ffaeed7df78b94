"""`{% heatmap_cells rows %}` and `{% heatmap_day_rows days %}`: the year calendar's ~370 cells and its data table.

Rendered here with format_html_join, not with template loops: a year is about 740 cells and rows, and the
template engine's per-variable cost was the largest part of the dashboard's render time (docs/BENCHMARKS.md).
The markup is the one the template wrote before, escaped the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _cell(cell: dict[str, Any] | None) -> SafeString:
    if cell is None:
        return mark_safe('<td class="heat-pad"></td>')
    bucket = cell["bucket"]
    title = f"{bucket.day_label}: {bucket.share_percent}" if bucket.total else bucket.day_label
    mood = format_html(' data-mood="{}"', cell["mood"]) if cell["mood"] else ""
    return format_html('<td class="heat-{}"{} title="{}"></td>', cell["level"], mood, title)


@register.simple_tag
def heatmap_cells(rows: Iterable[tuple[str, Sequence[dict[str, Any] | None]]]) -> SafeString:
    """The calendar's rows: a weekday name, then one cell per week (emotions.dashboard.heatmap_weeks)."""
    return format_html_join(
        "\n",
        '<tr><th scope="row">{}</th>{}</tr>',
        # Each cell is escaped by format_html; their concatenation stays safe.
        ((name, mark_safe("".join(_cell(cell) for cell in cells))) for name, cells in rows),
    )


@register.simple_tag
def heatmap_day_rows(days: Iterable[Any]) -> SafeString:
    """The calendar's data table: one row per day with photos (DayBucket)."""
    return format_html_join(
        "",
        '<tr><th scope="row">{}</th><td>{}</td><td>{}</td></tr>',
        ((day.day_label, day.total, day.share_percent) for day in days),
    )
