"""Collection: who needs a case, and the reminders sent to borrowers."""
from datetime import timedelta

from .. import clock
from ..extensions import db
from .models import CustomerMessage, Loan

REMINDER = "【信贷流程平台】尊敬的客户，您的贷款已逾期{dpd}天，逾期金额{amount}元，请尽快还款。"


def overdue_episode_start(loan: Loan):
    """The business date the loan's current overdue run began."""
    return clock.business_date() - timedelta(days=loan.dpd)


def send_overdue_reminder(loan: Loan):
    message = CustomerMessage(loan_id=loan.id, channel="sms", sent_on=clock.business_date(), created_at=clock.now(),
                              text=REMINDER.format(dpd=loan.dpd, amount=loan.overdue_amount))
    db.session.add(message)
    return message
