"""The studio's lists for the properties panel: designers only, in the user's language."""
import json
import re

from tests.web.test_pages import login


def test_designers_get_roles_forms_handlers_and_processes(app):
    client = login(app, "process_designer")
    choices = client.get("/processes/studio/choices?lang=zh_CN").get_json()
    roles = {r["code"]: r["name"] for r in choices["roles"]}
    assert "branch_manager" in roles and roles["branch_manager"] != "branch_manager"
    assert "approval_decision.json" in choices["forms"]
    services = {s["name"]: s for s in choices["services"]}
    assert services["record_collection_contact"]["params"] == [{"name": "channel", "required": True}]
    assert services["disburse_loan"]["params"] == []
    assert "disbursement" in {p["key"] for p in choices["processes"]}
    english = client.get("/processes/studio/choices?lang=en").get_json()
    assert {r["code"]: r["name"] for r in english["roles"]}["branch_manager"] != roles["branch_manager"]


def test_others_do_not_get_the_lists(app):
    assert login(app, "loan_officer").get("/processes/studio/choices").status_code == 403


def test_the_modeler_page_carries_the_panel_words(app):
    client = login(app, "process_designer")
    for language, said in (("zh_CN", "任务设置"), ("en", "Task settings")):
        page = client.get(f"/processes/disbursement/edit?lang={language}").get_data(as_text=True)
        words = re.search(r'<script type="application/json" id="studio-words">(.*?)</script>', page, re.S)
        assert json.loads(words.group(1))["taskGroup"] == said
    assert "vendor/studio/studio.js" in page
