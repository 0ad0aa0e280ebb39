from flask_smorest import Blueprint

from ..deployment import deploy_upload, known_roles
from ..errors import NotFound
from ..extensions import db
from ..inbox import node_config
from ..workflow import runtime
from ..workflow.definitions import latest_definitions
from ..workflow.models import ProcessDefinition
from ..workflow.positions import node_states
from .processes import definition_view
from .schemas import (
    DefinitionSchema,
    DeployRequest,
    DeployResponse,
    DiagramSchema,
    NodeConfigArgs,
    NodeConfigRequest,
    NodeConfigSchema,
)
from .security import AUTHENTICATED, current_actor, current_api_user, rule

blp = Blueprint("designer", __name__, description="Process designers: deploy, versions, diagrams, node configuration")
DESIGNERS = ("process_designer", "admin")


@blp.route("/process-definitions", methods=["POST"])
@rule(*DESIGNERS)
@blp.arguments(DeployRequest)
@blp.response(201, DeployResponse)
def deploy(body):
    """Validate the uploaded files together with the newest deployed others; deploy the changed."""
    created = deploy_upload(body["files"], current_api_user().username)
    return {"deployed": [definition_view(d) for d in created]}


@blp.route("/process-definitions/<key>/versions", methods=["GET"])
@rule(AUTHENTICATED)
@blp.response(200, DefinitionSchema(many=True))
def versions(key):
    rows = db.session.execute(db.select(ProcessDefinition).where(ProcessDefinition.key == key)
                              .order_by(ProcessDefinition.version.desc())).scalars().all()
    if not rows:
        raise NotFound(f"no deployed process '{key}'")
    return [definition_view(d) for d in rows]


@blp.route("/process-instances/<int:instance_id>/diagram", methods=["GET"])
@rule(AUTHENTICATED)
@blp.response(200, DiagramSchema)
def diagram(instance_id):
    instance, workflow = runtime.load(instance_id)
    completed, active = node_states(workflow)
    key = instance.process_key
    # Nodes of called processes are marked on the call activity that runs them.
    return {"process_key": key, "version": instance.definition.version, "files": instance.definition.files,
            "completed": completed.get(key, []), "active": active.get(key, [])}


def _user_task_nodes():
    return {(task["process_key"], task["id"]) for d in latest_definitions() for task in d.summary["user_tasks"]}


@blp.route("/node-configs", methods=["GET"])
@rule(AUTHENTICATED)
@blp.arguments(NodeConfigArgs, location="query")
@blp.response(200, NodeConfigSchema(many=True))
def list_node_configs(args):
    return node_config.node_configs(args.get("process_key"))


@blp.route("/node-configs", methods=["POST"])
@rule(*DESIGNERS)
@blp.arguments(NodeConfigRequest)
@blp.response(201, NodeConfigSchema)
def configure_node(body):
    return node_config.configure_node(current_actor(), valid_nodes=_user_task_nodes(),
                                      valid_roles=known_roles() or set(), **body)
