"""Field messages in words: what the domain and the form schema checks say (in English, with
codes), turned into a sentence about the field in the page's language.

Each pattern matches one kind of message and names the parts that carry over; the sentence is
the message catalogue's, so a Chinese page shows "收款账号须为 8 至 30 位数字", not
"'6222-0000-abc' does not match '^[0-9]{8,30}$'". A message no pattern knows is shown as it is.
"""
import re

from flask_babel import gettext as _

from .words import bilingual

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
    (r"must hold the roles of the person away|.*does not hold the roles.*",
     "%(field)s must hold the absent person's roles"),
]
COMPILED = [(re.compile(pattern), sentence) for pattern, sentence in PATTERNS]


def field_message(message, label=""):
    """The sentence for a field's message; `label` names the field ("" when it stands beside it)."""
    text = str(message)
    for pattern, sentence in COMPILED:
        match = pattern.fullmatch(text)
        if match:
            parts = {k: _(v) if v in CODES else v for k, v in match.groupdict().items()}
            return _(sentence, field=bilingual(label) or _("This field"), **parts)
    return text
