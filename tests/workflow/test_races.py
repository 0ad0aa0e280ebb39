"""Concurrent claims and completions of one task: exactly one winner, the rest get 409."""
from concurrent.futures import ThreadPoolExecutor

from app.extensions import db
from app.inbox.models import HumanTask
from app.loans.models import LoanApplication

from ..loans.helpers import COMPLETE_DOCUMENTS, apply, open_task


def race(app, api, calls):
    """Run (method, path, user, json) calls at once from threads; return the status codes."""
    tokens = {user: api.token(user) for _, _, user, _ in calls}

    def call(spec):
        method, path, user, body = spec
        client = app.test_client()
        return client.open(path, method=method, json=body,
                           headers={"Authorization": f"Bearer {tokens[user]}"}).status_code

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return sorted(pool.map(call, calls))


def test_concurrent_claims_have_one_winner(app, api):
    key = apply(api, "50000", term_months=12)["business_key"]
    task = open_task(api, key, "check_completeness")
    codes = race(app, api, [("POST", f"/api/tasks/{task['id']}/claim", user, None)
                            for user in ("loan_officer", "loan_officer2")])
    assert codes == [200, 409]


def test_concurrent_completions_step_the_process_once(app, api):
    for _ in range(5):
        key = apply(api, "50000", term_months=12)["business_key"]
        task = open_task(api, key, "check_completeness")
        body = {"data": COMPLETE_DOCUMENTS}
        codes = race(app, api, [("POST", f"/api/tasks/{task['id']}/complete", "loan_officer", body)] * 4)
        assert codes.count(200) == 1 and set(codes) <= {200, 409}, codes
        with app.app_context():
            reviews = db.session.execute(db.select(HumanTask).where(
                HumanTask.business_key == key, HumanTask.task_spec_id == "branch_manager_review")).scalars().all()
            assert len(reviews) == 1


def test_applications_submitted_at_once_each_get_their_own_number(app, api):
    body = {"customer_id": 1, "product_code": "PERSONAL_EI", "amount": "50000", "term_months": 12,
            "purpose": "经营周转", "collateral": []}
    codes = race(app, api, [("POST", "/api/loan-applications", user, body)
                            for user in ("loan_officer", "loan_officer2") * 3])
    assert codes == [201] * 6
    with app.app_context():
        numbers = db.session.execute(db.select(LoanApplication.number).order_by(LoanApplication.id.desc())
                                     .limit(6)).scalars().all()
    assert len(set(numbers)) == 6
