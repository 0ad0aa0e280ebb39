"""Process designers: deploy through the API with validation, versions, diagrams, node configuration."""
import shutil
from pathlib import Path

import pytest

from app.deployment import deploy_folder

from ..loans.helpers import COMPLETE_DOCUMENTS, act, apply, open_task

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def designer_folder(app, tmp_path):
    """A copy of processes/ as PROCESSES_DIR, so uploads don't touch the repository's files;
    afterwards the shipped processes are the newest versions again."""
    folder = tmp_path / "processes"
    shutil.copytree(ROOT / "processes", folder)
    old = app.config["PROCESSES_DIR"]
    app.config["PROCESSES_DIR"] = str(folder)
    yield folder
    app.config["PROCESSES_DIR"] = old
    with app.app_context():
        deploy_folder("tests")


def versions(api, key):
    return [d["version"] for d in api.get(f"/api/process-definitions/{key}/versions", "process_designer").get_json()]


def test_broken_upload_is_refused_and_nothing_changes(api, designer_folder):
    before = versions(api, "disbursement")
    text = (designer_folder / "disbursement.bpmn").read_text()
    broken = text.replace('name="cashier"', 'name="nobody_holds_this"')
    response = api.post("/api/process-definitions", "process_designer", json={"files": {"disbursement.bpmn": broken}})
    assert response.status_code == 422
    assert any("prepare_payout: lane 'nobody_holds_this' is not a known role" in p
               for p in response.get_json()["error"]["details"]["problems"])
    assert versions(api, "disbursement") == before
    assert (designer_folder / "disbursement.bpmn").read_text() == text
    truncated = api.post("/api/process-definitions", "process_designer",
                         json={"files": {"disbursement.bpmn": text[:500]}})
    assert truncated.status_code == 422


def test_only_designers_deploy(api):
    response = api.post("/api/process-definitions", "loan_officer", json={"files": {"x.bpmn": "<x/>"}})
    assert response.status_code == 403


def test_new_version_for_new_cases_while_waiting_cases_keep_theirs(api, app, designer_folder):
    waiting = apply(api, "50000", term_months=12)
    act(api, waiting["business_key"], "check_completeness", "loan_officer", COMPLETE_DOCUMENTS)
    old_version = api.get(f"/api/process-instances/{waiting['process_instance_id']}", "loan_officer").get_json()["version"]

    text = (designer_folder / "loan_approval.bpmn").read_text()
    renamed = text.replace("部门负责人审批 Branch manager approval", "支行行长审批 Branch head approval")
    response = api.post("/api/process-definitions", "process_designer", json={"files": {"loan_approval.bpmn": renamed}})
    assert response.status_code == 201, response.get_json()
    deployed = {d["key"]: d["version"] for d in response.get_json()["deployed"]}
    assert set(deployed) == {"loan_approval", "loan_application"}  # the caller bundles the callee
    assert "支行行长审批" in (designer_folder / "loan_approval.bpmn").read_text()
    try:
        fresh = apply(api, "50000", term_months=12)
        act(api, fresh["business_key"], "check_completeness", "loan_officer", COMPLETE_DOCUMENTS)
        assert open_task(api, fresh["business_key"], "branch_manager_review")["name"] == "支行行长审批 Branch head approval"
        assert api.get(f"/api/process-instances/{fresh['process_instance_id']}", "loan_officer").get_json()["version"] \
            == deployed["loan_application"]
        old = api.get(f"/api/process-instances/{waiting['process_instance_id']}", "loan_officer").get_json()
        assert old["version"] == old_version
        assert open_task(api, waiting["business_key"], "branch_manager_review")["name"] == "部门负责人审批 Branch manager approval"
    finally:
        api.post("/api/process-definitions", "process_designer", json={"files": {"loan_approval.bpmn": text}})


def test_instance_diagram_marks_completed_and_active_nodes(api):
    created = apply(api, "50000", term_months=12)
    diagram = api.get(f"/api/process-instances/{created['process_instance_id']}/diagram", "loan_officer").get_json()
    assert diagram["active"] == ["check_completeness"]
    assert {"start", "register"} <= set(diagram["completed"])
    assert "loan_application.bpmn" in diagram["files"]


def test_node_configuration_overrides_roles_for_new_tasks_only(api):
    earlier = apply(api, "50000", term_months=12)["business_key"]
    act(api, earlier, "check_completeness", "loan_officer", COMPLETE_DOCUMENTS)
    body = {"process_key": "loan_approval", "node_id": "branch_manager_review", "roles": ["risk_officer"],
            "due_in": "PT4H", "reason": "支行负责人空缺，由风险审查岗代审"}
    assert api.post("/api/node-configs", "loan_officer", json=body).status_code == 403
    assert api.post("/api/node-configs", "admin", json={**body, "roles": ["nobody"]}).status_code == 422
    assert api.post("/api/node-configs", "admin", json={**body, "due_in": "two days"}).status_code == 422
    assert api.post("/api/node-configs", "admin", json={**body, "node_id": "no_such_node"}).status_code == 422
    created = api.post("/api/node-configs", "admin", json=body)
    assert created.status_code == 201, created.get_json()
    try:
        later = apply(api, "50000", term_months=12)["business_key"]
        act(api, later, "check_completeness", "loan_officer", COMPLETE_DOCUMENTS)
        assert open_task(api, later, "branch_manager_review")["roles"] == ["risk_officer"]
        assert open_task(api, earlier, "branch_manager_review")["roles"] == ["branch_manager"]
    finally:
        restored = api.post("/api/node-configs", "admin", json={**body, "roles": ["branch_manager"], "due_in": "P2D",
                                                                 "reason": "恢复"})
        assert restored.get_json()["version"] == created.get_json()["version"] + 1
    history = api.get("/api/node-configs?process_key=loan_approval", "admin").get_json()
    assert [h["version"] for h in history if h["node_id"] == "branch_manager_review"][:2] == [
        restored.get_json()["version"], created.get_json()["version"]]


def test_a_file_saved_again_unchanged_is_no_new_version(api, designer_folder):
    """The modeler re-indents and reorders attributes when it saves: the same diagram, no new version."""
    from lxml import etree
    text = (designer_folder / "loan_approval.bpmn").read_text(encoding="utf-8")
    root = etree.fromstring(text.encode())
    for element in root.iter():
        if isinstance(element.tag, str) and len(element.attrib) > 1:  # attributes in reverse order
            attributes = list(element.attrib.items())
            element.attrib.clear()
            element.attrib.update(dict(reversed(attributes)))
    resaved = etree.tostring(root, encoding="unicode", pretty_print=False) + "\n<!-- saved by the modeler -->"
    assert resaved != text
    before = {key: versions(api, key) for key in ("loan_approval", "loan_application")}
    response = api.post("/api/process-definitions", "process_designer", json={"files": {"loan_approval.bpmn": resaved}})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["deployed"] == []
    assert {key: versions(api, key) for key in before} == before
    renamed = resaved.replace('name="多级审批 Loan approval"', 'name="多级审批 Multi-level approval"')
    response = api.post("/api/process-definitions", "process_designer", json={"files": {"loan_approval.bpmn": renamed}})
    assert response.status_code == 201, response.get_json()
    assert len(versions(api, "loan_approval")) == len(before["loan_approval"]) + 1
