"""Driving a loan case through the inbox over HTTP, the way staff do."""
import json
from pathlib import Path

from app.workflow.definitions import read_sources


def apply(api, amount, customer_id=1, product_code="PERSONAL_EI", term_months=36, user="loan_officer"):
    response = api.post("/api/loan-applications", user, json={
        "customer_id": customer_id, "product_code": product_code, "amount": amount,
        "term_months": term_months, "purpose": "经营周转 working capital",
        "collateral": [{"type": "mortgage", "description": "商铺 shop", "value": "3000000.00"}],
    })
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def open_task(api, business_key, task_spec_id=None):
    tasks = api.get(f"/api/tasks?scope=all&business_key={business_key}", "supervisor").get_json()["items"]
    if task_spec_id is None:
        return tasks
    matching = [t for t in tasks if t["task_spec_id"] == task_spec_id]
    assert matching, f"no open {task_spec_id} in {[t['task_spec_id'] for t in tasks]}"
    return matching[0]


def act(api, business_key, task_spec_id, user, data, expect=200):
    """Claim and complete the open task `task_spec_id` of a case as `user`."""
    task = open_task(api, business_key, task_spec_id)
    claim = api.post(f"/api/tasks/{task['id']}/claim", user)
    if expect != 200 and claim.status_code == expect:
        return claim
    assert claim.status_code == 200, claim.get_json()
    response = api.post(f"/api/tasks/{task['id']}/complete", user, json={"data": data})
    assert response.status_code == expect, response.get_json()
    return response


APPROVE = {"decision": "approve", "comment": "同意"}
COMPLETE_DOCUMENTS = {"documents_complete": True, "site_visit_done": True, "notes": "资料齐全"}


def payout(amount):
    return {"payee_account": "6222020200112233445", "payee_bank": "工商银行杭州分行", "payout_amount": amount}


def disburse(api, business_key, amount):
    act(api, business_key, "sign_contract", "loan_officer",
        {"contract_number": f"HT-{business_key}", "signed_on": "2026-11-23"})
    act(api, business_key, "prepare_payout", "cashier", payout(amount))
    act(api, business_key, "check_payout", "finance_manager", {"decision": "approve", "comment": "核对无误"})


def new_loan(api, amount="50000", product_code="PERSONAL_EI", customer_id=1):
    created = apply(api, amount, customer_id=customer_id, product_code=product_code, term_months=12)
    key = created["business_key"]
    act(api, key, "check_completeness", "loan_officer", COMPLETE_DOCUMENTS)
    act(api, key, "branch_manager_review", "branch_manager", APPROVE)
    disburse(api, key, amount)
    loan_id = api.get(f"/api/loan-applications/{created['id']}", "loan_officer").get_json()["loan_id"]
    return api.get(f"/api/loans/{loan_id}", "loan_officer").get_json()


def pay(api, loan, amount, paid_on, user="cashier", **headers):
    return api.post(f"/api/loans/{loan['id']}/repayments", user, json={"amount": amount, "paid_on": paid_on},
                    headers=headers)


def confirm(api, loan, decision="confirm", user="finance_manager"):
    return act(api, loan["business_key"], "confirm_repayment", user, {"decision": decision})


def set_time_of_day(app, monkeypatch, at):
    """Shift the wall clock so that it reads `at` in the business time zone now; it keeps running."""
    from datetime import datetime, timezone

    from app import clock
    with app.app_context():
        zone = clock.business_timezone()
    local = datetime.now(timezone.utc).astimezone(zone)
    offset = datetime.combine(local.date(), at, tzinfo=zone) - local
    monkeypatch.setattr(clock, "wall_clock", lambda: datetime.now(timezone.utc) + offset)


def books_agree(app, loan_ids=None):
    """`books verify` finds nothing: every loan's (or the named loans') stored figures match its
    installments and ledger."""
    from app.extensions import db
    from app.loan_rules import floor_for
    from app.loans.books import verify_books
    with app.app_context():
        differences = verify_books(floor_for, loan_ids)
        db.session.remove()
    assert not differences, "\n".join(map(str, differences))
    return True


EVIDENCE_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def attach(api, business_key, kind="evidence", user="risk_officer", content=EVIDENCE_PDF, filename="evidence.pdf"):
    """Upload a document to a case over the API, as staff attach a scan."""
    import io
    response = api.post(f"/api/cases/{business_key}/documents", user, content_type="multipart/form-data",
                        data={"kind": kind, "file": (io.BytesIO(content), filename)})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def designer_edit(folder, edits, retired_scenarios):
    """The folder's process files with `edits` [(file, old, new)] made, sent with its scenario files
    less the scenarios the edit makes untrue ({file: [names]}): a designer who moves a threshold
    deploys the process tests that pinned it along, or the deploy is refused."""
    sources = read_sources(folder)
    for name, old, new in edits:
        assert old in sources[name]
        sources[name] = sources[name].replace(old, new)
    for name, retired in retired_scenarios.items():
        scenarios = json.loads((Path(folder) / name).read_text(encoding="utf-8"))
        kept = [s for s in scenarios if s["name"] not in retired]
        assert len(kept) == len(scenarios) - len(retired), f"{name} has no scenario among {retired}"
        sources[name] = json.dumps(kept, ensure_ascii=False)
    return sources
