"""Password guessing is throttled per address and username and per address alone, on the API and on
the login page; how long a refusal takes tells nothing about which usernames exist."""
import statistics
import time
from datetime import timedelta

import pytest

from app import clock
from app.auth.throttle import LoginFailure
from app.extensions import db

LIMIT = 3
ADDRESS_LIMIT = 6


def forget_failures(app):
    with app.app_context():
        db.session.execute(db.delete(LoginFailure))
        db.session.commit()


@pytest.fixture()
def strict_limit(app):
    """The suite runs with high limits; these tests put low ones in place and clear the counts."""
    original = app.config["LOGIN_RATE_LIMIT"], app.config["LOGIN_ADDRESS_RATE_LIMIT"]
    app.config["LOGIN_RATE_LIMIT"] = f"{LIMIT} per minute"
    app.config["LOGIN_ADDRESS_RATE_LIMIT"] = f"{ADDRESS_LIMIT} per 15 minutes"
    forget_failures(app)
    yield app.test_client()
    app.config["LOGIN_RATE_LIMIT"], app.config["LOGIN_ADDRESS_RATE_LIMIT"] = original
    forget_failures(app)


def token(client, username, password, address="10.0.0.1"):
    return client.post("/api/auth/token", json={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def page_login(client, username, password, address="10.0.0.1", lang="zh_CN"):
    return client.post(f"/login?lang={lang}", data={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_api_refuses_after_repeated_failures_in_the_documented_shape(strict_limit):
    for _ in range(LIMIT):
        assert token(strict_limit, "cashier", "guess").status_code == 401
    refused = token(strict_limit, "cashier", "guess")
    assert refused.status_code == 429
    body = refused.get_json()
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == "too_many_requests"
    assert 0 < body["error"]["details"]["retry_after"] <= 60
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    # Even the right password waits: otherwise the throttle would only slow the guessing down.
    assert token(strict_limit, "cashier", "demo").status_code == 429


def test_the_throttle_is_per_address_and_username(strict_limit):
    for _ in range(LIMIT + 1):
        token(strict_limit, "cashier", "guess")
    assert token(strict_limit, "cashier", "demo", address="10.0.0.2").status_code == 200
    assert token(strict_limit, "finance_manager", "demo").status_code == 200
    # Changing the case of the username does not buy more attempts.
    assert token(strict_limit, "CASHIER ", "guess").status_code == 429


def test_successful_logins_are_not_counted(strict_limit):
    for _ in range(LIMIT * 3):
        assert token(strict_limit, "cashier", "demo").status_code == 200


def test_login_page_shows_a_chinese_message_and_shares_the_counter(strict_limit):
    for _ in range(LIMIT - 1):
        assert page_login(strict_limit, "cashier", "guess").status_code == 401
    assert token(strict_limit, "cashier", "guess").status_code == 401  # the API counts as well
    page = page_login(strict_limit, "cashier", "demo")
    html = page.get_data(as_text=True)
    assert page.status_code == 429
    assert "登录失败次数过多，请稍后再试。" in html
    assert 'name="password"' in html and "Traceback" not in html
    english = page_login(strict_limit, "cashier", "demo", lang="en").get_data(as_text=True)
    assert "Too many failed log-in attempts. Please try again later." in english
    # Nothing was logged in: the home page still sends the user to the login form.
    assert strict_limit.get("/", environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code == 302


def test_viewing_the_login_page_is_never_throttled(strict_limit):
    for _ in range(LIMIT + 1):
        page_login(strict_limit, "cashier", "guess")
    assert strict_limit.get("/login", environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code == 200


def _median_seconds(attempt, times=7):
    spent = []
    for _ in range(times):
        started = time.perf_counter()
        attempt()
        spent.append(time.perf_counter() - started)
    return statistics.median(spent)


def test_an_unknown_username_answers_as_slowly_as_a_wrong_password(app):
    """The time of a refusal must not tell an attacker which usernames exist."""
    client = app.test_client()

    def refused(username):
        assert token(client, username, "guess", address="10.0.1.1").status_code == 401

    refused("cashier")  # warm up: the first request pays for imports and caches
    real = _median_seconds(lambda: refused("cashier"))
    unknown = _median_seconds(lambda: refused("nobody-by-this-name"))
    assert unknown >= real / 2, f"unknown user {unknown * 1000:.0f} ms, real user {real * 1000:.0f} ms"


def test_one_address_guessing_across_usernames_is_refused(strict_limit):
    """Few guesses for each of many usernames stay under the per-username limit; the address's
    own limit counts them all, API and page alike, and then refuses every log-in from there."""
    for n in range(ADDRESS_LIMIT):
        attempt = token if n % 2 else page_login
        assert attempt(strict_limit, f"guessed-user-{n}", "guess", address="10.0.2.1").status_code == 401
    refused = token(strict_limit, "finance_manager", "demo", address="10.0.2.1")
    assert refused.status_code == 429
    assert refused.get_json()["error"]["code"] == "too_many_requests"
    assert 0 < refused.get_json()["error"]["details"]["retry_after"] <= 15 * 60
    assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60
    page = page_login(strict_limit, "finance_manager", "demo", address="10.0.2.1")
    assert page.status_code == 429 and "登录失败次数过多，请稍后再试。" in page.get_data(as_text=True)
    # Other addresses are not affected.
    assert token(strict_limit, "finance_manager", "demo", address="10.0.2.2").status_code == 200


def test_the_refusal_lifts_once_the_failures_leave_the_window(strict_limit, app, monkeypatch):
    for _ in range(LIMIT):
        token(strict_limit, "cashier", "guess")
    assert token(strict_limit, "cashier", "demo").status_code == 429
    later = clock.wall_clock() + timedelta(minutes=16)  # past both windows (1 and 15 minutes)
    monkeypatch.setattr(clock, "wall_clock", lambda: later)
    assert token(strict_limit, "cashier", "demo").status_code == 200
    assert token(strict_limit, "cashier", "guess").status_code == 401
    with app.app_context():  # failures no window looks at any more are not kept
        assert db.session.execute(db.select(db.func.count(LoginFailure.id))).scalar_one() == 1
