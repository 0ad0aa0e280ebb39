"""Post-loan inspections: the facts the schedule table decides on, and filing a finished one."""
from .. import clock
from .models import Loan


def inspection_facts(loan: Loan):
    since = loan.last_inspected_on or loan.disbursed_on
    return {"inspections_done": loan.inspections_done, "classification": loan.classification,
            "days_since_inspection": (clock.business_date() - since).days}


def file_inspection(loan: Loan):
    loan.inspections_done += 1
    loan.last_inspected_on = clock.business_date()
    return loan
