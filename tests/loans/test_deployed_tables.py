"""The decision tables loan code reads outside a process are deployed versions, never a node's
folder: a table edited in the folder changes nothing until a designer deploys it, and a case keeps
the tables of the process version it started on."""
import shutil
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from app.close_of_business import run_cob_through
from app.deployment import deploy_sources, deploy_upload, folder_sources
from app.loan_rules import floor_for, provision_rate_for

from .helpers import designer_edit, new_loan, open_task

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
SUBSTANDARD_RATE = ('<outputEntry id="rate_substandard_out"><text>Decimal("0.25")</text>',
                    '<outputEntry id="rate_substandard_out"><text>Decimal("0.30")</text>')
LATER_SPECIAL_MENTION = ('<inputEntry id="rule_special_mention_dpd"><text>&gt; 0</text>',
                         '<inputEntry id="rule_special_mention_dpd"><text>&gt; 5</text>')


@pytest.fixture()
def node_folder(app, tmp_path):
    """This node's PROCESSES_DIR as a copy; the repository's tables are deployed again afterwards."""
    folder = tmp_path / "processes"
    shutil.copytree(PROCESSES, folder)
    old, app.config["PROCESSES_DIR"] = app.config["PROCESSES_DIR"], str(folder)
    yield folder
    app.config["PROCESSES_DIR"] = old
    with app.app_context():
        deploy_sources(folder_sources(PROCESSES), "designer")


def test_a_table_edited_in_the_folder_counts_only_once_deployed(app, node_folder):
    table = node_folder / "provision_rates.dmn"
    edited = table.read_text(encoding="utf-8").replace(*SUBSTANDARD_RATE)
    table.write_text(edited, encoding="utf-8")
    with app.app_context():
        assert provision_rate_for("substandard") == Decimal("0.25")  # the folder is no one's truth
        deploy_upload({"provision_rates.dmn": edited}, "process_designer")
        assert provision_rate_for("substandard") == Decimal("0.30")


def test_a_running_review_keeps_the_floor_of_its_version(app, api, fresh_dates, node_folder):
    loan = new_loan(api)
    due = date.fromisoformat(loan["schedule"][0]["due_date"])
    with app.app_context():
        run_cob_through(due + timedelta(days=1))
    review = open_task(api, loan["business_key"], "propose_classification")
    with app.app_context():
        deploy_sources(designer_edit(PROCESSES, [("classification_floor.dmn", *LATER_SPECIAL_MENTION)], {}),
                       "designer")
        assert floor_for(1) == "normal"  # new cases: one day late is still 正常
        assert floor_for(1, review["instance_id"]) == "special_mention"  # the open review: as it started
