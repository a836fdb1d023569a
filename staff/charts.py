"""Bar charts as SVG, drawn on the server: no script, no library, nothing fetched from elsewhere.

Each chart is an image to assistive technology (``role="img"``) named by its ``<title>`` and described
by its ``<desc>``; the page shows the same numbers in a table beside it, so the picture is never the
only way to read them. Colours keep at least 3:1 against the white background (WCAG 1.4.11) and the
series are told apart by the legend and the table too, not by colour alone.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

COLOURS = ("#1d5f8a", "#a34a00")  # 6.9:1 and 5.9:1 against white
INK, RULE = "#222", "#555"
WIDTH = 640
FONT = 12
LABEL_CHARS = 28  # what fits on a line of a bar's label: 200 pixels at FONT, some 7 a character in a wide font


def _open(chart_id: str, title: str, desc: str, height: float) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height:.0f}" role="img" '
        f'aria-labelledby="{chart_id}-title" aria-describedby="{chart_id}-desc" width="100%" style="max-width:{WIDTH}px">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]


def _text(x: float, y: float, text, anchor: str = "start", size: int = FONT) -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" fill="{INK}">{escape(text)}</text>'


def _text_lines(x: float, y: float, lines: Sequence[str], anchor: str = "start") -> str:
    """Lines of text one under the other, the block centred on ``y`` (a line's baseline, as ``_text``)."""
    line_h = FONT + 3
    first = y - line_h * (len(lines) - 1) / 2
    spans = "".join(
        f'<tspan x="{x:.1f}" y="{first + k * line_h:.1f}">{escape(line)}</tspan>' for k, line in enumerate(lines)
    )
    return f'<text text-anchor="{anchor}" font-size="{FONT}" fill="{INK}">{spans}</text>'


def horizontal_bars(chart_id: str, title: str, desc: str, rows: Sequence[tuple[str, int]]) -> SafeString:
    """One bar per row (label, value), top to bottom, the value written at the end of its bar. A label
    too long for its column goes on two lines or more, its row taller."""
    label_w, value_w, top, bar_h = 210, 56, 8, 20
    labels = [textwrap.wrap(str(label), LABEL_CHARS) or [""] for label, _value in rows]
    heights = [max(30, (FONT + 3) * len(lines) + 10) for lines in labels]
    height = top * 2 + (sum(heights) or 30)
    peak = max((value for _label, value in rows), default=0) or 1
    inner = WIDTH - label_w - value_w
    parts = _open(chart_id, title, desc, height)
    parts.append(f'<line x1="{label_w}" y1="{top}" x2="{label_w}" y2="{height - top}" stroke="{RULE}"/>')
    y = top
    for (_label, value), lines, row_h in zip(rows, labels, heights, strict=True):
        w = inner * value / peak
        middle = y + row_h / 2 + 4  # the baseline of a line of text centred on the row
        parts.append(_text_lines(label_w - 8, middle, lines, "end"))
        parts.append(
            f'<rect x="{label_w}" y="{y + (row_h - bar_h) / 2:.1f}" width="{w:.1f}" height="{bar_h}" '
            f'fill="{COLOURS[0]}"></rect>'
        )
        parts.append(_text(label_w + w + 6, middle, str(value)))
        y += row_h
    parts.append("</svg>")
    return mark_safe("".join(parts))


def columns(
    chart_id: str,
    title: str,
    desc: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[int]]],
    *,
    axis_label: str = "",
    max_labels: int = 13,
) -> SafeString:
    """Columns per category, one per series side by side, with a legend and a scale from 0 to the peak."""
    left, right, top, bottom = 44, 8, 30, 44
    height = 260
    inner_w, inner_h = WIDTH - left - right, height - top - bottom
    peak = max((v for _name, values in series for v in values), default=0) or 1
    step = inner_w / max(1, len(categories))
    bar_w = step * 0.8 / max(1, len(series))
    parts = _open(chart_id, title, desc, height)
    x_legend = left
    for n, (name, _values) in enumerate(series):  # the legend, above the chart
        parts.append(f'<rect x="{x_legend}" y="6" width="12" height="12" fill="{COLOURS[n % len(COLOURS)]}"></rect>')
        parts.append(_text(x_legend + 16, 16, name))
        x_legend += 24 + 8 * len(name)
    base = top + inner_h
    parts.append(f'<line x1="{left}" y1="{base}" x2="{WIDTH - right}" y2="{base}" stroke="{RULE}"/>')
    parts.append(_text(left - 6, top + 4, str(peak), "end"))
    parts.append(_text(left - 6, base, "0", "end"))
    for n, (_name, values) in enumerate(series):
        colour = COLOURS[n % len(COLOURS)]
        for k, value in enumerate(values):
            if not value:
                continue
            h = inner_h * value / peak
            x = left + k * step + step * 0.1 + n * bar_w
            parts.append(
                f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{colour}"></rect>'
            )
    every = max(1, -(-len(categories) // max_labels))
    for k, label in enumerate(categories):
        if k % every == 0:
            parts.append(_text(left + k * step + step / 2, base + 16, label, "middle", 11))
    if axis_label:
        parts.append(_text(left + inner_w / 2, height - 6, axis_label, "middle"))
    parts.append("</svg>")
    return mark_safe("".join(parts))
