"""Scripts and conditions get dates on the business clock, timedelta and Decimal (issue #12)."""
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from app import clock
from app.workflow.sandbox import SandboxEnvironment
from app.workflow.spiff_adapter import own_clock

from .test_designer_api import designer_folder  # noqa: F401 - PROCESSES_DIR as a throwaway copy
from .test_validator_trust import deploy_and_run
from .validator_files import LANE, bpmn, chain, end, script, start


def test_today_and_now_read_the_business_clock_even_in_a_worker():
    moment = datetime(2031, 3, 9, 20, 30, tzinfo=timezone.utc)  # already 10 March where the business is
    with own_clock(lambda: moment):
        env = SandboxEnvironment()
        data = {}
        env.execute("due = today() + timedelta(days=3)\nstamp = now()", data)
        assert data == {"due": date(2031, 3, 13), "stamp": moment.astimezone(clock.business_timezone())}
        assert env.evaluate("due > today() and now().hour == 4", data) is True


def test_data_named_like_a_helper_stays_data_and_scripts_may_set_it(app, ctx):
    data = {"date": "2031-03-10", "now": "soon"}
    SandboxEnvironment().execute("date = date + 'T00:00'\nlater = now", data)
    assert data == {"date": "2031-03-10T00:00", "now": "soon", "later": "soon"}


DATES = ("due = today() + timedelta(days=3)\n"
         "opened = now()\n"
         "fee = Decimal('1.50') * 2\n"
         "cutoff = datetime(2031, 1, 31, 17, 0) - timedelta(hours=1)\n"
         "first = date(2031, 1, 1)")


def test_a_script_leaving_dates_and_decimals_saves_and_reloads(app, ctx):
    key = "dates_in_task_data"
    files = {f"{key}.bpmn": bpmn(key, chain(start(), script("set_due", DATES), end()), LANE)}
    status, data = deploy_and_run(files, {})
    assert status == "completed"
    business_day = clock.business_date()
    assert data["due"] == business_day + timedelta(days=3) and type(data["due"]) is date
    assert data["opened"].date() == business_day and data["opened"].tzinfo is not None
    assert (data["fee"], data["cutoff"], data["first"]) == (Decimal("3.00"), datetime(2031, 1, 31, 16), date(2031, 1, 1))


@pytest.mark.parametrize("source, line", [
    ("due = date.today() + timedelta(days=3)",
     "clock.bpmn: plan: script is not allowed: attribute 'today' reads the machine's clock; "
     "use today() or now(), the business clock"),
    ("rate = lookup_rate(amount)\ndue = nextBusinessDay(today())",
     "clock.bpmn: plan: script calls 'lookup_rate', 'nextBusinessDay', which the sandbox does not offer; "
     "the processes folder's README lists what it offers"),
])
def test_the_validator_names_the_machine_clock_and_unknown_functions(validate, source, line):
    code, lines = validate({"clock.bpmn": bpmn("clock_use", chain(start(), script("plan", source), end()), LANE)})
    assert (code, lines) == (1, [line])


def test_functions_the_script_defines_and_the_helpers_are_known(validate):
    source = ("def plus_days(day, n):\n    return day + timedelta(days=n)\n"
              "due = plus_days(today(), 3)\nlast = max(due, date(2031, 1, 1))\nfee = Decimal('2')")
    code, lines = validate({"own.bpmn": bpmn("own_function", chain(start(), script("plan", source), end()), LANE)})
    assert (code, lines) == (0, ["ok: 1 process(es) valid"])


CONFIRM = ('<bpmn:userTask id="confirm_due"><bpmn:extensionElements><spiffworkflow:properties>'
           '<spiffworkflow:property name="formValues" value="due=due; fee=fee"/>'
           '<spiffworkflow:property name="inboxColumns" value="due=due"/>'
           '</spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>')


def test_dates_reach_the_task_list_form_and_api_as_iso_text(app, api, designer_folder):  # noqa: F811
    key = "dates_for_a_person"
    lanes = {"Lane_officer": ("loan_officer", ["start", "set_due", "confirm_due", "end"])}
    text = bpmn(key, chain(start(), script("set_due", DATES), CONFIRM, end()), lanes)
    response = api.post("/api/process-definitions", "process_designer", json={"files": {f"{key}.bpmn": text}})
    assert response.status_code == 201, response.get_json()
    started = api.post("/api/process-instances", "loan_officer", json={"process_key": key, "data": {}})
    assert started.status_code == 201, started.get_json()
    [task] = started.get_json()["active_tasks"]
    with app.app_context():
        due = (clock.business_date() + timedelta(days=3)).isoformat()
    detail = api.get(f"/api/tasks/{task['id']}", "loan_officer").get_json()
    assert (detail["columns"], detail["form_values"]) == ({"due": due}, {"due": due, "fee": "3.00"})
    assert (detail["data"]["due"], detail["data"]["first"]) == (due, "2031-01-01")
    assert detail["data"]["cutoff"] == "2031-01-31T16:00:00"
