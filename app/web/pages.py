"""The staff pages. Each POST calls one service function, like the API does."""
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from .. import clock
from ..auth import service as auth
from ..documents.models import Document
from ..documents.service import KINDS as DOCUMENT_KINDS
from ..errors import AppError, Conflict, Forbidden, TooManyRequests, ValidationFailed
from ..extensions import db
from ..inbox import queries, service, supervision
from ..inbox.forms import task_form
from ..inbox.models import Notification, Substitution
from ..inbox.trail import case_trail
from ..loans.models import Customer, Loan
from ..money import parse_money
from ..workflow.definitions import latest_definitions
from .access import local_target
from .formrender import form_fields, submitted_data
from .messages import flash_refusal

bp = Blueprint("web", __name__, template_folder="templates")
# The inbox's tabs: (scope, status). The first is the default: the work there is to do.
TABS = {"todo": ("todo", "open"), "mine": ("mine", "open"), "claimable": ("role", "open"), "all": ("all", "open"),
        "done": ("mine", "completed")}
PER_PAGE = 20
# Who sees the book's key figures on the home page; collectors see their collection list instead.
MANAGING_ROLES = frozenset({"branch_manager", "supervisor", "risk_officer", "credit_committee", "finance_manager",
                            "admin"})
COLLECTION_PROCESS = "collection_escalation"


def actor():
    return auth.actor_of(current_user)


def too_many_attempts(refusal):
    message = _("Too many failed log-in attempts. Please try again later.")
    response = make_response(render_template("login.html", error=message), 429)
    response.headers["Retry-After"] = str(refusal.retry_after)
    return response


@bp.route("/login", methods=["GET", "POST"])
def login():
    error = None
    if request.method == "POST":
        try:
            user = auth.authenticate(request.form.get("username"), request.form.get("password"), request.remote_addr)
        except TooManyRequests as refusal:
            return too_many_attempts(refusal)
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
    """What matters to the person: their queue and their overdue work; the book's figures for those
    who manage it; the collection list for collectors; their messages."""
    me, now = actor(), clock.now()
    mine, claimable = queries.open_count(me)
    overdue = queries.count(queries.task_query(me, "mine", due_before=now))
    notes = db.session.execute(db.select(Notification).where(Notification.recipient == current_user.username)
                               .order_by(Notification.read_at.is_not(None), Notification.id.desc())
                               .limit(10)).scalars().all()
    substitutions = db.session.execute(db.select(Substitution).where(
        Substitution.username == current_user.username, Substitution.ends_at > now)).scalars().all()
    collection = queries.list_tasks(me, per_page=10, scope="todo", process_key=COLLECTION_PROCESS, sort="amount",
                                    order="desc")[0] if "collector" in me.roles else []
    return render_template("home.html", mine=mine, claimable=claimable, overdue=overdue, notes=notes,
                           figures=key_figures() if me.roles & MANAGING_ROLES else None, collection=collection,
                           substitutions=substitutions, business_date=clock.business_date())


@bp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@login_required
def read_notification(notification_id):
    supervision.mark_read(notification_id, actor())
    return redirect(url_for("web.home"))


@bp.route("/notifications/read", methods=["POST"])
@login_required
def read_all_notifications():
    supervision.mark_all_read(actor())
    return redirect(url_for("web.home"))


def _inbox_filters(args):
    """The inbox's filters from the query string; a value that does not read is left out."""
    filters = {"process_key": args.get("process_key") or None, "search": (args.get("search") or "").strip() or None,
               "sort": args.get("sort") if args.get("sort") in ("created_at", "due_at", "amount") else "created_at",
               "order": "desc" if args.get("order") == "desc" else "asc"}
    for name in ("range_min", "range_max"):
        try:
            filters[name] = parse_money(args[name].strip()) if args.get(name) else None
        except ValueError:
            filters[name] = None
    try:
        filters["due_before"] = datetime.combine(date.fromisoformat(args["due_before"]), time.max,
                                                 clock.business_timezone()) if args.get("due_before") else None
    except ValueError:
        filters["due_before"] = None
    return filters


@bp.route("/inbox")
@login_required
def inbox():
    me = actor()
    tabs = {k: v for k, v in TABS.items() if k != "all" or me.sees_all}
    tab = request.args.get("tab", "todo")
    tab = tab if tab in tabs else "todo"
    scope, status = tabs[tab]
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    filters = _inbox_filters(request.args)
    counts = queries.tab_counts(me, tabs)
    tasks, total = queries.list_tasks(me, page=page, per_page=PER_PAGE, scope=scope, status=status,
                                      total=None if queries.narrows(filters) else counts[tab], **filters)
    now, listed = clock.now(), min(total, queries.count_limit())
    return render_template("inbox.html", tab=tab, tabs=tabs, counts=counts, tasks=tasks,
                           total=total, page=page, pages=max((listed + PER_PAGE - 1) // PER_PAGE, 1),
                           args=request.args, now=now, processes=latest_definitions(),
                           soon=now + timedelta(hours=current_app.config["INBOX_DUE_SOON_HOURS"]))


def render_task(task, values=None, errors=None, status=200):
    """The task's form opens with what its process hands it (formValues) and nothing else of the
    case; an owner confirming a delegation sees what the delegate entered."""
    schema = task_form(task)
    if values is None:
        values = task.proposed_data if task.delegation_state == "resolved" else task.form_values
    fields = form_fields(schema, values or {}, errors) if schema else []
    documents = db.session.execute(db.select(Document).where(Document.business_key == task.business_key)
                                   .order_by(Document.id)).scalars().all() if task.business_key else []
    return render_template("task.html", task=task, schema=schema, fields=fields, columns=task.column_values,
                           trail=case_trail(task.business_key) if task.business_key else [],
                           documents=documents, document_kinds=DOCUMENT_KINDS, business_key=task.business_key,
                           upload_task_id=task.id if task.status == "open" else None,
                           mine=task.assignee == current_user.username), status


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
        flash_refusal(err)
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
    schema = task_form(task) or {"properties": {}}
    data = submitted_data(schema, request.form)
    try:
        done, _created = service.complete_task(task_id, actor(), data)
    except ValidationFailed as err:
        db.session.rollback()
        return render_task(service.get_task(task_id), values=data, errors=err.details, status=422)
    except (Forbidden, Conflict) as err:
        flash_refusal(err)
        return render_task(service.get_task(task_id), values=data, status=err.status)
    flash(_("Completed: %(name)s", name=done.name), "ok")
    return redirect(url_for("web.inbox"))


@bp.route("/tasks/<int:task_id>/delegate", methods=["POST"])
@login_required
def delegate(task_id):
    try:
        supervision.delegate_task(task_id, actor(), request.form.get("username", "").strip(), request.form.get("reason"))
    except AppError as err:
        flash_refusal(err)
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
        flash_refusal(err)
    else:
        flash(_("Substitute saved."), "ok")
    return redirect(url_for("web.home"))
