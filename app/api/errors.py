"""Every API error leaves as {"error": {"code", "message", "details"}}; never a traceback."""
import logging
import uuid

from flask import jsonify, request
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from ..errors import AppError, TooManyRequests

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5


def error_response(status, code, message, details=None):
    response = jsonify({"error": {"code": code, "message": message, "details": details or {}}})
    response.status_code = status
    return response


def _field_messages(messages):
    """webargs reports {"json": {field: [...]}}; callers want {field: [...]}."""
    flat = {}
    for location, fields in (messages or {}).items():
        if isinstance(fields, dict):
            flat.update(fields)
        else:
            flat[location] = fields if isinstance(fields, list) else [str(fields)]
    return flat


def _malformed_json():
    try:
        return request.is_json and request.get_json(silent=True) is None
    except (HTTPException, RecursionError):  # unreadable or absurdly nested: not a syntax slip
        return False


def register_error_handlers(app):
    def handle_http_exception(error):
        if not request.path.startswith("/api"):
            from ..web.errors import render_http_error
            return render_http_error(error)
        data = getattr(error, "data", None) or {}
        if error.code == 422 and "messages" in data:
            return error_response(422, "validation_failed", "the request has invalid fields",
                                  _field_messages(data["messages"]))
        code = (error.name or "error").lower().replace(" ", "_")
        if error.code == 400 and _malformed_json():
            return error_response(400, "malformed_json", "the request body is not valid JSON")
        response = error_response(error.code or 500, code, error.description or error.name)
        for name, value in error.get_headers():  # e.g. Allow on a 405, as RFC 9110 requires
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    app.register_error_handler(HTTPException, handle_http_exception)

    @app.errorhandler(AppError)
    def handle_app_error(error):
        if request.path.startswith("/api"):
            response = error_response(error.status, error.code, error.message, error.details)
            if isinstance(error, TooManyRequests):
                response.headers["Retry-After"] = str(error.retry_after)
            return response
        from ..web.errors import render_app_error
        return render_app_error(error)

    @app.errorhandler(Exception)
    def handle_unexpected(error):
        if isinstance(error, (OperationalError, InterfaceError)):
            # The database cannot be reached (a restart, a failover): say so, and when to retry.
            log.warning("database unavailable on %s %s: %s", request.method, request.path, error.orig)
            if request.path.startswith("/api"):
                response = error_response(503, "database_unavailable",
                                          "the database cannot be reached; try again in a moment")
            else:
                from ..web.errors import render_unavailable
                response = render_unavailable()
            response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response
        # A fault of ours: the traceback goes to the log under an id the user can quote, never to them.
        incident = uuid.uuid4().hex[:12]
        log.error("incident %s: unexpected error on %s %s", incident, request.method, request.path, exc_info=error)
        if request.path.startswith("/api"):
            return error_response(500, "internal_error",
                                  f"something went wrong; nothing was saved; incident {incident}",
                                  {"incident_id": incident})
        from ..web.errors import render_unexpected
        return render_unexpected(incident)
