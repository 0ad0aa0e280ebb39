"""`seed-demo --cases` gives a fresh install something in every stage: queues, loans, a collection case."""
from app import clock
from app.extensions import db
from app.inbox.models import HumanTask
from app.loans.models import Loan
from app.workflow.models import ProcessInstance

from .own_server import own_app


def test_demo_cases_fill_the_queues_once(tmp_path):
    with own_app(tmp_path) as (app, _):
        runner = app.test_cli_runner()
        result = runner.invoke(args=["seed-demo", "--cases"])
        assert result.exit_code == 0 and "cases: 4" in result.output, result.output
        with app.app_context():
            assert clock.business_date() == clock.local_today()
            open_tasks = set(db.session.execute(db.select(HumanTask.task_spec_id).where(
                HumanTask.status == "open")).scalars())
            assert {"check_completeness", "branch_manager_review", "record_inspection"} <= open_tasks
            loans = db.session.execute(db.select(Loan.dpd).order_by(Loan.id)).scalars().all()
            assert len(loans) == 2 and loans[0] == 0 and loans[1] > 0  # one repaying, one overdue
            assert db.session.execute(db.select(ProcessInstance.id).where(
                ProcessInstance.process_key == "collection_escalation")).first()
        again = runner.invoke(args=["seed-demo", "--cases"])
        assert again.exit_code == 0 and "cases: 0" in again.output
