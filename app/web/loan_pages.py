"""/loans: the list of loans with search and filters, and each loan's page."""
from flask import render_template, request
from flask_login import login_required

from .. import clock
from ..extensions import db
from ..loans.classification import CLASSES
from ..loans.models import Customer, Loan, LoanApplication, Product
from ..loans.repayments import payoff_amount
from .pages import bp

PER_PAGE = 20
# Days-past-due buckets of the list's filter: (label key, lowest, highest)
DPD_BUCKETS = {"current": (0, 0), "1-30": (1, 30), "31-90": (31, 90), "91-180": (91, 180), "181-360": (181, 360),
               "over-360": (361, None)}
STATUSES = ("active", "closed", "written_off")


def _loan_query(args):
    query = db.select(Loan).join(Customer, Customer.id == Loan.customer_id).join(
        LoanApplication, LoanApplication.id == Loan.application_id)
    text = (args.get("q") or "").strip()
    if text:
        query = query.where(db.or_(Customer.name.contains(text, autoescape=True),
                                   Loan.business_key.contains(text, autoescape=True),
                                   Loan.contract_number.contains(text, autoescape=True)))
    for name, column, allowed in (("status", Loan.status, STATUSES), ("classification", Loan.classification, CLASSES)):
        if args.get(name) in allowed:
            query = query.where(column == args[name])
    if args.get("product"):
        query = query.where(Loan.product_code == args["product"])
    if args.get("officer"):
        query = query.where(LoanApplication.officer == args["officer"])
    if args.get("dpd") in DPD_BUCKETS:
        low, high = DPD_BUCKETS[args["dpd"]]
        query = query.where(Loan.dpd >= low, *([Loan.dpd <= high] if high is not None else []))
    return query.order_by(Loan.dpd.desc() if args.get("sort") == "dpd" else Loan.id.desc())


@bp.route("/loans")
@login_required
def loan_list():
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    query = _loan_query(request.args)
    total = db.session.execute(db.select(db.func.count()).select_from(query.subquery())).scalar_one()
    loans = db.session.execute(query.limit(PER_PAGE).offset((page - 1) * PER_PAGE)).scalars().all()
    officers = db.session.execute(db.select(LoanApplication.officer).join(Loan).distinct()
                                  .order_by(LoanApplication.officer)).scalars().all()
    return render_template("loans.html", loans=loans, total=total, page=page,
                           pages=max((total + PER_PAGE - 1) // PER_PAGE, 1), args=request.args,
                           products=db.session.execute(db.select(Product).order_by(Product.code)).scalars().all(),
                           officers=[o for o in officers if o], buckets=DPD_BUCKETS, statuses=STATUSES,
                           classes=CLASSES)


@bp.route("/loans/<int:loan_id>")
@login_required
def loan_page(loan_id):
    loan = db.get_or_404(Loan, loan_id)
    return render_template("loan.html", loan=loan, customer=db.session.get(Customer, loan.customer_id),
                           business_date=clock.business_date(),
                           payoff=payoff_amount(loan, clock.business_date()) if loan.status == "active" else None)
