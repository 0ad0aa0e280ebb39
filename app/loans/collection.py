"""Collection: when a case is opened, the reminders sent to borrowers, and when a debtor may be called.

Contact rules come from the caller (a DMN table read by the process): the hours in which a
debtor may be contacted (quiet hours outside them) and how many attempts a day, counted per
debtor across all their loans.
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from .. import clock
from ..errors import ValidationFailed
from ..extensions import db
from .models import CollectionContact, CustomerMessage, Loan

REMINDER = "【信贷流程平台】尊敬的客户，您的贷款已逾期{dpd}天，逾期金额{amount}元，请尽快还款。"


def overdue_episode_start(dpd: int, today: date) -> date:
    """The business date a loan's current overdue run began."""
    return today - timedelta(days=dpd)


def send_overdue_reminder(loan: Loan, on: date):
    message = CustomerMessage(loan_id=loan.id, channel="sms", kind="overdue_notice", sent_on=on,
                              created_at=clock.now(), text=REMINDER.format(dpd=loan.dpd, amount=loan.overdue_amount))
    db.session.add(message)
    return message


@dataclass(frozen=True)
class ContactRules:
    earliest: time     # no contact before this local time ...
    latest: time       # ... nor from this one on (quiet hours in between)
    daily_limit: int   # attempts per debtor and day

    @classmethod
    def parse(cls, earliest, latest, daily_limit):
        try:
            rules = cls(time.fromisoformat(str(earliest)), time.fromisoformat(str(latest)), int(daily_limit))
        except (TypeError, ValueError) as err:
            raise ValidationFailed("the contact rules are not valid", {"contact_rules": [str(err)]}) from err
        if rules.earliest >= rules.latest or rules.daily_limit < 1:
            raise ValidationFailed("the contact rules leave no time to call",
                                   {"contact_rules": ["need earliest < latest and a daily limit of at least 1"]})
        return rules


def attempts_on(customer_id: int, channel: str, day: date) -> int:
    return db.session.execute(db.select(db.func.count(CollectionContact.id)).where(
        CollectionContact.customer_id == customer_id, CollectionContact.channel == channel,
        CollectionContact.contacted_on == day)).scalar_one()


def next_contact_time(loan: Loan, channel: str, rules: ContactRules) -> datetime:
    """The first moment from now, business local time, when the debtor may be contacted again."""
    moment = clock.local_now()
    day = clock.business_date()
    while True:
        opens, closes = clock.local_moment(day, rules.earliest), clock.local_moment(day, rules.latest)
        candidate = max(moment, opens)
        if candidate < closes and attempts_on(loan.customer_id, channel, day) < rules.daily_limit:
            return candidate
        day += timedelta(days=1)  # quiet hours, or today's attempts used up: the next morning
        moment = clock.local_moment(day, rules.earliest)


def record_contact(loan: Loan, instance_id, channel, outcome, recorded_by, promise_date=None, promise_amount=None):
    """Keep an attempt to reach the debtor; return how many attempts this case has made on the channel."""
    db.session.add(CollectionContact(
        loan_id=loan.id, customer_id=loan.customer_id, instance_id=instance_id, channel=channel, outcome=outcome,
        promise_date=date.fromisoformat(promise_date) if promise_date else None, promise_amount=promise_amount,
        contacted_on=clock.business_date(), contacted_at=clock.now(), recorded_by=recorded_by))
    db.session.flush()
    return db.session.execute(db.select(db.func.count(CollectionContact.id)).where(
        CollectionContact.instance_id == instance_id, CollectionContact.channel == channel)).scalar_one()
