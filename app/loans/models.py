"""Loan-domain tables. Money columns are exact decimals (Numeric), never floats."""
from decimal import Decimal

from ..extensions import db

Money = db.Numeric(18, 2, asdecimal=True)


class Customer(db.Model):
    __tablename__ = "customer"
    id = db.Column(db.Integer, primary_key=True)
    customer_type = db.Column(db.String(16), nullable=False)  # individual, enterprise
    name = db.Column(db.String(128), nullable=False)
    id_number = db.Column(db.String(18), nullable=False, unique=True)
    phone = db.Column(db.String(32), nullable=False)
    credit_level = db.Column(db.String(8))
    credit_score = db.Column(db.Integer, nullable=False, default=650)
    address = db.Column(db.String(255))
    employer = db.Column(db.String(128))  # an individual's employer, or the business they run
    industry = db.Column(db.String(64))   # an enterprise's line of business
    # What scoring reads; empty when not known (the case then goes to people, never to a rejection).
    monthly_income = db.Column(Money)
    annual_revenue = db.Column(Money)
    monthly_debt_payment = db.Column(Money)
    overdue_count = db.Column(db.Integer, nullable=False, default=0)
    created_at = db.Column(db.DateTime(timezone=True), nullable=False)
    updated_at = db.Column(db.DateTime(timezone=True))

    accounts = db.relationship("CustomerAccount", order_by="CustomerAccount.id", cascade="all, delete-orphan",
                               lazy="selectin")


class CustomerAccount(db.Model):
    """A bank account of a customer, for payouts to them and repayments from them."""
    __tablename__ = "customer_account"
    id = db.Column(db.Integer, primary_key=True)
    customer_id = db.Column(db.ForeignKey("customer.id", ondelete="CASCADE"), nullable=False, index=True)
    bank_name = db.Column(db.String(128), nullable=False)
    account_number = db.Column(db.String(32), nullable=False)
    purpose = db.Column(db.String(16), nullable=False, default="both")  # payout, repayment, both


class Product(db.Model):
    __tablename__ = "product"
    code = db.Column(db.String(32), primary_key=True)
    name = db.Column(db.String(128), nullable=False)
    annual_rate = db.Column(db.Numeric(9, 6), nullable=False)
    repayment_method = db.Column(db.String(32), nullable=False)
    min_amount = db.Column(Money, nullable=False)
    max_amount = db.Column(Money, nullable=False)
    min_term_months = db.Column(db.Integer, nullable=False)
    max_term_months = db.Column(db.Integer, nullable=False)
    penalty_rate_multiplier = db.Column(db.Numeric(5, 2), nullable=False, default=1.5)
    grace_days = db.Column(db.Integer, nullable=False, default=0)  # overdue days without penalty interest
    # customer_choice, reduce_installment (减少月供) or shorten_term (缩期): what a prepayment may do
    prepayment_rule = db.Column(db.String(24), nullable=False, default="customer_choice")
    active = db.Column(db.Boolean, nullable=False, default=True)
    version = db.Column(db.Integer, nullable=False, default=1)
    versions = db.relationship("ProductVersion", order_by="ProductVersion.version", viewonly=True)


class ProductVersion(db.Model):
    """The terms of a product as they were from one change to the next: loans keep the version they
    were applied for, so a later change never touches a signed contract."""
    __tablename__ = "product_version"
    __table_args__ = (db.UniqueConstraint("product_code", "version", name="uq_product_version_code_version"),)
    id = db.Column(db.Integer, primary_key=True)
    product_code = db.Column(db.ForeignKey("product.code"), nullable=False, index=True)
    version = db.Column(db.Integer, nullable=False)
    terms = db.Column(db.JSON, nullable=False)  # every term as text: rate, method, limits, penalty, grace, rule
    changed_by = db.Column(db.String(64), nullable=False)
    changed_at = db.Column(db.DateTime(timezone=True), nullable=False)


