"""/products: the loan products and their versions; admins create and change them."""
from decimal import Decimal, InvalidOperation

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from ..errors import AppError, ValidationFailed
from ..extensions import db
from ..loans import products
from ..loans.models import Product
from ..loans.schedule import REPAYMENT_METHODS
from ..money import parse_money
from ..transaction import transactional
from .access import roles_required
from .pages import actor, bp

WHOLE_NUMBERS = ("min_term_months", "max_term_months", "grace_days")
AMOUNTS = ("min_amount", "max_amount", "penalty_rate_multiplier")


def _terms_from(form):
    """The form's fields as terms, with a message per field that is not what it should be."""
    terms, errors = {"name": form.get("name", "").strip(), "repayment_method": form.get("repayment_method"),
                     "prepayment_rule": form.get("prepayment_rule"), "active": form.get("active") == "on"}, {}
    try:
        rate = Decimal(form.get("rate_percent", "").strip())
    except InvalidOperation:
        rate = None
    if rate is not None and rate.is_finite():  # NaN would make every comparison of the terms raise
        terms["annual_rate"] = rate / 100
    else:
        errors["annual_rate"] = [_("Give the annual rate in percent, e.g. 6.5")]
    for name in AMOUNTS:
        try:
            terms[name] = parse_money(form.get(name, "").strip())
        except ValueError:
            errors[name] = [_("Give an amount such as 1234.56")]
    for name in WHOLE_NUMBERS:
        value = form.get(name, "").strip()
        if not value.isascii() or not value.isdigit():
            errors[name] = [_("Give a whole number")]
        else:
            terms[name] = int(value)
    if not terms["name"]:
        errors["name"] = [_("Give the product a name")]
    if errors:
        raise ValidationFailed(_("Some terms are missing or wrong."), errors)
    return terms


def _render(product, values, errors=None, status=200):
    return render_template("product.html", product=product, values=values, errors=errors or {},
                           methods=REPAYMENT_METHODS, rules=products.PREPAYMENT_RULES), status


@bp.route("/products")
@login_required
def product_list():
    return render_template("products.html", products=db.session.execute(
        db.select(Product).order_by(Product.code)).scalars().all())


@bp.route("/products/new", methods=["GET", "POST"])
@roles_required("admin")
def product_new():
    if request.method == "GET":
        return _render(None, {"penalty_rate_multiplier": "1.5", "grace_days": "0", "active": True})
    code = request.form.get("code", "").strip().upper()
    try:
        product = transactional(products.create_product)(code, _terms_from(request.form), actor().username)
    except AppError as err:
        db.session.rollback()
        return _render(None, request.form, err.details or {"code": [err.message]}, err.status)
    flash(_("Product %(code)s created.", code=product.code), "ok")
    return redirect(url_for("web.product_page", code=code))


@bp.route("/products/<code>", methods=["GET", "POST"])
@login_required
def product_page(code):
    product = db.get_or_404(Product, code)
    if request.method == "GET":
        return _render(product, {"rate_percent": (product.annual_rate * 100).normalize(), **{
            term: getattr(product, term) for term in products.TERMS}})
    if "admin" not in actor().roles:
        abort(403)
    try:
        changed = transactional(products.change_product)(code, _terms_from(request.form), actor().username)
    except AppError as err:
        db.session.rollback()
        return _render(db.session.get(Product, code), request.form, err.details, err.status)
    flash(_("Saved as version %(version)s. Loans already applied for keep their terms.", version=changed.version), "ok")
    return redirect(url_for("web.product_page", code=code))
