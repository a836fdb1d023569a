"""Fixtures shared by every app's tests."""

import importlib

import pytest

from people.tests.factories import make_mentee, make_mentor, make_staff

SEEDS = (
    "people.migrations.0002_default_taxonomy",
    "people.migrations.0006_h3_regions",
    "support.migrations.0002_default_faqs",
    "support.migrations.0003_default_resources",
    "support.migrations.0005_h5_worksheets_and_proposal",  # updates two FAQs and two guides seeded above
    "support.migrations.0006_h4_meeting_notes_faq",
    "support.migrations.0009_video_placeholders_are_drafts",  # unpublishes the video placeholders seeded above
    "support.migrations.0011_goals_faq_says_what_the_other_person_may_do",  # the goals sentence seeded above
    "support.migrations.0012_faqs_say_sign_in",  # the FAQs' "log in" seeded above
)


@pytest.fixture(autouse=True)
def _celery_join_flag():
    """Celery's eager mode flips a process-wide "joining a result would block" flag around each
    task it runs, not thread-safely: race tests that run eager tasks in several threads at once
    can leave it stuck on, and a later test's ``result.get()`` would then refuse to run. Every
    test starts with it off, as a fresh process would."""
    from celery.result import _set_task_join_will_block

    _set_task_join_will_block(False)
    yield


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters (Contact form, sign-in) start from nothing in every test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def seeded_defaults(request):
    """What the data migrations seed: taxonomy, FAQs, resources.

    Transactional tests (and the browser tests' live server) flush the migrations'
    rows; every seed only adds what is missing, so this is harmless otherwise.
    """
    if (
        "db" not in request.fixturenames
        and "transactional_db" not in request.fixturenames
        and not request.node.get_closest_marker("django_db")
    ):
        return
    request.getfixturevalue("transactional_db" if _is_transactional(request) else "db")
    from django.apps import apps as django_apps

    for module in SEEDS:
        importlib.import_module(module).seed(django_apps, None)


def _is_transactional(request):
    marker = request.node.get_closest_marker("django_db")
    return (
        "transactional_db" in request.fixturenames
        or "live_server" in request.fixturenames
        or bool(marker and marker.kwargs.get("transaction"))
    )


@pytest.fixture
def mentor(db):
    return make_mentor(first_name="Alice", last_name="Kember", email="alice@example.com")


@pytest.fixture
def mentee(db):
    return make_mentee(first_name="John", last_name="Smith", email="john@example.com")


@pytest.fixture
def outsider(db):
    return make_mentee(first_name="Olive", last_name="Outsider", email="olive@example.com")


@pytest.fixture
def staff(db):
    return make_staff()


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }
