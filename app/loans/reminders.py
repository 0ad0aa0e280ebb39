"""Reminders before an installment falls due (还款提醒), sent by the close of business.

Which days before the due date get a reminder is the caller's rule (a DMN table). Each reminder
carries a unique reference (installment and days before), so a date closed twice sends once.
"""
from datetime import date, timedelta

from .. import clock
from ..extensions import db
from .models import CustomerMessage, Installment, Loan

DUE_SOON = "【信贷流程平台】尊敬的客户，您的贷款第{number}期将于{due}到期，应还{amount}元，请按时还款。"
DUE_TODAY = "【信贷流程平台】尊敬的客户，您的贷款第{number}期今日到期，应还{amount}元，请于今日还款。"


def _upcoming_installments(on: date, horizon_days: int):
    """Unpaid installments of active loans falling due from `on` to `horizon_days` later."""
    last = on + timedelta(days=horizon_days)
    return db.session.execute(db.select(
        Installment.id, Installment.loan_id, Installment.number, Installment.due_date, Installment.principal,
        Installment.interest, Installment.paid_principal, Installment.paid_interest, Loan.product_code,
    ).join(Loan, Loan.id == Installment.loan_id).where(
        Loan.status == "active", Installment.due_date >= on, Installment.due_date <= last,
        db.or_(Installment.paid_principal < Installment.principal, Installment.paid_interest < Installment.interest),
    ).order_by(Installment.id)).all()


def send_due_reminders(on: date, horizon_days: int, wants_reminder) -> int:
    """Send the reminders due on `on`; `wants_reminder(days_to_due, product_code)` says which. Return how many."""
    messages = []
    for row in _upcoming_installments(on, horizon_days):
        days = (row.due_date - on).days
        if not wants_reminder(days, row.product_code):
            continue
        owed = row.principal + row.interest - row.paid_principal - row.paid_interest
        text = (DUE_TODAY if days == 0 else DUE_SOON).format(number=row.number, due=row.due_date.isoformat(),
                                                              amount=owed)
        messages.append({"loan_id": row.loan_id, "channel": "sms", "kind": "due_reminder", "text": text,
                         "sent_on": on, "reference": f"due_reminder:{row.id}:{days}"})
    if not messages:
        return 0
    # A reference names its date (days before the due date), so a rerun only meets today's.
    sent = set(db.session.execute(db.select(CustomerMessage.reference).where(
        CustomerMessage.kind == "due_reminder", CustomerMessage.sent_on == on)).scalars())
    fresh = [dict(m, created_at=clock.now()) for m in messages if m["reference"] not in sent]
    if fresh:
        db.session.execute(db.insert(CustomerMessage), fresh)
    return len(fresh)
