"""When a workflow's BPMN timers fire (they run on the business clock: spiff_adapter.install_business_clock)."""
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition


def next_timer_at(workflow):
    """When the earliest waiting timer of a workflow fires, or None."""
    moments = []
    for event in workflow.waiting_events():
        value = event.value
        if isinstance(value, dict):  # a cycle keeps its next firing under 'next'
            value = value.get("next")
        if isinstance(value, str):
            try:
                moments.append(TimerEventDefinition.get_datetime(value))
            except ValueError:
                continue
    return min(moments) if moments else None
