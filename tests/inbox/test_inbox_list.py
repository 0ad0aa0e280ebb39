"""The task list staff live in: what they have to do first, the columns processes declare, filters
on them, sorting, counts on the tabs and due-soon marks."""
import random
from datetime import timedelta

from app import clock
from app.loans.identity import resident_id_check_char
from tests.loans.helpers import apply
from tests.web.test_pages import login


def customer(api, name):
    first17 = f"3301061985{random.randrange(1, 12):02d}{random.randrange(1, 28):02d}{random.randrange(100, 999)}"
    created = api.post("/api/customers", "loan_officer", json={
        "type": "individual", "name": name, "phone": "13800001234",
        "id_number": first17 + resident_id_check_char(first17),
        "monthly_income": "50000", "monthly_debt_payment": "1000"})
    assert created.status_code == 201, created.get_json()
    return created.get_json()["id"]


def three_cases(api):
    tag = f"筛{random.randrange(10**6):06d}"
    amounts = {"甲": "60000", "乙": "250000", "丙": "900000"}
    keys = {}
    for suffix, amount in amounts.items():
        keys[suffix] = apply(api, amount, customer_id=customer(api, tag + suffix), term_months=12)["business_key"]
    return tag, keys


def listed(api, query, user="loan_officer"):
    answer = api.get(f"/api/tasks?{query}", user)
    assert answer.status_code == 200, answer.get_json()
    return [(task["columns"]["customer"], task["columns"]["amount"]) for task in answer.get_json()["items"]]


def test_filters_and_sorting_read_the_declared_columns(app, api):
    tag, keys = three_cases(api)
    assert [c for c, _ in listed(api, f"scope=todo&search={tag}&sort=amount&order=desc")] == [
        tag + "丙", tag + "乙", tag + "甲"]
    assert listed(api, f"scope=todo&search={tag}乙") == [(tag + "乙", "250000")]
    assert listed(api, f"scope=todo&search={tag}&range_min=100000&range_max=300000") == [(tag + "乙", "250000")]
    assert listed(api, f"scope=todo&search={tag}&process_key=write_off") == []
    with app.app_context():
        now = clock.now()
    soon, later = (now + timedelta(hours=1)).isoformat(), (now + timedelta(days=3)).isoformat()
    assert listed(api, f"scope=todo&search={tag}&due_before={soon.replace('+', '%2B')}") == []
    assert len(listed(api, f"scope=todo&search={tag}&due_before={later.replace('+', '%2B')}")) == 3
    assert listed(api, f"scope=todo&search={tag}", user="cashier") == []  # not for a cashier's roles


def test_the_inbox_page_opens_on_the_work_to_do_with_counts_and_columns(app, api, move_clock):
    tag, keys = three_cases(api)
    page = login(app, "loan_officer").get(f"/inbox?search={tag}&sort=amount&order=desc").get_data(as_text=True)
    tabs = page.split('<nav class="tabs">')[1].split("</nav>")[0]
    assert 'class="active" href="/inbox?tab=todo"' in tabs and tabs.count('class="count"') == 4
    rows = page.split("<tbody>")[1].split("</tbody>")[0]
    assert rows.index(tag + "丙") < rows.index(tag + "乙") < rows.index(tag + "甲")
    assert "¥900,000.00" in rows and "个人经营贷" in rows and "资料完整性检查" in rows
    assert "Completeness check" not in rows and "loan_application" not in rows  # words, not codes
    assert "即将到期" not in rows and "已超时" not in rows  # due in two days
    move_clock(1)  # less than a day left
    rows = login(app, "loan_officer").get(f"/inbox?search={tag}").get_data(as_text=True).split("<tbody>")[1]
    assert rows.count("即将到期") == 3 and "已超时" not in rows
    move_clock(3)
    rows = login(app, "loan_officer").get(f"/inbox?search={tag}").get_data(as_text=True).split("<tbody>")[1]
    assert rows.count("已超时") == 3
