"""The business clock: one stored business date, like Fineract's.

Close of business advances it; loan dates and BPMN timers read it, so a year of loan life can be
replayed in seconds. `now()` is the wall-clock time shifted by the distance between the business
date and today's date where the business is (BUSINESS_TIMEZONE), so time of day keeps moving
while whole days follow the business date.
"""
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

from .extensions import db

DEFAULT_TIMEZONE = "Asia/Shanghai"


class BusinessDate(db.Model):
    __tablename__ = "business_date"
    id = db.Column(db.Integer, primary_key=True)
    business_date = db.Column(db.Date, nullable=False)


def business_timezone() -> ZoneInfo:
    name = current_app.config.get("BUSINESS_TIMEZONE") if has_app_context() else None
    return ZoneInfo(name or DEFAULT_TIMEZONE)


def wall_clock() -> datetime:
    """The real time (UTC). The one place real time enters; tests shift it to a chosen hour."""
    return datetime.now(timezone.utc)


def local_today() -> date:
    return wall_clock().astimezone(business_timezone()).date()


def business_date() -> date:
    row = db.session.get(BusinessDate, 1)
    return row.business_date if row else local_today()


def set_business_date(value: date) -> None:
    row = db.session.get(BusinessDate, 1)
    if row is None:
        db.session.add(BusinessDate(id=1, business_date=value))
    else:
        row.business_date = value


def now() -> datetime:
    real = wall_clock()
    return real + timedelta(days=(business_date() - real.astimezone(business_timezone()).date()).days)


def local_now() -> datetime:
    """`now()` in the business's time zone: what quiet hours and office hours are measured in."""
    return now().astimezone(business_timezone())


def local_moment(day: date, at: time) -> datetime:
    """An aware datetime for a local wall time on a business date."""
    return datetime.combine(day, at, tzinfo=business_timezone())


def day_of(moment: datetime) -> date:
    """The business-local date of a stored moment (SQLite hands stored times back without a zone: UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(business_timezone()).date()
