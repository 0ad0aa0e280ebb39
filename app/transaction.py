"""One transaction per business step: commit everything together or nothing at all."""
import functools

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from .errors import Conflict
from .extensions import db


def transactional(fn):
    """Run `fn` as one unit of work; a lost race becomes 409, any error rolls back."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            result = fn(*args, **kwargs)
            db.session.commit()
            return result
        except StaleDataError as err:
            db.session.rollback()
            raise Conflict("someone else changed this case first; reload and try again") from err
        except IntegrityError as err:
            db.session.rollback()
            raise Conflict("this change conflicts with data saved meanwhile") from err
        except OperationalError as err:
            db.session.rollback()
            if "lock" in str(err).lower():  # SQLite "database is locked", PostgreSQL lock timeouts
                raise Conflict("the case is busy; try again") from err
            raise
        except BaseException:
            db.session.rollback()
            raise
    return wrapper
