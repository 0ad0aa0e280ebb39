"""The decision tables pages: the deployed DMN files, each opened in dmn-js with its users and history."""
from tests.web.test_pages import login


def test_decisions_list_names_the_tables_and_the_processes_using_them(app):
    client = login(app, "process_designer")
    page = client.get("/processes/decisions").get_data(as_text=True)
    assert "决策表" in page and "使用它的流程" in page
    assert 'href="/processes/decisions/approval_levels.dmn"' in page
    assert 'href="/processes/loan_approval"' in page  # loan_approval decides its levels with the table
    english = client.get("/processes/decisions?lang=en").get_data(as_text=True)
    assert "Decision tables" in english and "Used by" in english
    assert 'href="/processes/decisions"' in client.get("/processes").get_data(as_text=True)


def test_decision_page_carries_the_table_its_users_and_history(app):
    client = login(app, "process_designer")
    page = client.get("/processes/decisions/approval_levels.dmn").get_data(as_text=True)
    assert "data-decisions" in page and "approval_levels_table" in page and "vendor/studio/decisions.js" in page
    assert "校验并部署" in page and "版本历史" in page and "使用它的流程" in page
    assert "loan_approval" in page and "v1" in page
    english = client.get("/processes/decisions/approval_levels.dmn?lang=en").get_data(as_text=True)
    assert "Validate and deploy" in english and "Version history" in english and "Used by" in english
    assert "<script>" not in page  # the CSP allows no inline script


def test_decision_pages_are_for_designers_and_known_tables(app):
    assert login(app, "loan_officer").get("/processes/decisions").status_code == 403
    assert login(app, "cashier").get("/processes/decisions/approval_levels.dmn").status_code == 403
    designer = login(app, "process_designer")
    assert designer.get("/processes/decisions/no_such_table.dmn").status_code == 404
    assert designer.get("/processes/decisions/loan_approval.bpmn").status_code == 404
    assert designer.get("/processes").status_code == 200
    assert 'href="/processes/decisions"' not in login(app, "supervisor").get("/processes").get_data(as_text=True)


def test_a_broken_table_is_refused_and_keeps_its_version(app):
    from app.workflow.artifacts import file_text, newest_version
    with app.app_context():
        before, text = newest_version("approval_levels.dmn"), file_text("approval_levels.dmn")
    client = login(app, "process_designer")
    broken = text.replace('<decision id="approval_levels"', '<decision id="approval_levels_renamed"')
    response = client.post("/processes/deploy", json={"files": {"approval_levels.dmn": broken}})
    assert response.status_code == 422 and response.get_json()["error"]["details"]["problems"]
    with app.app_context():
        assert newest_version("approval_levels.dmn") == before
