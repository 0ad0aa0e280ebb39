"""A process designer's own diagram cannot move money or change a class without the approvals the
rules require: the loan domain checks them itself, whatever process calls it."""
from decimal import Decimal

import pytest

from app.deployment import deploy_sources
from app.extensions import db
from app.loans.models import ClassificationChange, LedgerEntry, Loan, Repayment

from ..loans.helpers import new_loan, pay

SERVICE = ('<bpmn:serviceTask id="{id}"><bpmn:extensionElements><spiffworkflow:serviceTaskOperator id="{operator}" '
           'resultVariable="{id}_result"><spiffworkflow:parameters /></spiffworkflow:serviceTaskOperator>'
           '</bpmn:extensionElements><bpmn:incoming>{incoming}</bpmn:incoming><bpmn:outgoing>{outgoing}</bpmn:outgoing>'
           '</bpmn:serviceTask>')
USER = ('<bpmn:userTask id="{id}"><bpmn:extensionElements><spiffworkflow:properties><spiffworkflow:property '
        'name="formJsonSchemaFilename" value="review_decision.json" /></spiffworkflow:properties>'
        '</bpmn:extensionElements><bpmn:incoming>{incoming}</bpmn:incoming><bpmn:outgoing>{outgoing}</bpmn:outgoing>'
        '</bpmn:userTask>')


def shortcut_process(key, steps, start_lane="process_designer"):
    """start → the steps, each ("service", operator) or ("user", lane) → end: a designer's shortcut."""
    nodes, lanes = [], {start_lane: ["start"]}
    for index, (kind, what) in enumerate(steps, start=1):
        node_id = f"step{index}"
        if kind == "service":
            nodes.append(SERVICE.format(id=node_id, operator=what, incoming=f"f{index}", outgoing=f"f{index + 1}"))
            lanes[start_lane].append(node_id)
        else:
            nodes.append(USER.format(id=node_id, incoming=f"f{index}", outgoing=f"f{index + 1}"))
            lanes.setdefault(what, []).append(node_id)
    last = len(steps) + 1
    lanes[start_lane].append("end")
    flows = "".join(f'<bpmn:sequenceFlow id="f{i}" sourceRef="{"start" if i == 1 else f"step{i - 1}"}" '
                    f'targetRef="{"end" if i == last else f"step{i}"}" />' for i in range(1, last + 1))
    lane_xml = "".join(f'<bpmn:lane id="lane_{name}" name="{name}">'
                       + "".join(f"<bpmn:flowNodeRef>{n}</bpmn:flowNodeRef>" for n in refs) + "</bpmn:lane>"
                       for name, refs in lanes.items())
    return (f'<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions '
            f'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
            f'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="defs_{key}" '
            f'targetNamespace="http://bpmn.io/schema/bpmn"><bpmn:process id="{key}" isExecutable="true">'
            f'<bpmn:laneSet id="lanes">{lane_xml}</bpmn:laneSet>'
            f'<bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>{"".join(nodes)}'
            f'<bpmn:endEvent id="end"><bpmn:incoming>f{last}</bpmn:incoming></bpmn:endEvent>{flows}'
            f'</bpmn:process></bpmn:definitions>')


def deploy(app, key, steps):
    with app.app_context():
        deploy_sources({f"{key}.bpmn": shortcut_process(key, steps)}, "process_designer")
    return key


def books_of(app, loan_id):
    with app.app_context():
        loan = db.session.get(Loan, loan_id)
        entries = db.session.execute(db.select(LedgerEntry.entry_type, LedgerEntry.amount).where(
            LedgerEntry.loan_id == loan_id).order_by(LedgerEntry.id)).all()
        changes = db.session.execute(db.select(db.func.count(ClassificationChange.id)).where(
            ClassificationChange.loan_id == loan_id)).scalar()
        return (loan.status, loan.outstanding_principal, loan.classification, [tuple(e) for e in entries], changes)


def start(api, key, data, user="process_designer"):
    return api.post("/api/process-instances", user, json={"process_key": key, "data": data})


