"""/customers: the customer registry — search, register, change (audited), and each customer's
applications, loans, guarantees and documents."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from ..documents.models import Document
from ..errors import ValidationFailed
from ..extensions import db
from ..loans import customers
from ..loans.models import Customer, Guarantor, Loan, LoanApplication
from ..money import parse_money
from ..transaction import transactional
from .access import local_target, roles_required
from .pages import actor, bp

REGISTRARS = customers.REGISTERING_ROLES
PER_PAGE = 20
ACCOUNT_ROWS = 2


def customer_fields(form, errors):
    """The customer form's fields as the domain takes them; money read by the one money parser."""
    values = {name: (form.get(name) or "").strip() for name in ("name", "phone", "address", "employer", "industry")}
    for name in customers.MONEY_FIELDS:
        raw = (form.get(name) or "").strip()
        try:
            values[name] = parse_money(raw) if raw else None
        except ValueError:
            errors[name] = [_("Give an amount such as 1234.56")]
    rows = [{"bank_name": form.get(f"account_{n}_bank", "").strip(),
             "account_number": form.get(f"account_{n}_number", "").strip(),
             "purpose": form.get(f"account_{n}_purpose", "both")} for n in range(ACCOUNT_ROWS)]
    values["accounts"] = [row for row in rows if row["bank_name"] or row["account_number"]]
    return values


def _form_values(customer):
    values = {name: getattr(customer, name) or "" for name in ("name", "phone", "address", "employer", "industry",
                                                               *customers.MONEY_FIELDS)}
    for n, account in enumerate(customer.accounts[:ACCOUNT_ROWS]):
        values |= {f"account_{n}_bank": account.bank_name, f"account_{n}_number": account.account_number,
                   f"account_{n}_purpose": account.purpose}
    return values


@bp.route("/customers")
@login_required
def customer_list():
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    query = customers.search_customers(request.args.get("q"), request.args.get("type") or None)
    total = db.session.execute(db.select(db.func.count()).select_from(query.subquery())).scalar_one()
    rows = db.session.execute(query.limit(PER_PAGE).offset((page - 1) * PER_PAGE)).scalars().all()
    return render_template("customers.html", customers=rows, total=total, page=page,
                           pages=max((total + PER_PAGE - 1) // PER_PAGE, 1), args=request.args)


@bp.route("/customers/new", methods=["GET", "POST"])
@roles_required(*REGISTRARS)
def customer_new():
    if request.method == "GET":
        return render_template("customer_form.html", customer=None, values={"type": "individual"}, errors={})
    errors = {}
    values = customer_fields(request.form, errors)
    try:
        if errors:
            raise ValidationFailed("the customer has invalid fields", errors)
        customer = transactional(customers.create_customer)(
            request.form.get("type"), values.pop("name"), request.form.get("id_number", "").strip(),
            values.pop("phone"), actor=actor().username, **values)
    except ValidationFailed as err:
        return render_template("customer_form.html", customer=None, values=request.form, errors=err.details), 422
    flash(_("Customer %(name)s registered.", name=customer.name), "ok")
    return redirect(local_target(request.args.get("next"), url_for("web.customer_page", customer_id=customer.id)))


@bp.route("/customers/<int:customer_id>", methods=["GET", "POST"])
@login_required
def customer_page(customer_id):
    customer = db.get_or_404(Customer, customer_id)
    errors, values = {}, _form_values(customer)
    if request.method == "POST":
        if not actor().roles & set(REGISTRARS):
            abort(403)
        values = customer_fields(request.form, errors)
        try:
            if errors:
                raise ValidationFailed("the customer has invalid fields", errors)
            transactional(customers.update_customer)(customer_id, values, actor().username)
        except ValidationFailed as err:
            errors, values = err.details, request.form
        else:
            flash(_("Saved."), "ok")
            return redirect(url_for("web.customer_page", customer_id=customer_id))
    applications = db.session.execute(db.select(LoanApplication).where(
        LoanApplication.customer_id == customer_id).order_by(LoanApplication.id.desc())).scalars().all()
    loans = db.session.execute(db.select(Loan).where(Loan.customer_id == customer_id)
                               .order_by(Loan.id.desc())).scalars().all()
    guarantees = db.session.execute(db.select(LoanApplication).join(Guarantor).where(
        Guarantor.id_number == customer.id_number)).scalars().all()
    documents = db.session.execute(db.select(Document).where(Document.business_key.in_(
        [a.number for a in applications])).order_by(Document.id)).scalars().all()
    return render_template("customer.html", customer=customer, values=values, errors=errors,
                           applications=applications, loans=loans, guarantees=guarantees, documents=documents,
                           editable=bool(actor().roles & set(REGISTRARS))), 422 if errors else 200
