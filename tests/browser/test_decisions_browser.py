"""Decision tables in a real browser: a designer edits a cell of approval_levels.dmn in dmn-js and
deploys; the table and the processes using it get new versions, a second deploy changes nothing."""
import pytest

from app.extensions import db
from app.workflow.artifacts import file_text, newest_version
from app.workflow.models import ProcessDefinition
from tests.browser.test_processes_browser import CHROMIUM
from tests.browser.test_studio_browser import designer, restore_shipped  # noqa: F401 - the designer's tab

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (run-tests.sh installs it)")


@pytest.fixture()
def shipped_afterwards(live_server, app):
    """The shipped table is back in the live server's folder and the shipped processes are the newest again."""
    yield
    restore_shipped(live_server, app, "approval_levels.dmn")


def newest(app, key):
    with app.app_context():
        return db.session.execute(db.select(ProcessDefinition.version).where(ProcessDefinition.key == key)
                                  .order_by(ProcessDefinition.version.desc()).limit(1)).scalar()


def test_a_cell_edited_in_the_table_is_deployed_with_the_processes_using_it(designer, live_server, app, api,
                                                                           shipped_afterwards):
    with app.app_context():
        table_before = newest_version("approval_levels.dmn")
    approval_before = newest(app, "loan_approval")

    designer.goto(f"{live_server}/processes/decisions?lang=en")
    designer.click('a[href="/processes/decisions/approval_levels.dmn"]')
    designer.wait_for_selector("[data-rendered=true] .tjs-table")
    cell = designer.locator('td[data-element-id="rule_small_low_risk_amount"] [contenteditable]')
    assert cell.text_content().strip() == "<= 100000"
    cell.click()
    designer.keyboard.press("Control+A")
    designer.keyboard.type("<= 150000")  # no process test asks for an amount between the two
    designer.click("#deploy-button")
    designer.wait_for_selector("#deploy-status.flash.ok")
    said = designer.text_content("#deploy-status")
    assert said.startswith("Deployed:") and "loan_approval v" in said

    with app.app_context():
        assert newest_version("approval_levels.dmn") == table_before + 1
        assert "&lt;= 150000" in file_text("approval_levels.dmn")
    shown = api.get("/api/process-definitions/loan_approval/versions", "process_designer").get_json()
    assert shown[0]["version"] == approval_before + 1 and shown[0]["deployed_by"] == "process_designer"

    designer.reload()
    designer.wait_for_selector("[data-rendered=true] .tjs-table")
    assert "150000" in designer.text_content('td[data-element-id="rule_small_low_risk_amount"]')
    assert f"v{table_before + 1}" in designer.text_content("h1")
    designer.click("#deploy-button")
    designer.wait_for_selector("#deploy-status:has-text('No change: no new version was made.')")
    assert newest(app, "loan_approval") == approval_before + 1


@pytest.mark.parametrize("language, hit_policy, first, when", [
    ("zh_CN", "命中策略：", "首个命中", "当"),
    ("en", "Hit policy:", "First", "When"),
])
def test_the_table_speaks_the_users_language(designer, live_server, language, hit_policy, first, when):
    designer.goto(f"{live_server}/processes/decisions/approval_levels.dmn?lang={language}")
    designer.wait_for_selector("[data-rendered=true] .tjs-table")
    assert designer.text_content(".hit-policy .dms-label").strip() == hit_policy
    assert first in designer.text_content(".hit-policy")
    assert designer.text_content("th.input-cell .clause").strip() == when
