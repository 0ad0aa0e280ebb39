"""Bearer-token authentication and the role rule every API endpoint declares."""
import functools

from flask import g, request

from ..auth import service as auth
from ..errors import Forbidden

PUBLIC = "public"
AUTHENTICATED = "authenticated"


def rule(*roles):
    """Declare who may call an endpoint: PUBLIC, AUTHENTICATED, or role codes (any of them).

    The rule is kept on the view so a test can walk the URL map and find endpoints without one.
    """
    def decorate(view):
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            if PUBLIC not in roles:
                user = current_api_user()
                if AUTHENTICATED not in roles and not (user.role_codes & set(roles)):
                    raise Forbidden(f"this needs one of the roles {sorted(roles)}",
                                    {"roles": sorted(roles)}, code="wrong_role")
            return view(*args, **kwargs)
        guarded.access_rule = roles
        return guarded
    return decorate


def current_api_user():
    if "api_user" not in g:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            raise auth.Unauthorized("send Authorization: Bearer <token>")
        g.api_user = auth.user_for_token(header[len("Bearer "):].strip())
    return g.api_user


def current_actor():
    return auth.actor_of(current_api_user())
