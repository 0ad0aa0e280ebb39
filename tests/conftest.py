"""Test fixtures: one migrated database per run (SQLite by default, PostgreSQL when
TEST_DATABASE_URL is set), the processes deployed, the demo data seeded, and an API client."""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

# Every process of the run — this one, the servers and commands it starts — keys the audit chain
# alike and logs its heads where this run looks, never into the demo's instance folder.
os.environ["AUDIT_KEY"] = "test-audit-key"
os.environ["AUDIT_HEAD_LOG"] = os.path.join(tempfile.mkdtemp(prefix="loanflow-audit-"), "audit-heads.log")

from app import clock, create_app
from app.extensions import db
from config import TestConfig


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: a stress run; CI runs it with a smaller count (see README)")


def _database_url():
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    folder = tempfile.mkdtemp(prefix="loanflow-test-")
    return f"sqlite:///{folder}/test.sqlite3"


def _reset_postgres(url):
    from sqlalchemy import create_engine
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def app():
    url = _database_url()
    if url.startswith("postgresql"):
        _reset_postgres(url)

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = url
        DOCUMENTS_DIR = tempfile.mkdtemp(prefix="loanflow-documents-")

    application = create_app(Config())
    with application.app_context():
        from flask_migrate import upgrade

        from app.deployment import deploy_folder
        from app.seed import seed_demo
        upgrade()
        seed_demo()
        deploy_folder("tests")
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


BOOKS_UNTOUCHED = ("unit", "workflow", "browser")  # folders whose tests move no money


def _high_water(app):
    """The newest loan, ledger entry and class change: what a test adds comes after them."""
    from app.loans.models import ClassificationChange, LedgerEntry, Loan
    with app.app_context():
        marks = tuple(db.session.execute(db.select(db.func.coalesce(db.func.max(model.id), 0))).scalar()
                      for model in (Loan, LedgerEntry, ClassificationChange))
        db.session.remove()
    return marks


def _touched_since(app, marks):
    from app.loans.models import ClassificationChange, LedgerEntry, Loan
    with app.app_context():
        ids = set()
        for column, model, mark in ((Loan.id, Loan, marks[0]), (LedgerEntry.loan_id, LedgerEntry, marks[1]),
                                    (ClassificationChange.loan_id, ClassificationChange, marks[2])):
            ids |= set(db.session.execute(db.select(column).where(model.id > mark).distinct()).scalars())
        db.session.remove()
    return ids - {None}


@pytest.fixture(autouse=True)
def books_stay_true(request):
    """After every test that can move money, `books verify` finds nothing on the loans it touched
    (created, posted to, or classified)."""
    checked = request.path.parent.name not in BOOKS_UNTOUCHED and "app" in request.fixturenames
    app = request.getfixturevalue("app") if checked else None
    marks = _high_water(app) if checked else None
    yield
    if checked:
        from .loans.helpers import books_agree
        touched = _touched_since(app, marks)
        if touched:
            books_agree(app, touched)


@pytest.fixture()
def ctx(app):
    with app.app_context():
        yield
        db.session.remove()


class ApiClient:
    """Calls the JSON API as a demo user; tokens are cached per user."""

    def __init__(self, client):
        self.client = client
        self.tokens = {}

    def token(self, username, password="demo"):
        if username not in self.tokens:
            response = self.call("POST", "/api/auth/token", None, json={"username": username, "password": password})
            assert response.status_code == 200, response.get_json()
            self.tokens[username] = response.get_json()["token"]
        return self.tokens[username]

    def call(self, method, path, user, **kwargs):
        headers = kwargs.pop("headers", {})
        if user:
            headers["Authorization"] = f"Bearer {self.token(user)}"
        return self.client.open(path, method=method, headers=headers, **kwargs)

    def get(self, path, user, **kwargs):
        return self.call("GET", path, user, **kwargs)

    def post(self, path, user, **kwargs):
        return self.call("POST", path, user, **kwargs)

    def put(self, path, user, **kwargs):
        return self.call("PUT", path, user, **kwargs)


@pytest.fixture(scope="session")
def api(app):
    return ApiClient(app.test_client())


ROOT = Path(__file__).resolve().parents[1]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(app):
    """The app under gunicorn on loopback, on the test database; stopped afterwards."""
    port = free_port()
    # A designer's deploy from the browser writes into the server's folder: a copy, not the repository's.
    folder = Path(tempfile.mkdtemp(prefix="loanflow-live-")) / "processes"
    shutil.copytree(ROOT / "processes", folder)
    env = dict(os.environ, DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], SECRET_KEY="browser-test",
               SCHEDULER_ENABLED="false", DEPLOY_ON_START="false", DOCUMENTS_DIR=app.config["DOCUMENTS_DIR"],
               PROCESSES_DIR=str(folder))
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}", "wsgi:app"],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/login", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    else:
        process.kill()
        pytest.fail("the server did not start: " + process.stderr.read().decode()[-2000:])
    yield base
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture()
def move_clock(app):
    """Move the business date; put it back afterwards."""
    with app.app_context():
        original = clock.business_date()

    def move(days):
        with app.app_context():
            clock.set_business_date(original + timedelta(days=days))
            db.session.commit()
    yield move
    with app.app_context():
        clock.set_business_date(original)
        db.session.commit()


@pytest.fixture(scope="session")
def make_user(app):
    """Create a user holding several roles (password `demo`), for four-eyes and maker-checker cases."""
    from app.auth.models import Role, User
    from app.auth.service import hash_password

    def make(username, role_codes):
        with app.app_context():
            if db.session.execute(db.select(User.id).where(User.username == username)).first() is None:
                roles = db.session.execute(db.select(Role).where(Role.code.in_(role_codes))).scalars().all()
                db.session.add(User(username=username, display_name=username,
                                    password_hash=hash_password("demo"), roles=list(roles)))
                db.session.commit()
        return username
    return make


@pytest.fixture()
def fresh_dates(app, move_clock):
    """Move the business date past every date closed so far: each test closes its own days."""
    from app.loans.models import CobRun
    with app.app_context():
        last = db.session.execute(db.select(db.func.max(CobRun.business_date))).scalar()
        today = clock.business_date()
    if last and last >= today:
        move_clock((last - today).days + 1)
