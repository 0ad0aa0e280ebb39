"""The staff workbench in the browser's terms (server-rendered pages): forms that open empty with the
trail beside them, the case page, the customer registry, the application wizard, repayments and
write-off requests from the loan page, documents, and the start page."""
import io
import re
import zipfile
from decimal import Decimal

from app.documents.models import Document
from app.extensions import db
from app.loans.identity import resident_id_check_char
from app.loans.models import Customer, LoanApplication, Repayment
from tests.loans.helpers import (
    APPROVE,
    COMPLETE_DOCUMENTS,
    act,
    apply,
    new_loan,
    open_task,
)

from .test_pages import login

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def resident_id(first17):
    return first17 + resident_id_check_char(first17)


def form_part(page):
    return page.split('class="taskform"')[1].split("</form>")[0]


def test_the_risk_officer_opens_an_empty_form_and_sees_the_branch_managers_decision(app, api):
    key = apply(api, "300000", term_months=12)["business_key"]
    act(api, key, "check_completeness", "loan_officer", COMPLETE_DOCUMENTS)
    act(api, key, "branch_manager_review", "branch_manager", {"decision": "approve", "comment": "经营稳定，同意"})
    task = open_task(api, key, "risk_review")
    page = login(app, "risk_officer").get(f"/tasks/{task['id']}").get_data(as_text=True)
    form = form_part(page)
    assert "selected" not in form and "经营稳定" not in form  # nothing of the earlier decision in the form
    trail = page.split("流转记录与审批意见")[1]
    assert "部门负责人审批" in trail and "经营稳定，同意" in trail and "同意" in trail and "branch_manager" in trail
    assert "Branch manager approval" not in trail
    detail = api.get(f"/api/tasks/{task['id']}", "risk_officer").get_json()
    assert detail["form_values"] == {}


def test_after_a_return_the_decision_is_blank_and_both_decisions_stay_in_the_trail(app, api):
    key = apply(api, "80000", term_months=12)["business_key"]
    act(api, key, "check_completeness", "loan_officer", COMPLETE_DOCUMENTS)
    act(api, key, "branch_manager_review", "branch_manager", {"decision": "return", "comment": "补充流水"})
    act(api, key, "supplement_information", "loan_officer", {"supplement_notes": "已补充银行流水"})
    task = open_task(api, key, "branch_manager_review")
    page = login(app, "branch_manager").get(f"/tasks/{task['id']}").get_data(as_text=True)
    assert "selected" not in form_part(page)
    assert 'data-confirm="此操作将退回案件，确定吗？"' in form_part(page)  # sending back asks first
    trail = page.split("流转记录与审批意见")[1]
    assert "退回" in trail and "补充流水" in trail and "已补充银行流水" in trail


def test_an_unanswered_required_yes_no_is_refused_and_nothing_moves(app, api):
    key = apply(api, "50000", term_months=12)["business_key"]
    task = open_task(api, key, "check_completeness")
    client = login(app, "loan_officer")
    refused = client.post(f"/tasks/{task['id']}/complete", data={"notes": "看过"})
    assert refused.status_code == 422 and "资料齐全为必填项" in refused.get_data(as_text=True)
    assert api.get(f"/api/tasks/{task['id']}", "loan_officer").get_json()["status"] == "open"


def test_the_payout_form_opens_with_the_approved_amount_the_process_hands_it(app, api):
    key = apply(api, "60000", term_months=12)["business_key"]
    act(api, key, "check_completeness", "loan_officer", COMPLETE_DOCUMENTS)
    act(api, key, "branch_manager_review", "branch_manager", APPROVE)
    act(api, key, "sign_contract", "loan_officer", {"contract_number": f"HT-{key}", "signed_on": "2026-11-23"})
    task = open_task(api, key, "prepare_payout")
    assert api.get(f"/api/tasks/{task['id']}", "cashier").get_json()["form_values"] == {"payout_amount": "60000"}
    form = form_part(login(app, "cashier").get(f"/tasks/{task['id']}").get_data(as_text=True))
    assert 'name="payout_amount" value="60000"' in form and 'name="payee_account" value=""' in form


def test_inbox_rows_carry_the_customer_amount_and_product_the_process_declares(api):
    key = apply(api, "88000", term_months=12)["business_key"]
    task = open_task(api, key, "check_completeness")
    assert task["columns"] == {"customer": "张伟", "amount": "88000", "product": "个人经营贷（等额本息）"}


def test_the_case_page_shows_customer_scoring_processes_and_trail(app, api):
    created = apply(api, "70000", term_months=12)
    key = created["business_key"]
    act(api, key, "check_completeness", "loan_officer", COMPLETE_DOCUMENTS)
    page = login(app, "branch_manager").get(f"/cases/{key}").get_data(as_text=True)
    assert "张伟" in page and "¥70,000.00" in page and "个人经营贷" in page
    assert "转人工审批" in page and "低风险" in page  # the scoring answer in words, not codes
    assert "多级审批" in page and "部门负责人审批" in page  # where the case waits
    assert "资料完整性检查" in page.split("流转记录与审批意见")[1]
    english = login(app, "branch_manager").get(f"/cases/{key}?lang=en").get_data(as_text=True)
    assert "Goes to manual review" in english and "Low risk" in english and "manual_review" not in english
    assert login(app, "collector").get(f"/cases/{key}").status_code == 403  # no work in the case


