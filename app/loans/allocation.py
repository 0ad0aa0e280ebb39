"""Allocating a payment to what a loan owes, as of the payment's value date.

Order: penalty interest accrued to the value date; then every installment due by the value
date, oldest first, its interest and then its principal; then installments that fell due after
the value date but by the business date (the money was there before they fell due), oldest
first; whatever is left pays principal ahead (a prepayment, which reschedules what is not yet
due) or, when the customer pays the coming installments early, those installments as they
stand, oldest first; anything beyond the whole principal is an overpayment to refund.
"""
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal

ZERO = Decimal("0.00")


@dataclass
class Allocation:
    penalty: Decimal = ZERO
    interest: Decimal = ZERO
    principal: Decimal = ZERO  # of installments that had fallen due
    prepaid: Decimal = ZERO  # principal paid ahead of its installments
    overpaid: Decimal = ZERO

    def as_text(self):
        return {part: str(amount) for part, amount in asdict(self).items()}


def _pay_installment(row, left, split):
    for part in ("interest", "principal"):
        owed = getattr(row, part) - getattr(row, f"paid_{part}")
        paid = min(left, owed)
        if paid > 0:
            setattr(row, f"paid_{part}", getattr(row, f"paid_{part}") + paid)
            setattr(split, part, getattr(split, part) + paid)
            left -= paid
    return left


def allocate(installments, amount: Decimal, penalty_owed: Decimal, value_date: date, business_date: date,
             pay_coming_installments=False):
    """Split `amount` over the loan; marks the installments paid and returns the split."""
    split = Allocation()
    split.penalty = min(amount, max(penalty_owed, ZERO))
    left = amount - split.penalty
    rows = sorted(installments, key=lambda row: row.number)
    passes = [lambda row: row.due_date <= value_date, lambda row: value_date < row.due_date <= business_date]
    if pay_coming_installments:
        passes.append(lambda row: row.due_date > business_date)
    for due_by in passes:
        for row in rows:
            if left > 0 and due_by(row):
                left = _pay_installment(row, left, split)
    principal_left = sum((row.principal - row.paid_principal for row in rows), ZERO)
    split.prepaid = min(left, principal_left)
    split.overpaid = left - split.prepaid
    return split
