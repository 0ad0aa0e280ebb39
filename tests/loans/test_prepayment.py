"""Principal paid ahead reschedules what is not yet due: a lower installment (减少月供) or a shorter
term (缩期); the schedule before it stays visible as a version; products are configuration."""
from datetime import date, timedelta
from decimal import Decimal

import pytest

from app import clock
from app.close_of_business import run_cob_through
from app.extensions import db
from app.loans.models import LedgerEntry

from .helpers import confirm, new_loan

PRODUCT = {"code": "MONTHLY2_EI", "name": "月息2%（等额本息）", "rate": "0.24", "repayment_method": "equal_installment",
           "min_amount": "1000", "max_amount": "500000", "min_term_months": 3, "max_term_months": 36}


@pytest.fixture(scope="module")
def two_percent_a_month(app, api):
    created = api.post("/api/products", "admin", json=PRODUCT)
    assert created.status_code == 201, created.get_json()
    return PRODUCT["code"]


def prepay(app, api, loan, amount, choice=None):
    with app.app_context():
        today = clock.business_date().isoformat()
        db.session.remove()
    body = {"amount": amount, "paid_on": today, **({"prepayment_choice": choice} if choice else {})}
    entered = api.post(f"/api/loans/{loan['id']}/repayments", "cashier", json=body)
    assert entered.status_code == 201, entered.get_json()
    confirm(api, loan)
    return api.get(f"/api/loans/{loan['id']}", "cashier").get_json()


def test_a_prepayment_lowers_the_installments_from_the_new_balance(app, api, two_percent_a_month):
    loan = new_loan(api, "12000", product_code=two_percent_a_month)
    assert loan["schedule"][0]["interest"] == "240.00"
    after = prepay(app, api, loan, "5000.00")
    assert after["outstanding_principal"] == "7000.00"
    assert len(after["schedule"]) == 12
    assert after["schedule"][0]["interest"] == "140.00"  # 7,000 at 2 % a month, not 12,000
    assert Decimal(after["schedule"][0]["total_due"]) < Decimal(loan["schedule"][0]["total_due"])
    assert sum(Decimal(r["principal"]) for r in after["schedule"]) == Decimal("7000.00")
    old = after["schedule_versions"][-1]
    assert old["revision"] == 1 and old["installments"][0]["interest"] == "240.00" and len(old["installments"]) == 12
    saved = sum(Decimal(r["interest"]) for r in loan["schedule"]) - sum(Decimal(r["interest"]) for r in after["schedule"])
    assert saved > Decimal("500")  # the interest on 5,000 for the months it is no longer owed


def test_a_prepayment_can_shorten_the_term_instead(app, api, two_percent_a_month):
    loan = new_loan(api, "12000", product_code=two_percent_a_month)
    regular = Decimal(loan["schedule"][0]["total_due"])
    after = prepay(app, api, loan, "5000.00", choice="shorten_term")
    assert after["schedule"][0]["interest"] == "140.00"
    assert len(after["schedule"]) < 12 and after["maturity_date"] < loan["maturity_date"]
    assert {Decimal(r["total_due"]) for r in after["schedule"][:-1]} == {regular}  # the same installment, fewer of them
    assert Decimal("0") < Decimal(after["schedule"][-1]["total_due"]) <= regular
    assert sum(Decimal(r["principal"]) for r in after["schedule"]) == Decimal("7000.00")


def test_paying_the_coming_installments_early_keeps_the_schedule(app, api, two_percent_a_month):
    loan = new_loan(api, "12000", product_code=two_percent_a_month)
    two = Decimal(loan["schedule"][0]["total_due"]) * 2
    after = prepay(app, api, loan, str(two), choice="coming_installments")
    assert [r["paid"] for r in after["schedule"][:3]] == [loan["schedule"][0]["total_due"]] * 2 + ["0.00"]
    assert [r["interest"] for r in after["schedule"]] == [r["interest"] for r in loan["schedule"]]
    assert after["schedule_versions"] == []


def test_a_product_change_is_a_new_version_and_signed_loans_keep_their_terms(app, api, two_percent_a_month):
    loan = new_loan(api, "12000", product_code=two_percent_a_month)
    changed = api.put(f"/api/products/{two_percent_a_month}", "admin", json={"rate": "0.18", "grace_days": 3})
    assert changed.status_code == 200, changed.get_json()
    assert (changed.get_json()["rate"], changed.get_json()["version"]) == ("0.180000", 2)
    versions = api.get(f"/api/products/{two_percent_a_month}/versions", "loan_officer").get_json()
    assert [(v["version"], Decimal(v["terms"]["annual_rate"])) for v in versions] == [
        (1, Decimal("0.24")), (2, Decimal("0.18"))]
    kept = api.get(f"/api/loans/{loan['id']}", "cashier").get_json()
    assert (kept["annual_rate"], kept["grace_days"], kept["product_version"]) == ("0.240000", 0, 1)
    newer = new_loan(api, "12000", product_code=two_percent_a_month)
    assert (newer["annual_rate"], newer["grace_days"], newer["product_version"]) == ("0.180000", 3, 2)
    assert newer["schedule"][0]["interest"] == "180.00"
    assert api.put(f"/api/products/{two_percent_a_month}", "admin", json={"rate": "0.24"}).status_code == 200


@pytest.mark.parametrize("change, field", [
    ({"rate": "0.065%"}, "rate"), ({"min_amount": "900000"}, "max_amount"), ({"repayment_method": "balloon"},
                                                                              "repayment_method"),
    ({"grace_days": -1}, "grace_days"), ({"rate": "0.5"}, "annual_rate")])
def test_product_terms_that_do_not_hold_are_refused(api, two_percent_a_month, change, field):
    response = api.put(f"/api/products/{two_percent_a_month}", "admin", json=change)
    assert response.status_code == 422 and field in response.get_json()["error"]["details"], response.get_json()
    assert api.put(f"/api/products/{two_percent_a_month}", "loan_officer", json={"rate": "0.1"}).status_code == 403


def test_no_penalty_interest_within_the_products_grace_days(app, api, fresh_dates):
    product = dict(PRODUCT, code="GRACE3_EI", name="宽限3天", grace_days=3)
    assert api.post("/api/products", "admin", json=product).status_code == 201
    loan = new_loan(api, "12000", product_code="GRACE3_EI")
    due = date.fromisoformat(loan["schedule"][0]["due_date"])
    with app.app_context():
        run_cob_through(due + timedelta(days=5))
        charged = db.session.execute(db.select(LedgerEntry.value_date).where(
            LedgerEntry.loan_id == loan["id"], LedgerEntry.entry_type == "penalty")).scalars().all()
    assert sorted(charged) == [due + timedelta(days=4), due + timedelta(days=5)]
    assert api.get(f"/api/loans/{loan['id']}", "cashier").get_json()["dpd"] == 5
