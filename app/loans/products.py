"""Loan products as configuration: admins create and change them; each change is a new version.

An application records the version it was made under and the loan is signed on that version's
terms, so a later change (a new rate, a new penalty) never touches an existing contract.
"""
from decimal import Decimal

from .. import clock
from ..audit import record_event
from ..errors import Conflict, NotFound, ValidationFailed
from ..extensions import db
from .models import Product, ProductVersion
from .schedule import REPAYMENT_METHODS

PREPAYMENT_RULES = ("customer_choice", "reduce_installment", "shorten_term")
TERMS = ("name", "annual_rate", "repayment_method", "min_amount", "max_amount", "min_term_months",
         "max_term_months", "penalty_rate_multiplier", "grace_days", "prepayment_rule", "active")
DECIMAL_TERMS = ("annual_rate", "min_amount", "max_amount", "penalty_rate_multiplier")
DEFAULTS = {"penalty_rate_multiplier": Decimal("1.5"), "grace_days": 0, "prepayment_rule": "customer_choice",
            "active": True}


def _as_text(product):
    return {term: str(getattr(product, term)) if term in DECIMAL_TERMS else getattr(product, term) for term in TERMS}


def _term_errors(values):
    errors = {}
    if values["repayment_method"] not in REPAYMENT_METHODS:
        errors["repayment_method"] = [f"must be one of {', '.join(REPAYMENT_METHODS)}"]
    if values["prepayment_rule"] not in PREPAYMENT_RULES:
        errors["prepayment_rule"] = [f"must be one of {', '.join(PREPAYMENT_RULES)}"]
    if not Decimal("0") <= values["annual_rate"] <= Decimal("0.36"):
        errors["annual_rate"] = ["must be between 0 and 0.36 (36 % a year)"]
    if values["min_amount"] > values["max_amount"]:
        errors["max_amount"] = ["must not be below the minimum amount"]
    if values["min_term_months"] > values["max_term_months"]:
        errors["max_term_months"] = ["must not be below the minimum term"]
    if not Decimal("1") <= values["penalty_rate_multiplier"] <= Decimal("5"):
        errors["penalty_rate_multiplier"] = ["must be between 1 and 5"]
    return errors


def _keep_version(product, by):
    db.session.add(ProductVersion(product_code=product.code, version=product.version, terms=_as_text(product),
                                  changed_by=by, changed_at=clock.now()))


def _given(values):
    return {term: value for term, value in values.items() if term in TERMS and value is not None}


def create_product(code, values, by):
    if db.session.get(Product, code) is not None:
        raise Conflict(f"product {code} exists already", {"code": ["is taken"]})
    values = {**DEFAULTS, **_given(values)}
    errors = _term_errors(values)
    if errors:
        raise ValidationFailed("the product's terms do not hold together", errors)
    product = Product(code=code, version=1, **values)
    db.session.add(product)
    db.session.flush()
    _keep_version(product, by)
    record_event("product_created", by, subject=f"product:{code}", after=_as_text(product))
    return product


def change_product(code, values, by):
    """New terms as a new version; loans signed on earlier versions keep theirs."""
    product = get_product(code)
    merged = {term: getattr(product, term) for term in TERMS} | _given(values)
    errors = _term_errors(merged)
    if errors:
        raise ValidationFailed("the product's terms do not hold together", errors)
    before = _as_text(product)
    for term, value in merged.items():
        setattr(product, term, value)
    if _as_text(product) == before:
        return product
    product.version += 1
    _keep_version(product, by)
    record_event("product_changed", by, subject=f"product:{code}", before=before, after=_as_text(product))
    return product


def get_product(code):
    product = db.session.get(Product, code)
    if product is None:
        raise NotFound(f"product {code} does not exist")
    return product


def terms_of(code, version):
    """The product's terms at `version` (a signed contract's), exact decimals restored."""
    row = db.session.execute(db.select(ProductVersion.terms).where(
        ProductVersion.product_code == code, ProductVersion.version == version)).scalar_one_or_none()
    terms = dict(row) if row is not None else _as_text(get_product(code))
    return {term: Decimal(value) if term in DECIMAL_TERMS else value for term, value in terms.items()}
