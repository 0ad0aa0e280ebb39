"""Failed log-ins are counted where every server process sees them: guesses spread over several
gunicorn workers or nodes add up instead of each process keeping a count of its own."""
import pytest

from app.auth.throttle import LoginFailure
from app.extensions import db

from .conftest import Http

LIMIT = 3


@pytest.fixture()
def forget_failures(app):
    """Other tests' servers log in from the same address: leave them no failures of this one."""
    yield
    with app.app_context():
        db.session.execute(db.delete(LoginFailure))
        db.session.commit()


def test_failures_on_one_server_are_refused_on_another(start_server, forget_failures):
    first, second = (Http(start_server(workers=1, env={"LOGIN_RATE_LIMIT": f"{LIMIT} per minute"}).base)
                     for _ in range(2))
    for _ in range(LIMIT):
        status, _ = first.call("POST", "/api/auth/token", None, {"username": "collector", "password": "guess"})
        assert status == 401
    status, body = second.call("POST", "/api/auth/token", None, {"username": "collector", "password": "demo"})
    assert status == 429, body
    assert body["error"]["code"] == "too_many_requests" and body["error"]["details"]["retry_after"] > 0
