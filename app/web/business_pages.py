"""Starting business in the browser: "发起业务" lists what the user may start (from the deployed
definitions' start lanes), the application wizard, and the loan page's repayment entry and
write-off request."""
from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from .. import loan_cases
from ..documents.service import MAX_BYTES, store_document
from ..errors import AppError, ValidationFailed
from ..extensions import db
from ..inbox import service
from ..inbox.forms import load_form
from ..loans.lookup import get_loan
from ..loans.models import Customer, Product
from ..money import parse_money
from ..workflow.definitions import latest_definitions
from .access import roles_required
from .formrender import form_fields, submitted_data
from .messages import flash_refusal
from .pages import actor, bp

# Processes with a page of their own; every other startable process gets its start form.
OWN_PAGES = {"loan_application": "web.application_new"}
COLLATERAL_ROWS = GUARANTOR_ROWS = 2


def startable():
    """(definition, page) for each deployed process whose start lane the user holds."""
    roles = actor().roles
    return [(d, OWN_PAGES.get(d.key)) for d in sorted(latest_definitions(), key=lambda d: d.key)
            if set(d.summary.get("start_roles", [])) & roles]


@bp.route("/start")
@login_required
def start_list():
    return render_template("start.html", processes=startable())


@bp.route("/start/<key>", methods=["GET", "POST"])
@login_required
def start_process(key):
    definition = next((d for d, _page in startable() if d.key == key), None)
    if definition is None:
        abort(403)
    start_form = definition.summary.get("start_form")
    schema = load_form(start_form, definition.form_versions) if start_form else {"properties": {}}
    values, errors = {}, {}
    if request.method == "POST":
        values = submitted_data(schema, request.form)
        try:
            instance, _created = service.start_process(key, values, actor())
        except ValidationFailed as err:
            db.session.rollback()
            errors = err.details
        else:
            flash(_("Started: %(name)s", name=definition.name), "ok")
            return redirect(url_for("web.case_page", business_key=instance.business_key))
    return render_template("start_form.html", definition=definition, schema=schema,
                           fields=form_fields(schema, values, errors)), 422 if errors else 200


def _rows(form, prefix, names, count, chosen=()):
    """The filled rows of a repeated group; a choice that always has a value (`chosen`) does not fill a row."""
    rows = []
    for n in range(count):
        row = {name: (form.get(f"{prefix}_{n}_{name}") or "").strip() for name in names}
        if any(value for name, value in row.items() if name not in chosen):
            rows.append(row)
    return rows


def _application_body(form, errors):
    body = {"customer_id": form.get("customer_id", type=int), "product_code": form.get("product_code") or "",
            "term_months": form.get("term_months", type=int), "purpose": (form.get("purpose") or "").strip()}
    try:
        body["amount"] = parse_money((form.get("amount") or "").strip())
    except ValueError:
        errors["amount"] = [_("Give an amount such as 1234.56")]
    for name in ("customer_id", "term_months", "purpose"):
        if not body[name]:
            errors[name] = ["is required"]
    body["collateral"] = []
    for n, row in enumerate(_rows(form, "collateral", ("type", "description", "value"), COLLATERAL_ROWS, ("type",))):
        item = {"type": row["type"] or "mortgage", "description": row["description"]}
        try:
            if row["value"]:
                item["value"] = parse_money(row["value"])
        except ValueError:
            errors[f"collateral.{n}.value"] = [_("Give an amount such as 1234.56")]
        body["collateral"].append(item)
    body["guarantors"] = [{k: v for k, v in row.items() if v} for row in
                          _rows(form, "guarantor", ("name", "id_number", "phone"), GUARANTOR_ROWS)]
    return body


@bp.route("/applications/new", methods=["GET", "POST"])
@roles_required("loan_officer")
def application_new():
    customer = db.session.get(Customer, request.values.get("customer_id", type=int) or 0)
    found = db.session.execute(db.select(Customer).where(Customer.name.contains(
        request.args["q"].strip(), autoescape=True)).limit(20)).scalars().all() if request.args.get("q") else []
    offered = db.session.execute(db.select(Product).where(Product.active).order_by(Product.code)).scalars().all()
    errors = {}
    if request.method == "POST":
        body = _application_body(request.form, errors)
        try:
            if errors:
                raise ValidationFailed("the application has invalid fields", errors)
            application = loan_cases.submit_application(body, actor())
        except ValidationFailed as err:
            db.session.rollback()
            errors = err.details
        else:
            flash(_("Application %(number)s submitted.", number=application.number), "ok")
            return redirect(url_for("web.case_page", business_key=application.number))
    return render_template("application_new.html", customer=customer, found=found, products=offered,
                           values=request.form, errors=errors, collateral_rows=COLLATERAL_ROWS,
                           guarantor_rows=GUARANTOR_ROWS), 422 if errors else 200


@bp.route("/loans/<int:loan_id>/repayments", methods=["POST"])
@roles_required("cashier")
def enter_repayment(loan_id):
    errors = {}
    try:
        amount = parse_money((request.form.get("amount") or "").strip())
    except ValueError:
        errors["amount"] = [_("Give an amount such as 1234.56")]
    try:
        paid_on = date.fromisoformat(request.form.get("paid_on") or "")
    except ValueError:
        errors["paid_on"] = [_("Give the day the money arrived")]
    try:
        if errors:
            raise ValidationFailed("the repayment has invalid fields", errors)
        loan_cases.record_repayment(loan_id, amount, paid_on, actor(), None,
                                    request.form.get("prepayment_choice") or None,
                                    (request.form.get("overpayment_reason") or "").strip() or None)
    except AppError as err:
        db.session.rollback()
        flash_refusal(err)
        return redirect(url_for("web.loan_page", loan_id=loan_id, form="repayment", **request.form.to_dict()))
    flash(_("Repayment entered; finance confirms it in the inbox."), "ok")
    return redirect(url_for("web.loan_page", loan_id=loan_id))


@bp.route("/loans/<int:loan_id>/write-off", methods=["POST"])
@roles_required("risk_officer")
def request_write_off(loan_id):
    request.max_content_length = MAX_BYTES + 64 * 1024  # before the body is read: evidence may be 20 MB
    loan = get_loan(loan_id)
    evidence = request.files.get("evidence_file")
    reason, note = (request.form.get("reason") or "").strip(), (request.form.get("evidence") or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = ["is required"]
    if evidence is None or not evidence.filename:
        errors["evidence_file"] = [_("Attach the evidence (PDF, picture or office file)")]
    try:
        if errors:
            raise ValidationFailed("the request has invalid fields", errors)
        store_document(loan.business_key, "evidence", evidence.filename, evidence.read(), actor().username)
        loan_cases.request_write_off(loan_id, reason, note or evidence.filename, actor())
    except AppError as err:
        db.session.rollback()
        flash_refusal(err)
        return redirect(url_for("web.loan_page", loan_id=loan_id, form="write_off"))
    flash(_("Write-off requested; risk, finance and the committee decide in their inboxes."), "ok")
    return redirect(url_for("web.case_page", business_key=loan.business_key))
