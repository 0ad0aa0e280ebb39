"""Field messages in words: what the domain and the form schema checks say (in English, with
codes), turned into a sentence about the field in the page's language.

Each pattern matches one kind of message and names the parts that carry over; the sentence is
the message catalogue's, so a Chinese page shows "收款账号须为 8 至 30 位数字", not
"'6222-0000-abc' does not match '^[0-9]{8,30}$'". A message no pattern knows is shown as it is.
"""
import re

from flask_babel import gettext as _

from .words import bilingual, role_name

CODES = {"normal", "special_mention", "substandard", "doubtful", "loss", "individual", "enterprise",
         "reduce_installment", "shorten_term", "coming_installments"}

# (what the check says, the sentence: %(field)s is the field's label)
PATTERNS = [
    (r"'[^']*' is a required property|is required|.* should be non-empty|.* is too short", "%(field)s is required"),
    (r"(True|False) was expected", "%(field)s must be ticked"),
    (r".* is not one of .*|must be one of .*", "%(field)s: choose one of the options"),
    (r"must be 8 to 30 digits|'[^']*' does not match '\^\[0-9\]\{8,30\}\$'", "%(field)s must be 8 to 30 digits"),
    (r".* does not match .*", "%(field)s is not in the expected format"),
    (r".* is too long", "%(field)s is too long"),
    (r".* is not of type .*", "%(field)s: give a value of the right kind"),
    (r".* is not a '(?:money)'|must be an amount such as 1234\.56.*|Give an amount such as 1234\.56",
     "%(field)s must be an amount such as 1234.56"),
    (r".* is not a '(?:date)'|Not a valid date\.", "%(field)s must be a date"),
    (r".* is less than the minimum of (?P<limit>\S+)", "%(field)s must be at least %(limit)s"),
    (r".* is greater than the maximum of (?P<limit>\S+)", "%(field)s must be at most %(limit)s"),
    (r"must be between (?P<low>\S+) and (?P<high>\S+)", "%(field)s must be between %(low)s and %(high)s"),
    (r"must be (?P<floor>[a-z_]+) or worse", "%(field)s must be %(floor)s or worse"),
    (r"cannot be negative", "%(field)s cannot be negative"),
    (r"must be positive|Must be greater than 0\.?", "%(field)s must be more than zero"),
    (r"cannot be after the business date", "%(field)s cannot be later than today's business date"),
    (r"cannot be before the disbursement", "%(field)s cannot be before the loan was paid out"),
    (r"cannot be in the future", "%(field)s cannot be in the future"),
    (r"cannot be in the past", "%(field)s cannot be in the past"),
    (r"must not be above the approved amount (?P<limit>\S+)", "%(field)s cannot be more than the approved %(limit)s"),
    (r"is more than the (?P<limit>\S+) owed; .*",
     "%(field)s is more than the %(limit)s owed; give a reason to record an overpayment"),
    (r"must be 18 characters", "%(field)s must be 18 characters"),
    (r"check digit mismatch|check character mismatch", "%(field)s: the check character does not match"),
    (r"invalid birth date", "%(field)s holds an impossible birth date"),
    (r"the first six digits are not an administrative division code",
     "%(field)s does not start with a real region code"),
    (r"must be 17 digits and a digit or X", "%(field)s must be 17 digits and a digit or X"),
    (r"must be a mainland mobile .*",
     "%(field)s must be a mainland mobile number (11 digits) or a landline with area code"),
    (r"is already registered", "%(field)s is registered already"),
    (r"no such customer", "%(field)s: no such customer"),
    (r"no such active product", "%(field)s: no such product on offer"),
    (r"must hold the roles of the person away.*",
     "%(field)s must hold the absent person's roles"),
]
COMPILED = [(re.compile(pattern), sentence) for pattern, sentence in PATTERNS]

# What a refused step says, as a sentence for the person (no field): (what the check says, the sentence).
REFUSALS = [
    (r"four-eyes: the person who started this case may not act on it here",
     "Four eyes: the person who started this case may not act on it here."),
    (r"four-eyes: you already acted on another step of this case in the same group",
     "Four eyes: you already decided another step of this case."),
    (r"this task belongs to roles you do not hold|this task is not in any of your queues|this needs one of the roles.*",
     "This task is not for your roles."),
    (r"this task has been claimed by someone else|this task is claimed by (?P<who>\S+)",
     "Someone else has claimed this task."),
    (r"this task was completed meanwhile|this task is no longer waiting for input|task \d+ is already \w+",
     "This task was completed meanwhile."),
    (r"someone else changed this case first; reload and try again|the case is busy; try again",
     "Someone else changed this case at the same moment. Reload and try again."),
    (r"only supervisors and process designers .*", "Only supervisors and process designers may do this."),
    (r"only supervisors .*", "Only supervisors may do this."),
    (r"only the assignee or a supervisor may release this task|only the person holding the task may delegate it",
     "Only the person holding the task may do this."),
    (r"starting \S+ needs one of the roles .*", "Your roles do not start this process."),
    (r".* needs the approval of the (?P<role>\w+) level first", "The %(role)s level has not approved this yet."),
    (r".* needs different people at each level", "Each level must be approved by a different person."),
    (r".* does not exist|no deployed process .*", "This record does not exist."),
    (r"incident \d+ is already \w+", "This incident was handled meanwhile."),
    (r"this step is on no process instance: .*",
     "This step belongs to no process: retry it once its cause is fixed."),
]
COMPILED_REFUSALS = [(re.compile(pattern), sentence) for pattern, sentence in REFUSALS]
STATUS_SENTENCES = {400: "The request could not be read.", 403: "You may not open this page or do this.",
                    404: "There is no such page or record.", 409: "Someone else changed this at the same moment.",
                    413: "The upload is too large.", 422: "Some of what was entered is not right.",
                    429: "Too many attempts. Please wait a moment.", 500: "Something went wrong. Nothing was saved.",
                    503: "The database cannot be reached. Try again in a moment."}


def refusal(message, status=None):
    """A refused step's reason as a sentence in the page's language; the status's when none fits."""
    text = "" if message is None else str(message)
    for pattern, sentence in COMPILED_REFUSALS:
        match = pattern.fullmatch(text)
        if match:
            parts = {k: _(v) if k != "role" else role_name(v) for k, v in match.groupdict().items()}
            return _(sentence, **parts)
    return _(STATUS_SENTENCES.get(status, STATUS_SENTENCES[500])) if status or not text else text




def field_message(message, label=""):
    """The sentence for a field's message; `label` names the field ("" when it stands beside it)."""
    text = str(message)
    for pattern, sentence in COMPILED:
        match = pattern.fullmatch(text)
        if match:
            parts = {k: _(v) if v in CODES else v for k, v in match.groupdict().items()}
            return _(sentence, field=bilingual(label) or _("This field"), **parts)
    return bilingual(text)  # a process's own message is written Chinese first, English second


def flash_refusal(err):
    """Tell the person why a step was refused: the reason, then each field's sentence."""
    from flask import flash

    from .words import field_label_of
    if not err.details or err.status in (403, 409):
        flash(refusal(err.message, err.status), "error")
    for field, messages in (err.details or {}).items():
        for message in ([messages] if isinstance(messages, str) else messages):
            flash(field_message(message, field_label_of(field)), "error")
