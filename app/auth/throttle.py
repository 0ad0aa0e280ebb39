"""Failed log-ins, kept in the database so that every worker and node counts the same guesses.

Two limits, both over a sliding window of real time (the business clock jumps by days):
LOGIN_RATE_LIMIT per address and username, so guessing one account's password is stopped without
locking its owner out on their own machine; LOGIN_ADDRESS_RATE_LIMIT per address, so a few guesses
at each of many usernames add up. Past either, every log-in from there is refused, the right password too:
otherwise the throttle would only slow the guessing down. Only failures count and are stored.
"""
import math
from datetime import timedelta, timezone

from flask import current_app
from limits import parse_many

from .. import clock
from ..errors import TooManyRequests
from ..extensions import db

SETTINGS = ("LOGIN_RATE_LIMIT", "LOGIN_ADDRESS_RATE_LIMIT")


class LoginFailure(db.Model):
    __tablename__ = "login_failure"
    __table_args__ = (db.Index("ix_login_failure_address_username", "address", "username", "failed_at"),
                      db.Index("ix_login_failure_failed_at", "failed_at"))
    id = db.Column(db.Integer, primary_key=True)
    address = db.Column(db.String(64), nullable=False)
    username = db.Column(db.String(64), nullable=False)
    failed_at = db.Column(db.DateTime(timezone=True), nullable=False)


def check_settings(config):
    """Parse both limits once at start-up: a typo stops the app, not every log-in."""
    for name in SETTINGS:
        parse_many(config[name])


def _limits(setting):
    return [(item.amount, timedelta(seconds=item.get_expiry())) for item in parse_many(current_app.config[setting])]


def _key(address, username):
    # Changing the case of the username or padding it buys no more attempts.
    return (address or "")[:64], str(username or "").strip().lower()[:64]


def _utc(moment):
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)  # SQLite keeps no offset


def _blocked_until(connection, conditions, amount, window, now):
    """When the amount-th newest failure in the window leaves it, or None if there are fewer."""
    table = LoginFailure.__table__
    nth = connection.execute(db.select(table.c.failed_at).where(*conditions, table.c.failed_at > now - window)
                             .order_by(table.c.failed_at.desc()).offset(amount - 1).limit(1)).scalar()
    return _utc(nth) + window if nth else None


def refuse_if_throttled(address, username):
    """Raise TooManyRequests, saying when to try again, if either limit is used up."""
    address, username = _key(address, username)
    table, now = LoginFailure.__table__, clock.wall_clock()
    scopes = (("LOGIN_RATE_LIMIT", (table.c.address == address, table.c.username == username)),
              ("LOGIN_ADDRESS_RATE_LIMIT", (table.c.address == address,)))
    with db.engine.connect() as connection:
        ends = [_blocked_until(connection, conditions, amount, window, now)
                for setting, conditions in scopes for amount, window in _limits(setting)]
    ends = [end for end in ends if end]
    if ends:
        raise TooManyRequests("too many failed attempts; try again later",
                              retry_after=max(1, math.ceil((max(ends) - now).total_seconds())))


def record_failure(address, username):
    """Store the failure in a transaction of its own, committed whatever becomes of the request's,
    and drop the failures no window looks at any more."""
    address, username = _key(address, username)
    now = clock.wall_clock()
    longest = max(window for setting in SETTINGS for _, window in _limits(setting))
    table = LoginFailure.__table__
    with db.engine.begin() as connection:
        connection.execute(db.insert(table).values(address=address, username=username, failed_at=now))
        connection.execute(db.delete(table).where(table.c.failed_at < now - longest))
