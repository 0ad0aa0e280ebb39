"""Customers: individuals with a checked resident ID, enterprises with a checked credit code, and
what a credit officer records of them — contact, employer or industry, financials, bank accounts."""
import re
import unicodedata

from .. import clock
from ..audit import record_event
from ..errors import ValidationFailed
from ..extensions import db
from ..rows import get_row
from .identity import (
    validate_phone,
    validate_resident_id,
    validate_unified_social_credit_code,
)
from .models import Customer, CustomerAccount

REGISTERING_ROLES = ("loan_officer", "branch_manager", "admin")  # who may register and change customers
ID_CHECKS = {"individual": validate_resident_id, "enterprise": validate_unified_social_credit_code}
ACCOUNT_NUMBER = re.compile(r"[0-9]{8,30}", re.ASCII)
ACCOUNT_PURPOSES = ("payout", "repayment", "both")
PROFILE = ("address", "employer", "industry", "monthly_income", "annual_revenue", "monthly_debt_payment")
MONEY_FIELDS = ("monthly_income", "annual_revenue", "monthly_debt_payment")


def visible(text):
    """The text without spaces or invisible characters (zero-width, direction marks): empty means blank."""
    return "".join(ch for ch in (text or "") if not ch.isspace() and unicodedata.category(ch) not in ("Cf", "Cc"))


def _account_errors(accounts):
    errors = {}
    for index, account in enumerate(accounts):
        if not ACCOUNT_NUMBER.fullmatch(str(account.get("account_number", ""))):
            errors[f"accounts.{index}.account_number"] = ["must be 8 to 30 digits"]
        if not str(account.get("bank_name", "")).strip():
            errors[f"accounts.{index}.bank_name"] = ["is required"]
        if account.get("purpose", "both") not in ACCOUNT_PURPOSES:
            errors[f"accounts.{index}.purpose"] = [f"must be one of {', '.join(ACCOUNT_PURPOSES)}"]
    return errors


def _profile_errors(profile):
    errors = {}
    for name in MONEY_FIELDS:
        value = profile.get(name)
        if value is not None and value < 0:
            errors[name] = ["cannot be negative"]
    return errors


def _snapshot(customer):
    view = {"name": customer.name, "phone": customer.phone, **{name: getattr(customer, name) for name in PROFILE}}
    view["accounts"] = [{"bank_name": a.bank_name, "account_number": a.account_number, "purpose": a.purpose}
                        for a in customer.accounts]
    return view


def _accounts(accounts):
    return [CustomerAccount(bank_name=a["bank_name"].strip(), account_number=str(a["account_number"]),
                            purpose=a.get("purpose", "both")) for a in accounts]


def create_customer(customer_type, name, id_number, phone, actor=None, accounts=(), **profile):
    errors = {}
    if customer_type not in ID_CHECKS:
        errors["type"] = ["must be individual or enterprise"]
    else:
        reason = ID_CHECKS[customer_type](id_number or "")
        if reason:
            errors["id_number"] = [reason]
    if not visible(name):
        errors["name"] = ["is required"]
    reason = validate_phone(phone or "")
    if reason:
        errors["phone"] = [reason]
    errors |= _profile_errors(profile) | _account_errors(accounts)
    if errors:
        raise ValidationFailed("the customer has invalid fields", errors)
    id_number = id_number.upper()
    if db.session.execute(db.select(Customer.id).where(Customer.id_number == id_number)).first():
        raise ValidationFailed("the customer exists already", {"id_number": ["is already registered"]})
    customer = Customer(customer_type=customer_type, name=name.strip(), id_number=id_number, phone=phone,
                        created_at=clock.now(), accounts=_accounts(accounts),
                        **{k: v for k, v in profile.items() if k in PROFILE})
    db.session.add(customer)
    db.session.flush()
    record_event("customer_created", actor, subject=f"customer:{customer.id}",
                 after={"type": customer_type, "id_number": id_number, **_snapshot(customer)})
    return customer


def update_customer(customer_id, changes, actor):
    """Change what was recorded of a customer (not the type or ID number); audited before and after."""
    customer = get_customer(customer_id)
    errors = _profile_errors(changes) | _account_errors(changes.get("accounts", []))
    if "name" in changes and not visible(changes["name"]):
        errors["name"] = ["is required"]
    if "phone" in changes and (reason := validate_phone(changes["phone"] or "")):
        errors["phone"] = [reason]
    if errors:
        raise ValidationFailed("the customer has invalid fields", errors)
    before = _snapshot(customer)
    for name in ("name", "phone", *PROFILE):
        if name in changes:
            setattr(customer, name, changes[name].strip() if isinstance(changes[name], str) else changes[name])
    if "accounts" in changes:
        customer.accounts = _accounts(changes["accounts"])
    customer.updated_at = clock.now()
    db.session.flush()
    record_event("customer_changed", actor, subject=f"customer:{customer.id}", before=before, after=_snapshot(customer))
    return customer


def get_customer(customer_id):
    return get_row(Customer, customer_id, "customer")


def search_customers(text=None, customer_type=None):
    """A query for customers whose name contains `text`, or whose ID or phone number starts with it."""
    query = db.select(Customer)
    if text:
        pattern = text.strip()
        query = query.where(db.or_(Customer.name.contains(pattern, autoescape=True),
                                   Customer.id_number.startswith(pattern.upper(), autoescape=True),
                                   Customer.phone.startswith(pattern, autoescape=True)))
    if customer_type:
        query = query.where(Customer.customer_type == customer_type)
    return query.order_by(Customer.id.desc())


def has_financials(customer):
    if customer.customer_type == "enterprise":
        return customer.annual_revenue is not None
    return customer.monthly_income is not None