def test_a_customer_registered_on_the_page_with_financials_can_borrow(app, api):
    officer = login(app, "loan_officer")
    id_number = resident_id("11010119860203331")
    registered = officer.post("/customers/new", data={
        "type": "individual", "id_number": id_number, "name": "赵敏", "phone": "13911112222",
        "address": "北京市海淀区中关村大街1号", "employer": "北京某科技公司", "monthly_income": "30000",
        "monthly_debt_payment": "3000", "account_0_bank": "招商银行北京分行", "account_0_number": "6225880112345678",
        "account_0_purpose": "both"})
    assert registered.status_code == 302, registered.get_data(as_text=True)[:800]
    with app.app_context():
        customer = db.session.execute(db.select(Customer).where(Customer.id_number == id_number)).scalar_one()
        customer_id = customer.id
        assert (customer.monthly_income, customer.accounts[0].account_number) == (Decimal("30000"), "6225880112345678")
    key = apply(api, "60000", customer_id=customer_id, term_months=12)["business_key"]
    act(api, key, "check_completeness", "loan_officer", COMPLETE_DOCUMENTS)
    assert open_task(api, key, "branch_manager_review")
    found = officer.get("/customers?q=赵敏").get_data(as_text=True)
    assert "赵敏" in found and id_number not in found and id_number[:3] + "***" in found  # masked in lists


def test_a_customer_without_financials_goes_to_manual_review_with_a_reason(app, api):
    created = api.post("/api/customers", "loan_officer", json={
        "type": "individual", "name": "钱多", "phone": "13722223333", "id_number": resident_id("31010119900101222")})
    assert created.status_code == 201, created.get_json()
    key = apply(api, "50000", customer_id=created.get_json()["id"], term_months=12)["business_key"]
    act(api, key, "check_completeness", "loan_officer", COMPLETE_DOCUMENTS)
    assert open_task(api, key, "branch_manager_review")  # people decide, no automatic rejection
    with app.app_context():
        application = db.session.execute(db.select(LoanApplication).where(LoanApplication.number == key)).scalar_one()
        assert (application.scoring_result, application.status) == ("manual_review", "submitted")
        assert "财务信息缺失" in application.scoring_reason


def test_customer_fields_refused_with_sentences_at_the_field(app):
    page = login(app, "loan_officer").post("/customers/new", data={
        "type": "individual", "id_number": resident_id("00000019800101123"), "name": "错", "phone": "123",
        "account_0_bank": "工行", "account_0_number": "6222-0000-abc"}).get_data(as_text=True)
    assert "前六位不是有效的行政区划代码" in page and "须为 11 位手机号" in page and "账号须为 8 至 30 位数字" in page
    assert "does not match" not in page


def test_the_application_wizard_submits_a_case(app):
    officer = login(app, "loan_officer")
    with app.app_context():
        customer_id = db.session.execute(db.select(Customer.id).where(Customer.name == "李娜")).scalar_one()
    assert "李娜" in officer.get("/applications/new?q=李娜").get_data(as_text=True)
    form = {"customer_id": str(customer_id), "product_code": "PERSONAL_EI", "amount": "2", "term_months": "12",
            "purpose": "装修", "collateral_0_type": "mortgage", "collateral_0_description": "住宅",
            "collateral_0_value": "900000", "guarantor_0_name": "李父", "guarantor_0_phone": "13600001111"}
    refused = officer.post("/applications/new", data=form)
    assert refused.status_code == 422 and "金额须在" in refused.get_data(as_text=True)
    submitted = officer.post("/applications/new", data=dict(form, amount="150000"))
    assert submitted.status_code == 302
    key = re.search(r"/cases/(\w+)", submitted.headers["Location"]).group(1)
    with app.app_context():
        application = db.session.execute(db.select(LoanApplication).where(LoanApplication.number == key)).scalar_one()
        assert (application.amount, application.guarantors[0].name, application.collateral[0].value) == (
            Decimal("150000"), "李父", Decimal("900000"))


def test_the_cashier_enters_a_repayment_on_the_loan_page(app, api):
    loan = new_loan(api, "30000")
    cashier = login(app, "cashier")
    page = cashier.get(f"/loans/{loan['id']}").get_data(as_text=True)
    assert "登记还款" in page and "申请核销" not in page
    entered = cashier.post(f"/loans/{loan['id']}/repayments", data={"amount": "500.00", "paid_on": loan["disbursed_on"]})
    assert entered.status_code == 302
    with app.app_context():
        assert db.session.execute(db.select(Repayment.status).where(Repayment.loan_id == loan["id"])).scalars().all() \
            == ["pending"]
    assert open_task(api, loan["business_key"], "confirm_repayment")


