"""Concurrent claims and completions of one task: exactly one winner, the rest get 409."""
from concurrent.futures import ThreadPoolExecutor

from app.extensions import db
from app.inbox.models import HumanTask

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
