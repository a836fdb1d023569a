"""The distribution of a proposal's pair scores as a bar chart: SVG drawn on the server, no script.

The page shows the same numbers as a table beside it, so the chart is never the only way to read them.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 480, 220
LEFT, BOTTOM, TOP, RIGHT = 40, 36, 12, 8


def histogram_svg(bars: list[dict]) -> SafeString:
    """``bars``: [{"low": points, "label": text, "count": pairs}], one per whole point."""
    if not bars:
        return mark_safe("")
    peak = max(b["count"] for b in bars) or 1
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = inner_w / len(bars)
    title = _("Pairs by score, one bar per point")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="score-chart-title" width="100%" style="max-width:{WIDTH}px">',
        f'<title id="score-chart-title">{escape(title)}</title>',
        f'<line x1="{LEFT}" y1="{TOP + inner_h}" x2="{WIDTH - RIGHT}" y2="{TOP + inner_h}" stroke="#444"/>',
        f'<text x="{LEFT - 6}" y="{TOP + 10}" text-anchor="end" font-size="11" fill="#222">{peak}</text>',
        f'<text x="{LEFT - 6}" y="{TOP + inner_h}" text-anchor="end" font-size="11" fill="#222">0</text>',
    ]
    label_every = max(1, len(bars) // 12)
    for k, bar in enumerate(bars):
        h = inner_h * bar["count"] / peak
        x = LEFT + k * step
        parts.append(
            f'<rect x="{x + step * 0.1:.1f}" y="{TOP + inner_h - h:.1f}" width="{step * 0.8:.1f}" height="{h:.1f}" '
            f'fill="#1d5f8a"><title>{escape(bar["label"])}: {bar["count"]}</title></rect>'
        )
        if k % label_every == 0:
            parts.append(
                f'<text x="{x + step / 2:.1f}" y="{TOP + inner_h + 14}" text-anchor="middle" font-size="11" '
                f'fill="#222">{bar["low"]}</text>'
            )
    parts.append(
        f'<text x="{LEFT + inner_w / 2:.1f}" y="{HEIGHT - 4}" text-anchor="middle" font-size="12" fill="#222">'
        f"{escape(_('Score (points)'))}</text>"
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))
