"""The staff pages: login, inbox, the task form rendered from its JSON Schema, loans."""
import re

from app import create_app
from config import TestConfig
from tests.loans.helpers import (
    APPROVE,
    COMPLETE_DOCUMENTS,
    act,
    apply,
    disburse,
    open_task,
)


def login(app, username, password="demo"):
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": password})
    assert response.status_code == 302, response.data[:200]
    return client


def test_wrong_password_shows_a_message_and_no_session(app):
    client = app.test_client()
    response = client.post("/login", data={"username": "loan_officer", "password": "wrong"})
    assert response.status_code == 401
    assert "用户名或密码错误" in response.get_data(as_text=True)
    assert client.get("/inbox").status_code == 302


def test_pages_need_login(app):
    response = app.test_client().get("/inbox")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_inbox_lists_role_tasks_for_the_right_people_only(app, api):
    key = apply(api, "50000", term_months=12)["business_key"]
    officer_page = login(app, "loan_officer").get(f"/inbox?tab=claimable&business_key={key}").get_data(as_text=True)
    assert "资料完整性检查" in officer_page and key in officer_page
    cashier_page = login(app, "cashier").get(f"/inbox?tab=claimable&business_key={key}").get_data(as_text=True)
    assert "资料完整性检查" not in cashier_page


def test_task_form_is_rendered_in_chinese_then_english(app, api):
    key = apply(api, "50000", term_months=12)["business_key"]
    task = open_task(api, key, "check_completeness")
    client = login(app, "loan_officer")
    page = client.get(f"/tasks/{task['id']}").get_data(as_text=True)
    # A required yes/no is asked with neither answer chosen: "required" means the person answered.
    assert page.count('type="radio" name="documents_complete"') == 2 and "checked" not in page.split("documents_complete")[1][:80]
    assert "资料齐全" in page and "Documents complete" not in page
    assert "提交" in page and "领取" in page
    english = client.get(f"/tasks/{task['id']}?lang=en").get_data(as_text=True)
    assert ">Complete<" in english and ">Claim<" in english and "Documents complete" in english


def test_missing_required_field_shows_message_and_changes_nothing(app, api):
    key = apply(api, "50000", term_months=12)["business_key"]
    act(api, key, "check_completeness", "loan_officer", COMPLETE_DOCUMENTS)
    task = open_task(api, key, "branch_manager_review")
    client = login(app, "branch_manager")
    response = client.post(f"/tasks/{task['id']}/complete", data={"comment": "看过了"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "审批意见为必填项" in page and "required property" not in page
    assert "看过了" in page  # what was typed is kept
    assert api.get(f"/api/tasks/{task['id']}", "branch_manager").get_json()["status"] == "open"


def test_claim_and_complete_through_the_pages_advance_the_case(app, api):
    key = apply(api, "50000", term_months=12)["business_key"]
    task = open_task(api, key, "check_completeness")
    client = login(app, "loan_officer")
    assert client.post(f"/tasks/{task['id']}/claim").status_code == 302
    response = client.post(f"/tasks/{task['id']}/complete",
                           data={"documents_complete": "yes", "site_visit_done": "on", "notes": "齐全"})
    assert response.status_code == 302
    assert open_task(api, key, "branch_manager_review")


def test_wrong_role_gets_a_403_page_without_traceback(app, api):
    key = apply(api, "50000", term_months=12)["business_key"]
    task = open_task(api, key, "check_completeness")
    response = login(app, "cashier").get(f"/tasks/{task['id']}")
    assert response.status_code == 403
    text = response.get_data(as_text=True)
    assert "403" in text and "Traceback" not in text


def test_loan_page_shows_schedule_and_class_and_404_for_unknown(app, api):
    created = apply(api, "50000", term_months=12)
    key = created["business_key"]
    act(api, key, "check_completeness", "loan_officer", COMPLETE_DOCUMENTS)
    act(api, key, "branch_manager_review", "branch_manager", APPROVE)
    disburse(api, key, "50000")
    loan_id = api.get(f"/api/loan-applications/{created['id']}", "loan_officer").get_json()["loan_id"]
    client = login(app, "loan_officer")
    page = client.get(f"/loans/{loan_id}").get_data(as_text=True)
    schedule = page.split("还款计划")[1].split("</section>")[0]
    assert "正常" in page and "等额本息" in page and schedule.count("<tr><td>") == 12
    missing = client.get("/loans/999999")
    assert missing.status_code == 404 and "Traceback" not in missing.get_data(as_text=True)


def test_home_shows_what_matters_to_the_role(app):
    page = login(app, "loan_officer").get("/").get_data(as_text=True)
    assert "我的待办" in page and "我的超时任务" in page and "贷款余额" not in page
    assert "贷款余额" in login(app, "branch_manager").get("/").get_data(as_text=True)


def test_the_menu_shows_only_pages_the_user_may_open(app):
    officer = login(app, "loan_officer").get("/").get_data(as_text=True)
    assert 'href="/supervisor"' not in officer and 'href="/start"' in officer and 'href="/loans"' in officer
    assert 'href="/supervisor"' in login(app, "supervisor").get("/").get_data(as_text=True)


def test_forms_without_csrf_token_are_refused(app):
    class CsrfOn(TestConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        WTF_CSRF_ENABLED = True

    guarded = create_app(CsrfOn())
    client = guarded.test_client()
    response = client.post("/login", data={"username": "loan_officer", "password": "demo"})
    assert response.status_code == 400
    assert "Traceback" not in response.get_data(as_text=True)
    posted = 0
    for url_rule in guarded.url_map.iter_rules():  # every page that takes a POST, not only the login
        if "POST" not in url_rule.methods or url_rule.rule.startswith("/api"):
            continue
        path = re.sub(r"<[^>]+>", "1", url_rule.rule)
        assert client.post(path, data={"x": "1"}).status_code == 400, path
        posted += 1
    assert posted >= 5


def test_security_headers(app):
    response = app.test_client().get("/login")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_delegation_and_substitute_from_the_pages(app, api):
    key = apply(api, "50000", term_months=12)["business_key"]
    task = open_task(api, key, "check_completeness")
    owner = login(app, "loan_officer")
    owner.post(f"/tasks/{task['id']}/claim")
    assert owner.post(f"/tasks/{task['id']}/delegate", data={"username": "loan_officer2", "reason": "协助"}).status_code == 302
    delegate = login(app, "loan_officer2")
    assert "协助" in delegate.get("/").get_data(as_text=True)  # the message reached the delegate
    delegate.post(f"/tasks/{task['id']}/complete", data={"documents_complete": "yes", "notes": "已核"})
    page = owner.get(f"/tasks/{task['id']}").get_data(as_text=True)
    assert "受托人已填写表单" in page and "已核" in page
    response = owner.post("/substitutions", data={"substitute": "loan_officer2", "starts_on": "2030-01-01",
                                                  "ends_on": "2030-01-10", "reason": "年假"})
    assert response.status_code == 302
    assert "2030-01-01" in owner.get("/").get_data(as_text=True)
