"""Cluster-wide job locks in the database, so that of several app nodes only one runs a job.

A lock is a row naming its holder (host:pid:nonce) and when the hold expires. Taking it is one
conditional UPDATE (free, or expired): the database lets exactly one node win. A node killed
while holding a lock leaves a row that expires, and the next node takes it over; on the same
machine a holder whose process is gone is taken over at once. Long jobs renew the hold as they
go; expiry is measured on the real clock, never the business clock, which jumps by days.
"""
import os
import socket
import time
import uuid
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy.exc import IntegrityError

from . import clock
from .errors import Conflict
from .extensions import db


class JobLock(db.Model):
    __tablename__ = "job_lock"
    name = db.Column(db.String(64), primary_key=True)
    holder = db.Column(db.String(128))
    expires_at = db.Column(db.DateTime(timezone=True))


class LockLost(RuntimeError):
    """Another node took the lock over (this one stalled past the expiry): stop the work."""


def _execute(statement):
    """Run one statement on a connection of its own, committed at once: a lock never rides along
    with (or waits for) the caller's unit of work."""
    with db.engine.begin() as connection:
        return connection.execute(statement).rowcount


def _ensure_row(name):
    table = JobLock.__table__
    with db.engine.connect() as connection:
        if connection.execute(db.select(table.c.name).where(table.c.name == name)).first():
            return
    try:
        _execute(db.insert(table).values(name=name))
    except IntegrityError:
        pass  # another node created it first


def _dead_holder(name):
    """The holder's token if it is a process of this machine that no longer runs (killed), else None."""
    table = JobLock.__table__
    with db.engine.connect() as connection:
        holder = connection.execute(db.select(table.c.holder).where(table.c.name == name)).scalar()
    host, _, rest = (holder or "").partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return None
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return holder
    except PermissionError:
        pass  # alive, under another user
    return None


def _try_take(name, token, ttl):
    now = clock.wall_clock()
    table = JobLock.__table__
    free = db.or_(table.c.holder.is_(None), table.c.expires_at < now)
    dead = _dead_holder(name)
    if dead:  # killed on this machine: no need to wait for the expiry
        free = db.or_(free, table.c.holder == dead)
    return _execute(db.update(table).where(table.c.name == name, free).values(holder=token, expires_at=now + ttl)) == 1


class Lease:
    def __init__(self, name, token, ttl):
        self.name, self.token, self.ttl = name, token, ttl

    def _mine(self):
        table = JobLock.__table__
        return db.update(table).where(table.c.name == self.name, table.c.holder == self.token)

    def renew(self):
        """Extend the hold; raise LockLost if another node has taken it over meanwhile."""
        if _execute(self._mine().values(expires_at=clock.wall_clock() + self.ttl)) != 1:
            raise LockLost(f"lock {self.name} was taken over by another node")

    def release(self):
        _execute(self._mine().values(holder=None, expires_at=None))


@contextmanager
def exclusive(name, ttl=timedelta(minutes=10), wait=0.0):
    """Hold the named lock for the block; wait up to `wait` seconds for it, else raise 409."""
    _ensure_row(name)
    token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    deadline = time.monotonic() + wait
    while not _try_take(name, token, ttl):
        if time.monotonic() >= deadline:
            raise Conflict(f"{name} is running on another node", code="job_running")
        time.sleep(0.2)
    lease = Lease(name, token, ttl)
    try:
        yield lease
    except BaseException:
        # Whatever escaped the job, its open unit of work goes first: on SQLite a write left
        # pending would keep the release below waiting on the database lock.
        db.session.rollback()
        raise
    finally:
        lease.release()
