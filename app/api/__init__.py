"""The JSON API under /api, documented at /api/openapi.json."""
from apispec import BasePlugin
from flask_smorest import Api
from werkzeug.routing import IntegerConverter

from ..extensions import csrf
from .errors import register_error_handlers
from .fields import MAX_ID, DecimalString, Money
from .schemas import ErrorSchema
from .security import PUBLIC


class IdConverter(IntegerConverter):
    """`<int:…>` in every URL: an id larger than the database's integer columns hold matches no
    route (404) instead of overflowing in the database driver (500)."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002
        super().__init__(url_map, fixed_digits, min, max, signed)


_STATUS = {"BAD_REQUEST": "400", "UNAUTHORIZED": "401", "FORBIDDEN": "403", "NOT_FOUND": "404",
           "CONFLICT": "409", "REQUEST_ENTITY_TOO_LARGE": "413", "TOO_MANY_REQUESTS": "429"}


class ErrorResponses(BasePlugin):
    """Documents the error answers each operation can give, all in the one error shape."""

    def __init__(self, app):
        self.app = app

    def operation_helper(self, path=None, operations=None, rule=None, **kwargs):
        public = PUBLIC in getattr(self.app.view_functions.get(rule.endpoint), "access_rule", ())
        for method, operation in operations.items():
            # A NUL character anywhere, or malformed JSON; no token or a bad one (log-in: wrong password).
            codes = {"BAD_REQUEST", "UNAUTHORIZED"}
            if "requestBody" in operation:
                codes.add("REQUEST_ENTITY_TOO_LARGE")
            if public:
                codes.add("TOO_MANY_REQUESTS")  # the throttled log-in
            else:
                codes.add("FORBIDDEN")  # role, four-eyes, not one's own task
                if "{" in path or method != "get":
                    codes.add("NOT_FOUND")  # an id in the path or the body that does not exist
                if method != "get":
                    codes.add("CONFLICT")  # already done, claimed by someone else, stale state
            responses = operation.setdefault("responses", {})
            for name in sorted(codes, key=_STATUS.get):
                responses.setdefault(_STATUS[name], name)  # a name resolves to #/components/responses


class LoanFlowApi(Api):
    ERROR_SCHEMA = ErrorSchema  # every documented error has the shape app/api/errors.py sends


api = LoanFlowApi()


def init_api(app):
    app.url_map.converters["int"] = IdConverter  # before any route is added, pages included
    api.init_app(app, spec_kwargs={
        "extra_plugins": [ErrorResponses(app)],
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearer": []}]})
    api.register_converter(IdConverter, lambda conv: {"type": "integer", "minimum": 0, "maximum": conv.max})
    api.register_field(Money, "string", "decimal")
    api.register_field(DecimalString, "string", "decimal")
    from . import (
        auth_routes,
        customers,
        designer,
        documents,
        incidents,
        loans,
        processes,
        supervision,
        tasks,
        versions,
    )
    for module in (auth_routes, processes, designer, tasks, supervision, incidents, customers, loans, documents,
                   versions):
        csrf.exempt(module.blp)  # token-authenticated: no cookies, so no CSRF
        api.register_blueprint(module.blp, url_prefix="/api")
    register_error_handlers(app)
