"""A designer edits a threshold in the approval DMN file: routing changes with no code change."""
from pathlib import Path

import pytest

from app.deployment import DeployRefused, deploy_sources, folder_sources

from .helpers import APPROVE, COMPLETE_DOCUMENTS, act, apply, designer_edit, open_task

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
LOWER_LIMIT = [("approval_levels.dmn", "&lt;= 100000<", "&lt;= 10000<")]
# The scenarios that pinned 50,000 to 100,000 as one-level business.
BRANCH_LEVEL_SCENARIOS = {
    "loan_application.scenarios.json": [
        "strong profile: approved at branch level and disbursed",
        "documents missing: supplemented, checked again, approved",
        "returned for information, resubmitted, approved"],
    "loan_approval.scenarios.json": [
        "approve at branch level", "approve at branch level: 100,000 is still small",
        "reject at branch level", "return at branch level"],
}


def lowered_sources():
    return designer_edit(PROCESSES, LOWER_LIMIT, BRANCH_LEVEL_SCENARIOS)


@pytest.fixture()
def lowered_threshold(app):
    """Deploy approval_levels.dmn with the one-level limit cut from 100,000 to 10,000; restore after."""
    with app.app_context():
        created = deploy_sources(lowered_sources(), "designer")
        assert {d.key for d in created} == {"loan_application", "loan_approval"}
    yield
    with app.app_context():
        deploy_sources(folder_sources(PROCESSES), "designer")


def test_lower_threshold_sends_fifty_thousand_to_risk_review(api, lowered_threshold):
    key = apply(api, "50000", term_months=12)["business_key"]
    act(api, key, "check_completeness", "loan_officer", COMPLETE_DOCUMENTS)
    act(api, key, "branch_manager_review", "branch_manager", APPROVE)
    assert open_task(api, key, "risk_review")["roles"] == ["risk_officer"]


def test_running_cases_keep_their_version(api, app):
    key = apply(api, "50000", term_months=12)["business_key"]
    with app.app_context():
        deploy_sources(lowered_sources(), "designer")
    try:
        # The approval table is evaluated only now, yet under the version the case started on.
        act(api, key, "check_completeness", "loan_officer", COMPLETE_DOCUMENTS)
        act(api, key, "branch_manager_review", "branch_manager", APPROVE)
        assert open_task(api, key, "sign_contract")
        fresh = apply(api, "50000", term_months=12)["business_key"]
        act(api, fresh, "check_completeness", "loan_officer", COMPLETE_DOCUMENTS)
        act(api, fresh, "branch_manager_review", "branch_manager", APPROVE)
        assert open_task(api, fresh, "risk_review")
    finally:
        with app.app_context():
            deploy_sources(folder_sources(PROCESSES), "designer")


def test_a_threshold_moved_under_its_scenarios_is_refused(app):
    """The folder's scenarios still say 80,000 is branch-level business: the edit alone does not deploy."""
    with app.app_context():
        with pytest.raises(DeployRefused) as refused:
            deploy_sources(designer_edit(PROCESSES, LOWER_LIMIT, {}), "designer")
    problems = refused.value.details["problems"]
    assert any("approve at branch level" in p and "risk_review" in p for p in problems)
