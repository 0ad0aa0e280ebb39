"""What scripts and conditions may use besides the builtins (listed in processes/README.md).

`today()` and `now()` read the business clock, the one BPMN timers read (a scenario's own clock
in process tests), never the machine's: the clock is read once per run by the process that holds
the app and handed in, because a script worker has no database to read it from. `date.today()`
and `datetime.now()` would read the machine's clock, so the sandbox refuses those attributes.
"""
import re
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

CLASSES = {"date": date, "datetime": datetime, "timedelta": timedelta, "Decimal": Decimal}
CLOCK_NAMES = ("today", "now")
HELPER_NAMES = frozenset((*CLASSES, *CLOCK_NAMES))
# The machine's clock, reached through the classes above: refused, naming the helper to use.
WALL_CLOCK_ATTRIBUTES = frozenset(("today", "now", "utcnow"))
_USES_CLOCK = re.compile(r"\b(?:today|now)\b")


def reading(source):
    """The business clock's time in the business's zone, or None when `source` cannot ask for it."""
    if not _USES_CLOCK.search(source):
        return None
    from .. import clock  # the app's clock: read here, in the process that has the app
    from .spiff_adapter import business_now
    return business_now(timezone.utc).astimezone(clock.business_timezone())


def helpers(moment):
    """The helpers of one run; `moment` is `reading(source)`, taken where the app is."""
    def today():
        return moment.date()

    def now():
        return moment

    return {**CLASSES, **({"today": today, "now": now} if moment is not None else {})}
