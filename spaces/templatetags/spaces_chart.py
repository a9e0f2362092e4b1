"""The occupancy chart as inline SVG, drawn by the app: no script, no external service."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

register = template.Library()

CELL_W, CELL_H, LEFT, TOP = 44, 30, 48, 24


@register.simple_tag
def occupancy_svg(grid, hours):
    """`{% occupancy_svg grid hours %}`: the occupancy chart; `grid` is [(weekday label,
    [(hour, rate 0..1 or None when closed), …]), …], `hours` the hours shown."""
    width = LEFT + CELL_W * len(hours) + 8
    height = TOP + CELL_H * len(grid) + 8
    heads = format_html_join(
        "",
        '<text x="{}" y="16" font-size="12" text-anchor="middle">{}:00</text>',
        ((LEFT + CELL_W * i + CELL_W // 2, hour) for i, hour in enumerate(hours)),
    )
    cells = []
    for row, (label, values) in enumerate(grid):
        y = TOP + CELL_H * row
        cells.append(
            format_html(
                '<text x="{}" y="{}" font-size="13" text-anchor="end">{}</text>',
                LEFT - 8,
                y + CELL_H // 2 + 5,
                label,
            )
        )
        for col, (hour, rate) in enumerate(values):
            x = LEFT + CELL_W * col
            if rate is None:
                fill, text, title = (
                    "#eef1f4",
                    "",
                    _("%(day)s %(hour)s:00 closed") % {"day": label, "hour": hour},
                )
            else:
                share = min(rate, 1)
                # Light to dark blue; the percentage is written in the cell too.
                red, green, blue = (
                    int(230 - 200 * share),
                    int(240 - 160 * share),
                    int(250 - 100 * share),
                )
                fill = f"rgb({red},{green},{blue})"
                text = f"{round(share * 100)}%"
                title = f"{label} {hour}:00 {text}"
            colour = "#fff" if rate is not None and rate > 0.5 else "#1b1f24"
            cells.append(
                format_html(
                    '<g><title>{}</title><rect x="{}" y="{}" width="{}" height="{}" fill="{}" '
                    'stroke="#fff"/><text x="{}" y="{}" font-size="11" text-anchor="middle" '
                    'fill="{}">{}</text></g>',
                    title,
                    x,
                    y,
                    CELL_W,
                    CELL_H,
                    fill,
                    x + CELL_W // 2,
                    y + CELL_H // 2 + 4,
                    colour,
                    text,
                )
            )
    return format_html(
        '<svg role="img" aria-label="{}" viewBox="0 0 {} {}" width="{}" class="chart" '
        'xmlns="http://www.w3.org/2000/svg">{}{}</svg>',
        _("Occupancy by weekday and hour"),
        width,
        height,
        width,
        heads,
        format_html_join("", "{}", ((c,) for c in cells)),
    )
