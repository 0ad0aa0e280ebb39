"""Words, not codes: what the pages show for names, amounts, times and form values, in the
language of the page.

Labels in process files and forms are written bilingually, Chinese first ("还款复核 Confirm the
repayment"); a page shows the half of its language.
"""
import re
from datetime import datetime, timezone
from decimal import Decimal
from urllib.parse import urlencode

from flask import current_app, g, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from .. import clock
from ..errors import NotFound
from ..inbox.forms import load_form
from ..workflow.definitions import latest_definitions

# What each code the system keeps is called on a page (English; the catalogue gives the Chinese).
CODE_WORDS = {
    "active": "Repaying",
    "closed": "Paid off",
    "written_off": "Written off",
    "submitted": "Submitted",
    "returned": "Returned for more information",
    "resubmitted": "Resubmitted",
    "auto_rejected": "Rejected by scoring",
    "rejected": "Rejected",
    "approved": "Approved",
    "disbursed": "Paid out",
    "pending": "Waiting for the check",
    "posted": "Posted",
    "requested": "Requested",
    "running": "Running",
    "waiting": "In progress",
    "completed": "Completed",
    "error": "Stopped by an error",
    "terminated": "Terminated",
    "open": "Open",
    "cancelled": "Cancelled",
    "normal": "Normal",
    "special_mention": "Special mention",
    "substandard": "Substandard",
    "doubtful": "Doubtful",
    "loss": "Loss",
    "equal_installment": "Equal installments",
    "equal_principal": "Equal principal",
    "interest_only": "Interest only, principal at the end",
    "reduce_installment": "Lower installments",
    "shorten_term": "Shorter term",
    "coming_installments": "Pay the coming installments early",
    "customer_choice": "Customer's choice",
    "disbursement": "Disbursement",
    "interest_accrual": "Interest accrued",
    "penalty": "Penalty interest charged",
    "penalty_reversal": "Penalty interest reversed",
    "repayment_penalty": "Penalty interest repaid",
    "repayment_interest": "Interest repaid",
    "repayment_principal": "Principal repaid",
    "prepayment": "Principal prepaid",
    "overpayment": "Overpayment to refund",
    "write_off": "Write-off",
    "recovery": "Recovered after write-off",
    "individual": "Individual",
    "enterprise": "Enterprise",
    "mortgage": "Mortgage",
    "pledge": "Pledge",
    "payout": "For payouts",
    "repayment": "For repayments",
    "both": "Payouts and repayments",
    "id_copy": "ID copy",
    "contract": "Contract",
    "inspection_photo": "Inspection photo",
    "evidence": "Evidence",
    "other": "Other",
    "auto_reject": "Rejected automatically",
    "manual_review": "Goes to manual review",
    "low": "Low risk",
    "medium": "Medium risk",
    "high": "High risk",
    "phone": "Phone",
    "visit": "Field visit",
    "sms": "SMS",
    "contacted": "Contacted",
    "promise_to_pay": "Promised to pay",
    "refused": "Refused",
    "unreachable": "Unreachable",
    "due_reminder": "Reminder before the due date",
    "overdue_notice": "Overdue notice",
    "timer": "Timer",
    "close_of_business": "Close of business",
    "case_start": "Opening a case",
    "resolved": "Resolved",
}


LATIN = re.compile(r"[A-Za-z]")
CJK = re.compile(r"[\u3400-\u9fff]")
DURATION = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$")


def english():
    return str(get_locale()) == "en"


def bilingual(text):
    """The half of a "中文 English" label in the page's language; other text unchanged."""
    text = "" if text is None else str(text)
    first_latin = LATIN.search(text)
    if not first_latin or not CJK.search(text[:first_latin.start()]):
        return text
    chinese, latin = text[:first_latin.start()].strip(), text[first_latin.start():].strip()
    return latin if english() else chinese


def money(value):
    """¥1,234,567.89 (an exact amount; nothing for none)."""
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(str(value))
    except ArithmeticError:
        return str(value)
    return f"{'-' if amount < 0 else ''}¥{abs(amount):,.2f}"


def local_time(moment):
    """A stored time in the business's zone: 2026-12-01 14:05."""
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        moment = moment.astimezone(clock.business_timezone())
        return moment.strftime("%Y-%m-%d %H:%M")
    return moment.isoformat()


