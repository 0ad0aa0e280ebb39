"""A synthetic loan book, inserted directly (no origination process), for close-of-business
benchmarks and crash tests: `count` disbursed 12-month loans of one product and customer,
with a share of them overdue by anything from a few days to over a year. The book is whole:
each loan's ledger holds its disbursement and what its paid installments received, so
`books verify` agrees with it."""
from datetime import date, timedelta
from decimal import Decimal

from app import clock
from app.extensions import db
from app.loans.models import Installment, LedgerEntry, Loan, LoanApplication, Product
from app.loans.schedule import generate_schedule

PRINCIPAL = Decimal("50000.00")
BATCH = 5000


def _installments(loan_id, rows, paid_through):
    """Installment rows, paid in full up to `paid_through`."""
    return [{"loan_id": loan_id, "number": r.number, "due_date": r.due_date, "principal": r.principal,
             "interest": r.interest,
             "paid_principal": r.principal if r.due_date <= paid_through else Decimal("0.00"),
             "paid_interest": r.interest if r.due_date <= paid_through else Decimal("0.00")}
            for r in rows]


def _ledger(loan_id, number, rows, on):
    """The disbursement, and one posting per part of what the installments record as paid."""
    created = clock.now()
    parts = {"repayment_principal": sum((r["paid_principal"] for r in rows), Decimal("0.00")),
             "repayment_interest": sum((r["paid_interest"] for r in rows), Decimal("0.00"))}
    entries = [("disbursement", PRINCIPAL, f"disbursement:{number}")] + [
        (entry_type, amount, f"bench:{number}:{entry_type}") for entry_type, amount in parts.items() if amount > 0]
    return [{"loan_id": loan_id, "entry_type": entry_type, "amount": amount, "posted_on": on, "value_date": on,
             "reference": reference, "posted_by": "bench", "created_at": created}
            for entry_type, amount, reference in entries], PRINCIPAL - parts["repayment_principal"]


def build_portfolio(count, on: date, overdue_share=0.05, product_code="PERSONAL_EI", customer_id=1, tag="BK"):
    """Insert `count` loans active on business date `on`; return their ids."""
    product = db.session.get(Product, product_code)
    first_id = (db.session.execute(db.select(db.func.max(Loan.id))).scalar() or 0) + 1
    first_application = (db.session.execute(db.select(db.func.max(LoanApplication.id))).scalar() or 0) + 1
    every = max(1, round(1 / overdue_share)) if overdue_share else 0
    schedules, ids = {}, []
    for start in range(0, count, BATCH):
        applications, loans, installments, postings = [], [], [], []
        for n in range(start, min(count, start + BATCH)):
            loan_id, application_id, number = first_id + n, first_application + n, f"{tag}{first_id + n:09d}"
            disbursed = on - timedelta(days=35 + n % 330)
            if disbursed not in schedules:
                schedules[disbursed] = generate_schedule(PRINCIPAL, product.annual_rate, 12,
                                                         product.repayment_method, disbursed)
            rows = schedules[disbursed]
            # Overdue loans never paid; the others paid what falls due over the next month too,
            # so the share overdue stays as asked while the benchmark closes a few more dates.
            overdue = every and n % every == 0
            paid_rows = _installments(loan_id, rows, disbursed if overdue else on + timedelta(days=31))
            entries, outstanding = _ledger(loan_id, number, paid_rows, disbursed)
            applications.append({"id": application_id, "number": number, "customer_id": customer_id,
                                 "product_code": product_code, "amount": PRINCIPAL, "term_months": 12,
                                 "purpose": "benchmark", "status": "disbursed", "created_at": clock.now()})
            loans.append({"id": loan_id, "application_id": application_id, "business_key": number,
                          "customer_id": customer_id, "product_code": product_code, "principal": PRINCIPAL,
                          "annual_rate": product.annual_rate, "term_months": 12,
                          "repayment_method": product.repayment_method, "disbursed_on": disbursed,
                          "maturity_date": rows[-1].due_date, "status": "active", "due_day": disbursed.day,
                          "penalty_rate_multiplier": product.penalty_rate_multiplier, "product_version": 1,
                          "outstanding_principal": outstanding, "dpd": 0, "classification": "normal",
                          "accrued_penalty": Decimal("0.00"), "inspections_done": 1,
                          "last_inspected_on": on - timedelta(days=1), "recovered_amount": Decimal("0.00")})
            installments += paid_rows
            postings += entries
            ids.append(loan_id)
        db.session.execute(db.insert(LoanApplication), applications)
        db.session.execute(db.insert(Loan), loans)
        db.session.execute(db.insert(Installment), installments)
        db.session.execute(db.insert(LedgerEntry), postings)
        db.session.commit()
    if db.engine.dialect.name == "postgresql":  # explicit ids: move the sequences past them
        for table in ("loan", "loan_application"):
            db.session.execute(db.text(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))"))
        db.session.commit()
    return ids
