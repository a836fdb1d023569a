"""A field that is not required is labelled "(optional)" by templates/form_fields.html: its help text
does not say "Optional." again."""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path

import pytest
from django import forms

BASE = Path(__file__).resolve().parents[2]
APPS = ("people", "journeys", "staff", "support", "notifications", "project")


def form_classes():
    for app in APPS:
        for path in sorted((BASE / app).rglob("forms.py")):
            module = importlib.import_module(".".join(path.relative_to(BASE).with_suffix("").parts))
            for _name, value in inspect.getmembers(module, inspect.isclass):
                if issubclass(value, forms.BaseForm) and value.__module__ == module.__name__:
                    yield value


@pytest.mark.parametrize("form_class", list(form_classes()), ids=lambda c: f"{c.__module__}.{c.__name__}")
def test_optional_is_said_once(form_class):
    said_twice = [
        name
        for name, field in form_class.base_fields.items()
        if not field.required and str(field.help_text or "").strip().lower().startswith("optional")
    ]
    assert not said_twice, f"{form_class.__name__}: help text begins 'Optional' beside the '(optional)' label"
