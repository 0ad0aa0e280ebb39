"""Session cookies, security headers on every answer, and settings that must be right at start-up."""
import os
import subprocess
import sys
from urllib.parse import urlencode

import pytest

from ..conftest import ROOT

HEADERS = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin"}


def test_session_cookie_is_http_only_and_same_site(app):
    response = app.test_client().post("/login", data={"username": "cashier", "password": "demo"})
    assert response.status_code == 302
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_security_headers_on_pages_api_answers_and_errors(api):
    answers = {
        "login page": api.client.get("/login"),
        "missing page": api.client.get("/no-such-page"),
        "API answer": api.get("/api/business-date", "cashier"),
        "API error": api.get("/api/loans/999999", "cashier"),
        "API without token": api.client.get("/api/tasks"),
        "OpenAPI document": api.client.get("/api/openapi.json"),
    }
    for name, response in answers.items():
        for header, value in HEADERS.items():
            assert response.headers.get(header) == value, (name, header)
        assert "default-src 'self'" in response.headers.get("Content-Security-Policy", ""), name


def run_python(code, **env):
    """Start the app's code in a fresh process, as a server would, with these environment variables."""
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("APP_ENV", "SECRET_KEY", "AUDIT_KEY", "LOGIN_RATE_LIMIT")}
    environment.update(env)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True,
                          text=True, timeout=120)


def test_production_refuses_to_start_without_its_keys():
    refused = run_python("import wsgi", APP_ENV="production")
    assert refused.returncode != 0
    assert "SECRET_KEY must be set in production" in refused.stderr
    unkeyed = run_python("import wsgi", APP_ENV="production", SECRET_KEY="a-long-random-value")
    assert unkeyed.returncode != 0 and "AUDIT_KEY must be set in production" in unkeyed.stderr
    started = run_python("import wsgi; print(wsgi.app.config['SESSION_COOKIE_SECURE'])",
                         APP_ENV="production", SECRET_KEY="a-long-random-value", AUDIT_KEY="another-long-secret")
    assert started.returncode == 0, started.stderr[-2000:]
    assert started.stdout.strip().endswith("True")  # production cookies travel over HTTPS only


def test_login_limit_comes_from_the_environment_and_a_typo_stops_start_up():
    configured = run_python("from config import config_for; print(config_for().LOGIN_RATE_LIMIT)",
                            LOGIN_RATE_LIMIT="10 per hour")
    assert configured.stdout.strip() == "10 per hour"
    refused = run_python("import wsgi", LOGIN_RATE_LIMIT="five a minute")
    assert refused.returncode != 0
    assert "five a minute" in refused.stderr


@pytest.mark.parametrize("target", ["//evil.example", "/%09/evil.example", "/\t/evil.example", "/\\evil.example",
                                    "https://evil.example/", "/\n/evil.example"])
def test_the_login_never_sends_anyone_off_the_site(app, target):
    query = f"next={target}" if "%" in target else urlencode({"next": target})  # as typed, or encoded
    response = app.test_client().post(f"/login?{query}", data={"username": "loan_officer", "password": "demo"})
    assert response.status_code == 302
    assert response.headers["Location"] in ("/", "http://localhost/"), response.headers["Location"]
