"""The house's rules, read from the code (architecture.md, issue 8): who may import whom.

- A flow names its pages (``journeys.nodes.page``), it does not import them: flows import no
  views, forms or services other than the ones their timers run (the reminders, the expiry of an
  unanswered request).
- No service names a flow node: services tell the flow what happened through its events
  (``journeys.flows.mentoring.request_answered`` ...).
- journeys and support never import staff: staff learns of their events through signals
  (``journeys.events``, ``support.events``, connected in ``staff.receivers``), and every
  signal there has a receiver.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)


def _source_files(*folders: str) -> list[Path]:
    files = []
    for folder in folders:
        root = BASE / folder
        paths = [root] if root.suffix == ".py" else root.rglob("*.py")
        files += [p for p in paths if "tests" not in p.parts and "migrations" not in p.parts]
    return sorted(files)


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports, anywhere in it (relative imports made absolute)."""
    package = ".".join(path.relative_to(BASE).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return found


TIMER_SERVICES = ("journeys.services.reminders", "journeys.services.expiry")


def test_flows_import_no_views_forms_or_services_but_the_ones_their_timers_run():
    wrong = {}
    for path in _source_files("journeys/flows", "staff/flows.py"):
        bad = {
            m
            for m in _imports(path)
            if any(part in m.split(".") for part in ("views", "forms", "services"))
            and not m.startswith(TIMER_SERVICES)
            and m not in ("journeys.services",)  # the package, for ``from ..services import expiry, reminders``
        }
        if bad:
            wrong[str(path.relative_to(BASE))] = sorted(bad)
    assert not wrong, wrong


def test_no_service_names_a_flow_node():
    wrong = []
    for path in _source_files("journeys/services", "people", "staff/services.py", "staff/receivers.py", "support"):
        text = path.read_text()
        wrong += [f"{path.relative_to(BASE)} names {flow}…" for flow in FLOWS if flow in text]
    assert not wrong, wrong


FLOWS = ("MentoringFlow.", "OnboardingFlow.", "CaseFlow.")


def test_journeys_and_support_never_import_staff():
    wrong = {
        str(path.relative_to(BASE)): sorted(m for m in _imports(path) if m == "staff" or m.startswith("staff."))
        for path in _source_files("journeys", "support")
    }
    assert not {k: v for k, v in wrong.items() if v}


@pytest.mark.parametrize("module", ["journeys.events", "support.events"])
def test_every_event_has_a_receiver(module):
    import importlib

    signals = importlib.import_module(module).ALL
    assert signals
    silent = [name for name, signal in signals.items() if not signal.has_listeners()]
    assert not silent, f"{module}: sent to no one: {silent}"
