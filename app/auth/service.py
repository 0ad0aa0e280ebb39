"""Passwords, expiring API tokens, and the inbox's view of a user."""
import hashlib

from flask import current_app, request
from flask_limiter.util import get_remote_address
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from werkzeug.security import check_password_hash, generate_password_hash

from ..errors import AppError
from ..extensions import db, limiter
from ..inbox.actors import Actor
from .models import Role, User


class Unauthorized(AppError):
    status = 401
    code = "unauthorized"


def hash_password(password):
    return generate_password_hash(password)


def find_user(username):
    return db.session.execute(db.select(User).where(User.username == username)).scalar_one_or_none()


def authenticate(username, password):
    user = find_user(username or "")
    if user is None or not user.active or not check_password_hash(user.password_hash, password or ""):
        raise Unauthorized("wrong username or password")
    return user


def _login_attempt_key():
    """Failed log-ins count per address and username, so guessing one account's password is
    throttled without locking that person out from their own machine."""
    body = request.get_json(silent=True) if request.is_json else request.form  # form: a dict too
    username = body.get("username") if isinstance(body, dict) else None
    return f"{get_remote_address()}|{str(username or '').strip().lower()[:64]}"


def login_throttle(on_breach=None):
    """Decorate a log-in view: after LOGIN_RATE_LIMIT failed attempts (answered 401) it is refused.

    API and page share one counter, so switching between them gains no attempts.
    """
    return limiter.shared_limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], scope="login",
                                key_func=_login_attempt_key, methods=["POST"],
                                deduct_when=lambda response: response.status_code == 401,
                                on_breach=on_breach)


def _signer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="api-token")


def _password_stamp(user):
    # Changing the password invalidates every token issued before.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def issue_token(user):
    return _signer().dumps({"uid": user.id, "pw": _password_stamp(user)})


def user_for_token(token):
    try:
        payload = _signer().loads(token, max_age=current_app.config["TOKEN_MAX_AGE_SECONDS"])
    except SignatureExpired as err:
        raise Unauthorized("the token has expired; log in again") from err
    except BadSignature as err:
        raise Unauthorized("the token is not valid") from err
    user = db.session.get(User, payload.get("uid"))
    if user is None or not user.active or payload.get("pw") != _password_stamp(user):
        raise Unauthorized("the token is not valid")
    return user


def actor_of(user):
    return Actor(username=user.username, roles=user.role_codes,
                 sees_all=any(r.oversees_queues for r in user.roles))


def actor_by_username(username):
    user = find_user(username)
    return actor_of(user) if user and user.active else None


def can_design(user):
    return any(r.designs_processes for r in user.roles)


def overseer_usernames():
    """Active users whose roles oversee every queue: they hear of overdue tasks."""
    return list(db.session.execute(
        db.select(User.username).join(User.roles).where(Role.oversees_queues, User.active).distinct()).scalars())
