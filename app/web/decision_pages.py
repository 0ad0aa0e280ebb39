"""/processes/decisions: the deployed DMN tables, edited in the browser (dmn-js) and deployed like a BPMN file."""
import re

from flask import abort, render_template

from ..extensions import db
from ..workflow.artifacts import file_text, newest_files
from ..workflow.models import DeployedFile, ProcessDefinition
from .access import roles_required
from .designer_pages import DESIGNERS
from .pages import bp

DMN_NAME = re.compile(r"^[\w\-]+\.dmn$")


def users_of(names):
    """{DMN name: [(key, name, version) of each process version whose files include it]}, newest first."""
    rows = db.session.execute(db.select(ProcessDefinition.key, ProcessDefinition.name, ProcessDefinition.version,
                                        ProcessDefinition.files)
                              .order_by(ProcessDefinition.key, ProcessDefinition.version.desc())).all()
    found = {name: [] for name in names}
    for key, title, version, files in rows:
        for name in found:
            if name in files:
                found[name].append((key, title, version))
    return found


@bp.route("/processes/decisions")
@roles_required(*DESIGNERS)
def decisions():
    tables = newest_files(["dmn"])
    newest_users = {}  # the newest version of each process that uses a table (rows come newest first)
    for name, found in users_of(tables).items():
        newest_users[name] = list({key: (key, title, version) for key, title, version in reversed(found)}.values())
    return render_template("decisions.html", tables=tables, users=newest_users)


@bp.route("/processes/decisions/<name>")
@roles_required(*DESIGNERS)
def decision_page(name):
    if not DMN_NAME.match(name):
        abort(404)
    text = file_text(name)
    if text is None:
        abort(404)
    history = db.session.execute(db.select(DeployedFile).where(DeployedFile.name == name)
                                 .order_by(DeployedFile.version.desc())).scalars().all()
    return render_template("decision.html", name=name, xml=text, history=history,
                           users=users_of([name])[name])
