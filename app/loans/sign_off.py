"""Sign-off: the approvals a request must carry before money moves or a class changes.

The domain checks them itself, whatever process calls it, from the decisions recorded on the
request's own case: who decided, in which roles, and what. Each required role's latest decision
must approve, each role by a different person, and none by someone barred (the requester).
"""
from dataclasses import dataclass

from ..errors import Forbidden


@dataclass(frozen=True)
class Decision:
    by: str
    roles: frozenset  # the roles the person held for the step where they decided
    decision: str | None


class SignOffMissing(Forbidden):
    code = "sign_off_missing"


def require_sign_off(decisions, roles, approving, not_by=(), what="this step"):
    """{role: person} for each required role; refuses when an approval is missing or repeated."""
    people, barred = {}, set(not_by)
    for role in roles:
        given = [d for d in decisions if role in d.roles]
        if not given:
            raise SignOffMissing(f"{what} needs the approval of the {role} level first",
                                 {"sign_off": [f"no decision of a {role} on this case"]})
        latest = given[-1]
        if latest.decision not in approving:
            raise SignOffMissing(f"{what} was not approved at the {role} level",
                                 {"sign_off": [f"the {role} decided '{latest.decision}'"]})
        if latest.by in barred or latest.by in people.values():
            raise SignOffMissing(f"{what} needs different people at each level",
                                 {"sign_off": [f"{latest.by} cannot also approve as {role}"]})
        people[role] = latest.by
    return people