class LoanApplication(db.Model):
    __tablename__ = "loan_application"
    id = db.Column(db.Integer, primary_key=True)
    number = db.Column(db.String(64), nullable=False, unique=True)  # the case's business key
    customer_id = db.Column(db.ForeignKey("customer.id"), nullable=False, index=True)
    product_code = db.Column(db.ForeignKey("product.code"), nullable=False)
    product_version = db.Column(db.Integer)  # the terms applied for; the loan is signed on them
    amount = db.Column(Money, nullable=False)
    term_months = db.Column(db.Integer, nullable=False)
    purpose = db.Column(db.String(255), nullable=False)
    # submitted, returned, resubmitted, auto_rejected, rejected, approved, disbursed
    status = db.Column(db.String(16), nullable=False)
    officer = db.Column(db.String(64))
    created_at = db.Column(db.DateTime(timezone=True), nullable=False)
    decided_at = db.Column(db.DateTime(timezone=True))
    # What the scoring table answered: auto_reject or manual_review, the risk level and why.
    scoring_result = db.Column(db.String(16))
    risk_level = db.Column(db.String(16))
    scoring_reason = db.Column(db.String(255))

    customer = db.relationship(Customer)
    product = db.relationship(Product)
    collateral = db.relationship("Collateral", cascade="all, delete-orphan", lazy="selectin")
    guarantors = db.relationship("Guarantor", cascade="all, delete-orphan", lazy="selectin")
    loan = db.relationship("Loan", uselist=False, back_populates="application")


class NumberSequence(db.Model):
    """The last number given out in a series (application numbers of one day): one row per series,
    so concurrent submissions wait on it and each gets its own number."""
    __tablename__ = "number_sequence"
    prefix = db.Column(db.String(32), primary_key=True)
    last = db.Column(db.Integer, nullable=False)


class Collateral(db.Model):
    __tablename__ = "collateral"
    id = db.Column(db.Integer, primary_key=True)
    application_id = db.Column(db.ForeignKey("loan_application.id", ondelete="CASCADE"), nullable=False, index=True)
    kind = db.Column(db.String(16), nullable=False)  # mortgage, pledge
    description = db.Column(db.String(255), nullable=False)
    value = db.Column(Money)


class Guarantor(db.Model):
    __tablename__ = "guarantor"
    id = db.Column(db.Integer, primary_key=True)
    application_id = db.Column(db.ForeignKey("loan_application.id", ondelete="CASCADE"), nullable=False, index=True)
    name = db.Column(db.String(128), nullable=False)
    id_number = db.Column(db.String(18))
    phone = db.Column(db.String(32))


class Loan(db.Model):
    __tablename__ = "loan"
    id = db.Column(db.Integer, primary_key=True)
    application_id = db.Column(db.ForeignKey("loan_application.id"), nullable=False, unique=True)
    business_key = db.Column(db.String(64), nullable=False, index=True)
    customer_id = db.Column(db.ForeignKey("customer.id"), nullable=False, index=True)
    product_code = db.Column(db.ForeignKey("product.code"), nullable=False)
    contract_number = db.Column(db.String(64))
    principal = db.Column(Money, nullable=False)
    annual_rate = db.Column(db.Numeric(9, 6), nullable=False)
    term_months = db.Column(db.Integer, nullable=False)
    repayment_method = db.Column(db.String(32), nullable=False)
    # The contract's terms, copied when it is signed: a later product change does not reach them.
    product_version = db.Column(db.Integer)
    penalty_rate_multiplier = db.Column(db.Numeric(5, 2), nullable=False, default=Decimal("1.5"))
    grace_days = db.Column(db.Integer, nullable=False, default=0)
    prepayment_rule = db.Column(db.String(24), nullable=False, default="customer_choice")
    due_day = db.Column(db.Integer, nullable=False)  # the contract day installments fall on
    disbursed_on = db.Column(db.Date, nullable=False)
    maturity_date = db.Column(db.Date, nullable=False)
    status = db.Column(db.String(16), nullable=False, index=True)  # active, closed, written_off
    outstanding_principal = db.Column(Money, nullable=False)
    dpd = db.Column(db.Integer, nullable=False, default=0)
    overdue_amount = db.Column(Money, nullable=False, default=Decimal("0.00"))  # fallen due, unpaid
    overdue_as_of = db.Column(db.Date)  # the business date dpd and overdue_amount were computed for
    # Bumped by every change of the loan's money or class; bumping it is also how a step takes the
    # loan's row lock (app/loans/lookup.py), the same way on PostgreSQL and SQLite.
    version = db.Column(db.Integer, nullable=False, default=0)
    classification = db.Column(db.String(16), nullable=False, default="normal")
    accrued_penalty = db.Column(Money, nullable=False, default=0)  # penalty interest owed, not yet paid
    closed_on = db.Column(db.Date)
    last_cob_date = db.Column(db.Date, index=True)  # the last business date closed for this loan
    inspections_done = db.Column(db.Integer, nullable=False, default=0)
    written_off_on = db.Column(db.Date)
    written_off_amount = db.Column(Money)
    recovered_amount = db.Column(Money, nullable=False, default=0)  # collected after write-off (账销案存)
    last_inspected_on = db.Column(db.Date)

    application = db.relationship(LoanApplication, back_populates="loan")
    product = db.relationship(Product)
    schedule = db.relationship("Installment", order_by="Installment.number",
                               cascade="all, delete-orphan", lazy="selectin")

    classification_history = db.relationship("ClassificationChange", order_by="ClassificationChange.id",
                                             lazy="selectin")
    schedule_versions = db.relationship("ScheduleRevision", order_by="ScheduleRevision.revision", viewonly=True)
    # The loan's record for its page; loaded only when shown.
    messages = db.relationship("CustomerMessage", order_by="CustomerMessage.id", viewonly=True)
    contacts = db.relationship("CollectionContact", order_by="CollectionContact.id", viewonly=True)
    ledger = db.relationship("LedgerEntry", order_by="LedgerEntry.id", viewonly=True)

    @property
    def provision_rate(self):
        return self.classification_history[-1].provision_rate if self.classification_history else Decimal("0")

    @property
    def provision_amount(self):
        """Specific provision now: the outstanding principal at the approved class's rate."""
        return (self.outstanding_principal * self.provision_rate).quantize(Decimal("0.01"))



