"""Designers move the DPD thresholds in the DMN files: classification and escalation follow, no code."""
from datetime import date, timedelta
from pathlib import Path

import pytest

from app.close_of_business import run_cob_through
from app.deployment import deploy_sources, folder_sources

from .helpers import designer_edit, new_loan, open_task

PROCESSES = Path(__file__).resolve().parents[2] / "processes"


@pytest.fixture()
def edited_tables(app):
    """Special mention only after 5 days; phone calls from the first overdue day."""
    sources = designer_edit(PROCESSES, [
        ("classification_floor.dmn", '<inputEntry id="rule_special_mention_dpd"><text>&gt; 0</text>',
         '<inputEntry id="rule_special_mention_dpd"><text>&gt; 5</text>'),
        ("collection_stage.dmn", '<inputEntry id="stage_phone_dpd"><text>&gt; 7</text>',
         '<inputEntry id="stage_phone_dpd"><text>&gt; 0</text>')],
        # a seven-day case is now a phone call, no longer an SMS reminder
        {"collection_escalation.scenarios.json": [
            "reminder rung (7 days): an SMS, three days' wait, a call and a kept promise"]})
    with app.app_context():
        deploy_sources(sources, "designer")
    yield
    with app.app_context():
        deploy_sources(folder_sources(PROCESSES), "designer")


def test_thresholds_come_from_the_tables(app, api, fresh_dates, edited_tables):
    loan = new_loan(api)
    key = loan["business_key"]
    due = date.fromisoformat(loan["schedule"][0]["due_date"])
    with app.app_context():
        run_cob_through(due + timedelta(days=1))
    specs = [t["task_spec_id"] for t in open_task(api, key)]
    assert "phone_collection" in specs              # no SMS rung: phone from day one
    assert "propose_classification" not in specs    # one day late is still 正常 under the edited floor
    with app.app_context():
        run_cob_through(due + timedelta(days=6))
    proposal = open_task(api, key, "propose_classification")
    assert api.get(f"/api/tasks/{proposal['id']}", "loan_officer").get_json()["data"]["floor_class"] == "special_mention"
