"""Designer and supervisor pages render, deploy through validation, and keep out the wrong roles."""
import json
import re

from tests.loans.helpers import apply, open_task
from tests.web.test_pages import login


def test_processes_page_lists_definitions_and_versions(app):
    client = login(app, "loan_officer")
    page = client.get("/processes").get_data(as_text=True)
    assert "贷款申请 Loan application" in page and "loan_approval" in page
    detail = client.get("/processes/loan_approval").get_data(as_text=True)
    assert "data-bpmn-viewer" in detail and "branch_manager_review" in detail and "版本历史" in detail
    assert client.get("/processes/loan_approval/edit").status_code == 403


def test_instance_page_carries_the_active_node(app, api):
    created = apply(api, "50000", term_months=12)
    page = login(app, "loan_officer").get(f"/processes/instances/{created['process_instance_id']}").get_data(as_text=True)
    assert "check_completeness" in page and "node-active" not in page  # markers are drawn by the script
    assert "&#34;active&#34;: [&#34;check_completeness&#34;]" in page or '"active": ["check_completeness"]' in page


def test_browser_deploy_refuses_broken_xml_and_accepts_a_valid_change(app, tmp_path):
    import shutil
    from pathlib import Path
    folder = tmp_path / "processes"
    shutil.copytree(Path(app.root_path).parent / "processes", folder)
    old = app.config["PROCESSES_DIR"]
    app.config["PROCESSES_DIR"] = str(folder)
    try:
        client = login(app, "process_designer")
        assert client.get("/processes/disbursement/edit").status_code == 200
        broken = client.post("/processes/deploy", json={"files": {"disbursement.bpmn": "<bpmn:definitions"}})
        assert broken.status_code == 422 and "not well-formed" in json.dumps(broken.get_json(), ensure_ascii=False)
        text = (folder / "disbursement.bpmn").read_text()
        changed = text.replace("签订合同 Sign the contract", "签订借款合同 Sign the loan contract")
        ok = client.post("/processes/deploy", json={"files": {"disbursement.bpmn": changed}})
        assert ok.status_code == 200 and any(d["key"] == "disbursement" for d in ok.get_json()["deployed"])
        client.post("/processes/deploy", json={"files": {"disbursement.bpmn": text}})
    finally:
        app.config["PROCESSES_DIR"] = old


def schema_text(page):
    """The form source shown in the editor (the rest of the page carries a changing CSRF token)."""
    return re.search(r'<textarea name="schema"[^>]*>(.*?)</textarea>', page, re.S).group(1)


def test_form_editor_refuses_an_invalid_schema(app):
    client = login(app, "process_designer")
    original = schema_text(client.get("/processes/forms/review_decision.json").get_data(as_text=True))
    response = client.post("/processes/forms/review_decision.json", data={"schema": '{"type": "object", "required": 5}'})
    assert response.status_code == 422 and "not a valid JSON Schema" in response.get_data(as_text=True)
    assert schema_text(client.get("/processes/forms/review_decision.json").get_data(as_text=True)) == original
    assert login(app, "cashier").get("/processes/forms/review_decision.json").status_code == 403


def test_form_editor_previews_the_form_as_the_task_page_renders_it(app):
    client = login(app, "process_designer")
    page = client.get("/processes/forms/review_decision.json").get_data(as_text=True)
    assert 'id="form-preview"' in page and 'name="decision"' in page  # the task page's own inputs, shown at once
    typed = json.dumps({"type": "object", "required": ["visit_date"], "properties": {
        "visit_date": {"type": "string", "format": "date", "title": "走访日期 Visit date"},
        "outcome": {"enum": ["ok", "concern"], "enumNames": ["正常 Normal", "关注 Concern"], "title": "结论 Outcome"}}})
    shown = client.post("/processes/forms/review_decision.json/preview", json={"schema": typed}).get_json()
    assert shown["problems"] == []
    assert 'type="date" name="visit_date"' in shown["html"] and "走访日期" in shown["html"]
    assert "关注" in shown["html"] and '<span class="req">*</span>' in shown["html"]
    broken = client.post("/processes/forms/review_decision.json/preview", json={"schema": '{"type": "object",'}).get_json()
    assert broken["html"] == "" and "is not JSON" in broken["problems"][0]
    assert schema_text(client.get("/processes/forms/review_decision.json").get_data(as_text=True)) == \
        schema_text(page)  # a preview saves nothing
    assert login(app, "cashier").post("/processes/forms/review_decision.json/preview",
                                      json={"schema": typed}).status_code == 403


def test_supervisor_page_shows_queues_and_bulk_reassigns(app, api):
    key = apply(api, "50000", term_months=12)["business_key"]
    task = open_task(api, key, "check_completeness")
    client = login(app, "supervisor")
    page = client.get(f"/supervisor?business_key={key}").get_data(as_text=True)
    assert "各角色队列" in page and "客户经理" in page and f'value="{task["id"]}"' in page
    response = client.post(f"/supervisor/reassign?business_key={key}",
                           data={"task_ids": [str(task["id"])], "username": "loan_officer2", "reason": "均衡"})
    assert response.status_code == 302
    assert api.get(f"/api/tasks/{task['id']}", "supervisor").get_json()["assignee"] == "loan_officer2"
    assert login(app, "loan_officer").get("/supervisor").status_code == 403


def test_node_settings_page_saves_a_version_and_refuses_bad_input(app, api):
    client = login(app, "admin")
    page = client.get("/processes/disbursement/nodes").get_data(as_text=True)
    assert "prepare_payout" in page and 'name="roles" value="cashier"' in page
    bad = client.post("/processes/disbursement/nodes", data={"node_id": "prepare_payout", "due_in": "soon", "reason": "x"})
    assert bad.status_code == 422
    good = client.post("/processes/disbursement/nodes", data={
        "node_id": "prepare_payout", "roles": ["cashier"], "due_in": "PT8H", "reason": "当日放款"})
    assert good.status_code == 302
    configs = api.get("/api/node-configs?process_key=disbursement", "admin").get_json()
    assert configs[0]["node_id"] == "prepare_payout" and configs[0]["due_in"] == "PT8H"
    assert login(app, "cashier").get("/processes/disbursement/nodes").status_code == 403