def test_a_write_off_request_needs_its_evidence_file(app, api):
    loan = new_loan(api, "30000")
    risk = login(app, "risk_officer")
    missing = risk.post(f"/loans/{loan['id']}/write-off", data={"reason": "无力偿还"})
    assert missing.status_code == 302 and not open_task(api, loan["business_key"])
    assert "请附上证据材料" in risk.get(f"/loans/{loan['id']}").get_data(as_text=True)
    requested = risk.post(f"/loans/{loan['id']}/write-off", content_type="multipart/form-data", data={
        "reason": "无力偿还", "evidence": "法院终结执行裁定", "evidence_file": (io.BytesIO(PDF), "裁定书.pdf")})
    assert requested.status_code == 302
    with app.app_context():
        kept = db.session.execute(db.select(Document).where(Document.business_key == loan["business_key"])).scalar_one()
        assert (kept.kind, kept.content_type, kept.filename) == ("evidence", "application/pdf", "裁定书.pdf")


def test_documents_are_checked_by_content_and_shown_only_to_those_who_may_see_the_case(app, api):
    key = apply(api, "50000", term_months=12)["business_key"]
    officer = login(app, "loan_officer")
    fake = officer.post(f"/cases/{key}/documents", content_type="multipart/form-data", follow_redirects=True,
                        data={"kind": "id_copy", "file": (io.BytesIO(b"MZ\x90\x00"), "id.pdf")})
    assert "PDF" in fake.get_data(as_text=True) and "已归入" not in fake.get_data(as_text=True)
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    for name, content in (("身份证.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64), ("合同.docx", docx.getvalue())):
        kept = officer.post(f"/cases/{key}/documents", data={"kind": "id_copy", "file": (io.BytesIO(content), name)},
                            content_type="multipart/form-data")
        assert kept.status_code == 302
    huge = officer.post(f"/cases/{key}/documents", content_type="multipart/form-data", data={
        "kind": "other", "file": (io.BytesIO(PDF + b"0" * (20 * 1024 * 1024)), "big.pdf")})
    assert huge.status_code in (302, 413)
    with app.app_context():
        documents = db.session.execute(db.select(Document).where(Document.business_key == key)).scalars().all()
        assert sorted(d.content_type for d in documents) == [
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "image/png"]
        document_id = documents[0].id
    assert officer.get(f"/documents/{document_id}").status_code == 200
    assert login(app, "collector").get(f"/documents/{document_id}").status_code == 403


def test_the_start_page_lists_what_each_role_may_start(app):
    officer = login(app, "loan_officer").get("/start").get_data(as_text=True)
    assert "贷款申请" in officer and "核销" not in officer
    risk = login(app, "risk_officer").get("/start").get_data(as_text=True)
    assert "核销" in risk and "贷款申请" not in risk
    form = login(app, "risk_officer").get("/start/write_off").get_data(as_text=True)
    assert "核销理由" in form and 'name="loan_id"' in form
    assert login(app, "loan_officer").get("/start/write_off").status_code == 403


def test_a_payout_above_the_approved_amount_is_refused_at_the_cashier_step(app, api):
    key = apply(api, "500000", term_months=12)["business_key"]
    act(api, key, "check_completeness", "loan_officer", COMPLETE_DOCUMENTS)
    act(api, key, "branch_manager_review", "branch_manager", APPROVE)
    act(api, key, "risk_review", "risk_officer", APPROVE)
    future = "2999-01-01"
    task = open_task(api, key, "sign_contract")
    signed_late = login(app, "loan_officer").post(f"/tasks/{task['id']}/complete",
                                                  data={"contract_number": "HT-1", "signed_on": future})
    assert signed_late.status_code == 422 and "签约日期不能晚于今天" in signed_late.get_data(as_text=True)
    act(api, key, "sign_contract", "loan_officer", {"contract_number": f"HT-{key}", "signed_on": "2026-11-23"})
    task = open_task(api, key, "prepare_payout")
    page = login(app, "cashier").post(f"/tasks/{task['id']}/complete", data={
        "payee_account": "6222020200112233445", "payee_bank": "工商银行", "payout_amount": "900000"})
    text = page.get_data(as_text=True)
    assert page.status_code == 422 and "放款金额不得超过批准金额" in text and "The payout" not in text
    field = text.split('name="payout_amount"')[1].split("</div>")[0]
    assert "放款金额不得超过批准金额" in field  # the message stands at the field
    assert api.get(f"/api/tasks/{task['id']}", "cashier").get_json()["status"] == "open"


def test_a_substitute_must_hold_the_absent_persons_roles(app):
    refused = login(app, "loan_officer").post("/substitutions", data={
        "substitute": "cashier", "starts_on": "2031-01-01", "ends_on": "2031-01-05", "reason": "年假"},
        follow_redirects=True)
    assert "须具备请假人的岗位角色" in refused.get_data(as_text=True)
