"""Rescheduling what is not yet due, after principal was paid ahead.

The schedule before the change is kept as a revision. A partial prepayment replans the
installments falling due after the business date from the new balance: the customer keeps the
number of installments and pays less each month (减少月供), or keeps paying as before and
finishes sooner (缩期). Paying everything ends the schedule at the business date: interest not
yet due is not owed.
"""
from datetime import date

from .. import clock
from ..errors import ValidationFailed
from ..extensions import db
from .models import Installment, ScheduleRevision
from .schedule import generate_schedule, shortened_schedule

REDUCE_INSTALLMENT, SHORTEN_TERM = "reduce_installment", "shorten_term"
PAY_COMING_INSTALLMENTS = "coming_installments"  # paid early: the next installments as scheduled
RESCHEDULING_CHOICES = (REDUCE_INSTALLMENT, SHORTEN_TERM)
PREPAYMENT_CHOICES = RESCHEDULING_CHOICES + (PAY_COMING_INSTALLMENTS,)


def prepayment_choice(rule, wanted):
    """What money paid ahead does under the loan's rule: the customer's choice, or the one the
    rule fixes. Paying the coming installments early changes no term, so it is always allowed."""
    if wanted is not None and wanted not in PREPAYMENT_CHOICES:
        raise ValidationFailed("unknown prepayment choice", {"prepayment_choice": [
            f"must be one of {', '.join(PREPAYMENT_CHOICES)}"]})
    if wanted == PAY_COMING_INSTALLMENTS:
        return wanted
    if rule in RESCHEDULING_CHOICES:
        if wanted not in (None, rule):
            raise ValidationFailed("the product fixes what a prepayment does",
                                   {"prepayment_choice": [f"this loan's contract allows only {rule}"]})
        return rule
    return wanted or REDUCE_INSTALLMENT


def _keep_revision(loan, reason, on, by):
    number = db.session.execute(db.select(db.func.count(ScheduleRevision.id)).where(
        ScheduleRevision.loan_id == loan.id)).scalar() + 1
    db.session.add(ScheduleRevision(
        loan_id=loan.id, revision=number, reason=reason, replaced_on=on, replaced_by=by, created_at=clock.now(),
        installments=[{"number": r.number, "due_date": r.due_date.isoformat(), "principal": str(r.principal),
                       "interest": str(r.interest), "paid": str(r.paid_principal + r.paid_interest)}
                      for r in loan.schedule]))


def _replace_future(loan, future, planned):
    """Rows keep their ids where numbers stay (their accrual references), extra ones go."""
    for row, plan in zip(future, planned):
        row.due_date, row.principal, row.interest = plan.due_date, plan.principal, plan.interest
    for row in future[len(planned):]:
        loan.schedule.remove(row)
    for plan in planned[len(future):]:
        loan.schedule.append(Installment(number=plan.number, due_date=plan.due_date, principal=plan.principal,
                                         interest=plan.interest, paid_principal=0, paid_interest=0))
    loan.maturity_date = max(row.due_date for row in loan.schedule)


def reschedule_after_prepayment(loan, on: date, choice, by, prepaid):
    """Replan the installments due after `on` from the loan's outstanding principal."""
    future = [row for row in loan.schedule if row.due_date > on]
    # The reason as codes ("prepayment <amount> <choice>"), which the pages put in words.
    _keep_revision(loan, f"{'payoff' if loan.outstanding_principal == 0 else 'prepayment'} {prepaid} {choice}", on, by)
    if loan.outstanding_principal == 0 or not future:
        _replace_future(loan, future, [])
        return
    first = future[0].number
    if choice == SHORTEN_TERM:
        regular = future[0].total_due if loan.repayment_method == "equal_installment" else future[0].principal
        planned = shortened_schedule(loan.outstanding_principal, loan.annual_rate, loan.repayment_method, regular,
                                     len(future), loan.disbursed_on, loan.due_day, first)
    else:
        planned = generate_schedule(loan.outstanding_principal, loan.annual_rate, len(future),
                                    loan.repayment_method, loan.disbursed_on, loan.due_day, first)
    _replace_future(loan, future, planned)
