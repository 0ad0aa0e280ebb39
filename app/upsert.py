"""INSERT … ON CONFLICT DO NOTHING, for rows that two requests may try to create at once."""
from sqlalchemy.dialects import postgresql, sqlite

from .extensions import db

_INSERT_UNLESS_TAKEN = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def insert_unless_present(model, values, unique_column):
    """Insert a row unless one with the same `unique_column` exists; return its primary key, or None.

    A concurrent insert of the same key makes this one wait on the unique index until the other
    commits, and then insert nothing, instead of failing on the index.
    """
    insert = _INSERT_UNLESS_TAKEN.get(db.session.get_bind().dialect.name)
    primary_key = model.__mapper__.primary_key[0]
    if insert is None:  # another database: the unique index still refuses a duplicate (a 409)
        row = model(**values)
        db.session.add(row)
        db.session.flush()
        return getattr(row, primary_key.key)
    statement = insert(model).values(**values).on_conflict_do_nothing(
        index_elements=[unique_column]).returning(primary_key)
    return db.session.execute(statement).scalar_one_or_none()
