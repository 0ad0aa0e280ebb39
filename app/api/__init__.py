"""The JSON API under /api, documented at /api/openapi.json."""
from flask_smorest import Api

from ..extensions import csrf
from .errors import register_error_handlers

api = Api()


def init_api(app):
    api.init_app(app, spec_kwargs={"components": {"securitySchemes": {
        "bearer": {"type": "http", "scheme": "bearer"}}}, "security": [{"bearer": []}]})
    from . import auth_routes, customers, designer, loans, processes, supervision, tasks
    for module in (auth_routes, processes, designer, tasks, supervision, customers, loans):
        csrf.exempt(module.blp)  # token-authenticated: no cookies, so no CSRF
        api.register_blueprint(module.blp, url_prefix="/api")
    register_error_handlers(app)
