"""Customers: individuals with a checked resident ID, enterprises with a checked credit code."""
from .. import clock
from ..audit import record_event
from ..errors import NotFound, ValidationFailed
from ..extensions import db
from .identity import (
    validate_phone,
    validate_resident_id,
    validate_unified_social_credit_code,
)
from .models import Customer

ID_CHECKS = {"individual": validate_resident_id, "enterprise": validate_unified_social_credit_code}


def create_customer(customer_type, name, id_number, phone, actor=None, **profile):
    errors = {}
    if customer_type not in ID_CHECKS:
        errors["type"] = ["must be individual or enterprise"]
    else:
        reason = ID_CHECKS[customer_type](id_number or "")
        if reason:
            errors["id_number"] = [reason]
    if not (name or "").strip():
        errors["name"] = ["is required"]
    reason = validate_phone(phone or "")
    if reason:
        errors["phone"] = [reason]
    if errors:
        raise ValidationFailed("the customer has invalid fields", errors)
    id_number = id_number.upper()
    if db.session.execute(db.select(Customer.id).where(Customer.id_number == id_number)).first():
        raise ValidationFailed("the customer exists already", {"id_number": ["is already registered"]})
    customer = Customer(customer_type=customer_type, name=name.strip(), id_number=id_number,
                        phone=phone, created_at=clock.now(), **profile)
    db.session.add(customer)
    db.session.flush()
    record_event("customer_created", actor, subject=f"customer:{customer.id}",
                 after={"type": customer_type, "name": customer.name, "id_number": id_number})
    return customer


def get_customer(customer_id):
    customer = db.session.get(Customer, customer_id)
    if customer is None:
        raise NotFound(f"customer {customer_id} does not exist")
    return customer
