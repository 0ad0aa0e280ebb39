"""Collection calls respect quiet hours and the daily call limit per debtor (contact_policy.dmn:
calls 08:00–21:00, at most 3 a day per debtor, 5 unanswered calls before a field visit)."""
from datetime import date, time, timedelta, timezone

from app import clock
from app.close_of_business import run_cob_through
from app.extensions import db
from app.inbox.timers import fire_due_timers
from app.loans.models import CollectionContact
from app.workflow.models import ProcessInstance

from .helpers import act, new_loan, set_time_of_day
from .test_collection import tasks

UNREACHABLE = {"outcome": "unreachable", "notes": "无人接听"}


def phone_stage(app, api, customer_id=1, loans=1):
    """Loans four days past due: the SMS went out three days ago and the call is being planned."""
    made = [new_loan(api, customer_id=customer_id) for _ in range(loans)]
    due = date.fromisoformat(made[0]["schedule"][0]["due_date"])
    with app.app_context():
        run_cob_through(due + timedelta(days=4))
    return (made[0], made[0]["business_key"], due) if loans == 1 else (made, due)


def next_timer(app, key):
    with app.app_context():
        moment = db.session.execute(db.select(ProcessInstance.next_timer_at).where(
            ProcessInstance.business_key == key, ProcessInstance.process_key == "collection_escalation")).scalar_one()
        return moment.replace(tzinfo=moment.tzinfo or timezone.utc).astimezone(clock.business_timezone())


def test_no_call_is_planned_in_quiet_hours(app, api, fresh_dates, monkeypatch):
    set_time_of_day(app, monkeypatch, time(22, 30))
    loan, key, due = phone_stage(app, api)
    assert tasks(api, key) == []  # 22:30: the call waits for the morning
    assert next_timer(app, key) == clock_moment(app, due + timedelta(days=5), time(8, 0))

    set_time_of_day(app, monkeypatch, time(7, 0))
    with app.app_context():
        run_cob_through(due + timedelta(days=5))
    assert tasks(api, key) == []  # still quiet at 07:00
    set_time_of_day(app, monkeypatch, time(8, 30))
    with app.app_context():
        fire_due_timers()
    assert tasks(api, key) == ["phone_collection"]


def test_three_calls_a_day_per_debtor_then_a_field_visit_after_five(app, api, fresh_dates):
    loan, key, due = phone_stage(app, api, customer_id=2)
    for _ in range(3):
        assert tasks(api, key) == ["phone_collection"]
        act(api, key, "phone_collection", "collector", UNREACHABLE)
    assert tasks(api, key) == []  # three calls today: the next one tomorrow at 08:00
    assert next_timer(app, key) == clock_moment(app, due + timedelta(days=5), time(8, 0))
    with app.app_context():
        run_cob_through(due + timedelta(days=5))
    for _ in range(2):
        act(api, key, "phone_collection", "collector", UNREACHABLE)
    assert tasks(api, key) == ["field_visit"]
    with app.app_context():
        calls = db.session.execute(db.select(CollectionContact.contacted_on, CollectionContact.outcome).where(
            CollectionContact.loan_id == loan["id"])).all()
    assert sorted(day for day, _ in calls) == [due + timedelta(days=4)] * 3 + [due + timedelta(days=5)] * 2
    assert {outcome for _, outcome in calls} == {"unreachable"}


def test_the_daily_limit_counts_every_loan_of_the_debtor(app, api, fresh_dates):
    (first, second), due = phone_stage(app, api, customer_id=4, loans=2)
    first_key, second_key = first["business_key"], second["business_key"]
    for _ in range(2):
        act(api, first_key, "phone_collection", "collector", UNREACHABLE)
    assert tasks(api, first_key) == ["phone_collection"]
    act(api, second_key, "phone_collection", "collector", UNREACHABLE)  # the debtor's third call today
    assert tasks(api, second_key) == [] and tasks(api, first_key) == ["phone_collection"]
    assert next_timer(app, second_key) == clock_moment(app, due + timedelta(days=5), time(8, 0))


def clock_moment(app, day, at):
    with app.app_context():
        return clock.local_moment(day, at)


def test_calls_before_opening_wait_until_eight(app, api, fresh_dates, monkeypatch):
    set_time_of_day(app, monkeypatch, time(6, 15))
    loan, key, due = phone_stage(app, api)
    assert tasks(api, key) == []
    assert next_timer(app, key) == clock_moment(app, due + timedelta(days=4), time(8, 0))
