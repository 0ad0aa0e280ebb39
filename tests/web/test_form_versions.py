"""A form saved in the browser is a deployed, audited version: cases already running keep the form
their process version was deployed with, new cases get the new one."""
import json
import shutil
from pathlib import Path

import pytest

from app.audit.models import AuditEvent
from app.extensions import db
from tests.loans.helpers import apply, open_task
from tests.web.test_pages import login

ROOT = Path(__file__).resolve().parents[2]
FORM = "application_completeness.json"


@pytest.fixture()
def forms_folder(app, tmp_path):
    """This node's FORMS_DIR as a copy; the repository's form is deployed again afterwards."""
    folder = tmp_path / "forms"
    shutil.copytree(ROOT / "forms", folder)
    old, app.config["FORMS_DIR"] = app.config["FORMS_DIR"], str(folder)
    yield folder
    login(app, "process_designer").post(f"/processes/forms/{FORM}",
                                        data={"schema": (ROOT / "forms" / FORM).read_text(encoding="utf-8")})
    app.config["FORMS_DIR"] = old


def form_fields(api, task):
    return set(api.get(f"/api/tasks/{task['id']}", "loan_officer").get_json()["form"]["properties"])


def test_a_saved_form_is_a_version_and_a_running_case_keeps_its_form(app, api, forms_folder):
    running = open_task(api, apply(api, "50000", term_months=12)["business_key"], "check_completeness")
    schema = json.loads((ROOT / "forms" / FORM).read_text(encoding="utf-8"))
    schema["properties"]["collateral_seen"] = {"type": "boolean", "title": "已查看抵押物 Collateral seen"}
    text = json.dumps(schema, ensure_ascii=False, indent=2)

    saved = login(app, "process_designer").post(f"/processes/forms/{FORM}", data={"schema": text})
    assert saved.status_code == 200, saved.get_data(as_text=True)[:500]

    assert "collateral_seen" not in form_fields(api, running)  # started before the edit
    fresh = open_task(api, apply(api, "50000", term_months=12)["business_key"], "check_completeness")
    assert "collateral_seen" in form_fields(api, fresh)
    assert json.loads((forms_folder / FORM).read_text(encoding="utf-8")) == schema  # the designer's source
    with app.app_context():
        event = db.session.execute(db.select(AuditEvent).where(AuditEvent.subject.contains(FORM))
                                   .order_by(AuditEvent.id.desc()).limit(1)).scalar_one()
        assert event.actor == "process_designer" and event.action == "processes_deployed"


def test_process_tests_check_the_designers_forms_before_they_are_deployed(app, forms_folder):
    schema = json.loads((forms_folder / FORM).read_text(encoding="utf-8"))
    schema["properties"]["reviewer_badge"] = {"type": "string", "title": "工号 Badge"}
    schema["required"].append("reviewer_badge")
    (forms_folder / FORM).write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["processes", "test", str(ROOT / "processes" / "loan_application.bpmn")])
    assert result.exit_code == 1 and "reviewer_badge" in result.output, result.output
