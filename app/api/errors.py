"""Every API error leaves as {"error": {"code", "message", "details"}}; never a traceback."""
import logging

from flask import jsonify, request
from werkzeug.exceptions import HTTPException

from ..errors import AppError

log = logging.getLogger(__name__)


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
        return error_response(error.code or 500, code, error.description or error.name)

    app.register_error_handler(HTTPException, handle_http_exception)

    @app.errorhandler(AppError)
    def handle_app_error(error):
        if request.path.startswith("/api"):
            return error_response(error.status, error.code, error.message, error.details)
        from ..web.errors import render_app_error
        return render_app_error(error)

    @app.errorhandler(Exception)
    def handle_unexpected(error):
        log.exception("unexpected error on %s %s", request.method, request.path)
        if request.path.startswith("/api"):
            return error_response(500, "internal_error", "something went wrong; nothing was saved")
        from ..web.errors import render_unexpected
        return render_unexpected()
