"""Demo cases for `flask --app wsgi seed-demo --cases`: loans at each stage of their life, so that
every inbox, the supervisor's queues and the loan pages have something to show on a fresh install.

The cases are made the way staff make them — applications submitted, tasks claimed and completed
by the demo users, close of business run day by day — starting 35 business days back, so the
business date ends on today. Nothing is made if any application exists already.
"""
from datetime import timedelta
from decimal import Decimal

from . import clock, loan_cases
from .close_of_business import run_cob_through
from .deployment import import_new_files
from .extensions import db
from .inbox import service
from .inbox.models import HumanTask
from .loans.models import Customer, LoanApplication

DAYS_BACK = 35  # the first installments fell due five days ago
DOCUMENTS = {"documents_complete": True, "site_visit_done": True, "notes": "资料齐全，已实地核查"}
APPROVE = {"decision": "approve", "comment": "同意"}
# What each task is answered with on the way to a disbursed loan; who answers: the demo user
# named by the task's role (the second one of that role where four-eyes needs another person).
ANSWERS = {
    "check_completeness": ("loan_officer", DOCUMENTS),
    "branch_manager_review": ("branch_manager", APPROVE),
    "risk_review": ("risk_officer", APPROVE),
    "committee_review": ("credit_committee", APPROVE),
    "sign_contract": ("loan_officer2", None),
    "prepare_payout": ("cashier", None),
    "check_payout": ("finance_manager", {"decision": "approve", "comment": "核对无误"}),
    "confirm_repayment": ("finance_manager", {"decision": "confirm"}),
}
# (customer, product, amount, term, how far the case goes)
CASES = [
    ("张伟", "PERSONAL_EI", "200000", 24, "repaying"),
    ("李娜", "PERSONAL_EI", "80000", 12, "overdue"),
    ("杭州明远贸易有限公司", "SME_EP", "500000", 24, "submitted"),
    ("张伟", "BRIDGE_IO", "300000", 6, "in_approval"),
]


def _actor(username):
    from .auth.service import actor_by_username
    return actor_by_username(username)


def _answer(task, amount):
    username, data = ANSWERS[task.task_spec_id]
    if task.task_spec_id == "sign_contract":
        data = {"contract_number": f"HT-{task.business_key}", "signed_on": clock.business_date().isoformat()}
    elif task.task_spec_id == "prepare_payout":
        data = {"payee_account": "6222020200112233445", "payee_bank": "工商银行杭州分行", "payout_amount": amount}
    actor = _actor(username)
    service.claim_task(task.id, actor)
    service.complete_task(task.id, actor, data)


def _work_case(business_key, amount, stop_before=None):
    """Complete the case's open tasks in order until none is left, or `stop_before` is reached."""
    while True:
        task = db.session.execute(db.select(HumanTask).where(
            HumanTask.business_key == business_key, HumanTask.status == "open",
            HumanTask.task_spec_id.in_(ANSWERS)).order_by(HumanTask.id)).scalar()
        if task is None or task.task_spec_id == stop_before:
            return
        _answer(task, amount)


def _application(customer_name, product_code, amount, term):
    customer = db.session.execute(db.select(Customer).where(Customer.name == customer_name)).scalar_one()
    return loan_cases.submit_application({
        "customer_id": customer.id, "product_code": product_code, "amount": Decimal(amount),
        "term_months": term, "purpose": "经营周转 working capital",
        "collateral": [{"type": "mortgage", "description": "商铺 shop", "value": Decimal(amount) * 2}],
    }, _actor("loan_officer"))


def seed_demo_cases():
    """Make the demo cases; return how many, 0 when applications exist already."""
    if db.session.execute(db.select(LoanApplication.id).limit(1)).first():
        return 0
    import_new_files("seed-demo")  # the cases run on what is deployed; a first run deploys the folders
    today = clock.business_date()
    clock.set_business_date(today - timedelta(days=DAYS_BACK))
    db.session.commit()
    repaying = []
    for customer, product, amount, term, stage in CASES:
        application = _application(customer, product, amount, term)
        stop = {"submitted": "check_completeness", "in_approval": "branch_manager_review"}.get(stage)
        _work_case(application.number, amount, stop_before=stop)
        if stage == "repaying":
            repaying.append(db.session.get(LoanApplication, application.id).loan)
    for loan in repaying:  # pays its first installment on the day it falls due
        first = loan.schedule[0]
        run_cob_through(first.due_date)
        loan_cases.record_repayment(loan.id, first.total_due, first.due_date, _actor("cashier"))
        _work_case(loan.business_key, None)
    run_cob_through(today)
    return len(CASES)
