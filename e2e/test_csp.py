"""In the browser, the Content-Security-Policy blocks nothing the platform's own pages use."""

import pytest

from journeys.tests.helpers import send
from people.tests.factories import make_mentee, make_mentor, make_staff

pytestmark = pytest.mark.e2e

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} on ${location.pathname}`);
});
"""


def _violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations || []")


def test_pages_load_without_csp_violations(new_page, visit):
    mentee, mentor, staff = make_mentee(first_name="Cora"), make_mentor(first_name="Dev"), make_staff()
    rel = send(mentee, mentor)
    seen = []
    for user, paths in [
        (None, ["/", "/accounts/login/", "/help/", "/resources/"]),
        (mentee, ["/relationships/", "/find/", f"/relationships/{rel.pk}/", f"/relationships/{rel.pk}/messages/"]),
        (staff, ["/staff/", "/staff/inbox/", "/staff/reports/", "/admin/"]),
    ]:
        page = new_page(user)
        page.add_init_script(RECORD_VIOLATIONS)
        console = []
        page.on("console", lambda msg: console.append(msg.text) if "Content Security Policy" in msg.text else None)
        for path in paths:
            response = visit(page, path, a11y=False)
            assert "script-src 'self'" in response.headers["content-security-policy"]
            seen += _violations(page)
        seen += console
    assert not seen, "The CSP blocked:\n" + "\n".join(seen)


def test_the_violation_recorder_sees_a_blocked_inline_script(new_page, visit):
    """The check above would see a violation (so its silence means something)."""
    page = new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    visit(page, "/help/", a11y=False)
    page.evaluate(
        """() => { const s = document.createElement("script"); s.textContent = "window.__ran = 1";
        document.body.appendChild(s); }"""
    )
    page.wait_for_function("window.__cspViolations.length > 0")
    assert page.evaluate("window.__ran === undefined")
    assert any("script-src" in v for v in _violations(page))