UNITS = (("天", "day"), ("小时", "hour"), ("分钟", "minute"))


def duration(text):
    """An ISO-8601 duration as words: P2D → 2 天 / 2 days."""
    match = DURATION.match(text or "")
    if not match or not any(match.groups()):
        return text or ""
    parts = []
    for count, (chinese, unit) in zip(match.groups(), UNITS):
        if count:
            n = int(count)
            parts.append(f"{n} {unit}{'' if n == 1 else 's'}" if english() else f"{n} {chinese}")
    return " ".join(parts)


def process_name(key):
    if "process_names" not in g:  # read once per request: a list shows many tasks
        g.process_names = {d.key: d.name for d in latest_definitions()}
    return bilingual(g.process_names.get(key, key))


def task_count(n):
    """A task count as lists give it: 1,234, or 1,000+ beyond the count limit."""
    limit = current_app.config["INBOX_COUNT_LIMIT"]
    return f"{limit:,}+" if n > limit else f"{n:,}"


def column_label(name):
    return _(name.replace("_", " ").capitalize())


def column_text(value):
    return money(value) if isinstance(value, Decimal) and value == value.quantize(Decimal("0.01")) else \
        ("" if value is None else str(value))


def _property(form, name):
    try:
        schema = load_form(form) if form else None
    except NotFound:
        schema = None
    return (schema or {}).get("properties", {}).get(name, {})


def field_label(form, name):
    return bilingual(_property(form, name).get("title", name))


def field_text(form, name, value):
    """A submitted value as the form offered it: the label of a choice, yes or no, an amount."""
    prop = _property(form, name)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if "enum" in prop and value in prop["enum"]:
        labels = prop.get("enumNames") or prop["enum"]
        return bilingual(labels[prop["enum"].index(value)])
    if prop.get("format") == "money":
        return money(value)
    return "" if value is None else str(value)


def word(code):
    """A stored code as a word of the page's language (repaying, 正常还款); an unknown code as it is."""
    if code is None:
        return ""
    return _(CODE_WORDS[code]) if code in CODE_WORDS else str(code)


def schedule_change(reason):
    """Why a schedule was replaced, in words: "prepayment 2000.00 reduce_installment" → a sentence."""
    kind, amount, choice = (reason.split() + ["", "", ""])[:3]
    if kind == "payoff":
        return _("Paid off early with %(amount)s", amount=money(amount))
    if kind == "prepayment":
        return _("%(amount)s paid ahead: %(choice)s", amount=money(amount), choice=word(choice))
    return reason


def masked(value):
    """An ID or phone number in a list: the first and last digits only (110105********1234)."""
    text = str(value or "")
    return text if len(text) < 8 else text[:3] + "*" * (len(text) - 7) + text[-4:]


def query_with(**changes):
    """This page's query string with some arguments changed (paging, sorting)."""
    args = request.args.to_dict()
    args.update({k: v for k, v in changes.items()})
    return urlencode({k: v for k, v in args.items() if v not in (None, "")})


def field_label_of(name):
    """A field's name in words, when a message names it with no form at hand (roles → 岗位角色)."""
    return _(name.replace("_", " ").capitalize())


def role_name(code):
    """A role in the page's language (客户经理 / Loan officer)."""
    from ..auth.models import Role
    from ..extensions import db
    role = db.session.get(Role, code) if code else None
    return (role.name_en if english() else role.name_zh) if role else (code or "")


def has_role(*codes):
    return current_user.is_authenticated and bool(current_user.role_codes & set(codes))


def register(app):
    from .messages import field_message, refusal
    app.jinja_env.filters.update(money=money, bilingual=bilingual, duration=duration, local_time=local_time,
                                 masked=masked, field_message=field_message, word=word, refusal=refusal,
                                 schedule_change=schedule_change, task_count=task_count)
    app.jinja_env.globals.update(process_name=process_name, column_label=column_label, column_text=column_text,
                                 field_label=field_label, field_text=field_text, local_time=local_time,
                                 bilingual=bilingual, query_with=query_with, has_role=has_role,
                                 field_label_of=field_label_of, role_name=role_name)