@pytest.mark.parametrize("operators", [
    ["post_write_off"],
    ["open_write_off_request", "post_write_off"],
], ids=["post_only", "request_then_post"])
def test_a_shortcut_cannot_write_off_a_performing_loan(app, api, operators):
    loan = new_loan(api)
    key = deploy(app, f"shortcut_write_off_{len(operators)}", [("service", op) for op in operators])
    before = books_of(app, loan["id"])
    refused = start(api, key, {"loan_id": loan["id"], "reason": "x", "evidence": "y"})
    assert refused.status_code == 403, refused.get_json()
    assert refused.get_json()["error"]["code"] == "sign_off_missing"
    assert books_of(app, loan["id"]) == before


def test_a_shortcut_cannot_post_a_repayment_without_the_finance_check(app, api, move_clock):
    loan = new_loan(api)
    move_clock(31)
    entered = pay(api, loan, "500.00", loan["schedule"][0]["due_date"]).get_json()
    key = deploy(app, "shortcut_repayment", [("service", "post_repayment")])
    before = books_of(app, loan["id"])
    refused = start(api, key, {"repayment_id": entered["id"]}, user="process_designer")
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "sign_off_missing"
    assert books_of(app, loan["id"]) == before
    with app.app_context():
        assert db.session.get(Repayment, entered["id"]).status == "pending"


def test_a_finance_check_on_another_case_does_not_post_this_repayment(app, api, move_clock):
    """A real finance manager approving a step of a designer's process is not the check of this entry."""
    loan = new_loan(api)
    move_clock(31)
    entered = pay(api, loan, "500.00", loan["schedule"][0]["due_date"]).get_json()
    key = deploy(app, "shortcut_checked_elsewhere", [("user", "finance_manager"), ("service", "post_repayment")])
    started = start(api, key, {"repayment_id": entered["id"]})
    assert started.status_code == 201, started.get_json()
    task = api.get(f"/api/tasks?scope=all&process_key={key}", "supervisor").get_json()["items"][0]
    api.post(f"/api/tasks/{task['id']}/claim", "finance_manager")
    refused = api.post(f"/api/tasks/{task['id']}/complete", "finance_manager",
                       json={"data": {"decision": "approve"}})
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "sign_off_missing"
    with app.app_context():
        assert db.session.get(Repayment, entered["id"]).status == "pending"


@pytest.mark.parametrize("proposed", ["normal", "loss"])
def test_a_shortcut_cannot_change_a_class(app, api, proposed):
    loan = new_loan(api)
    key = deploy(app, "shortcut_class", [("service", "apply_classification")])
    before = books_of(app, loan["id"])
    refused = start(api, key, {"loan_id": loan["id"], "proposed_class": proposed, "provision_rate": "0",
                               "reasons": "designer says so"})
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "sign_off_missing"
    assert books_of(app, loan["id"]) == before


def test_one_person_cannot_give_every_level_of_a_write_off(app, api, make_user):
    """A step in the committee's lane, approved by someone who holds all three roles, is one
    approval in one role: the risk and finance levels are still missing."""
    everyone = make_user("holds_every_level", ["risk_officer", "finance_manager", "credit_committee"])
    loan = new_loan(api)
    key = deploy(app, "shortcut_one_level", [("service", "open_write_off_request"), ("user", "credit_committee"),
                                             ("service", "post_write_off")])
    started = start(api, key, {"loan_id": loan["id"], "reason": "x", "evidence": "y"})
    assert started.status_code == 201, started.get_json()
    before = books_of(app, loan["id"])
    task = api.get(f"/api/tasks?scope=all&process_key={key}", "supervisor").get_json()["items"][0]
    api.post(f"/api/tasks/{task['id']}/claim", everyone)
    refused = api.post(f"/api/tasks/{task['id']}/complete", everyone, json={"data": {"decision": "approve"}})
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "sign_off_missing"
    assert books_of(app, loan["id"]) == before
    assert Decimal(before[1]) == Decimal(loan["principal"])
