"""The PDF report's charts, drawn on the server as PNG images (matplotlib, Agg: no display, no browser).

Each function returns a `data:` URI, so the report's HTML carries its pictures and WeasyPrint fetches nothing.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from datetime import date

# Sizes in inches at this resolution: the A4 page's text column is about 6.7 inches wide.
CHART_WIDTH, CHART_HEIGHT, CHART_DPI = 6.7, 1.9, 150
NEGATIVE_COLOUR, MOOD_COLOUR, CBI_COLOUR = "#c0392b", "#2471a3", "#7d3c98"


def _figure() -> tuple[object, object]:
    # Imported here: matplotlib costs a second at import and only the report needs it; Agg draws without a display.
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(figsize=(CHART_WIDTH, CHART_HEIGHT), dpi=CHART_DPI)
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="y", color="#e3e6ee", linewidth=0.6)
    axes.tick_params(labelsize=7)
    return figure, axes


def _png(figure: object) -> str:
    from matplotlib import pyplot

    buffer = io.BytesIO()
    figure.tight_layout(pad=0.4)  # type: ignore[attr-defined]
    figure.savefig(buffer, format="png")  # type: ignore[attr-defined]
    pyplot.close(figure)  # type: ignore[arg-type]
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def line_chart_png(
    *,
    days: Sequence[date],
    values: Sequence[float | None],
    label: str,
    colour: str,
    y_limits: tuple[float, float],
    percent: bool = False,
) -> str:
    """One series over the period (gaps where a value is None), as a PNG data URI."""
    figure, axes = _figure()
    xs = [day for day, value in zip(days, values, strict=True) if value is not None]
    ys = [value * 100 if percent else value for value in values if value is not None]
    axes.plot(xs, ys, marker="o", markersize=2.5, linewidth=1.2, color=colour)  # type: ignore[attr-defined]
    bottom, top = y_limits
    axes.set_ylim(bottom * 100 if percent else bottom, top * 100 if percent else top)  # type: ignore[attr-defined]
    if days:
        axes.set_xlim(days[0], days[-1])  # type: ignore[attr-defined]
    axes.set_title(label, fontsize=8, loc="left")  # type: ignore[attr-defined]
    figure.autofmt_xdate()  # type: ignore[attr-defined]
    return _png(figure)
