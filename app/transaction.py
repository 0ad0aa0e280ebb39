"""One transaction per business step: commit everything together or nothing at all."""
import functools
import logging

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from .errors import Conflict
from .extensions import db

log = logging.getLogger(__name__)
UNIQUE_VIOLATIONS = {"SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"}
UNIQUE_VIOLATION_SQLSTATE = "23505"


def _unique_constraint(err):
    """The constraint a unique violation names (PostgreSQL: its name; SQLite: its columns), or None
    when the integrity error is of another kind (NOT NULL, a foreign key, a check)."""
    orig = err.orig
    if getattr(orig, "sqlstate", None) == UNIQUE_VIOLATION_SQLSTATE:
        return orig.diag.constraint_name or str(orig)
    if getattr(orig, "sqlite_errorname", None) in UNIQUE_VIOLATIONS:
        return str(orig).rpartition(": ")[2]
    return None


def _run_once(fn, args, kwargs):
    try:
        result = fn(*args, **kwargs)
        db.session.commit()
        return result
    except IntegrityError as err:
        db.session.rollback()
        constraint = _unique_constraint(err)
        if constraint is None:
            raise  # no race explains a NOT NULL or a missing row: a bug of ours, the 500 that logs it
        # The race unique constraints are there for (two postings of one event); logged, to tell
        # it from a check the code should have made first.
        log.warning("unique constraint %s refused a write: %s", constraint, fn.__qualname__)
        raise Conflict("this change conflicts with data saved meanwhile") from err
    except OperationalError as err:
        db.session.rollback()
        if "lock" in str(err).lower():  # SQLite "database is locked", PostgreSQL lock timeouts
            raise Conflict("the case is busy; try again") from err
        raise
    except BaseException:
        db.session.rollback()
        raise


def transactional(fn=None, *, stale_retries=0):
    """Run `fn` as one unit of work; a lost race becomes 409, any error rolls back.

    `stale_retries`: when the only conflict was that the process instance moved on meanwhile
    (another task of the same case completed first), run the step again from the start, on the
    fresh state; every check in it runs again, so a real conflict still ends in 409.
    """
    if fn is None:
        return functools.partial(transactional, stale_retries=stale_retries)

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        for attempt in range(stale_retries + 1):
            try:
                return _run_once(fn, args, kwargs)
            except StaleDataError as err:
                if attempt == stale_retries:
                    raise Conflict("someone else changed this case first; reload and try again") from err
    return wrapper
