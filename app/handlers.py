"""The one place that binds BPMN service-task names to loan-domain functions.

Each handler reads what it needs from the task data, calls the domain, and returns a small
dict that lands in the task's result variable. They run inside the step's transaction. Money
and class changes get the decisions recorded on the calling case (its trail), never values a
process could make up, and the domain checks them itself.
"""
from . import clock
from .inbox.service import signal_case
from .inbox.trail import instance_trail
from .loan_rules import floor_for, provision_rate_for
from .loans import (
    applications,
    classification,
    collection,
    disbursement,
    inspection,
    repayments,
    write_off,
)
from .loans.lookup import get_loan, loan_facts, lock_loan
from .loans.sign_off import Decision
from .workflow.services import service_handler

COLLECTION_PROCESS = "collection_escalation"


def _application(step, data):
    return applications.get_application(number=step.business_key) if step.business_key \
        else applications.get_application(data["application"]["application_id"])


def _decisions(submissions):
    return [Decision(s.performer, frozenset(s.roles), s.data.get("decision")) for s in submissions]


@service_handler("register_application")
def register_application(step, data):
    application = applications.register_application(step.business_key, data, step.actor)
    return {"application_id": application.id, "number": application.number,
            "customer_name": application.customer.name, "product_name": application.product.name}


@service_handler("assess_credit")
def assess_credit(step, data):
    return applications.credit_profile(_application(step, data))


@service_handler("record_credit_scoring")
def record_credit_scoring(step, data):
    application = applications.record_scoring(_application(step, data), data.get("scoring_result"),
                                              data.get("risk_level"), data.get("scoring_reason"))
    return {"scoring_result": application.scoring_result, "risk_level": application.risk_level}


@service_handler("record_application_decision")
def record_application_decision(step, data, decision):
    application = applications.record_decision(_application(step, data), decision)
    return {"status": application.status}


@service_handler("disburse_loan")
def disburse_loan(step, data):
    loan = disbursement.disburse_loan(
        _application(step, data), data.get("contract_number"), data.get("payout_amount"), step.actor,
        clock.business_date())
    return {"loan_id": loan.id, "principal": loan.principal}


@service_handler("post_repayment")
def post_repayment(step, data):
    on = clock.business_date()
    repayment = repayments.post_repayment(data["repayment_id"], step.instance_id,
                                          _decisions(instance_trail(step.instance_id)), on)
    loan = get_loan(repayment.loan_id)
    if loan.status == "active" and loan.overdue_amount == 0:  # nothing overdue: the collection case ends, at any rung
        signal_case(loan.business_key, COLLECTION_PROCESS, "overdue_cleared", step.actor)
    return {"status": repayment.status, **repayment.allocation}


@service_handler("reject_repayment")
def reject_repayment(step, data):
    return {"status": repayments.reject_repayment(data["repayment_id"], step.instance_id, step.actor).status}


@service_handler("loan_status")
def loan_status(step, data):
    return loan_facts(get_loan(data["loan_id"]))


@service_handler("check_classification_proposal")
def check_classification_proposal(step, data):
    """The proposal against the floor of the loan's days past due today, not when the review opened."""
    floor = floor_for(get_loan(data["loan_id"]).dpd, step.instance_id)
    return {"proposed_class": classification.check_proposal(data["proposed_class"], floor), "floor_class": floor}


def _latest_proposal(submissions):
    """The case's latest class proposal and the decisions taken after it."""
    for index in range(len(submissions) - 1, -1, -1):
        proposed = submissions[index]
        if "proposed_class" in proposed.data:
            return (classification.Proposal(proposed.performer, frozenset(proposed.roles),
                                            proposed.data["proposed_class"], proposed.data.get("reasons")),
                    _decisions(submissions[index + 1:]))
    raise classification.SignOffMissing("no class was proposed on this case", {"proposed_class": ["missing"]})


@service_handler("apply_classification")
def apply_classification(step, data):
    proposal, decisions = _latest_proposal(instance_trail(step.instance_id))
    loan = lock_loan(data["loan_id"])
    change = classification.apply_classification(
        loan, proposal, decisions, floor_for(loan.dpd, step.instance_id),
        provision_rate_for(proposal.proposed_class, step.instance_id), clock.business_date())
    return {"classification": change.classification, "provision_rate": change.provision_rate,
            "provision_amount": change.provision_amount}


@service_handler("send_overdue_reminder")
def send_overdue_reminder(step, data):
    message = collection.send_overdue_reminder(get_loan(data["loan_id"]), clock.business_date())
    return {"channel": message.channel, "sent_on": message.sent_on.isoformat()}


@service_handler("plan_collection_call")
def plan_collection_call(step, data):
    """When the next call may be made: now, or after quiet hours / once the daily limit resets."""
    rules = collection.ContactRules.parse(data.get("contact_window_start"), data.get("contact_window_end"),
                                          data.get("daily_call_limit"))
    at = collection.next_contact_time(get_loan(data["loan_id"]), "phone", rules)
    return {"call_now": at <= clock.local_now(), "call_at": at.isoformat()}


@service_handler("record_collection_contact")
def record_collection_contact(step, data, channel):
    attempts = collection.record_contact(
        get_loan(data["loan_id"]), step.instance_id, channel, data["outcome"], step.actor,
        data.get("promise_date"), data.get("promise_amount"))
    return {"attempts": attempts}


@service_handler("file_inspection")
def file_inspection(step, data):
    loan = inspection.file_inspection(get_loan(data["loan_id"]), clock.business_date())
    return {"inspections_done": loan.inspections_done, "inspected_on": loan.last_inspected_on.isoformat()}


@service_handler("open_write_off_request")
def open_write_off_request(step, data):
    """Record the request this case decides on; answers the loan's facts for the eligibility table."""
    loan = get_loan(data["loan_id"])
    request = write_off.open_write_off_request(loan, step.instance_id, data.get("reason", ""),
                                               data.get("evidence", ""), step.actor, clock.business_date())
    return {**loan_facts(loan), "write_off_request_id": request.id}


@service_handler("post_write_off")
def post_write_off(step, data):
    amount = write_off.write_off_loan(step.instance_id, _decisions(instance_trail(step.instance_id)),
                                      clock.business_date(), step.actor)
    return {"written_off": amount}
