"""Reading one row by id for a step that acts on it: a missing one is the documented 404, one
no longer open the documented 409."""
from .errors import Conflict, NotFound
from .extensions import db


def get_row(model, row_id, noun):
    """The `model` row `row_id`, or NotFound naming it as `noun` ("loan 7 does not exist")."""
    row = db.session.get(model, row_id)
    if row is None:
        raise NotFound(f"{noun} {row_id} does not exist")
    return row


def require_open(row, noun, code):
    """`row` if its status is still open, else Conflict `code` ("task 7 is already completed")."""
    if row.status != "open":
        raise Conflict(f"{noun} {row.id} is already {row.status}", code=code)
    return row
