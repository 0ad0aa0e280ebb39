"""The studio in a real browser: a designer sets a task's due time and form and a lane's role in the
properties panel, deploys, and the next case's tasks follow; the panel speaks Chinese and English."""
import json
import urllib.request
from datetime import datetime
from pathlib import Path

import pytest

from app.deployment import deploy_folder
from tests.browser.test_processes_browser import CHROMIUM, logged_in_tab
from tests.loans.helpers import APPROVE, COMPLETE_DOCUMENTS, act, apply, open_task, payout

SHIPPED = Path(__file__).resolve().parents[2] / "processes"
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (run-tests.sh installs it)")


@pytest.fixture(scope="module")
def designer(live_server):
    yield from logged_in_tab(live_server, "process_designer")


@pytest.fixture()
def shipped_afterwards(live_server, app):
    """Whatever the studio deployed, the shipped file is back in the live server's folder and the
    shipped processes are the newest versions again afterwards."""
    yield
    restore_shipped(live_server, app, "disbursement.bpmn")


def restore_shipped(live_server, app, name):
    """Deploy the shipped file through the live server (which writes it into its folder), then the
    shipped processes from the test run's folder."""
    token = call(live_server, "/api/auth/token", {"username": "process_designer", "password": "demo"})["token"]
    shipped = {name: (SHIPPED / name).read_text(encoding="utf-8")}
    call(live_server, "/api/process-definitions", {"files": shipped}, token)
    with app.app_context():
        deploy_folder("tests")


def call(server, path, body, token=None):
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    request = urllib.request.Request(server + path, data=json.dumps(body).encode(), headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def open_studio(tab, server, key, language):
    tab.goto(f"{server}/processes/{key}/edit?lang={language}")
    tab.wait_for_selector("[data-rendered=true] .djs-container svg")


def select_lane(tab, lane_id):
    """A click on the lane's empty right end (its left end is under the palette)."""
    lane = tab.locator(f'.djs-element[data-element-id="{lane_id}"]')
    box = lane.bounding_box()
    lane.click(position={"x": box["width"] - 40, "y": 15})


@pytest.mark.parametrize("language, kind, group, role_label", [
    ("zh_CN", "用户任务", "任务设置", "泳道角色"),
    ("en", "User Task", "Task settings", "Role of the lane"),
])
def test_the_panel_speaks_the_users_language(designer, live_server, language, kind, group, role_label):
    open_studio(designer, live_server, "disbursement", language)
    designer.click('.djs-element[data-element-id="prepare_payout"]')
    designer.wait_for_selector('[data-group-id="group-spiff-task"]')
    assert designer.text_content(".bio-properties-panel-header-type") == kind
    assert designer.text_content('[data-group-id="group-spiff-task"] .bio-properties-panel-group-header-title') == group
    select_lane(designer, "Lane_cashier")
    designer.wait_for_selector('[data-group-id="group-spiff-role"]')
    assert designer.text_content('[data-group-id="group-spiff-role"] .bio-properties-panel-group-header-title') \
        == role_label


def test_due_time_form_and_role_set_in_the_panel_reach_new_tasks(designer, live_server, api, shipped_afterwards):
    open_studio(designer, live_server, "disbursement", "en")
    designer.click('.djs-element[data-element-id="prepare_payout"]')
    due = designer.locator("#bio-properties-panel-spiff-dueIn")
    due.fill("P4")  # not a duration: the panel says so
    designer.wait_for_selector('[data-entry-id="spiff-dueIn"] .bio-properties-panel-error')
    due.fill("P4D")
    due.press("Tab")
    designer.click('.djs-element[data-element-id="check_payout"]')
    designer.select_option("#bio-properties-panel-spiff-form", "approval_decision.json")
    assert designer.get_attribute('[data-entry-id="spiff-form"] a.studio-form-link', "href") \
        .endswith("/processes/forms/approval_decision.json")
    select_lane(designer, "Lane_cashier")
    designer.select_option("#bio-properties-panel-spiff-lane-role", "branch_manager")
    designer.click("#deploy-button")
    designer.wait_for_selector("#deploy-status.flash")
    said = designer.text_content("#deploy-status")
    assert said.startswith("Deployed: disbursement v"), said

    created = apply(api, "50000", term_months=12)
    key = created["business_key"]
    act(api, key, "check_completeness", "loan_officer", COMPLETE_DOCUMENTS)
    act(api, key, "branch_manager_review", "branch_manager", APPROVE)
    act(api, key, "sign_contract", "loan_officer", {"contract_number": f"HT-{key}", "signed_on": "2026-11-23"})
    task = open_task(api, key, "prepare_payout")
    assert task["roles"] == ["branch_manager"]
    created_at, due_at = (datetime.fromisoformat(task[f].replace("Z", "+00:00")) for f in ("created_at", "due_at"))
    assert (due_at - created_at).days == 4
    act(api, key, "prepare_payout", "branch_manager", payout("50000"))
    assert open_task(api, key, "check_payout")["form_name"] == "approval_decision.json"


def test_the_panel_shows_what_the_files_say(designer, live_server):
    """A service task's handler and its parameters, a gateway flow's condition, a timer's expression."""
    open_studio(designer, live_server, "collection_escalation", "en")
    designer.click('.djs-element[data-element-id="record_call"]')
    assert designer.input_value("#bio-properties-panel-spiff-handler") == "record_collection_contact"
    assert designer.input_value("#bio-properties-panel-spiff-parameter-channel") == "'phone'"
    assert designer.input_value("#bio-properties-panel-spiff-resultVariable") == "call_record"
    designer.click('.djs-element[data-element-id="phone_deadline"]', force=True)
    assert designer.input_value("#bio-properties-panel-spiff-timer-kind") == "timeDuration"
    assert designer.input_value("#bio-properties-panel-spiff-timer-value") == '"P3D"'
    open_studio(designer, live_server, "disbursement", "en")
    designer.click('.djs-element[data-element-id="f_payout_approved"]', force=True)
    assert designer.input_value("#bio-properties-panel-spiff-condition-expression") == 'decision == "approve"'


def test_every_shipped_process_saves_back_unchanged(designer, live_server):
    """Our moddle descriptor writes the extensions as the files have them: no edit, no new version."""
    for path in sorted(SHIPPED.glob("*.bpmn")):
        open_studio(designer, live_server, path.stem, "en")
        designer.click("#deploy-button")
        designer.wait_for_selector("#deploy-status.flash")
        assert designer.text_content("#deploy-status") == "No change: no new version was made.", path.name
