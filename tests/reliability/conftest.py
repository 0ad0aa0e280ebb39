"""Real servers and real HTTP for the reliability tests: gunicorn in its own process group on
the session's test database, a small JSON client, and a race runner that releases every
request at the same moment."""
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from app.extensions import db
from app.inbox.models import HumanTask
from app.workflow.models import ProcessInstance

from ..conftest import ROOT, free_port

ERROR_KEYS = {"code", "message", "details"}


class Server:
    """gunicorn on 127.0.0.1 in a new session, so stop() and kill() reach the master and every worker."""

    def __init__(self, database_url, workers=2, config=None, env=None):
        self.database_url, self.workers, self.config, self.env = database_url, workers, config, env or {}
        self.process, self.base = None, None
        self.log = tempfile.NamedTemporaryFile(prefix="loanflow-gunicorn-", suffix=".log", delete=False)

    def start(self):
        port = free_port()
        env = dict(os.environ, DATABASE_URL=self.database_url, SECRET_KEY="reliability-test",
                   SCHEDULER_ENABLED="false", DEPLOY_ON_START="false", **self.env)
        # --preload imports the app once before forking, so every worker is ready when the port answers.
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--preload", "-w", str(self.workers), "--timeout", "120",
             *(["-c", str(self.config)] if self.config else []), "-b", f"127.0.0.1:{port}", "wsgi:app"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=self.log, start_new_session=True)
        self.base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.base + "/login", timeout=2)
                return self
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.1)
        self.stop()
        pytest.fail("gunicorn did not start: " + self.log_text()[-2000:])

    def log_text(self):
        with open(self.log.name, encoding="utf-8", errors="replace") as handle:
            return handle.read()

    def _signal_group(self, sig):
        try:
            os.killpg(self.process.pid, sig)  # the master leads its own group (start_new_session)
        except ProcessLookupError:
            pass

    def kill(self):
        """kill -9 the master and every worker at once: no shutdown, no rollback, no cleanup."""
        self._signal_group(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process is None or self.process.poll() is not None and not self._group_alive():
            return
        self._signal_group(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
        self._signal_group(signal.SIGKILL)  # workers left behind by a master that died first
        self.process.wait(timeout=10)

    def _group_alive(self):
        try:
            os.killpg(self.process.pid, 0)
            return True
        except ProcessLookupError:
            return False

    def close(self):
        self.stop()
        self.log.close()
        os.unlink(self.log.name)


@pytest.fixture()
def start_server(app):
    """Start servers of one's own (to kill, to restart); every one is stopped afterwards."""
    started = []

    def start(**options):
        started.append(Server(app.config["SQLALCHEMY_DATABASE_URI"], **options))
        return started[-1].start()
    yield start
    for running in started:
        running.close()


@pytest.fixture(scope="session")
def server(app):
    """The app under gunicorn with two worker processes on the test database (SQLite or PostgreSQL)."""
    running = Server(app.config["SQLALCHEMY_DATABASE_URI"], workers=2)
    try:
        yield running.start()
    finally:
        running.close()


class Http:
    """JSON over real HTTP as demo users; returns (status, body) and never raises on 4xx/5xx."""

    def __init__(self, base):
        self.base, self.tokens = base, {}

    def token(self, username):
        if username not in self.tokens:
            status, body = self.call("POST", "/api/auth/token", None, {"username": username, "password": "demo"})
            assert status == 200, body
            self.tokens[username] = body["token"]
        return self.tokens[username]

    def call(self, method, path, user, body=None, headers=None, timeout=60):
        headers = {"Content-Type": "application/json", **(headers or {})}
        if user:
            headers["Authorization"] = f"Bearer {self.token(user)}"
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as err:
            raw = err.read()
            try:
                return err.code, json.loads(raw)
            except ValueError:
                return err.code, raw.decode(errors="replace")

    def race(self, calls):
        """Run calls from one thread each, released together: (method, path, user, body[, headers])
        tuples go over HTTP, callables (work in this process) are called."""
        for spec in calls:
            if not callable(spec):
                self.token(spec[2])  # log in first, so the race is only the calls themselves
        gate = threading.Barrier(len(calls))

        def send(spec):
            gate.wait()
            return spec() if callable(spec) else self.call(*spec)

        with ThreadPoolExecutor(max_workers=len(calls)) as pool:
            return list(pool.map(send, calls))


@pytest.fixture(scope="session")
def http(server):
    return Http(server.base)


def assert_one_winner(results, ok=200):
    """Exactly one `ok`; every other answer a 409 in the documented error shape; never a 5xx."""
    codes = [status for status, _ in results]
    assert codes.count(ok) == 1, results
    for status, body in results:
        if status != ok:
            assert status == 409, (status, body)
            assert set(body) == {"error"} and set(body["error"]) == ERROR_KEYS, body
    return next(body for status, body in results if status == ok)


def case_rows(app, business_key):
    """(task_spec_id, status, completed_by) of every inbox row of a case, oldest first."""
    with app.app_context():
        rows = db.session.execute(db.select(HumanTask.task_spec_id, HumanTask.status, HumanTask.completed_by)
                                  .where(HumanTask.business_key == business_key)
                                  .order_by(HumanTask.id)).all()
        db.session.remove()
    return [tuple(row) for row in rows]


def instance_snapshot(app, instance_id):
    """(status, lock_version, serialized state) of a process instance, read afresh."""
    with app.app_context():
        instance = db.session.get(ProcessInstance, instance_id)
        snapshot = (instance.status, instance.lock_version, instance.state)
        db.session.remove()
    return snapshot
