"""`make run` installs the runtime requirements only, in a venv of its own; `make test` the dev ones.

(The Makefile's recipes, as make would run them: ``make -n -B``. That the runtime venv really
runs a worker is project/tests/test_fresh_venv.py.)
"""

from __future__ import annotations

import shutil
import subprocess

import pytest
from django.conf import settings

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def recipe(target: str, tmp_path) -> list[str]:
    result = subprocess.run(
        ["make", "-n", "-B", target, f"VENV={tmp_path}/dev", f"RUN_VENV={tmp_path}/run"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.splitlines()


def test_make_run_installs_requirements_txt_only_into_its_own_venv(tmp_path):
    lines = recipe("run", tmp_path)
    installs = [line for line in lines if "pip install" in line and " -r " in line]
    assert installs == [f"{tmp_path}/run/bin/python -m pip install --quiet -r requirements.txt"], lines
    assert not any("requirements-dev.txt" in line or f"{tmp_path}/dev" in line for line in lines), lines
    assert any(line.endswith(f"{tmp_path}/run/bin/python manage.py runplatform") for line in lines), lines


def test_make_test_still_installs_the_dev_requirements(tmp_path):
    lines = recipe("test", tmp_path)
    assert f"{tmp_path}/dev/bin/python -m pip install --quiet -r requirements-dev.txt" in lines, lines
    assert any(line.startswith(f"{tmp_path}/dev/bin/python -m pytest") for line in lines), lines
    assert not any(f"{tmp_path}/run" in line for line in lines), lines


def test_the_runtime_requirements_hold_no_test_tool():
    runtime = (settings.BASE_DIR / "requirements.txt").read_text().lower()
    for tool in ("pytest", "playwright", "ruff", "factory_boy", "axe-playwright"):
        assert tool not in runtime
