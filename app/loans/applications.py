"""Loan applications: intake checks, credit inputs, and the decisions the approval reaches."""
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from .. import clock
from ..errors import NotFound, ValidationFailed
from ..extensions import db
from ..upsert import insert_unless_present
from .models import (
    Collateral,
    Customer,
    Guarantor,
    LoanApplication,
    NumberSequence,
    Product,
)

DECISION_STATUSES = {"auto_rejected", "rejected", "approved", "returned", "resubmitted", "disbursed"}


def application_errors(customer_id, product_code, amount, term_months):
    """Field messages for an application that breaks the product's limits."""
    errors = {}
    if db.session.get(Customer, customer_id) is None:
        errors["customer_id"] = ["no such customer"]
    product = db.session.get(Product, product_code) if product_code else None
    if product is None or not product.active:
        errors["product_code"] = ["no such active product"]
        return errors
    if not product.min_amount <= Decimal(amount) <= product.max_amount:
        errors["amount"] = [f"must be between {product.min_amount} and {product.max_amount}"]
    if not product.min_term_months <= term_months <= product.max_term_months:
        errors["term_months"] = [f"must be between {product.min_term_months} and {product.max_term_months}"]
    return errors


def next_application_number(on: date):
    """DK<date><4-digit sequence>, allocated in the caller's transaction (released if it rolls back)."""
    prefix = f"DK{on:%Y%m%d}"
    insert_unless_present(NumberSequence, {"prefix": prefix, "last": 0}, NumberSequence.prefix)
    number = db.session.execute(
        db.update(NumberSequence).where(NumberSequence.prefix == prefix)
        .values(last=NumberSequence.last + 1).returning(NumberSequence.last)).scalar_one()
    return f"{prefix}{number:04d}"


def get_application(application_id=None, number=None):
    if number is not None:
        found = db.session.execute(db.select(LoanApplication).where(LoanApplication.number == number)).scalar_one_or_none()
    else:
        found = db.session.get(LoanApplication, application_id)
    if found is None:
        raise NotFound(f"loan application {number or application_id} does not exist")
    return found


def register_application(number, data, officer):
    """Record the application under its case number; a second call returns the same row."""
    existing = db.session.execute(db.select(LoanApplication).where(LoanApplication.number == number)).scalar_one_or_none()
    if existing is not None:
        return existing
    amount = Decimal(str(data["amount"]))
    errors = application_errors(data["customer_id"], data["product_code"], amount, data["term_months"])
    if errors:
        raise ValidationFailed("the application breaks the product's rules", errors)
    application = LoanApplication(
        number=number, customer_id=data["customer_id"], product_code=data["product_code"],
        product_version=db.session.get(Product, data["product_code"]).version, amount=amount, term_months=data["term_months"], purpose=data["purpose"],
        status="submitted", officer=officer, created_at=clock.now(),
        collateral=[Collateral(kind=c.get("type", "mortgage"), description=c.get("description", ""),
                               value=Decimal(str(c["value"])) if c.get("value") not in (None, "") else None)
                    for c in data.get("collateral") or []],
        guarantors=[Guarantor(name=g.get("name", ""), id_number=g.get("id_number"), phone=g.get("phone"))
                    for g in data.get("guarantors") or []],
    )
    db.session.add(application)
    db.session.flush()
    return application


def credit_profile(application):
    """The scoring inputs of the credit DMN table, from the customer's record. Financials that are
    not on record are said to be missing (`financials_known`), never taken as zero income."""
    customer = application.customer
    income = customer.monthly_income if customer.customer_type == "individual" else \
        (customer.annual_revenue / 12 if customer.annual_revenue is not None else None)
    known = income is not None and income > 0
    debt = customer.monthly_debt_payment or Decimal("0")
    debt_ratio = (debt / income).quantize(Decimal("0.0001"), ROUND_HALF_UP) if known else Decimal("0")
    return {"credit_score": customer.credit_score, "monthly_income": income if known else Decimal("0"),
            "debt_ratio": debt_ratio, "overdue_count": customer.overdue_count, "financials_known": known}


def record_scoring(application, result, risk_level, reason):
    """Keep what the scoring table answered on the application, for the case page."""
    application.scoring_result, application.risk_level = result, risk_level
    application.scoring_reason = (reason or "")[:255] or None
    return application


def record_decision(application, decision):
    if decision not in DECISION_STATUSES:
        raise ValidationFailed("unknown decision", {"decision": [f"unknown decision '{decision}'"]})
    application.status = decision
    if decision in ("auto_rejected", "rejected", "approved"):
        application.decided_at = clock.now()
    return application
