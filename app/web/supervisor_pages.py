"""/supervisor: every queue at a glance, reassign (one or many) and release with a reason."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from .. import clock
from ..errors import AppError
from ..inbox import queries, service, supervision
from .access import roles_required
from .messages import flash_refusal, refusal
from .pages import actor, bp

FILTERS = ("process_key", "role", "assignee", "business_key")


@bp.route("/supervisor")
@roles_required("supervisor")
def supervisor():
    filters = {k: request.args.get(k) or None for k in FILTERS}
    overview = queries.queue_overview(actor(), clock.now(), **filters)
    return render_template("supervisor.html", overview=overview, filters=filters,
                           now=clock.now())


@bp.route("/supervisor/reassign", methods=["POST"])
@roles_required("supervisor")
def supervisor_reassign():
    ids = [int(i) for i in request.form.getlist("task_ids") if i.isdigit()]
    try:
        moved = supervision.bulk_assign(ids, actor(), request.form.get("username", "").strip(),
                                        request.form.get("reason", ""))
    except AppError as err:
        flash(refusal(err.message, err.status), "error")
        for task, reasons in err.details.items():  # what stops each task that could not move
            flash(f"{_('Task')} {task}: {'; '.join(refusal(r) for r in reasons)}", "error")
    else:
        flash(_("Reassigned %(count)d task(s).", count=len(moved)), "ok")
    return redirect(url_for("web.supervisor", **{k: v for k, v in request.args.items() if k in FILTERS}))


@bp.route("/supervisor/release/<int:task_id>", methods=["POST"])
@roles_required("supervisor")
def supervisor_release(task_id):
    try:
        service.release_task(task_id, actor(), request.form.get("reason") or None)
    except AppError as err:
        flash_refusal(err)
    else:
        flash(_("Task released."), "ok")
    return redirect(url_for("web.supervisor"))
