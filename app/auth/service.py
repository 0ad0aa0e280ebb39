"""Passwords, expiring API tokens, and the inbox's view of a user."""
import hashlib
from functools import cache

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from werkzeug.security import check_password_hash, generate_password_hash

from ..errors import AppError
from ..extensions import db
from ..inbox.actors import Actor
from . import throttle
from .models import Role, User


class Unauthorized(AppError):
    status = 401
    code = "unauthorized"


def hash_password(password):
    return generate_password_hash(password)


def find_user(username):
    return db.session.execute(db.select(User).where(User.username == username)).scalar_one_or_none()


@cache
def _stand_in_hash():
    """A hash made like every user's, checked when there is no such user: an unknown username then
    takes as long to refuse as a wrong password, so the answer's timing names no accounts."""
    return hash_password("no user has this password")


def authenticate(username, password, address):
    """The user, if the password is right and `address` has not used up its failed log-ins
    (app/auth/throttle.py); the API and the login page share that count."""
    throttle.refuse_if_throttled(address, username)
    user = find_user(username or "")
    stored = user.password_hash if user else _stand_in_hash()
    if not check_password_hash(stored, password or "") or user is None or not user.active:
        throttle.record_failure(address, username)
        raise Unauthorized("wrong username or password")
    return user


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
