"""In a real browser: /processes draws the diagram, and an instance's active node is marked."""
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.loans.helpers import apply

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (run-tests.sh installs it)")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(app):
    """The app under gunicorn on loopback, on the test database; stopped afterwards."""
    port = free_port()
    env = dict(os.environ, DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], SECRET_KEY="browser-test",
               SCHEDULER_ENABLED="false", DEPLOY_ON_START="false")
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}", "wsgi:app"],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/login", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    else:
        process.kill()
        pytest.fail("the server did not start: " + process.stderr.read().decode()[-2000:])
    yield base
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def page(server):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        tab = browser.new_page()
        tab.goto(server + "/login")
        tab.fill("input[name=username]", "supervisor")
        tab.fill("input[name=password]", "demo")
        tab.click("button[type=submit]")
        tab.wait_for_url(server + "/")
        yield tab
        browser.close()


def test_processes_page_draws_the_diagram(page, server, tmp_path):
    page.goto(server + "/processes")
    page.click("text=多级审批 Loan approval")
    page.wait_for_selector("[data-rendered=true] .djs-container svg")
    assert page.locator('.djs-element[data-element-id="committee_review"]').count() == 1
    page.screenshot(path=str(tmp_path / "process.png"))


def test_instance_diagram_marks_the_active_node(page, server, api):
    created = apply(api, "50000", term_months=12)
    page.goto(f"{server}/processes/instances/{created['process_instance_id']}")
    page.wait_for_selector('.djs-element.node-active[data-element-id="check_completeness"]')
    assert page.locator('.djs-element.node-completed[data-element-id="start"]').count() == 1
    assert page.locator(".node-active").count() == 1
    page.screenshot(path="/tmp/loanflow-instance.png")
