"""Marshmallow schemas of the loan-domain API: customers, products, applications, loans, money."""
from marshmallow import Schema, fields, validate

from .fields import MONEY_RANGE, DecimalString, Id, IsoDate, Money, Rate, UtcDateTime


class AccountSchema(Schema):
    bank_name = fields.Str(required=True, validate=validate.Length(min=1, max=128))
    account_number = fields.Str(required=True, validate=validate.Length(min=1, max=32),
                                metadata={"description": "8 to 30 digits"})
    purpose = fields.Str(load_default="both", validate=validate.OneOf(["payout", "repayment", "both"]))


class CustomerProfile(Schema):
    """What a credit officer records beyond identity; financials left out are unknown, not zero."""
    address = fields.Str(allow_none=True, validate=validate.Length(max=255))
    employer = fields.Str(allow_none=True, validate=validate.Length(max=128),
                          metadata={"description": "an individual's employer or own business"})
    industry = fields.Str(allow_none=True, validate=validate.Length(max=64),
                          metadata={"description": "an enterprise's line of business"})
    monthly_income = Money(allow_none=True, metadata={"description": "an individual's income a month"})
    annual_revenue = Money(allow_none=True, metadata={"description": "an enterprise's revenue a year"})
    monthly_debt_payment = Money(allow_none=True, metadata={"description": "existing debt payments a month"})
    accounts = fields.List(fields.Nested(AccountSchema), validate=validate.Length(max=10))


class CustomerRequest(CustomerProfile):
    type = fields.Str(required=True, validate=validate.OneOf(["individual", "enterprise"]))
    name = fields.Str(required=True, validate=validate.Length(min=1, max=128))
    id_number = fields.Str(required=True, validate=validate.Length(equal=18))
    phone = fields.Str(required=True, validate=validate.Length(min=5, max=32))


class CustomerChange(CustomerProfile):
    name = fields.Str(validate=validate.Length(min=1, max=128))
    phone = fields.Str(validate=validate.Length(min=5, max=32))


class CustomerSchema(Schema):
    id = fields.Int()
    type = fields.Str(attribute="customer_type")
    name = fields.Str()
    id_number = fields.Str()
    phone = fields.Str()
    credit_level = fields.Str(allow_none=True)
    address = fields.Str(allow_none=True)
    employer = fields.Str(allow_none=True)
    industry = fields.Str(allow_none=True)
    monthly_income = DecimalString(allow_none=True)
    annual_revenue = DecimalString(allow_none=True)
    monthly_debt_payment = DecimalString(allow_none=True)
    accounts = fields.List(fields.Nested(AccountSchema))
    created_at = UtcDateTime()
    updated_at = UtcDateTime(allow_none=True)