class Installment(db.Model):
    __tablename__ = "installment"
    __table_args__ = (db.UniqueConstraint("loan_id", "number", name="uq_installment_loan_number"),)
    id = db.Column(db.Integer, primary_key=True)
    loan_id = db.Column(db.ForeignKey("loan.id", ondelete="CASCADE"), nullable=False, index=True)
    number = db.Column(db.Integer, nullable=False)
    due_date = db.Column(db.Date, nullable=False, index=True)
    principal = db.Column(Money, nullable=False)
    interest = db.Column(Money, nullable=False)
    paid_principal = db.Column(Money, nullable=False, default=0)
    paid_interest = db.Column(Money, nullable=False, default=0)

    @property
    def total_due(self):
        return self.principal + self.interest

    @property
    def paid(self):
        return self.paid_principal + self.paid_interest


class ScheduleRevision(db.Model):
    """A schedule as it stood before a prepayment changed it, kept for the customer and the auditor."""
    __tablename__ = "schedule_revision"
    __table_args__ = (db.UniqueConstraint("loan_id", "revision", name="uq_schedule_revision_loan_revision"),)
    id = db.Column(db.Integer, primary_key=True)
    loan_id = db.Column(db.ForeignKey("loan.id"), nullable=False, index=True)
    revision = db.Column(db.Integer, nullable=False)  # 1 = the schedule signed at disbursement
    reason = db.Column(db.String(255), nullable=False)  # what replaced it: "prepayment|payoff <amount> <choice>"
    replaced_on = db.Column(db.Date, nullable=False)
    replaced_by = db.Column(db.String(64))
    installments = db.Column(db.JSON, nullable=False)  # [{number, due_date, principal, interest, paid}] as text
    created_at = db.Column(db.DateTime(timezone=True), nullable=False)


class LedgerEntry(db.Model):
    """Every money movement. `reference` is unique, so one business event posts once.

    Types: disbursement, interest_accrual, penalty, penalty_reversal, repayment_penalty,
    repayment_interest, repayment_principal, prepayment, overpayment, write_off, recovery.
    """
    __tablename__ = "ledger_entry"
    id = db.Column(db.Integer, primary_key=True)
    loan_id = db.Column(db.ForeignKey("loan.id"), index=True)
    entry_type = db.Column(db.String(32), nullable=False)
    amount = db.Column(Money, nullable=False)
    posted_on = db.Column(db.Date, nullable=False)
    # The day the movement takes effect: a repayment's paid_on, the day a penalty accrued for.
    value_date = db.Column(db.Date, nullable=False)
    reference = db.Column(db.String(128), nullable=False, unique=True)
    posted_by = db.Column(db.String(64))
    created_at = db.Column(db.DateTime(timezone=True), nullable=False)


