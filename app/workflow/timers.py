"""BPMN timers on the business clock.

SpiffWorkflow's timer events read `datetime.now`; pointing that module at a datetime whose
`now()` asks the business clock lets tests and demos move time by moving the business date.
"""
from datetime import datetime

from SpiffWorkflow.bpmn.specs.event_definitions import timer as spiff_timer

_now = {"provider": None}


class _ClockDatetime(datetime):
    @classmethod
    def now(cls, tz=None):
        provider = _now["provider"]
        return provider() if provider else datetime.now(tz)


def follow_clock(provider):
    """Make every BPMN timer use `provider()` (an aware datetime) as the current time."""
    _now["provider"] = provider
    spiff_timer.datetime = _ClockDatetime


def next_timer_at(workflow):
    """When the earliest waiting timer of a workflow fires, or None."""
    moments = []
    for event in workflow.waiting_events():
        value = event.value
        if isinstance(value, dict):  # a cycle keeps its next firing under 'next'
            value = value.get("next")
        if isinstance(value, str):
            try:
                moments.append(spiff_timer.TimerEventDefinition.get_datetime(value))
            except ValueError:
                continue
    return min(moments) if moments else None
