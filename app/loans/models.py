"""Loan-domain tables. Money columns are exact decimals (Numeric), never floats."""
from decimal import Decimal

from .. import clock
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
    monthly_income = db.Column(Money, nullable=False, default=0)
    monthly_debt_payment = db.Column(Money, nullable=False, default=0)
    overdue_count = db.Column(db.Integer, nullable=False, default=0)
    created_at = db.Column(db.DateTime(timezone=True), nullable=False)


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
    active = db.Column(db.Boolean, nullable=False, default=True)


class LoanApplication(db.Model):
    __tablename__ = "loan_application"
    id = db.Column(db.Integer, primary_key=True)
    number = db.Column(db.String(64), nullable=False, unique=True)  # the case's business key
    customer_id = db.Column(db.ForeignKey("customer.id"), nullable=False, index=True)
    product_code = db.Column(db.ForeignKey("product.code"), nullable=False)
    amount = db.Column(Money, nullable=False)
    term_months = db.Column(db.Integer, nullable=False)
    purpose = db.Column(db.String(255), nullable=False)
    # submitted, returned, resubmitted, auto_rejected, rejected, approved, disbursed
    status = db.Column(db.String(16), nullable=False)
    officer = db.Column(db.String(64))
    created_at = db.Column(db.DateTime(timezone=True), nullable=False)
    decided_at = db.Column(db.DateTime(timezone=True))

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
    disbursed_on = db.Column(db.Date, nullable=False)
    maturity_date = db.Column(db.Date, nullable=False)
    status = db.Column(db.String(16), nullable=False, index=True)  # active, closed, written_off
    outstanding_principal = db.Column(Money, nullable=False)
    dpd = db.Column(db.Integer, nullable=False, default=0)
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

    @property
    def overdue_amount(self):
        """What fell due before the business date and is still unpaid."""
        today = clock.business_date()
        return sum((i.total_due - i.paid for i in self.schedule if i.due_date < today), Decimal("0.00"))


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


class LedgerEntry(db.Model):
    """Every money movement. `reference` is unique, so one business event posts once."""
    __tablename__ = "ledger_entry"
    id = db.Column(db.Integer, primary_key=True)
    loan_id = db.Column(db.ForeignKey("loan.id"), index=True)
    entry_type = db.Column(db.String(32), nullable=False)  # disbursement, repayment, penalty, write_off, recovery
    amount = db.Column(Money, nullable=False)
    posted_on = db.Column(db.Date, nullable=False)
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
