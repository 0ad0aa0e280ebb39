"""Password guessing is throttled per address and username, on the API and on the login page."""
import pytest

from app.extensions import limiter

LIMIT = 3


@pytest.fixture()
def strict_limit(app):
    """The suite runs with a high limit; these tests put a low one in place and clear the counters."""
    original = app.config["LOGIN_RATE_LIMIT"]
    app.config["LOGIN_RATE_LIMIT"] = f"{LIMIT} per minute"
    limiter.reset()
    yield app.test_client()
    app.config["LOGIN_RATE_LIMIT"] = original
    limiter.reset()


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
