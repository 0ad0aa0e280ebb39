"""Two app nodes with their schedulers on, sharing one database: each business date is closed
once and each due BPMN timer fires once (the jobs take a database lock, not an in-process flag)."""
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest

from app import clock
from app.audit.models import AuditEvent
from app.deployment import deploy_sources
from app.extensions import db
from app.inbox.models import HumanTask
from app.inbox.service import start_system_process
from app.loans.models import CobRun

from ..own_server import own_app, start_gunicorn

ESCALATING = Path(__file__).resolve().parents[1] / "fixtures" / "generic" / "escalating_review.bpmn"
FAST_JOBS = {"SCHEDULER_ENABLED": "true", "SCHEDULER_TIMERS_SECONDS": "1", "SCHEDULER_COB_SECONDS": "1",
             "SCHEDULER_ESCALATION_SECONDS": "3600"}
CASES = 8


@pytest.fixture()
def shared_database(tmp_path):
    with own_app(tmp_path) as (node_app, url):
        yield node_app, url


def count(query):
    return db.session.execute(query).scalar_one()


def test_two_scheduling_nodes_close_each_date_once_and_fire_each_timer_once(shared_database, tmp_path):
    app, url = shared_database
    with app.app_context():
        today = clock.local_today()
        clock.set_business_date(today - timedelta(days=3))  # the nodes were down for three days
        db.session.commit()
        deploy_sources({ESCALATING.name: ESCALATING.read_text(encoding="utf-8")}, "tests")
        cases = [start_system_process("escalating_review", {}, f"NODES-{n}", "test")[0].id for n in range(CASES)]

    nodes = [start_gunicorn(url, tmp_path / f"node{n}.log", **FAST_JOBS) for n in range(2)]
    try:
        for _, base in nodes:
            urllib.request.urlopen(base + "/login", timeout=10)  # a node starts its jobs on its first request
        deadline = time.monotonic() + 90
        with app.app_context():
            while time.monotonic() < deadline:
                run = db.session.get(CobRun, today)
                if run is not None and run.finished_at is not None:
                    break
                db.session.rollback()
                time.sleep(0.5)
            time.sleep(3)  # a few more rounds of both nodes' jobs: nothing may happen twice
            db.session.rollback()
            assert clock.business_date() == today
            for back in range(3):
                day = today - timedelta(days=back)
                assert count(db.select(db.func.count(AuditEvent.id)).where(
                    AuditEvent.action == "cob_finished", AuditEvent.subject == f"cob:{day.isoformat()}")) == 1, day
            for case in cases:  # the one-day timer of every case fired once: one escalated review each
                assert count(db.select(db.func.count(AuditEvent.id)).where(
                    AuditEvent.action == "timers_fired", AuditEvent.instance_id == case)) == 1
                assert count(db.select(db.func.count(HumanTask.id)).where(
                    HumanTask.instance_id == case, HumanTask.task_spec_id == "escalated_review")) == 1
    finally:
        for process, _ in nodes:
            process.terminate()
            process.wait(timeout=30)
