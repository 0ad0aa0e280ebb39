"""Reading one row by id for a step that acts on it: a missing one is the documented 404."""
from .errors import NotFound
from .extensions import db


def get_row(model, row_id, noun):
    """The `model` row `row_id`, or NotFound naming it as `noun` ("loan 7 does not exist")."""
    row = db.session.get(model, row_id)
    if row is None:
        raise NotFound(f"{noun} {row_id} does not exist")
    return row
