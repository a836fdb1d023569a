"""The README documents every setting: each environment variable the code reads is named in it."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

# Read by Django or Python themselves, not settings of ours.
NOT_OURS = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "PATH", "HOME", "PYTHONPATH"}
READS = re.compile(
    r"""(?:\benv(?:\.\w+)?\(\s*|os\.environ(?:\.get)?[(\[]\s*|os\.getenv\(\s*|environ\.setdefault\(\s*)["']([A-Z][A-Z0-9_]+)["']"""
)


def variables_read() -> dict[str, str]:
    base = Path(settings.BASE_DIR)
    found: dict[str, str] = {}
    for path in sorted(base.rglob("*.py")):
        parts = path.relative_to(base).parts
        if parts[0].startswith(".") or parts[0] in ("var", "node_modules"):
            continue
        for name in READS.findall(path.read_text()):
            found.setdefault(name, str(path.relative_to(base)))
    return {name: where for name, where in found.items() if name not in NOT_OURS}


def test_the_pattern_finds_the_settings_we_know_are_read():
    read = variables_read()
    assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "MATCH_WEIGHTS", "RUN_ADDR", "E2E_CHROMIUM"} <= set(read)


def test_every_environment_variable_the_code_reads_is_in_the_readme():
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    missing = {name: where for name, where in variables_read().items() if f"`{name}" not in readme}
    assert not missing, f"read from the environment but not documented in README.md: {missing}"
