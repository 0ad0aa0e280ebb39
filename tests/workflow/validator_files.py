"""Small BPMN files written inline for the validator's tests: a linear chain of elements in lanes."""
import re

BPMN_NS = 'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"'
SPIFF_NS = 'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"'
# The start event in a lane, so the process may be started; the other elements as a test places them.
LANE = {"Lane_officer": ("loan_officer", ["start"])}
RULE_TASK = ('<bpmn:businessRuleTask id="decide"><bpmn:extensionElements><spiffworkflow:calledDecisionId>{}'
             '</spiffworkflow:calledDecisionId></bpmn:extensionElements></bpmn:businessRuleTask>')


def chain(*elements, prefix="f"):
    """The elements, each `<tag id="…">…</tag>`, joined by sequence flows in the order given."""
    ids = [re.search(r'id="([^"]+)"', element).group(1) for element in elements]
    flows = [f'<bpmn:sequenceFlow id="{prefix}{n}" sourceRef="{a}" targetRef="{b}"/>'
             for n, (a, b) in enumerate(zip(ids, ids[1:]))]
    return "\n".join([*elements, *flows])


def lane_set(lanes):
    """{lane id: (name or None, [flow node ids])} as a bpmn:laneSet."""
    parts = []
    for lane_id, (name, members) in lanes.items():
        named = f' name="{name}"' if name is not None else ""
        refs = "".join(f"<bpmn:flowNodeRef>{m}</bpmn:flowNodeRef>" for m in members)
        parts.append(f'<bpmn:lane id="{lane_id}"{named}>{refs}</bpmn:lane>')
    return f'<bpmn:laneSet id="LaneSet_1">{"".join(parts)}</bpmn:laneSet>' if parts else ""


def bpmn(key, body, lanes=None, executable="true"):
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions {BPMN_NS} {SPIFF_NS} id="Definitions_{key[:20]}"'
            f' targetNamespace="http://example.com/validator">\n<bpmn:process id="{key}" isExecutable="{executable}">\n'
            f'{lane_set(lanes or {})}\n{body}\n</bpmn:process>\n</bpmn:definitions>\n')


def script(element_id, text):
    return f'<bpmn:scriptTask id="{element_id}"><bpmn:script>{text}</bpmn:script></bpmn:scriptTask>'


def user_task(element_id):
    return f'<bpmn:userTask id="{element_id}"/>'


def start(element_id="start"):
    return f'<bpmn:startEvent id="{element_id}"/>'


def end(element_id="end"):
    return f'<bpmn:endEvent id="{element_id}"/>'
