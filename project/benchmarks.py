"""BENCHMARKS.md's blocks: each `make bench` command writes its results between its own two markers."""

from __future__ import annotations

from pathlib import Path


def replace_block(path: Path, start: str, end: str, block: str, section: str = "") -> None:
    """Put ``block`` (which begins with ``start`` and ends with ``end``) where the block between those
    markers stands in ``path``; the first time, append ``section`` (the block's heading and what it
    measures) and the block at the end of the file, which is made if missing."""
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        text = before + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + block + "\n"
    path.write_text(text)
