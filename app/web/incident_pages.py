"""/incidents: steps of scheduled jobs that failed for one instance, each with retry and cancel."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..errors import AppError
from ..incidents import cancel_incident, handles_incidents, list_incidents, retry_incident
from .access import allowed_when, local_target
from .messages import flash_refusal
from .pages import actor, bp


def _back():
    """Where the button was pressed: this list, or the case page."""
    return redirect(local_target(request.form.get("next"), url_for("web.incidents_page")))


@bp.route("/incidents")
@allowed_when(handles_incidents)
def incidents_page():
    return render_template("incidents.html", incidents=list_incidents(actor()))


@bp.route("/incidents/<int:incident_id>/retry", methods=["POST"])
@allowed_when(handles_incidents)
def incident_retry(incident_id):
    try:
        incident = retry_incident(incident_id, actor())
    except AppError as err:
        flash_refusal(err)
    else:
        if incident.status == "resolved":
            flash(_("The step ran again and the incident is resolved."), "ok")
        else:
            flash(_("The step failed again: %(error)s", error=incident.error), "error")
    return _back()


@bp.route("/incidents/<int:incident_id>/cancel", methods=["POST"])
@allowed_when(handles_incidents)
def incident_cancel(incident_id):
    try:
        cancel_incident(incident_id, actor(), request.form.get("reason") or None)
    except AppError as err:
        flash_refusal(err)
    else:
        flash(_("The process was cancelled and its open tasks with it."), "ok")
    return _back()
