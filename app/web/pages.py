"""The staff pages. Each POST calls one service function, like the API does."""
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from .. import clock
from ..auth import service as auth
from ..auth.models import Role
from ..errors import AppError, Conflict, Forbidden, ValidationFailed
from ..extensions import db
from ..inbox import queries, service, supervision
from ..inbox.forms import load_form
from ..inbox.models import Notification, Substitution
from ..inbox.trail import case_trail
from ..loans.models import Customer, Loan
from ..loans.repayments import payoff_amount
from .access import local_target
from .formrender import form_fields, submitted_data

bp = Blueprint("web", __name__, template_folder="templates")
TABS = {"mine": ("mine", "open"), "claimable": ("role", "open"), "all": ("all", "open"), "done": ("mine", "completed")}


def actor():
    return auth.actor_of(current_user)


def role_names():
    return {r.code: r.name_zh for r in db.session.execute(db.select(Role)).scalars()}


def too_many_attempts(_limit):
    message = _("Too many failed log-in attempts. Please try again later.")
    return make_response(render_template("login.html", error=message), 429)


@bp.route("/login", methods=["GET", "POST"])
@auth.login_throttle(on_breach=too_many_attempts)
def login():
    error = None
    if request.method == "POST":
        try:
            user = auth.authenticate(request.form.get("username"), request.form.get("password"))
        except auth.Unauthorized:
            error = _("Wrong username or password.")
        else:
            login_user(user)
            return redirect(local_target(request.args.get("next"), url_for("web.home")))
    return render_template("login.html", error=error), 401 if error else 200


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    return redirect(url_for("web.login"))


def key_figures():
    active = db.select(Loan).where(Loan.status == "active").subquery()
    outstanding = db.session.execute(db.select(db.func.coalesce(db.func.sum(active.c.outstanding_principal), 0))).scalar_one()
    count = db.session.execute(db.select(db.func.count()).select_from(active)).scalar_one()
    overdue = db.session.execute(db.select(db.func.count()).select_from(active).where(active.c.dpd > 0)).scalar_one()
    return {
        "outstanding": Decimal(outstanding).quantize(Decimal("0.01")),
        "customers": db.session.execute(db.select(db.func.count(Customer.id))).scalar_one(),
        "active_loans": count,
        "overdue_rate": f"{overdue * 100 / count:.1f}%" if count else "0.0%",
    }


@bp.route("/")
@login_required
def home():
    mine, claimable = queries.open_count(actor())
    notes = db.session.execute(db.select(Notification).where(Notification.recipient == current_user.username)
                               .order_by(Notification.id.desc()).limit(10)).scalars().all()
    substitutions = db.session.execute(db.select(Substitution).where(
        Substitution.username == current_user.username, Substitution.ends_at > clock.now())).scalars().all()
    return render_template("home.html", mine=mine, claimable=claimable, figures=key_figures(), notes=notes,
                           substitutions=substitutions, business_date=clock.business_date())


@bp.route("/inbox")
@login_required
def inbox():
    tab = request.args.get("tab", "mine")
    if tab not in TABS or (tab == "all" and not actor().sees_all):
        tab = "mine"
    scope, status = TABS[tab]
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    filters = {k: request.args.get(k) or None for k in ("process_key", "business_key")}
    tasks, total = queries.list_tasks(actor(), page=page, per_page=20, scope=scope, status=status, **filters)
    return render_template("inbox.html", tab=tab, tasks=tasks, total=total, page=page, pages=(total + 19) // 20,
                           filters=filters, roles=role_names(), now=clock.now(), sees_all=actor().sees_all)


def render_task(task, values=None, errors=None, status=200):
    """The task's form opens with what its process hands it (formValues) and nothing else of the
    case; an owner confirming a delegation sees what the delegate entered."""
    schema = load_form(task.form) if task.form else None
    if values is None:
        values = task.proposed_data if task.delegation_state == "resolved" else task.form_values
    fields = form_fields(schema, values or {}, errors) if schema else []
    return render_template("task.html", task=task, schema=schema, fields=fields, columns=task.column_values,
                           trail=case_trail(task.business_key) if task.business_key else [],
                           roles=role_names(), mine=task.assignee == current_user.username), status


@bp.route("/tasks/<int:task_id>")
@login_required
def task_page(task_id):
    task = service.get_task(task_id)
    service.require_visible(task, actor())
    return render_task(task)


def _task_action(task_id, action, done_message):
    try:
        action()
    except (Forbidden, Conflict) as err:
        flash(err.message, "error")
        task = service.get_task(task_id)
        service.require_visible(task, actor())
        return render_task(task, status=err.status)
    flash(done_message, "ok")
    return redirect(url_for("web.task_page", task_id=task_id))


@bp.route("/tasks/<int:task_id>/claim", methods=["POST"])
@login_required
def claim(task_id):
    return _task_action(task_id, lambda: service.claim_task(task_id, actor()), _("Task claimed."))


@bp.route("/tasks/<int:task_id>/release", methods=["POST"])
@login_required
def release(task_id):
    return _task_action(task_id, lambda: service.release_task(task_id, actor()), _("Task released."))


@bp.route("/tasks/<int:task_id>/complete", methods=["POST"])
@login_required
def complete(task_id):
    task = service.get_task(task_id)
    schema = load_form(task.form) if task.form else {"properties": {}}
    data = submitted_data(schema, request.form)
    try:
        done, _created = service.complete_task(task_id, actor(), data)
    except ValidationFailed as err:
        db.session.rollback()
        return render_task(service.get_task(task_id), values=data, errors=err.details, status=422)
    except (Forbidden, Conflict) as err:
        flash(err.message, "error")
        return render_task(service.get_task(task_id), values=data, status=err.status)
    flash(_("Completed: %(name)s", name=done.name), "ok")
    return redirect(url_for("web.inbox"))


@bp.route("/loans/<int:loan_id>")
@login_required
def loan_page(loan_id):
    loan = db.session.get(Loan, loan_id)
    if loan is None:
        abort(404)
    return render_template("loan.html", loan=loan, customer=db.session.get(Customer, loan.customer_id),
                           business_date=clock.business_date(),
                           payoff=payoff_amount(loan, clock.business_date()) if loan.status == "active" else None)


@bp.route("/tasks/<int:task_id>/delegate", methods=["POST"])
@login_required
def delegate(task_id):
    try:
        supervision.delegate_task(task_id, actor(), request.form.get("username", "").strip(), request.form.get("reason"))
    except AppError as err:
        flash(f"{err.message} {'; '.join(m for v in err.details.values() for m in v)}", "error")
    else:
        flash(_("Delegated. It comes back to you for confirmation."), "ok")
    return redirect(url_for("web.task_page", task_id=task_id))


@bp.route("/substitutions", methods=["POST"])
@login_required
def add_substitution():
    try:
        starts = datetime.fromisoformat(request.form.get("starts_on", "")).replace(tzinfo=timezone.utc)
        ends = datetime.fromisoformat(request.form.get("ends_on", "")).replace(tzinfo=timezone.utc) + timedelta(days=1)
        supervision.set_substitution(actor(), request.form.get("substitute", "").strip(), starts, ends,
                                     request.form.get("reason"))
    except ValueError:
        flash(_("Give the first and last day of the period."), "error")
    except AppError as err:
        flash(f"{err.message} {'; '.join(m for v in err.details.values() for m in v)}", "error")
    else:
        flash(_("Substitute saved."), "ok")
    return redirect(url_for("web.home"))
