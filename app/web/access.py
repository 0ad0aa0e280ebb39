"""Role checks for pages, mirroring the API's rules."""
import functools
from urllib.parse import urlsplit

from flask import abort, current_app
from flask_login import current_user, login_required


def local_target(target, default):
    """Where to go next: `target` if it is a path on this site, else `default` (no open redirect).

    Browsers drop tabs and line breaks from a URL and read a backslash as a slash, so a next page
    of "/", a tab, then "/evil.example" would leave the site: any such character refuses it.
    """
    if not target or any(ch in target for ch in "\\\t\r\n") or not target.isprintable():
        return default
    parts = urlsplit(target)
    return target if target.startswith("/") and not target.startswith("//") and not parts.netloc \
        and not parts.scheme else default


def roles_required(*roles):
    def decorate(view):
        @functools.wraps(view)
        @login_required
        def guarded(*args, **kwargs):
            if not current_user.role_codes & set(roles):
                abort(403)
            return view(*args, **kwargs)
        guarded.required_roles = frozenset(roles)  # what the menu reads: only pages the user may open
        return guarded
    return decorate


def allowed_when(check):
    """Guard a page with `check(user)`, e.g. a role flag rather than role codes; the menu reads it too."""
    def decorate(view):
        @functools.wraps(view)
        @login_required
        def guarded(*args, **kwargs):
            if not check(current_user):
                abort(403)
            return view(*args, **kwargs)
        guarded.allowed_for = check
        return guarded
    return decorate


def may_open(endpoint):
    """Whether the signed-in user may open a page: it exists and they hold one of its roles."""
    view = current_app.view_functions.get(endpoint)
    if view is None or not current_user.is_authenticated:
        return False
    if getattr(view, "allowed_for", None):
        return view.allowed_for(current_user)
    required = getattr(view, "required_roles", None)
    return required is None or bool(current_user.role_codes & required)
