"""The whole origination in a real browser, the way staff work it, with nothing but the pages:
a new customer and application, an ID copy, two approvers deciding from their inboxes with the
earlier decision in view, the contract and payout, then a repayment entered and confirmed.
Every page is photographed in Chinese and in English (test-artifacts/screenshots/)."""
import re
import shutil
from pathlib import Path
from urllib.parse import urlencode

import pytest

from app.loans.identity import resident_id_check_char

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (run-tests.sh installs it)")
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        yield launched
        launched.close()


class Staff:
    """One person at their own browser: logs in, photographs each page in both languages."""

    def __init__(self, browser, base, username, viewport=None):
        self.base, self.username = base, username
        self.context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.page.on("dialog", lambda dialog: dialog.accept())
        self.page.goto(base + "/login")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", "demo")
        self.page.click("button[type=submit]")
        self.page.wait_for_url(base + "/")

    def open(self, path):
        self.page.goto(self.base + path)
        return self.page

    def shoot(self, name):
        """The page as it is (Chinese), then in English, then back to Chinese."""
        SHOTS.mkdir(parents=True, exist_ok=True)
        url = self.page.url
        self.page.screenshot(path=str(SHOTS / f"{name}.zh_CN.png"), full_page=True)
        glue = "&" if "?" in url else "?"
        self.page.goto(url + glue + "lang=en")
        english = self.page.content()
        self.page.screenshot(path=str(SHOTS / f"{name}.en.png"), full_page=True)
        self.page.goto(url + glue + "lang=zh_CN")
        return english

    def task_from_inbox(self, text):
        """Search the inbox for `text` (the customer's name) and open the task in its row."""
        self.open("/inbox?" + urlencode({"search": text}))
        row = self.page.locator("table.list tr", has_text=text).first
        row.get_by_role("link").first.click()
        return self.page

    def decide(self, decision_label, comment=None):
        self.page.select_option("select[name=decision]", label=decision_label)
        if comment:
            self.page.fill("textarea[name=comment]", comment)
        self.page.click("form.taskform button[type=submit]")

    def close(self):
        self.context.close()


def test_a_loan_is_originated_disbursed_and_repaid_in_the_browser(browser, live_server):
    base = live_server
    id_number = "44030519880808123" + resident_id_check_char("44030519880808123")
    officer = Staff(browser, base, "loan_officer")
    officer.open("/")
    officer.shoot("home")
    officer.open("/customers/new")
    officer.shoot("customer_new")
    form = officer.page
    form.select_option("select[name=type]", "individual")
    for name, value in {"id_number": id_number, "name": "孙悟净", "phone": "13812345678",
                        "address": "深圳市福田区深南大道1号", "employer": "深圳某制造有限公司",
                        "monthly_income": "42000",
                        "monthly_debt_payment": "5000", "account_0_bank": "中国银行深圳分行",
                        "account_0_number": "6217000012345678"}.items():
        form.fill(f"[name={name}]", value)
    form.click("form.card button[type=submit]")
    assert "孙悟净" in form.locator("h1").inner_text()
    officer.shoot("customer")
    form.click("text=新建申请")
    officer.shoot("application_new")
    form.select_option("select[name=product_code]", "PERSONAL_EI")
    for name, value in {"amount": "300000", "term_months": "24", "purpose": "设备采购",
                        "collateral_0_description": "厂房抵押", "collateral_0_value": "800000",
                        "guarantor_0_name": "沙悟能", "guarantor_0_phone": "13900001111"}.items():
        form.fill(f"[name={name}]", value)
    form.click("form.card button[type=submit]")
    form.wait_for_url(re.compile(r".*/cases/DK\d+"))
    key = form.url.rsplit("/", 1)[1]
    form.select_option("select[name=kind]", "id_copy")
    form.set_input_files("input[name=file]",
                         files=[{"name": "身份证.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    form.click("form.filters button[type=submit]")
    assert "身份证.pdf" in form.content()
    officer.shoot("case")

    inbox = officer.open("/inbox?" + urlencode({"search": "孙悟净"}))
    assert "¥300,000.00" in inbox.locator("table.list tr", has_text="孙悟净").inner_text()  # customer and amount
    officer.shoot("inbox")
    task = officer.task_from_inbox("孙悟净")
    officer.shoot("task_completeness")
    task.check("input[name=documents_complete][value=yes]")
    task.check("input[name=site_visit_done]")
    task.click("form.taskform button[type=submit]")

    manager = Staff(browser, base, "branch_manager")
    manager.task_from_inbox("孙悟净")
    manager.decide("同意", "经营稳定，同意")
    risk = Staff(browser, base, "risk_officer")
    page = risk.task_from_inbox("孙悟净")
    assert "selected" not in page.locator("form.taskform").inner_html()  # the form opens empty
    assert "经营稳定，同意" in page.locator("ol.trail").inner_text()  # the earlier decision in view
    risk.shoot("task_risk_review")
    risk.open(f"/cases/{key}")
    assert "经营稳定，同意" in risk.page.content()
    risk.task_from_inbox("孙悟净")
    risk.decide("同意", "风险可控")

    officer.task_from_inbox("孙悟净")
    officer.page.fill("[name=contract_number]", f"HT-{key}")
    officer.page.fill("[name=signed_on]", "2026-11-30")
    officer.page.click("form.taskform button[type=submit]")
    cashier = Staff(browser, base, "cashier")
    page = cashier.task_from_inbox("孙悟净")
    assert page.input_value("[name=payout_amount]") == "300000"  # handed to the task by its process
    page.fill("[name=payee_account]", "6217000012345678")
    page.fill("[name=payee_bank]", "中国银行深圳分行")
    page.fill("[name=payout_amount]", "900000")
    page.click("form.taskform button[type=submit]")
    assert "放款金额不得超过批准金额" in page.content()  # refused at the field, nothing saved
    page.screenshot(path=str(SHOTS / "task_payout_refused.zh_CN.png"), full_page=True)
    page.fill("[name=payout_amount]", "300000")
    page.click("form.taskform button[type=submit]")
    finance = Staff(browser, base, "finance_manager")
    finance.task_from_inbox("孙悟净")
    finance.decide("复核通过", "核对无误")

    case = cashier.open(f"/cases/{key}")
    cashier.shoot("case_disbursed")
    case.click(f"text=贷款 {key}")
    assert "还款计划" in case.content() and "¥300,000.00" in case.content()
    cashier.shoot("loan")
    case.fill("#repayment [name=amount]", "2000.00")
    case.click("#repayment button[type=submit]")
    assert "还款已登记" in case.content()
    finance.task_from_inbox("孙悟净")
    finance.shoot("task_confirm_repayment")
    finance.page.select_option("select[name=decision]", label="确认入账")
    finance.page.click("form.taskform button[type=submit]")
    loan = cashier.open(case.url.split(base)[1])
    assert "还本金" in loan.content() or "提前还本" in loan.content()  # the repayment reached the ledger

    phone = Staff(browser, base, "finance_manager", viewport=PHONE)
    for name, path in (("phone_inbox", "/inbox?tab=done"), ("phone_case", f"/cases/{key}"),
                       ("phone_loan", loan.url.split(base)[1])):
        view = phone.open(path)
        assert view.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 2, name
        phone.shoot(name)
    view = phone.open("/")
    view.click("label.menu-button")
    widths = view.eval_on_selector_all(".topbar nav a", "links => links.map(a => a.getBoundingClientRect().width)")
    assert min(widths) > 40  # the folded menu reads in words, not one character per line
    for person in (officer, manager, risk, cashier, finance, phone):
        person.close()
