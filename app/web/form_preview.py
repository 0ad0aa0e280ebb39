"""The form editor's preview: a form's JSON rendered by the same fields as the task page, with
the problems that would refuse saving it."""
import json

from flask import render_template
from markupsafe import Markup

from ..inbox.forms import schema_text_problems
from .formrender import form_fields


def preview(name, text):
    """(fields HTML, problems) of a form's text: the task page's fields, or none while it is broken."""
    problems = schema_text_problems(text, name)
    if problems:
        return "", problems
    # Markup: the template escaped every value already; the editor page inserts it as HTML
    return Markup(render_template("_form_preview.html", fields=form_fields(json.loads(text)))), []
