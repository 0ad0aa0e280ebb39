"""Post-loan inspections: the facts the schedule table decides on, and filing a finished one."""
from datetime import date

from ..extensions import db
from .models import Loan


def inspection_candidates(today: date):
    """(loan id, business key, facts for the schedule table) for every active loan, in one query."""
    rows = db.session.execute(db.select(
        Loan.id, Loan.business_key, Loan.inspections_done, Loan.classification, Loan.product_code,
        Loan.last_inspected_on, Loan.disbursed_on).where(Loan.status == "active").order_by(Loan.id))
    return [(row.id, row.business_key, {
        "inspections_done": row.inspections_done, "classification": row.classification,
        "product_code": row.product_code,
        "days_since_inspection": (today - (row.last_inspected_on or row.disbursed_on)).days,
    }) for row in rows]


def file_inspection(loan: Loan, on: date):
    loan.inspections_done += 1
    loan.last_inspected_on = on
    return loan
