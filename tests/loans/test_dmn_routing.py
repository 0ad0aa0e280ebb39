"""A designer edits a threshold in the approval DMN file: routing changes with no code change."""
from pathlib import Path

import pytest

from app.deployment import deploy_sources
from app.workflow.definitions import read_sources

from .helpers import APPROVE, COMPLETE_DOCUMENTS, act, apply, open_task

PROCESSES = Path(__file__).resolve().parents[2] / "processes"


@pytest.fixture()
def lowered_threshold(app):
    """Deploy approval_levels.dmn with the one-level limit cut from 100,000 to 10,000; restore after."""
    sources = read_sources(PROCESSES)
    original = sources["approval_levels.dmn"]
    assert "&lt;= 100000<" in original
    sources["approval_levels.dmn"] = original.replace("&lt;= 100000<", "&lt;= 10000<")
    with app.app_context():
        created = deploy_sources(sources, "designer")
        assert {d.key for d in created} == {"loan_application", "loan_approval"}
    yield
    with app.app_context():
        deploy_sources(read_sources(PROCESSES), "designer")


def test_lower_threshold_sends_fifty_thousand_to_risk_review(api, lowered_threshold):
    key = apply(api, "50000", term_months=12)["business_key"]
    act(api, key, "check_completeness", "loan_officer", COMPLETE_DOCUMENTS)
    act(api, key, "branch_manager_review", "branch_manager", APPROVE)
    assert open_task(api, key, "risk_review")["roles"] == ["risk_officer"]


def test_running_cases_keep_their_version(api, app):
    key = apply(api, "50000", term_months=12)["business_key"]
    sources = read_sources(PROCESSES)
    sources["approval_levels.dmn"] = sources["approval_levels.dmn"].replace("&lt;= 100000<", "&lt;= 10000<")
    with app.app_context():
        deploy_sources(sources, "designer")
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
            deploy_sources(read_sources(PROCESSES), "designer")
