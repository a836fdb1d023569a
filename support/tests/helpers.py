"""Small helpers for reading the pages the way a person would."""

from __future__ import annotations

import re
from html import unescape


def text(html: str) -> str:
    """The visible text of an HTML fragment, tags dropped and whitespace collapsed."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def headings(html: str, level: int) -> list[str]:
    return [text(h) for h in re.findall(rf"<h{level}\b[^>]*>(.*?)</h{level}>", html, re.S)]


def sections(html: str) -> dict[str, str]:
    """The page's main content cut at each <h2>: heading text → the HTML up to the next <h2>."""
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    parts = re.split(r"(<h2\b[^>]*>.*?</h2>)", main, flags=re.S)
    return {text(parts[i]): parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def summaries(html: str) -> list[str]:
    return [text(s) for s in re.findall(r"<summary>(.*?)</summary>", html, re.S)]


def input_value(html: str, name: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    if not match:
        return None
    value = re.search(r'value="([^"]*)"', match.group(0))
    return unescape(value.group(1)) if value else ""


def textarea_value(html: str, name: str) -> str | None:
    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', html, re.S)
    return unescape(match.group(1)).strip() if match else None
