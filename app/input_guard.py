"""Input no handler should ever see: NUL characters, lone surrogates, absurd nesting, numbers
too long to read and NaN or Infinity (not JSON) are refused with a 400 before any view (or the
database driver) meets them, instead of a 500 or a RecursionError."""
import json

from flask import request
from werkzeug.exceptions import BadRequest

from .strict_json import NotJson, loads

MAX_INPUT_DEPTH = 32  # real forms nest three or four levels


def _input_problem(value):
    """Why an input cannot be taken, or None. Iterative, so hostile nesting cannot exhaust the stack."""
    pending = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if depth > MAX_INPUT_DEPTH:
            return "the input is nested too deeply"
        if isinstance(item, str) and "\x00" in item:
            return "text must not contain NUL (\\x00) characters"  # PostgreSQL text cannot hold one
        if isinstance(item, str) and any("\ud800" <= ch <= "\udfff" for ch in item):
            return "text must be valid Unicode (no lone surrogates)"  # no database can store one
        if isinstance(item, dict):
            pending.extend((part, depth + 1) for pair in item.items() for part in pair)
        elif isinstance(item, list):
            pending.extend((part, depth + 1) for part in item)
    return None


def refuse_hostile_input(app):
    """Check every request's path, query, form and JSON body before its view runs."""
    @app.before_request
    def check_input():
        sent = [request.path, request.args.to_dict(flat=False), request.form.to_dict(flat=False)]
        if request.is_json:
            try:
                sent.append(loads(request.get_data(cache=True) or b"null"))
            except json.JSONDecodeError:
                pass  # malformed JSON: the view answers with its documented 400
            except NotJson as err:  # the views' parser would take it: answered as malformed JSON here
                raise BadRequest(str(err)) from err
            except RecursionError as err:
                raise BadRequest("the input is nested too deeply") from err
            except ValueError as err:  # a number of thousands of digits: Python refuses to read it
                raise BadRequest("a number in the input is too long to read") from err
        problem = _input_problem(sent)
        if problem:
            raise BadRequest(problem)
