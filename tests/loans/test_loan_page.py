"""The loan page tells a loan's post-loan story: reminders sent, calls made, every ledger posting."""
from datetime import timedelta

from tests.web.test_pages import login

from .helpers import act
from .test_contact_rules import phone_stage


def test_the_loan_page_shows_messages_contacts_and_the_ledger(app, api, fresh_dates):
    loan, key, due = phone_stage(app, api)
    act(api, key, "phone_collection", "collector", {"outcome": "unreachable", "notes": "无人接听"})
    page = login(app, "collector").get(f"/loans/{loan['id']}").get_data(as_text=True)
    for shown in ("催收记录", "电话", "无法联系", "客户通知", "到期提醒", "逾期通知", "账务流水", "放款", "罚息计提",
                  f"disbursement:{key}"):
        assert shown in page, shown
    title = page.split("<title>")[1].split("</title>")[0]
    assert key in title and "<" not in title and page.count("账务流水") == 1  # each section once, in the body
    english = login(app, "collector").get(f"/loans/{loan['id']}?lang=en").get_data(as_text=True)
    assert "Collection contacts" in english and "Unreachable" in english and "Penalty interest charged" in english
    assert ">unreachable<" not in english and ">penalty<" not in english  # words, not codes


def test_the_api_shows_the_same_record(app, api, fresh_dates):
    loan, key, due = phone_stage(app, api)
    promise = (due + timedelta(days=10)).isoformat()  # a day still ahead of the business date
    act(api, key, "phone_collection", "collector", {"outcome": "promise_to_pay", "promise_date": promise,
                                                    "promise_amount": "1000.00"})
    shown = api.get(f"/api/loans/{loan['id']}", "collector").get_json()
    assert [(c["channel"], c["outcome"], c["promise_amount"]) for c in shown["collection_contacts"]] == [
        ("phone", "promise_to_pay", "1000.00")]
    assert {m["kind"] for m in shown["messages"]} == {"due_reminder", "overdue_notice"}
    ledger = api.get(f"/api/loans/{loan['id']}/ledger", "collector").get_json()
    assert ledger[0]["entry_type"] == "disbursement" and ledger[0]["reference"] == f"disbursement:{key}"
    assert {e["entry_type"] for e in ledger} == {"disbursement", "interest_accrual", "penalty"}
    assert api.get("/api/loans/999999/ledger", "collector").status_code == 404
