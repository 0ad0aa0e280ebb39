"""The business clock: one stored business date, like Fineract's.

Close of business advances it; loan dates and BPMN timers read it, so a year of loan life can be
replayed in seconds. `now()` is wall-clock time shifted by the distance between the business
date and today, so time-of-day keeps moving while whole days follow the business date.
"""
from datetime import date, datetime, timedelta, timezone

from .extensions import db


class BusinessDate(db.Model):
    __tablename__ = "business_date"
    id = db.Column(db.Integer, primary_key=True)
    business_date = db.Column(db.Date, nullable=False)


def business_date() -> date:
    row = db.session.get(BusinessDate, 1)
    return row.business_date if row else date.today()


def set_business_date(value: date) -> None:
    row = db.session.get(BusinessDate, 1)
    if row is None:
        db.session.add(BusinessDate(id=1, business_date=value))
    else:
        row.business_date = value


def now() -> datetime:
    real = datetime.now(timezone.utc)
    return real + timedelta(days=(business_date() - real.date()).days)
