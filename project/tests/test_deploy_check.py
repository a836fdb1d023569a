"""Production settings pass ``manage.py check --deploy`` with only the required settings given."""

import os
import secrets
import subprocess
import sys

from django.conf import settings

REQUIRED_ONLY = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "mentoring.example.org",
    "SITE_URL": "https://mentoring.example.org",
}
# Anything the test run sets that a production machine would not have.
DROPPED = {
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "ALLOW_DEV_SECRET",
    "CACHE_URL",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
}


def _check_deploy(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if k not in DROPPED and k not in REQUIRED_ONLY}
    env.update(REQUIRED_ONLY, DJANGO_SETTINGS_MODULE="project.settings", VAR_DIR=str(tmp_path), **extra)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_only_the_required_settings(tmp_path):
    result = _check_deploy(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout, result.stdout + result.stderr


def test_check_deploy_warns_when_https_redirect_is_switched_off_without_saying_why(tmp_path):
    """The switches are real: turning the redirect off (for a proxy that redirects) is reported,
    so the clean run above is not clean by accident."""
    result = _check_deploy(tmp_path, SECURE_SSL_REDIRECT="false", SECURE_HSTS_SECONDS="0")
    assert result.returncode != 0
    assert "security.W008" in result.stderr + result.stdout
    assert "security.W004" in result.stderr + result.stdout


def test_production_settings_turn_on_hsts_and_the_https_redirect(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in DROPPED and k not in REQUIRED_ONLY}
    env.update(REQUIRED_ONLY, DJANGO_SETTINGS_MODULE="project.settings", VAR_DIR=str(tmp_path))
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS >= 31536000, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )
    assert out.stdout.split() == ["True", "True", "True", "True", "None"], out.stdout + out.stderr
    env["BEHIND_TLS_PROXY"] = "true"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )
    assert out.stdout.strip().endswith("('HTTP_X_FORWARDED_PROTO', 'https')"), out.stdout + out.stderr
