"""/processes: definitions and versions, diagrams (bpmn-js), live position of an instance, edit and deploy."""
import json
import re

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..auth.service import can_design
from ..deployment import DeployRefused, deploy_form, deploy_upload, known_roles
from ..errors import ValidationFailed
from ..extensions import db
from ..inbox import node_config
from ..workflow import runtime
from ..workflow.artifacts import file_text, newest_files
from ..workflow.definitions import latest_definitions
from ..workflow.models import ProcessDefinition
from ..workflow.positions import node_states
from ..workflow.scenario_files import SUFFIX
from .access import roles_required
from .form_preview import preview
from .pages import actor as auth_actor
from .pages import bp

DESIGNERS = ("process_designer", "admin")
FORM_NAME = re.compile(r"^[\w\-]+\.json$")


def own_file(definition):
    """The file of a version that holds the process itself (others are called processes and DMN)."""
    marker = re.compile(rf'<(\w+:)?process\b[^>]*\bid="{re.escape(definition.key)}"')
    return next((name for name, text in definition.files.items() if marker.search(text)), None)


def _definition(key, version=None):
    query = db.select(ProcessDefinition).where(ProcessDefinition.key == key)
    query = query.where(ProcessDefinition.version == version) if version else \
        query.order_by(ProcessDefinition.version.desc()).limit(1)
    definition = db.session.execute(query).scalar_one_or_none()
    if definition is None:
        abort(404)
    return definition


@bp.route("/processes")
@login_required
def processes():
    return render_template("processes.html", definitions=latest_definitions(), designer=can_design(current_user))


@bp.route("/processes/<key>")
@login_required
def process_page(key):
    definition = _definition(key, request.args.get("version", type=int))
    history = db.session.execute(db.select(ProcessDefinition).where(ProcessDefinition.key == key)
                                 .order_by(ProcessDefinition.version.desc())).scalars().all()
    return render_template("process.html", definition=definition, history=history,
                           xml=definition.files[own_file(definition)], designer=can_design(current_user))


@bp.route("/processes/instances/<int:instance_id>")
@login_required
def instance_diagram(instance_id):
    instance, workflow = runtime.load(instance_id)
    completed, active = node_states(workflow)
    key = instance.process_key
    markers = {"completed": completed.get(key, []), "active": active.get(key, [])}
    return render_template("instance.html", instance=instance, markers=json.dumps(markers),
                           xml=instance.definition.files[own_file(instance.definition)])


@bp.route("/processes/<key>/edit")
@roles_required(*DESIGNERS)
def edit_process(key):
    definition = _definition(key)
    name = own_file(definition)
    return render_template("modeler.html", definition=definition, filename=name, xml=definition.files[name])


@bp.route("/processes/deploy", methods=["POST"])
@roles_required(*DESIGNERS)
def deploy_from_browser():
    """The modeler posts {filename: xml}; validation refuses a broken file with the CLI's messages."""
    files = (request.get_json(silent=True) or {}).get("files")
    if not isinstance(files, dict) or not all(
            isinstance(k, str) and re.match(r"^[\w\-]+\.(bpmn|dmn)$", k) and isinstance(v, str) for k, v in files.items()):
        return jsonify({"error": {"code": "bad_request", "message": "send {files: {name.bpmn: xml}}"}}), 400
    try:
        created = deploy_upload(files, current_user.username)
    except DeployRefused as err:
        return jsonify({"error": {"code": err.code, "message": err.message, "details": err.details}}), 422
    return jsonify({"deployed": [{"key": d.key, "version": d.version} for d in created]})


def _require_form_name(name):
    """A form's file name, or 404 (a process-test file is no form)."""
    if not FORM_NAME.match(name) or name.endswith(SUFFIX):
        abort(404)


@bp.route("/processes/forms/<name>", methods=["GET", "POST"])
@roles_required(*DESIGNERS)
def edit_form(name):
    """The deployed form's source; saving deploys it as a new version (refused while broken)."""
    _require_form_name(name)
    text, problems, saved = file_text(name) or "{}", [], False
    if request.method == "POST":
        text = request.form.get("schema", "")
        try:
            deploy_form(name, text, current_user.username)
            saved = True
        except DeployRefused as err:  # a broken form never replaces the working one
            problems = err.details.get("problems", [])
    forms = sorted(newest_files(["form"]))
    return render_template("form_editor.html", name=name, text=text, problems=problems, saved=saved, forms=forms,
                           preview_html=preview(name, text)[0]), 422 if problems else 200


@bp.route("/processes/forms/<name>/preview", methods=["POST"])
@roles_required(*DESIGNERS)
def form_preview(name):
    """The editor's live preview of the JSON typed so far; nothing is saved."""
    _require_form_name(name)
    html, problems = preview(name, str((request.get_json(silent=True) or {}).get("schema", "")))
    return jsonify({"html": html, "problems": problems})


@bp.route("/processes/<key>/nodes", methods=["GET", "POST"])
@roles_required(*DESIGNERS)
def node_settings(key):
    """Approval-node configuration: roles, SLA and four-eyes per user task, versioned and audited."""
    definition = _definition(key)
    tasks = [t for t in definition.summary["user_tasks"] if t["process_key"] == key]
    errors, status = {}, 200
    if request.method == "POST":
        choice = request.form.get("exclude_initiator")
        try:
            node_config.configure_node(
                auth_actor(), key, request.form.get("node_id", ""), valid_nodes={(key, t["id"]) for t in tasks},
                valid_roles=known_roles() or set(), roles=request.form.getlist("roles") or None,
                due_in=request.form.get("due_in") or None, four_eyes_group=request.form.get("four_eyes_group") or None,
                exclude_initiator={"yes": True, "no": False}.get(choice), reason=request.form.get("reason"))
            flash(_("Saved. Tasks created from now on follow it."), "ok")
            return redirect(url_for("web.node_settings", key=key))
        except ValidationFailed as err:
            errors, status = err.details, 422
    current = {t["id"]: node_config.current(key, t["id"]) for t in tasks}
    return render_template("nodes.html", definition=definition, tasks=tasks, current=current, errors=errors,
                           roles=sorted(known_roles() or [])), status
