"""Rate limits hold across processes: every web process counts in the same (Redis) cache."""

import os
import subprocess
import sys
import textwrap

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from support.models import SupportRequest

from .test_contact import VALID, post

pytestmark = pytest.mark.django_db

OTHER_PROCESS = textwrap.dedent(
    """
    import sys
    import django
    django.setup()
    from django.test import RequestFactory
    from support import limits
    request = RequestFactory().post("/help/contact/", REMOTE_ADDR="127.0.0.1")
    for _ in range(int(sys.argv[1])):
        with limits.spend(request, sys.argv[2]):
            pass
    from django.core.cache import caches
    print(type(caches["default"]).__name__)
    """
)


def _in_another_process(code: str, *args: str, **env: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "project.test_settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_contact_messages_counted_in_another_process_count_here(
    client, staff, settings, django_capture_on_commit_callbacks
):
    settings.CONTACT_MESSAGES_PER_HOUR = 5
    assert _in_another_process(OTHER_PROCESS, "3", VALID["email"]) == "PrefixedRedisCache"
    for n in range(2):
        assert post(client, django_capture_on_commit_callbacks, {**VALID, "subject": f"Try {n}"}).status_code == 302
    refused = post(client, django_capture_on_commit_callbacks, {**VALID, "subject": "Sixth"})
    assert refused.status_code == 429
    assert "Sixth" in refused.content.decode()
    assert SupportRequest.objects.count() == 2


def test_a_cache_chosen_per_process_does_not_share(client, staff, settings, django_capture_on_commit_callbacks):
    """locmem only where explicitly chosen: then the other process's counts stay there (the test
    above would pass by accident if counts were never shared at all)."""
    settings.CONTACT_MESSAGES_PER_HOUR = 2
    out = _in_another_process(OTHER_PROCESS, "3", VALID["email"], CACHE_URL="locmemcache://")
    assert out == "LocMemCache"
    assert post(client, django_capture_on_commit_callbacks, VALID).status_code == 302


def test_the_default_cache_is_the_redis_of_redis_url_unless_cache_url_says_otherwise():
    code = "import django; django.setup(); from django.conf import settings as s; print(s.CACHES['default'])"
    env = {"DJANGO_SETTINGS_MODULE": "project.settings", "CACHE_URL": ""}
    shown = _in_another_process(code, **env)
    assert "project.cache.PrefixedRedisCache" in shown and settings.REDIS_URL in shown
    assert "LocMemCache" in _in_another_process(code, **{**env, "CACHE_URL": "locmemcache://"})
    # runplatform's embedded broker (no Redis): the one machine's processes share a file cache
    embedded = _in_another_process(code, **{**env, "CELERY_BROKER_URL": "filesystem://"})
    assert "FileBasedCache" in embedded


def test_clearing_the_cache_leaves_celerys_keys_alone():
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.set("celery-queue-stand-in", "a task")
    try:
        cache.set("counter", 3)
        assert cache.get("counter") == 3
        cache.clear()
        assert cache.get("counter") is None
        assert client.get("celery-queue-stand-in") == b"a task"
    finally:
        client.delete("celery-queue-stand-in")


def test_contact_page_works_with_the_shared_cache(client):
    assert client.get(reverse("contact")).status_code == 200
