"""The studio's lists (designer only): what the modeler's properties panel offers to pick from.

Roles for lanes, forms for user tasks and start events, registered service handlers with the
parameters they take, and the processes a call activity may call. The panel's own words come from
the page (templates/_studio_words.html), in the user's language.
"""
import inspect

from flask import jsonify
from flask_babel import get_locale

from ..auth.models import Role
from ..extensions import db
from ..workflow.artifacts import newest_files
from ..workflow.definitions import latest_definitions
from ..workflow.services import registered_handler, registered_services
from .access import roles_required
from .designer_pages import DESIGNERS
from .pages import bp


def _first_line(text):
    return (inspect.cleandoc(text).splitlines() or [""])[0] if text else ""


def handler_description(name):
    """A handler's parameters (those after step and data) and the first line of its docstring."""
    handler = registered_handler(name)
    params = list(inspect.signature(handler).parameters.values())[2:]
    return {"name": name, "doc": _first_line(handler.__doc__),
            "params": [{"name": p.name, "required": p.default is inspect.Parameter.empty}
                       for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]}


def studio_choices():
    chinese = str(get_locale()).startswith("zh")
    roles = db.session.execute(db.select(Role).order_by(Role.code)).scalars().all()
    return {
        "roles": [{"code": r.code, "name": r.name_zh if chinese else r.name_en} for r in roles],
        "forms": sorted(newest_files(["form"])),  # the deployed forms, which tasks show
        "services": [handler_description(name) for name in sorted(registered_services())],
        "processes": [{"key": d.key, "name": d.name} for d in latest_definitions()],
    }


@bp.route("/processes/studio/choices")
@roles_required(*DESIGNERS)
def studio_choices_json():
    return jsonify(studio_choices())
