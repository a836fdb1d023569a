"""Content-Security-Policy without inline script, and a Permissions-Policy, on the pages people use."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from journeys.tests.helpers import send

pytestmark = pytest.mark.django_db

TEMPLATE_DIRS = [Path(settings.BASE_DIR) / "templates"] + sorted(Path(settings.BASE_DIR).glob("*/templates"))
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=[\"']application/(?:ld\+)?json[\"'])[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I | re.S)
JS_URL = re.compile(r"(?:href|src|action)\s*=\s*[\"']\s*javascript:", re.I)


def _directives(header: str) -> dict[str, list[str]]:
    parts = (p.strip().split() for p in header.split(";") if p.strip())
    return {p[0]: p[1:] for p in parts}


def _assert_policies(response):
    csp = response.headers.get("Content-Security-Policy")
    assert csp, f"{response.request['PATH_INFO']} has no Content-Security-Policy"
    directives = _directives(csp)
    script_src = directives.get("script-src", directives.get("default-src"))
    assert script_src == ["'self'"], csp
    assert "'unsafe-eval'" not in csp, csp
    assert directives["object-src"] == ["'none'"] and directives["frame-ancestors"] == ["'none'"], csp
    permissions = response.headers.get("Permissions-Policy", "")
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in permissions, permissions


def test_public_pages_send_the_policies(client):
    for url in [reverse("home"), reverse("account_login"), reverse("help"), reverse("resources")]:
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_policies(response)


def test_signed_in_pages_send_the_policies(client, mentee, mentor, staff):
    rel = send(mentee, mentor)
    client.force_login(mentee)
    for url in [
        reverse("relationships"),
        reverse("find_mentor"),
        reverse("relationship", args=[rel.pk]),
        reverse("messages", args=[rel.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_policies(response)
    client.force_login(staff)
    for url in ["/admin/", reverse("staff_inbox"), reverse("relationship", args=[rel.pk]), reverse("journey_maps")]:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        _assert_policies(response)


def test_error_pages_send_the_policies(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    _assert_policies(response)


def _template_files():
    files = [p for d in TEMPLATE_DIRS for p in d.rglob("*") if p.suffix in {".html", ".txt", ".svg"}]
    assert len(files) > 30, "the template search found too few templates"
    return files


def test_no_template_has_inline_script_or_event_handlers():
    offenders = []
    for path in _template_files():
        text = path.read_text()
        for pattern in (INLINE_SCRIPT, EVENT_HANDLER, JS_URL):
            offenders += [f"{path.relative_to(settings.BASE_DIR)}: {m.group(0)[:80]}" for m in pattern.finditer(text)]
    assert not offenders, "Inline script would be blocked by the CSP; move it to static/js/:\n" + "\n".join(offenders)


def test_the_template_scan_catches_what_it_looks_for():
    """The patterns above do find inline script (the test would fail on them)."""
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert INLINE_SCRIPT.search('<script type="module">x()</script>')
    assert not INLINE_SCRIPT.search('<script src="/static/js/site.js" defer></script>')
    assert not INLINE_SCRIPT.search('<script type="application/json" id="data">{}</script>')
    assert EVENT_HANDLER.search('<button type="button" onclick="history.back()">')
    assert EVENT_HANDLER.search('<form\n  method="post" onsubmit="return confirm()">')
    assert not EVENT_HANDLER.search('<a href="/onboarding/">')
    assert JS_URL.search('<a href="javascript:void(0)">')
