"""In a real browser: /processes draws the diagram, and an instance's active node is marked."""
import json
import shutil

import pytest

from tests.loans.helpers import apply

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (run-tests.sh installs it)")


def log_in(tab, server, username):
    tab.goto(server + "/login")
    tab.fill("input[name=username]", username)
    tab.fill("input[name=password]", "demo")
    tab.click("button[type=submit]")
    tab.wait_for_url(server + "/")


def logged_in_tab(server, username):
    """A Chromium tab logged in as `username`, for a module fixture to `yield from`."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        tab = browser.new_page()
        log_in(tab, server, username)
        yield tab
        browser.close()


@pytest.fixture(scope="module")
def page(live_server):
    yield from logged_in_tab(live_server, "supervisor")


def test_processes_page_draws_the_diagram(page, live_server, tmp_path):
    server = live_server
    page.goto(server + "/processes")
    page.click("text=多级审批 Loan approval")
    page.wait_for_selector("[data-rendered=true] .djs-container svg")
    assert page.locator('.djs-element[data-element-id="committee_review"]').count() == 1
    page.screenshot(path=str(tmp_path / "process.png"))


def test_instance_diagram_marks_the_active_node(page, live_server, api):
    server = live_server
    created = apply(api, "50000", term_months=12)
    page.goto(f"{server}/processes/instances/{created['process_instance_id']}")
    page.wait_for_selector('.djs-element.node-active[data-element-id="check_completeness"]')
    assert page.locator('.djs-element.node-completed[data-element-id="start"]').count() == 1
    assert page.locator(".node-active").count() == 1
    page.screenshot(path="/tmp/loanflow-instance.png")


@pytest.mark.parametrize("language, unchanged", [
    ("zh_CN", "没有改动，未生成新版本。"),
    ("en", "No change: no new version was made."),
])
def test_the_modeler_deploys_no_new_version_without_a_change(page, live_server, api, language, unchanged):
    """A designer opens the modeler and presses 校验并部署 without editing: the modeler's own
    formatting of the file is no new version of this process or of the one that calls it."""
    keys = ("loan_approval", "loan_application")

    def versions():
        return {key: [d["version"] for d in api.get(f"/api/process-definitions/{key}/versions",
                                                    "process_designer").get_json()] for key in keys}

    before = versions()
    designer = page.context.browser.new_context()  # the supervisor's browser, a designer's session
    try:
        tab = designer.new_page()
        log_in(tab, live_server, "process_designer")
        tab.goto(live_server + f"/processes/loan_approval/edit?lang={language}")
        tab.wait_for_selector("[data-rendered=true] .djs-container svg")
        tab.click("#deploy-button")
        tab.wait_for_selector("#deploy-status.flash")  # the page's CSP allows no evaluated waits
        said = tab.text_content("#deploy-status")
    finally:
        designer.close()
    assert said == unchanged
    assert versions() == before


def test_the_form_editor_preview_follows_the_typing(page, live_server):
    """A designer types a new field into a form's JSON: the preview beside it shows the input the
    task page will show; a half-typed JSON names its problem and keeps the last good preview."""
    designer = page.context.browser.new_context()
    try:
        tab = designer.new_page()
        log_in(tab, live_server, "process_designer")
        tab.goto(live_server + "/processes/forms/review_decision.json?lang=zh_CN")
        assert tab.locator("#form-preview select[name=decision]").count() == 1
        assert "预览" in tab.text_content("h2")
        editor = tab.locator("textarea[name=schema]")
        form = json.loads(editor.input_value())
        form["properties"]["visit_date"] = {"type": "string", "format": "date", "title": "走访日期 Visit date"}
        editor.fill(json.dumps(form, ensure_ascii=False, indent=2))
        tab.wait_for_selector("#form-preview input[type=date][name=visit_date]")
        assert "走访日期" in tab.text_content("#form-preview")
        editor.fill('{"type": "object", "properties": ')
        tab.wait_for_selector("#form-preview[data-state=stale]")
        assert "is not JSON" in tab.text_content("#form-problems")
        assert tab.locator("#form-preview input[name=visit_date]").count() == 1
    finally:
        designer.close()
