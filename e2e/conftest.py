"""Browser-test fixtures: Chromium, one browser context per person, axe, the real worker, the mailbox.

Every test in e2e/ is marked ``e2e`` and runs against pytest-django's ``live_server``
(a transactional database) with a real Celery worker. A typical test::

    def test_mentee_asks_for_help(new_page, visit, mailbox):
        mentee, mentor = make_mentee(), make_mentor()
        page = new_page(mentee)                     # a logged-in browser of their own
        visit(page, "/find/")                       # go there, expect 200, run axe
        ...
        mail = mailbox.wait_for(to=mentor.email, subject_contains="request")
        other = new_page(mentor)                    # a second person, at the same time
        visit(other, mail_link)

Fixtures:
- ``browser`` (session): headless Debian Chromium (never downloads a browser).
- ``new_page(user=None, *, password=PASSWORD) -> Page``: a fresh context + page per person,
  logged in when ``user`` is given; ``page.goto("/path/")`` is relative to the live server.
- ``login(page, user, password=PASSWORD)``: log in through allauth's form.
- ``check_a11y(page, *, context=None, impacts=("serious", "critical"), disable=())``: run axe
  on the page as it is now; fail listing rule, impact, help and selectors. ``axe`` is the same.
- ``visit(page, path, *, status=200, a11y=True) -> Response``: goto + status check + axe.
- ``celery_worker_process``, ``mailbox``: see notifications/tests/worker.py.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, Response, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from notifications.tests.worker import (  # noqa: F401
    celery_worker_process,
    celery_worker_session,
    mailbox,
    pytest_runtest_makereport,
)
from people.tests.factories import PASSWORD

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TIMEOUT_MS = int(os.environ.get("E2E_TIMEOUT_MS", "10000"))
E2E_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        if E2E_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM} (set E2E_CHROMIUM); the browser tests never download one.")
    # Playwright's sync API keeps an event loop in this thread; the ORM calls the tests make
    # between browser steps are still synchronous, so Django's async guard does not apply.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            try:
                yield chromium
            finally:
                chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def login() -> Callable[..., None]:
    def log_in(page: Page, user, password: str = PASSWORD) -> None:
        email = getattr(user, "email", user)
        page.goto("/accounts/login/")
        form = page.locator("form:has(input[name=login])")
        form.locator("input[name=login]").fill(email)
        form.locator("input[name=password]").fill(password)
        form.locator("[type=submit]").first.click()
        try:
            page.wait_for_url(lambda url: "/accounts/login/" not in url)
        except PlaywrightTimeoutError:
            shown = page.locator("body").inner_text()[:600]
            pytest.fail(f"Could not log in as {email}: still on {page.url}, showing:\n{shown}", pytrace=False)

    return log_in


class PageFactory:
    """``new_page(user=None)``: a new browser context (cookies of its own) and a page in it."""

    def __init__(self, browser: Browser, base_url: str, login: Callable[..., None], artifacts: Path):
        self.browser, self.base_url, self.login, self.artifacts = browser, base_url, login, artifacts
        self.pages: list[tuple[str, Page]] = []

    def __call__(self, user=None, *, password: str = PASSWORD) -> Page:
        context = self.browser.new_context(
            base_url=self.base_url, locale="en-GB", timezone_id="Europe/London", viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        self.pages.append((getattr(user, "email", None) or "anonymous", page))
        if user is not None:
            self.login(page, user, password)
        return page

    def failure_report(self) -> tuple[str, str] | None:
        """Screenshots of every open page, for the report of a failing test."""
        if not self.pages:
            return None
        self.artifacts.mkdir(parents=True, exist_ok=True)
        lines = []
        for number, (who, page) in enumerate(self.pages, start=1):
            path = self.artifacts / f"page{number}-{who.replace('@', '_at_')}.png"
            try:
                page.screenshot(path=str(path), full_page=True)
                lines.append(f"{who}: {page.url}\n  screenshot: {path}")
            except Exception as exc:  # a closed page: still say where it was
                lines.append(f"{who}: {page.url} (no screenshot: {exc})")
        return "Browser pages", "\n".join(lines)

    def close(self) -> None:
        for _, page in self.pages:
            page.context.close()
        self.pages.clear()


@pytest.fixture
def new_page(browser: Browser, live_server, login, tmp_path) -> Iterator[PageFactory]:
    factory = PageFactory(browser, live_server.url, login, tmp_path / "screenshots")
    yield factory
    factory.close()


def _a11y_failures(violations: Iterable[dict], impacts: Iterable[str]) -> list[str]:
    lines = []
    for violation in violations:
        if violation.get("impact") not in impacts:
            continue
        lines.append(
            f"- {violation['id']} [{violation['impact']}]: {violation['help']} ({violation.get('helpUrl', '')})"
        )
        for node in violation.get("nodes", []):
            target = " ".join(str(t) for t in node.get("target", []))
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    {target}" + (f"  -- {summary[:240]}" if summary else ""))
    return lines


@pytest.fixture(scope="session")
def check_a11y() -> Callable[..., None]:
    axe = Axe()

    def check(
        page: Page,
        *,
        context: str | list | dict | None = None,
        impacts: Iterable[str] = ("serious", "critical"),
        disable: Iterable[str] = (),
    ) -> None:
        """Fail the test if axe finds a violation of one of ``impacts`` on the page as it is now."""
        options: dict = {"resultTypes": ["violations"]}
        if disable:
            options["rules"] = {rule: {"enabled": False} for rule in disable}
        results = axe.run(page, context=context, options=options)
        failures = _a11y_failures(results.response["violations"], tuple(impacts))
        if failures:
            pytest.fail(f"Accessibility violations on {page.url}:\n" + "\n".join(failures), pytrace=False)

    return check


@pytest.fixture(scope="session")
def axe(check_a11y) -> Callable[..., None]:
    """The same as ``check_a11y``."""
    return check_a11y


@pytest.fixture
def visit(check_a11y) -> Callable[..., Response]:
    def go(page: Page, path: str, *, status: int | None = 200, a11y: bool = True) -> Response:
        """Open ``path`` (relative to the live server), check the status, then run axe."""
        response = page.goto(path)
        assert response is not None, f"No response for {path}"
        if status is not None:
            assert response.status == status, f"GET {path} answered {response.status}, expected {status}"
        if a11y:
            check_a11y(page)
        return response

    return go
