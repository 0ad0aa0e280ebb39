"""Four-eyes and maker-checker hold on every path a task can take to a person: API claim and
complete, the task page, single and bulk reassignment (API and supervisor page), delegation
(API and page) and an out-of-office substitute. Each refusal leaves the task as it was."""
from datetime import datetime, timedelta, timezone

import pytest

from app.extensions import db
from app.inbox.models import HumanTask

from ..loans.helpers import APPROVE, COMPLETE_DOCUMENTS, act, apply, open_task, payout
from ..web.test_pages import login

CONTRACT = {"contract_number": "HT-4EYES", "signed_on": "2026-11-23"}


@pytest.fixture(scope="module")
def people(make_user):
    return {"officer_manager": make_user("officer_manager", ["loan_officer", "branch_manager"]),
            "cash_and_check": make_user("cash_and_check", ["cashier", "finance_manager"])}


def case_at(api, step, applicant="loan_officer", **who):
    """A new 50 000 case driven along origination up to `step`; `who` names other people for steps."""
    key = apply(api, "50000", term_months=12, user=applicant)["business_key"]
    for name, user, data in [("check_completeness", "loan_officer", COMPLETE_DOCUMENTS),
                             ("branch_manager_review", "branch_manager", APPROVE),
                             ("sign_contract", "loan_officer", CONTRACT),
                             ("prepare_payout", "cashier", payout("50000"))]:
        if name == step:
            break
        act(api, key, name, who.get(name, user), data)
    return key


def own_application(api, people):
    """An officer who is also a branch manager applies: the approval is not theirs to give."""
    key = case_at(api, "branch_manager_review", applicant=people["officer_manager"])
    return key, "branch_manager_review", people["officer_manager"], "branch_manager", "branch_manager2", \
        "branch_manager_review"


def second_level(api, people):
    """multi_approver gave the first approval: the risk review is someone else's."""
    key = apply(api, "2000000")["business_key"]
    act(api, key, "check_completeness", "loan_officer", COMPLETE_DOCUMENTS)
    act(api, key, "branch_manager_review", "multi_approver", APPROVE)
    return key, "risk_review", "multi_approver", "risk_officer", "risk_officer2", "branch_manager_review"


def own_payout(api, people):
    """A cashier who is also a finance manager prepared the payout: the check is someone else's."""
    key = case_at(api, "check_payout", prepare_payout=people["cash_and_check"])
    return key, "check_payout", people["cash_and_check"], "finance_manager", "finance_manager2", "prepare_payout"


def state(app, task_id):
    with app.app_context():
        task = db.session.get(HumanTask, task_id)
        return task.status, task.assignee, task.delegation_state


def refused_json(response, path):
    assert response.status_code == 403, (path, response.get_json())
    assert response.get_json()["error"]["code"] == "four_eyes", path


def refused_page(response, path):
    assert response.status_code == 403, path
    assert "四眼原则" in response.get_data(as_text=True), path


def flashed_refusal(client, response, path):
    assert response.status_code == 302, path
    assert "四眼原则" in client.get(response.headers["Location"]).get_data(as_text=True), path


