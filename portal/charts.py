"""Bar charts drawn on the server as SVG that assistive technology can read: the chart is
one image (role="img") named by its <title> and described by its <desc>, which lists
every value in words; every bar carries its value as text and every year its label, so
nothing is told by colour alone. No JavaScript. The page shows the same numbers in a
table beside the chart."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH_PER_BAR = 84
BAR_WIDTH = 44
FONT_SIZE = 13
PLOT_HEIGHT = 140
TOP, BOTTOM, LEFT = 28, 32, 12


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    shown: Sequence[str],
) -> SafeString:
    """An SVG bar chart of `values` (None: no value, no bar, "—" written) under `labels`,
    each bar topped by its text in `shown`. `chart_id` makes the ids of <title> and
    <desc> unique on the page; `description` should say every value in words."""
    top_value = max((v for v in values if v is not None), default=0) or 1
    width = LEFT * 2 + WIDTH_PER_BAR * max(len(values), 1)
    height = TOP + PLOT_HEIGHT + BOTTOM
    baseline = TOP + PLOT_HEIGHT
    bars = []
    for index, (label, value, text) in enumerate(zip(labels, values, shown, strict=True)):
        centre = LEFT + WIDTH_PER_BAR * index + WIDTH_PER_BAR // 2
        bar_height = 0 if value is None else round(PLOT_HEIGHT * value / top_value)
        bars.append(
            (
                centre - BAR_WIDTH // 2,
                baseline - bar_height,
                BAR_WIDTH,
                bar_height,
                centre,
                baseline - bar_height - 6,
                FONT_SIZE,
                text,
                centre,
                baseline + 20,
                FONT_SIZE,
                label,
            )
        )
    body = format_html_join(
        "",
        '<rect class="chart__bar" x="{}" y="{}" width="{}" height="{}" fill="#2f5f8a"></rect>'
        '<text class="chart__value" x="{}" y="{}" text-anchor="middle" '
        'fill="currentColor" font-size="{}">{}</text>'
        '<text class="chart__label" x="{}" y="{}" text-anchor="middle" '
        'fill="currentColor" font-size="{}">{}</text>',
        bars,
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        'aria-labelledby="{id}-title {id}-desc">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>'
        '<line class="chart__axis" x1="{left}" y1="{base}" x2="{right}" y2="{base}" '
        'stroke="currentColor"></line>{body}</svg>',
        width=width,
        height=height,
        id=chart_id,
        title=title,
        desc=description,
        left=LEFT,
        right=width - LEFT,
        base=baseline,
        body=body,
    )
