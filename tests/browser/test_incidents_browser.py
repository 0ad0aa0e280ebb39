"""In a real browser: a supervisor finds a failed timer at /incidents, in words of either language,
and cancels the process it holds up."""
import pytest

from app.workflow.incidents import Site, record_incident
from tests.browser.test_processes_browser import CHROMIUM, page  # noqa: F401 - Chromium, logged in as supervisor
from tests.reliability.test_incidents import escalating, start_review  # noqa: F401 - the generic timer process

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (run-tests.sh installs it)")


def test_a_supervisor_cancels_the_process_an_incident_holds_up(page, live_server, app, api, escalating):  # noqa: F811
    held = start_review(api)
    with app.app_context():
        record_incident(Site("timer", "escalate", held["id"]), RuntimeError("the timer could not fire"))
    row = page.locator("table.incidents tr", has_text=held["business_key"])

    page.goto(live_server + "/incidents?lang=en")
    assert row.locator("td").nth(0).inner_text() == "Escalating review"
    assert row.locator("td").nth(2).inner_text() == "Timer"

    page.goto(live_server + "/incidents?lang=zh_CN")
    assert row.locator("td").nth(0).inner_text() == "超时上移"
    assert row.locator("td").nth(2).inner_text() == "定时器"
    row.locator("input[name=reason]").fill("客户撤回申请")
    row.locator("button", has_text="撤销流程").click()
    page.wait_for_load_state()
    assert "流程已撤销，其未完成的任务一并取消。" in page.content()
    assert row.count() == 0

    instance = api.get(f"/api/process-instances/{held['id']}", "supervisor").get_json()
    assert (instance["status"], instance["active_tasks"]) == ("terminated", [])  # its open task went with it
