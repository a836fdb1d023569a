"""The brand colour and the colours derived from it, with WCAG 2 contrast ratios.

The brand colour fills buttons, badges and the header's stripe, with white or black text on it
(staff choose; the choice is refused below WCAG AA's 4.5:1). Where the colour is text on the pages'
light backgrounds (links, the programme's name), a darker shade of it is used when the colour
itself is too light to read there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

BRAND_DEFAULT = "#4b2a85"
WHITE, BLACK = "#ffffff", "#000000"
AA = 4.5  # WCAG 2 AA, normal text
# The greyest background brand-coloured text sits on (the header, static/css/site.css): a colour
# readable on it is readable on white too.
LIGHTEST_GREY = "#ececf1"
HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def to_hex(channels) -> str:
    return "#" + "".join(f"{max(0, min(255, round(c))):02x}" for c in channels)


def luminance(colour: str) -> float:
    """WCAG 2 relative luminance."""

    def linear(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two colours, 1 to 21."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def mix(colour: str, towards: str, amount: float) -> str:
    return to_hex(c + (t - c) * amount for c, t in zip(rgb(colour), rgb(towards), strict=True))


def readable_on(colour: str, background: str) -> str:
    """``colour``, darkened just enough to reach 4.5:1 on ``background`` (a light one)."""
    for step in range(21):
        shade = mix(colour, BLACK, step / 20)
        if contrast(shade, background) >= AA:
            return shade
    return BLACK


@dataclass(frozen=True)
class Palette:
    brand: str  # buttons, badges, the header stripe
    on_brand: str  # text on the brand colour
    brand_hover: str  # a button under the pointer (text on it stays as readable)
    ink: str  # the brand colour as text on light backgrounds (links, the programme's name)
    ink_hover: str

    def css(self) -> str:
        """CSS custom properties (static/css/site.css reads them); every value is a checked hex colour."""
        return (
            f"--brand:{self.brand};--on-brand:{self.on_brand};--brand-hover:{self.brand_hover};"
            f"--brand-ink:{self.ink};--brand-dark:{self.ink_hover};"
        )


def palette(brand: str, text: str = WHITE) -> Palette:
    if not HEX.match(brand or ""):
        brand = BRAND_DEFAULT
    brand = brand.lower()
    text = BLACK if text == BLACK else WHITE
    # On hover the button moves away from its text colour: darker under white text, lighter under black.
    hover = mix(brand, BLACK if text == WHITE else WHITE, 0.25)
    ink = readable_on(brand, LIGHTEST_GREY)
    return Palette(brand=brand, on_brand=text, brand_hover=hover, ink=ink, ink_hover=mix(ink, BLACK, 0.25))
