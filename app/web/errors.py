"""Error pages: a clear message, never a traceback."""
from flask import render_template


def render_app_error(error):
    return render_template("error.html", status=error.status, message=error.message,
                           details=error.details), error.status


def render_http_error(error):
    return render_template("error.html", status=error.code, message=None, details={}), error.code


def render_unexpected(incident):
    return render_template("error.html", status=500, message=None, details={}, incident=incident), 500


def render_unavailable():
    from flask import make_response
    return make_response(render_template("error.html", status=503, message=None, details={}), 503)
