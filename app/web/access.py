"""Role checks for pages, mirroring the API's rules."""
import functools

from flask import abort
from flask_login import current_user, login_required


def local_target(target, default):
    """Where to go next: `target` if it is a path on this site, else `default` (no open redirect)."""
    return target if target and target.startswith("/") and not target.startswith("//") else default


def roles_required(*roles):
    def decorate(view):
        @functools.wraps(view)
        @login_required
        def guarded(*args, **kwargs):
            if not current_user.role_codes & set(roles):
                abort(403)
            return view(*args, **kwargs)
        return guarded
    return decorate
