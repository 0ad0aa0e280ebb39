"""Incidents: steps of scheduled jobs that failed for one instance, and what supervisors and
designers do about them."""
from flask_smorest import Blueprint

from .. import incidents as handling
from .schemas import CancelIncidentRequest, IncidentArgs, IncidentSchema
from .security import AUTHENTICATED, current_actor, rule

blp = Blueprint("incidents", __name__, description="Incidents: a timer or job step that failed, to retry or cancel")


@blp.route("/incidents", methods=["GET"])
@rule(AUTHENTICATED)  # the role flags decide (overseeing queues, designing processes), checked by app/incidents
@blp.arguments(IncidentArgs, location="query")
@blp.response(200, IncidentSchema(many=True))
def list_incidents(args):
    return handling.list_incidents(current_actor(), args["status"], args.get("business_key"))


@blp.route("/incidents/<int:incident_id>/retry", methods=["POST"])
@rule(AUTHENTICATED)
@blp.response(200, IncidentSchema)
def retry_incident(incident_id):
    """Run the failed step again: resolved, or still open with one more attempt and the new error."""
    return handling.retry_incident(incident_id, current_actor())


@blp.route("/incidents/<int:incident_id>/cancel", methods=["POST"])
@rule(AUTHENTICATED)
@blp.arguments(CancelIncidentRequest, required=False)
@blp.response(200, IncidentSchema)
def cancel_incident(body, incident_id):
    """Terminate the process instance the incident is on; 409 when it is on none (retry it instead)."""
    return handling.cancel_incident(incident_id, current_actor(), (body or {}).get("reason"))
