"""Several app nodes on one database: each business date closes once and each due timer fires once
(a database lock); a lock left by a killed node is taken over."""
import os
import socket
import subprocess
import sys
from datetime import date, timedelta

import pytest

from app import clock
from app.audit.models import AuditEvent
from app.close_of_business import COB_LOCK, run_cob, run_cob_through
from app.errors import Conflict
from app.extensions import db
from app.locks import JobLock, exclusive
from app.workflow.models import ProcessInstance

from ..conftest import ROOT
from .helpers import new_loan


def flask_command(app, *args, env=None):
    """Start `flask --app wsgi …` as another node would: its own process, the same database."""
    env = dict(os.environ, DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], SCHEDULER_ENABLED="false",
               DEPLOY_ON_START="false", **(env or {}))
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def events(app, action, **where):
    with app.app_context():
        query = db.select(db.func.count(AuditEvent.id)).where(AuditEvent.action == action)
        for column, value in where.items():
            query = query.where(getattr(AuditEvent, column) == value)
        return db.session.execute(query).scalar_one()


def set_lock(app, name, holder, expires_in):
    with app.app_context():
        row = db.session.get(JobLock, name) or JobLock(name=name)
        row.holder, row.expires_at = holder, clock.wall_clock() + expires_in
        db.session.add(row)
        db.session.commit()


def test_a_close_held_by_another_node_is_refused_not_run_twice(app, fresh_dates):
    with app.app_context():
        on = clock.business_date() + timedelta(days=1)
        with exclusive(COB_LOCK):
            result = app.test_cli_runner().invoke(args=["cob", "run", "--date", on.isoformat()])
            assert result.exit_code == 1 and "running on another node" in result.output
            with pytest.raises(Conflict):
                run_cob(on)
        assert run_cob(on)[1] is True  # released: now it runs


def test_an_expired_lock_is_taken_over_and_a_live_one_is_not(app, fresh_dates):
    set_lock(app, COB_LOCK, "node-b:4242:abcd", timedelta(minutes=5))
    with app.app_context():
        on = clock.business_date() + timedelta(days=1)
        with pytest.raises(Conflict):
            run_cob(on)
    set_lock(app, COB_LOCK, "node-b:4242:abcd", timedelta(minutes=-1))  # node b died a while ago
    with app.app_context():
        assert run_cob(on)[1] is True
        assert db.session.get(JobLock, COB_LOCK).holder is None


def test_a_killed_process_on_this_machine_is_taken_over_at_once(app, fresh_dates):
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    set_lock(app, COB_LOCK, f"{socket.gethostname()}:{gone.pid}:dead", timedelta(minutes=10))
    with app.app_context():
        assert run_cob(clock.business_date() + timedelta(days=1))[1] is True


def test_two_nodes_close_a_date_once_and_fire_each_timer_once(app, api, fresh_dates):
    loan = new_loan(api)
    due = date.fromisoformat(loan["schedule"][0]["due_date"])
    with app.app_context():
        run_cob_through(due + timedelta(days=1))  # overdue: the collection case waits three days
        case = db.session.execute(db.select(ProcessInstance.id).where(
            ProcessInstance.business_key == loan["business_key"],
            ProcessInstance.process_key == "collection_escalation")).scalar_one()
    target = (due + timedelta(days=2)).isoformat()
    nodes = [flask_command(app, "cob", "run", "--date", target) for _ in range(2)]
    outputs = sorted(node.communicate(timeout=120)[0] for node in nodes)
    assert sum(f"{target}: closed" in out for out in outputs) == 1, outputs  # the other: busy or already closed
    assert events(app, "cob_finished", subject=f"cob:{target}") == 1

    with app.app_context():  # days on, without a close: the reminder's three-day wait is due
        clock.set_business_date(due + timedelta(days=5))
        db.session.commit()
    fired_before = events(app, "timers_fired", instance_id=case)
    nodes = [flask_command(app, "processes", "fire-timers") for _ in range(2)]
    outputs = [node.communicate(timeout=120)[0] for node in nodes]
    assert events(app, "timers_fired", instance_id=case) == fired_before + 1, outputs