class CustomerSearch(Schema):
    q = fields.Str(load_default=None, validate=validate.Length(max=64),
                   metadata={"description": "name contains, or ID or phone number starts with"})
    type = fields.Str(load_default=None, validate=validate.OneOf(["individual", "enterprise"]))
    page = fields.Int(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = fields.Int(load_default=50, validate=validate.Range(min=1, max=200))


class CustomerPage(Schema):
    items = fields.List(fields.Nested(CustomerSchema))
    total = fields.Int()
    page = fields.Int()
    per_page = fields.Int()


class ProductSchema(Schema):
    code = fields.Str()
    name = fields.Str()
    rate = DecimalString(attribute="annual_rate")
    repayment_method = fields.Str()
    min_amount = DecimalString()
    max_amount = DecimalString()
    min_term_months = fields.Int()
    max_term_months = fields.Int()
    penalty_rate_multiplier = DecimalString(metadata={"description": "penalty rate = contract rate × this"})
    grace_days = fields.Int(metadata={"description": "overdue days without penalty interest"})
    prepayment_rule = fields.Str(metadata={"description": "customer_choice, reduce_installment or shorten_term"})
    active = fields.Bool()
    version = fields.Int()


class ProductRequest(Schema):
    """A product's terms as an admin sets them; changing them stores a new version (PUT takes any subset)."""
    code = fields.Str(required=True, validate=validate.Regexp(r"^[A-Z][A-Z0-9_]{1,31}$"))
    name = fields.Str(required=True, validate=validate.Length(min=1, max=128))
    rate = Rate(required=True, data_key="rate", attribute="annual_rate",
                metadata={"description": "annual rate as a fraction, e.g. 0.065 (at most 0.36)"})
    repayment_method = fields.Str(required=True, validate=validate.OneOf(
        ["equal_installment", "equal_principal", "interest_only"]))
    min_amount = Money(required=True, validate=MONEY_RANGE)
    max_amount = Money(required=True, validate=MONEY_RANGE)
    min_term_months = fields.Int(required=True, strict=True, validate=validate.Range(min=1, max=600))
    max_term_months = fields.Int(required=True, strict=True, validate=validate.Range(min=1, max=600))
    penalty_rate_multiplier = Money(load_default=None, metadata={
        "description": "penalty rate = contract rate × this, between 1 and 5"})
    grace_days = fields.Int(load_default=None, strict=True, validate=validate.Range(min=0, max=90))
    prepayment_rule = fields.Str(load_default=None, validate=validate.OneOf(
        ["customer_choice", "reduce_installment", "shorten_term"]))
    active = fields.Bool(load_default=None)


class ProductChange(ProductRequest):
    """The terms to change (any subset); the code names the product in the path."""
    class Meta:
        exclude = ("code",)


class ProductVersionSchema(Schema):
    version = fields.Int()
    terms = fields.Dict()
    changed_by = fields.Str()
    changed_at = UtcDateTime()


class CollateralIn(Schema):
    type = fields.Str(required=True, validate=validate.OneOf(["mortgage", "pledge"]))
    description = fields.Str(required=True, validate=validate.Length(min=1, max=255))
    value = Money(validate=MONEY_RANGE)


class GuarantorIn(Schema):
    name = fields.Str(required=True, validate=validate.Length(min=1, max=128))
    id_number = fields.Str(validate=validate.Length(equal=18))
    phone = fields.Str(validate=validate.Length(min=5, max=32))


class ApplicationRequest(Schema):
    customer_id = Id(required=True)
    product_code = fields.Str(required=True, validate=validate.Length(min=1, max=32))
    amount = Money(required=True, validate=MONEY_RANGE)
    term_months = fields.Int(required=True, strict=True, validate=validate.Range(min=1, max=600))
    purpose = fields.Str(required=True, validate=validate.Length(min=1, max=255))
    collateral = fields.List(fields.Nested(CollateralIn), load_default=list)
    guarantors = fields.List(fields.Nested(GuarantorIn), load_default=list)


class ApplicationSchema(Schema):
    id = fields.Int()
    business_key = fields.Str(attribute="number")
    customer_id = fields.Int()
    product_code = fields.Str()
    amount = DecimalString()
    term_months = fields.Int()
    purpose = fields.Str()
    status = fields.Str()
    officer = fields.Str(allow_none=True)
    created_at = UtcDateTime()
    decided_at = UtcDateTime(allow_none=True)
    loan_id = fields.Function(lambda a: a.loan.id if a.loan else None, allow_none=True)
    process_instance_id = fields.Int(allow_none=True)


class InstallmentSchema(Schema):
    number = fields.Int()
    due_date = fields.Date()
    principal = DecimalString()
    interest = DecimalString()
    total_due = DecimalString()
    paid = DecimalString()


class ClassificationChangeSchema(Schema):
    previous = fields.Str()
    classification = fields.Str()
    reasons = fields.Str(allow_none=True)
    approved_by = fields.Str(allow_none=True)
    decided_on = fields.Date()
    provision_rate = DecimalString()
    provision_amount = DecimalString()
    source = fields.Str(metadata={"description": "floor (raised by close of business) or review"})


class CustomerMessageSchema(Schema):
    sent_on = fields.Date()
    kind = fields.Str(metadata={"description": "due_reminder or overdue_notice"})
    channel = fields.Str()
    text = fields.Str()


class CollectionContactSchema(Schema):
    contacted_on = fields.Date()
    contacted_at = UtcDateTime()
    channel = fields.Str()
    outcome = fields.Str()
    promise_date = fields.Date(allow_none=True)
    promise_amount = DecimalString(allow_none=True)
    recorded_by = fields.Str(allow_none=True)


class ScheduleRevisionSchema(Schema):
    revision = fields.Int()
    reason = fields.Str()
    replaced_on = fields.Date()
    replaced_by = fields.Str(allow_none=True)
    installments = fields.List(fields.Dict())


class LedgerEntrySchema(Schema):
    posted_on = fields.Date()
    value_date = fields.Date()
    entry_type = fields.Str()
    amount = DecimalString()
    reference = fields.Str()
    posted_by = fields.Str(allow_none=True)


class LoanSchema(Schema):
    id = fields.Int()
    business_key = fields.Str()
    application_id = fields.Int()
    customer_id = fields.Int()
    product_code = fields.Str()
    contract_number = fields.Str(allow_none=True)
    status = fields.Str()
    principal = DecimalString()
    outstanding_principal = DecimalString()
    overdue_amount = DecimalString()
    annual_rate = DecimalString()
    term_months = fields.Int()
    repayment_method = fields.Str()
    disbursed_on = fields.Date()
    maturity_date = fields.Date()
    dpd = fields.Int()
    classification = fields.Str()
    accrued_penalty = DecimalString()
    closed_on = fields.Date(allow_none=True)
    provision_rate = DecimalString()
    provision_amount = DecimalString()
    classification_history = fields.List(fields.Nested(ClassificationChangeSchema))
    written_off_on = fields.Date(allow_none=True)
    written_off_amount = DecimalString(allow_none=True)
    recovered_amount = DecimalString()
    schedule = fields.List(fields.Nested(InstallmentSchema))
    schedule_versions = fields.List(fields.Nested(ScheduleRevisionSchema),
                                    metadata={"description": "earlier schedules, each replaced by a prepayment"})
    penalty_rate_multiplier = DecimalString()
    grace_days = fields.Int()
    prepayment_rule = fields.Str()
    product_version = fields.Int(allow_none=True)
    messages = fields.List(fields.Nested(CustomerMessageSchema))
    collection_contacts = fields.List(fields.Nested(CollectionContactSchema), attribute="contacts")


class BusinessDateSchema(Schema):
    business_date = fields.Date()


class RepaymentRequest(Schema):
    amount = Money(required=True, validate=MONEY_RANGE)
    paid_on = IsoDate(required=True, metadata={"description": "the value date (YYYY-MM-DD): allocation is as of this day"})
    prepayment_choice = fields.Str(load_default=None, validate=validate.OneOf(
        ["reduce_installment", "shorten_term", "coming_installments"]), metadata={
        "description": "what money beyond what is due does: reschedule with a lower installment (减少月供, the "
                       "default) or a shorter term (缩期), or pay the coming installments early as they stand"})
    overpayment_reason = fields.Str(load_default=None, validate=validate.Length(min=1, max=2000),
                                    metadata={"description": "required when the amount is more than is owed"})


class IdempotencyHeaders(Schema):
    """A retry with the same key returns the first record instead of entering the payment twice."""
    idempotency_key = fields.Str(data_key="Idempotency-Key", load_default=None,
                                 validate=validate.Length(min=1, max=128))


class RepaymentSchema(Schema):
    id = fields.Int()
    loan_id = fields.Int()
    amount = DecimalString()
    paid_on = fields.Date()
    status = fields.Str()
    entered_by = fields.Str()
    checked_by = fields.Str(allow_none=True)
    allocation = fields.Dict(allow_none=True)
    prepayment_choice = fields.Str(allow_none=True)
    overpayment_reason = fields.Str(allow_none=True)
    process_instance_id = fields.Int(allow_none=True)
    created_at = UtcDateTime()


class WriteOffRequest(Schema):
    reason = fields.Str(required=True, validate=validate.Length(min=1, max=4000))
    evidence = fields.Str(required=True, validate=validate.Length(min=1, max=4000))
