"""A server on a database of its own: fresh database, demo data, deployed processes, gunicorn on loopback.

For tests that must not touch the suite's database: schemathesis posts random data to every
state-changing endpoint; the scheduler test runs nodes that close business dates on their own.
On PostgreSQL (TEST_DATABASE_URL) the database is a sibling on the same server.
"""
import hashlib
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from .conftest import ROOT, ApiClient, free_port

# Creates the schema, the demo data, the deployed processes and `fuzzer`, who holds every role
# so that schemathesis gets past the role checks into the handlers.
PREPARE = """
from flask_migrate import upgrade
from app import create_app
from app.auth.models import Role, User
from app.auth.service import hash_password
from app.deployment import deploy_folder
from app.extensions import db
from app.seed import seed_demo
app = create_app()
with app.app_context():
    upgrade()
    seed_demo()
    deploy_folder("system")
    roles = list(db.session.execute(db.select(Role)).scalars())
    db.session.add(User(username="fuzzer", display_name="fuzzer", password_hash=hash_password("demo"), roles=roles))
    db.session.commit()
"""


def _on_server(*statements):
    """Run statements on the suite's PostgreSQL server (connected to the suite's database)."""
    engine = create_engine(os.environ["TEST_DATABASE_URL"], isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        for statement in statements:
            conn.execute(text(statement))
    engine.dispose()


def fresh_database(folder):
    suite_url = os.environ.get("TEST_DATABASE_URL", "")
    if not suite_url.startswith("postgresql"):
        return f"sqlite:///{folder}/own.sqlite3"
    url = make_url(suite_url)
    url = url.set(database=f"{url.database}_{folder.name.replace('-', '_').lower()}")
    _on_server(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)', f'CREATE DATABASE "{url.database}"')
    return url.render_as_string(hide_password=False)


def drop_database(database_url):
    if database_url.startswith("postgresql"):
        _on_server(f'DROP DATABASE IF EXISTS "{make_url(database_url).database}" WITH (FORCE)')


def head_log(database_url):
    """Each database keeps its own audit head log: heads of another chain would not match this one."""
    digest = hashlib.sha256(database_url.encode()).hexdigest()[:16]
    return os.path.join(os.path.dirname(os.environ["AUDIT_HEAD_LOG"]), f"audit-heads-{digest}.log")


def server_environment(database_url, **overrides):
    return {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "own-server", "APP_ENV": "development",
            "SCHEDULER_ENABLED": "false", "DEPLOY_ON_START": "false", "AUDIT_HEAD_LOG": head_log(database_url),
            **overrides}


def prepare(database_url):
    result = subprocess.run([sys.executable, "-c", PREPARE], cwd=ROOT, env=server_environment(database_url),
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]


def start_gunicorn(database_url, log_path, **environment):
    port = free_port()
    log = open(log_path, "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "1", "--threads", "2", "--timeout", "120",
         "-b", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT, env=server_environment(database_url, **environment), stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(base + "/login", timeout=1)
            return process, base
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the server did not start: " + log_path.read_text()[-2000:])


class Answer:
    def __init__(self, status_code, body):
        self.status_code = status_code
        self.body = body

    def get_json(self):
        return json.loads(self.body) if self.body else None


class HttpApi(ApiClient):
    """tests/conftest.py's ApiClient over real HTTP, so tests/loans/helpers can drive a live server."""

    def __init__(self, base):
        super().__init__(client=None)
        self.base = base

    def call(self, method, path, user, json=None):
        headers = {"Content-Type": "application/json"}
        if user:
            headers["Authorization"] = f"Bearer {self.token(user)}"
        data = None if json is None else _dumps(json)  # `json` is the helpers' keyword here
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return Answer(response.status, response.read())
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.read())


def _dumps(body):
    return json.dumps(body).encode()


@contextmanager
def own_app(folder):
    """An app (in this process) on a fresh, prepared database of its own; yields (app, database URL)."""
    from app import create_app
    from app.extensions import db
    from config import TestConfig

    url = fresh_database(folder)
    prepare(url)

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = url
        AUDIT_HEAD_LOG = head_log(url)

    app = create_app(Config())
    try:
        yield app, url
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        drop_database(url)
