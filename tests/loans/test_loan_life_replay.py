"""A delinquent loan replayed for 400 business days: DPD grows, collection climbs to legal, the class
goes 关注 → 次级 → 可疑 → 损失 at each floor, each confirmed by a review, inspections keep their schedule, and the
loan is written off."""
from datetime import date, timedelta

from app.close_of_business import run_cob_through

from .helpers import attach, new_loan, open_task

ANSWERS = {  # what staff answer at each step: (who, form data)
    "record_inspection": ("loan_officer", {"use_of_funds": "unknown", "business_condition": "poor",
                                           "collateral_condition": "fair", "warning_signals": False,
                                           "findings": "经营停滞"}),
    "review_inspection": ("risk_officer", {"decision": "approve"}),
    "review_classification": ("risk_officer", {"decision": "approve"}),
    "second_review_classification": ("credit_committee", {"decision": "approve"}),
    "phone_collection": ("collector", {"outcome": "unreachable", "notes": "电话无人接听"}),
    "field_visit": ("collector", {"outcome": "refused", "notes": "拒绝还款"}),
    "legal_action": ("legal_officer", {"action": "litigation", "notes": "已起诉"}),
}


def work_the_inbox(api, key, done):
    """Complete every open task of the case the way the staff would; record what was done."""
    for _ in range(10):
        tasks = open_task(api, key)
        if not tasks:
            return
        for task in tasks:
            spec = task["task_spec_id"]
            if spec == "propose_classification":
                floor = api.get(f"/api/tasks/{task['id']}", "loan_officer").get_json()["data"]["floor_class"]
                user, data = "loan_officer", {"proposed_class": floor, "reasons": "按逾期天数认定"}
            else:
                user, data = ANSWERS[spec]
            assert api.post(f"/api/tasks/{task['id']}/claim", user).status_code == 200
            response = api.post(f"/api/tasks/{task['id']}/complete", user, json={"data": data})
            assert response.status_code == 200, (spec, response.get_json())
            done.append(spec)


def test_four_hundred_days_of_a_delinquent_loan(app, api, fresh_dates):
    loan = new_loan(api, "30000")
    key = loan["business_key"]
    due = date.fromisoformat(loan["schedule"][0]["due_date"])
    disbursed = date.fromisoformat(loan["disbursed_on"])
    done, dpd_seen = [], []
    last_day = (due - disbursed).days + 400  # 400 days past the first due date
    for day in [*range(5, last_day, 5), last_day]:
        with app.app_context():
            run_cob_through(disbursed + timedelta(days=day))
        work_the_inbox(api, key, done)
        dpd_seen.append(api.get(f"/api/loans/{loan['id']}", "risk_officer").get_json()["dpd"])

    assert dpd_seen == sorted(dpd_seen) and dpd_seen[-1] == 400
    shown = api.get(f"/api/loans/{loan['id']}", "risk_officer").get_json()
    # Each floor is applied the night it is reached, and a review confirms it.
    assert [(c["classification"], c["source"]) for c in shown["classification_history"]] == [
        (grade, source) for grade in ("special_mention", "substandard", "doubtful", "loss")
        for source in ("floor", "review")]
    assert shown["provision_rate"] == "1.0000"
    assert "legal_action" in done and done.index("phone_collection") < done.index("field_visit") < done.index("legal_action")
    assert done.count("record_inspection") >= 10  # first one, then every 30 days once substandard

    attach(api, key, "evidence", "risk_officer")
    started = api.post(f"/api/loans/{loan['id']}/write-off", "risk_officer",
                       json={"reason": "诉讼终结，无财产可供执行", "evidence": "终结执行裁定书"})
    assert started.status_code == 201
    for spec, user in [("risk_write_off_review", "risk_officer2"), ("finance_write_off_review", "finance_manager"),
                       ("committee_write_off_approval", "credit_committee")]:
        task = open_task(api, key, spec)
        assert api.post(f"/api/tasks/{task['id']}/complete", user, json={"data": {"decision": "approve"}}).status_code == 200
    assert api.get(f"/api/loans/{loan['id']}", "risk_officer").get_json()["status"] == "written_off"
