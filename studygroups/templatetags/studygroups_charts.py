"""Charts drawn by the app as inline SVG: the attendance bars and the survey word cloud."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def attendance_chart(rates):
    """One horizontal bar per member; the percentage is written next to it."""
    rows = [(m, rate) for m, _present, _counted, rate in rates]
    height = 22 * len(rows) + 10
    bars = []
    for index, (member, rate) in enumerate(rows):
        y = 5 + index * 22
        width = int(300 * (rate or 0))
        label = "—" if rate is None else f"{round(rate * 100)}%"
        bars.append(
            format_html(
                '<text x="190" y="{}" font-size="12" text-anchor="end">{}</text>'
                '<rect x="200" y="{}" width="{}" height="14" fill="#0b5a8a"/>'
                '<text x="{}" y="{}" font-size="12">{}</text>',
                y + 12,
                member.user.display_name,
                y + 2,
                width,
                206 + width,
                y + 13,
                label,
            )
        )
    return format_html(
        '<svg role="img" aria-label="{}" viewBox="0 0 560 {}" width="560" class="chart" '
        'xmlns="http://www.w3.org/2000/svg">{}</svg>',
        _("Attendance rate by member"),
        height,
        format_html_join("", "{}", ((b,) for b in bars)),
    )


@register.simple_tag
def word_cloud(words):
    """Words sized by how often they were written, laid out in rows (no script)."""
    if not words:
        return ""
    top = words[0][1]
    x, y, row_height, width = 10, 0, 0, 640
    items = []
    palette = ["#0b5a8a", "#1a7f37", "#9a6700", "#6f42c1", "#b42318"]
    for index, (word, count) in enumerate(words):
        size = 14 + int(30 * count / top)
        word_width = int(size * len(word) * 1.05) + 14
        if x + word_width > width:
            x, y = 10, y + row_height
            row_height = 0
        row_height = max(row_height, size + 10)
        items.append(
            format_html(
                '<text x="{}" y="{}" font-size="{}" fill="{}"><title>{}</title>{}</text>',
                x,
                y + size,
                size,
                palette[index % len(palette)],
                _("%(word)s: %(count)d") % {"word": word, "count": count},
                word,
            )
        )
        x += word_width
    total_height = y + row_height + 10
    return format_html(
        '<svg role="img" aria-label="{}" viewBox="0 0 {} {}" width="{}" class="chart" '
        'xmlns="http://www.w3.org/2000/svg">{}</svg>',
        _("Words most used in the answers: %(words)s")
        % {"words": "、".join(f"{w}（{c}）" for w, c in words[:10])},
        width,
        total_height,
        width,
        format_html_join("", "{}", ((i,) for i in items)),
    )