@pytest.mark.parametrize("scenario", [own_application, second_level, own_payout])
def test_a_barred_person_is_refused_on_every_path(app, api, people, scenario):
    """`scenario` gives the case, the barred step and person, a rightful holder, the holder's
    colleague, and a step of another case the barred person may take (for the bulk move)."""
    key, step, barred, holder, colleague, free_step = scenario(api, people)
    task_id = open_task(api, key, step)["id"]
    harmless = open_task(api, case_at(api, free_step), free_step)["id"]
    data = {"decision": "approve", "comment": "自己批自己"}
    page, supervisor_page = login(app, barred), login(app, "supervisor")

    refused_json(api.post(f"/api/tasks/{task_id}/claim", barred), "api claim")
    refused_json(api.post(f"/api/tasks/{task_id}/complete", barred, json={"data": data}), "api complete")
    refused_page(page.post(f"/tasks/{task_id}/claim"), "page claim")
    refused_page(page.post(f"/tasks/{task_id}/complete", data=data), "page complete")
    refused_json(api.post(f"/api/tasks/{task_id}/assign", "supervisor", json={"username": barred}), "assign")
    bulk = api.post("/api/tasks/bulk-assign", "supervisor",
                    json={"task_ids": [harmless, task_id], "username": barred, "reason": "平衡工作量"})
    refused_json(bulk, "bulk assign")
    assert bulk.get_json()["error"]["message"].startswith(f"task {task_id}: four-eyes")
    flashed_refusal(supervisor_page, supervisor_page.post("/supervisor/reassign", data={
        "task_ids": [str(harmless), str(task_id)], "username": barred, "reason": "平衡工作量"}), "supervisor page")
    assert state(app, harmless)[1] is None  # all or nothing: the harmless task did not move either
    assert state(app, task_id) == ("open", None, None)

    assert api.post(f"/api/tasks/{task_id}/claim", holder).status_code == 200
    refused_json(api.post(f"/api/tasks/{task_id}/delegate", holder, json={"username": barred, "reason": "帮忙"}),
                 "api delegate")
    holder_page = login(app, holder)
    flashed_refusal(holder_page, holder_page.post(f"/tasks/{task_id}/delegate",
                                                  data={"username": barred, "reason": "帮忙"}), "page delegate")
    now = datetime.now(timezone.utc)
    away = api.post("/api/substitutions", colleague, json={
        "substitute": barred, "reason": "年假", "starts_at": (now - timedelta(hours=1)).isoformat(),
        "ends_at": (now + timedelta(days=1)).isoformat()}).get_json()
    try:
        refused_json(api.post(f"/api/tasks/{task_id}/assign", "supervisor", json={"username": colleague}),
                     "assign to someone whose substitute is barred")
    finally:
        api.post(f"/api/substitutions/{away['id']}/end", colleague)
    assert state(app, task_id) == ("open", holder, None)

    done = api.post(f"/api/tasks/{task_id}/complete", holder, json={"data": {"decision": "approve", "comment": "同意"}})
    assert done.status_code == 200, done.get_json()  # the right person still moves the case on


def test_the_cashier_who_paid_out_cannot_be_delegated_the_check(app, api):
    key = case_at(api, "check_payout")
    task_id = open_task(api, key, "check_payout")["id"]
    api.post(f"/api/tasks/{task_id}/claim", "finance_manager")
    response = api.post(f"/api/tasks/{task_id}/delegate", "finance_manager", json={"username": "cashier", "reason": "忙"})
    refused_json(response, "delegate the check to the maker")  # the maker, before the missing role
    assert state(app, task_id) == ("open", "finance_manager", None)


def test_whoever_filled_in_a_delegated_step_counts_as_having_acted_on_it(api):
    """A supervisor moves a delegated approval to multi_approver, who fills it in and the owner
    confirms: multi_approver's decision went through, so the next level is not theirs."""
    key = apply(api, "2000000")["business_key"]
    act(api, key, "check_completeness", "loan_officer", COMPLETE_DOCUMENTS)
    first = open_task(api, key, "branch_manager_review")["id"]
    api.post(f"/api/tasks/{first}/claim", "branch_manager")
    assert api.post(f"/api/tasks/{first}/delegate", "branch_manager",
                    json={"username": "branch_manager2", "reason": "出差"}).status_code == 200
    moved = api.post(f"/api/tasks/{first}/assign", "supervisor", json={"username": "multi_approver", "reason": "代办"})
    assert moved.status_code == 200, moved.get_json()
    assert api.post(f"/api/tasks/{first}/complete", "multi_approver", json={"data": APPROVE}).status_code == 200
    confirmed = api.post(f"/api/tasks/{first}/complete", "branch_manager", json={"data": {}})
    assert confirmed.status_code == 200, confirmed.get_json()

    second = open_task(api, key, "risk_review")["id"]
    refused_json(api.post(f"/api/tasks/{second}/claim", "multi_approver"), "claim the next level")
    refused_json(api.post(f"/api/tasks/{second}/assign", "supervisor", json={"username": "multi_approver"}),
                 "assign the next level")
    assert api.post(f"/api/tasks/{second}/claim", "branch_manager2").status_code == 403  # wrong role, not a way in


def test_a_disbursement_started_on_its_own_cannot_skip_the_approval(api):
    created = apply(api, "50000", term_months=12)
    key = created["business_key"]
    api.post("/api/process-instances", "loan_officer", json={"process_key": "disbursement", "business_key": key, "data": {}})
    for step, user, data in [("sign_contract", "loan_officer2", CONTRACT), ("prepare_payout", "cashier", payout("50000")),
                             ("check_payout", "finance_manager", {"decision": "approve"})]:
        for task in [t for t in open_task(api, key) if t["task_spec_id"] == step]:
            api.post(f"/api/tasks/{task['id']}/claim", user)
            api.post(f"/api/tasks/{task['id']}/complete", user, json={"data": data})
    application = api.get(f"/api/loan-applications/{created['id']}", "loan_officer").get_json()
    assert application["loan_id"] is None  # nobody approved it: no completeness check, no approval level