class Repayment(db.Model):
    """A payment entered by a cashier; it moves money only once finance has confirmed it."""
    __tablename__ = "repayment"
    id = db.Column(db.Integer, primary_key=True)
    loan_id = db.Column(db.ForeignKey("loan.id"), nullable=False, index=True)
    amount = db.Column(Money, nullable=False)
    paid_on = db.Column(db.Date, nullable=False)
    status = db.Column(db.String(16), nullable=False)  # pending, posted, rejected
    entered_by = db.Column(db.String(64), nullable=False)
    checked_by = db.Column(db.String(64))
    process_instance_id = db.Column(db.Integer, index=True)  # the check that must confirm it
    prepayment_choice = db.Column(db.String(24))  # reduce_installment or shorten_term, for money paid ahead
    overpayment_reason = db.Column(db.Text)  # required when the amount is beyond what is owed
    # A retried request with the same key returns the first repayment instead of a second one.
    idempotency_key = db.Column(db.String(128), unique=True)
    allocation = db.Column(db.JSON)  # {"penalty", "interest", "principal", "overpaid"} as decimal strings
    created_at = db.Column(db.DateTime(timezone=True), nullable=False)


class CobRun(db.Model):
    """One close of business per business date; `finished_at` marks it done."""
    __tablename__ = "cob_run"
    business_date = db.Column(db.Date, primary_key=True)
    started_at = db.Column(db.DateTime(timezone=True), nullable=False)
    finished_at = db.Column(db.DateTime(timezone=True))
    loans_closed = db.Column(db.Integer, nullable=False, default=0)


class ClassificationChange(db.Model):
    """An approved five-level class of a loan, with the provision it carries."""
    __tablename__ = "classification_change"
    id = db.Column(db.Integer, primary_key=True)
    loan_id = db.Column(db.ForeignKey("loan.id"), nullable=False, index=True)
    previous = db.Column(db.String(16), nullable=False)
    classification = db.Column(db.String(16), nullable=False)
    reasons = db.Column(db.Text)
    approved_by = db.Column(db.String(64))
    decided_on = db.Column(db.Date, nullable=False)
    provision_rate = db.Column(db.Numeric(5, 4), nullable=False)
    provision_amount = db.Column(Money, nullable=False)
    source = db.Column(db.String(16), nullable=False, default="review")  # floor (close of business) or review
    created_at = db.Column(db.DateTime(timezone=True), nullable=False)


class WriteOffRequest(db.Model):
    """A request to write a loan off; posted only once its case carries every level's approval."""
    __tablename__ = "write_off_request"
    id = db.Column(db.Integer, primary_key=True)
    loan_id = db.Column(db.ForeignKey("loan.id"), nullable=False, index=True)
    process_instance_id = db.Column(db.Integer, nullable=False, unique=True)  # the case deciding it
    reason = db.Column(db.Text, nullable=False)
    evidence = db.Column(db.Text, nullable=False)
    requested_by = db.Column(db.String(64), nullable=False)
    requested_on = db.Column(db.Date, nullable=False)
    status = db.Column(db.String(16), nullable=False)  # requested, written_off
    posted_amount = db.Column(Money)
    created_at = db.Column(db.DateTime(timezone=True), nullable=False)


class CustomerMessage(db.Model):
    """A reminder or notice sent to the borrower (SMS by default), kept as the record of contact."""
    __tablename__ = "customer_message"
    id = db.Column(db.Integer, primary_key=True)
    loan_id = db.Column(db.ForeignKey("loan.id"), nullable=False, index=True)
    channel = db.Column(db.String(16), nullable=False)
    kind = db.Column(db.String(32), nullable=False, default="overdue_notice")  # due_reminder, overdue_notice
    text = db.Column(db.Text, nullable=False)
    sent_on = db.Column(db.Date, nullable=False)
    # Scheduled messages carry a unique reference, so a close of business run twice sends once.
    reference = db.Column(db.String(128), unique=True)
    created_at = db.Column(db.DateTime(timezone=True), nullable=False)


class CollectionContact(db.Model):
    """One attempt to reach a debtor (a call, a visit) and its outcome; counts against the daily limit."""
    __tablename__ = "collection_contact"
    id = db.Column(db.Integer, primary_key=True)
    loan_id = db.Column(db.ForeignKey("loan.id"), nullable=False, index=True)
    customer_id = db.Column(db.ForeignKey("customer.id"), nullable=False)
    instance_id = db.Column(db.Integer, index=True)  # the collection case that made the attempt
    channel = db.Column(db.String(16), nullable=False)  # phone, visit
    outcome = db.Column(db.String(32), nullable=False)
    promise_date = db.Column(db.Date)
    promise_amount = db.Column(Money)
    contacted_on = db.Column(db.Date, nullable=False)
    contacted_at = db.Column(db.DateTime(timezone=True), nullable=False)
    recorded_by = db.Column(db.String(64))

    __table_args__ = (db.Index("ix_collection_contact_customer_day", "customer_id", "contacted_on"),)
