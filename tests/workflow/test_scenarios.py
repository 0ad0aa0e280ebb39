"""Process tests: the scenarios a designer keeps beside a BPMN file run in memory, on a clock of
their own, and a deploy whose scenarios fail is refused."""
import json
import shutil
from pathlib import Path

import pytest

from app.deployment import DeployRefused, deploy_folder, deploy_sources, folder_sources
from app.extensions import db
from app.workflow.models import ProcessDefinition

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = ROOT / "processes"


@pytest.fixture()
def runner(app):
    return app.test_cli_runner()


@pytest.fixture()
def folder(tmp_path):
    """A copy of processes/ to break scenarios and diagrams in."""
    copy = tmp_path / "processes"
    shutil.copytree(PROCESSES, copy)
    return copy


def run_tests(runner, *paths):
    return runner.invoke(args=["processes", "test", *[str(p) for p in paths]])


def scenarios_of(folder, stem):
    return json.loads((folder / f"{stem}.scenarios.json").read_text(encoding="utf-8"))


def write_scenarios(folder, stem, scenarios):
    path = folder / f"{stem}.scenarios.json"
    path.write_text(json.dumps(scenarios, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def row_counts(app):
    with app.app_context():
        return {table.name: db.session.execute(db.select(db.func.count()).select_from(table)).scalar_one()
                for table in db.metadata.sorted_tables}


def test_every_shipped_process_has_scenarios():
    for bpmn in PROCESSES.glob("*.bpmn"):
        assert (PROCESSES / f"{bpmn.stem}.scenarios.json").exists(), f"{bpmn.name} has no scenarios"


def test_the_shipped_scenarios_pass_and_write_no_rows(app, runner):
    before = row_counts(app)
    result = run_tests(runner)
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert all(line.startswith("ok") for line in lines[:-1]), result.output
    assert "ok   loan_approval: approve at branch level" in lines
    assert lines[-1].endswith("0 failed")
    assert row_counts(app) == before


def test_a_scenario_with_the_wrong_end_fails_with_what_happened(runner, folder):
    scenarios = scenarios_of(folder, "loan_approval")
    scenarios[0]["end"] = "end_rejected"
    path = write_scenarios(folder, "loan_approval", scenarios[:1])
    result = run_tests(runner, path)
    assert result.exit_code == 1
    assert f"FAIL loan_approval: {scenarios[0]['name']} — expected end 'end_rejected', " \
           "it completed at 'end_approved'" in result.output
    assert result.output.strip().endswith("1 failed")


def test_a_scenario_stuck_at_a_task_names_it(runner, folder):
    scenario = next(s for s in scenarios_of(folder, "loan_approval") if "risk_review" in s["tasks"])
    del scenario["tasks"]["risk_review"]
    result = run_tests(runner, write_scenarios(folder, "loan_approval", [scenario]))
    assert result.exit_code == 1
    assert f"expected end '{scenario['end']}', it stopped waiting at 'risk_review'" in result.output


def test_bad_form_data_fails_like_the_form_would(runner, folder):
    scenario = scenarios_of(folder, "loan_approval")[0]
    scenario["tasks"]["branch_manager_review"] = [{"decision": "maybe"}]
    result = run_tests(runner, write_scenarios(folder, "loan_approval", [scenario]))
    assert result.exit_code == 1
    assert "branch_manager_review (visit 1): the form has invalid fields: decision: 'maybe' is not one of" \
        in result.output


def test_a_form_check_fails_on_the_scenario_date(runner, folder):
    scenario = next(s for s in scenarios_of(folder, "disbursement") if s["end"] == "end_disbursed")
    scenario["start_date"] = "2026-03-02"
    scenario["tasks"]["sign_contract"][0]["signed_on"] = "2026-03-03"
    result = run_tests(runner, write_scenarios(folder, "disbursement", [scenario]))
    assert result.exit_code == 1
    assert "sign_contract (visit 1): the form does not pass the process's checks: signed_on:" in result.output


def test_a_script_error_fails_at_its_element(runner, folder):
    bpmn = folder / "loan_approval.bpmn"
    text = bpmn.read_text(encoding="utf-8")
    bpmn.write_text(text.replace('approval_decision = "approved"', "approval_decision = approved_by_nobody"),
                    encoding="utf-8")
    result = run_tests(runner, bpmn)
    assert result.exit_code == 1
    assert "the process stopped at set_approved: " in result.output
    assert "approved_by_nobody" in result.output


def test_a_service_without_a_declared_result_fails(runner, folder):
    scenario = next(s for s in scenarios_of(folder, "write_off") if s["end"] == "end_written_off")
    del scenario["services"]["open_write_off_request"]
    result = run_tests(runner, write_scenarios(folder, "write_off", [scenario]))
    assert result.exit_code == 1
    assert "read_loan calls 'open_write_off_request': the scenario declares no result for it" in result.output


def test_submissions_never_used_fail(runner, folder):
    scenario = scenarios_of(folder, "loan_approval")[0]
    scenario["tasks"]["committee_review"] = [{"decision": "approve"}]
    result = run_tests(runner, write_scenarios(folder, "loan_approval", [scenario]))
    assert result.exit_code == 1
    assert "committee_review: 1 submission(s) never used" in result.output


def test_a_file_that_is_no_scenario_list_is_named(runner, folder):
    path = folder / "loan_approval.scenarios.json"
    path.write_text('[{"name": "x", "end": "end_approved", "taks": {}}]', encoding="utf-8")
    result = run_tests(runner, path)
    assert result.exit_code == 1
    assert "loan_approval.scenarios.json:" in result.output and "'taks'" in result.output


def test_timers_fire_on_the_scenario_clock(runner, folder):
    """A collection case at the reminder rung waits three days on its own clock, then calls."""
    scenario = next(s for s in scenarios_of(folder, "collection_escalation") if s["name"].startswith("reminder"))
    scenario["max_days"] = 2
    result = run_tests(runner, write_scenarios(folder, "collection_escalation", [scenario]))
    assert result.exit_code == 1
    assert "it stopped waiting at 'reminder_wait'" in result.output


@pytest.fixture()
def deploy_folder_at(app, folder):
    """PROCESSES_DIR set to a copy; afterwards the shipped processes are the newest versions again."""
    old = app.config["PROCESSES_DIR"]
    app.config["PROCESSES_DIR"] = str(folder)
    yield folder
    app.config["PROCESSES_DIR"] = old
    with app.app_context():
        deploy_folder("tests")


def test_a_failing_scenario_refuses_the_deploy_and_stores_nothing(app, deploy_folder_at):
    folder = deploy_folder_at
    bpmn = folder / "loan_approval.bpmn"
    # Every case now goes to the credit committee: the branch-level scenario no longer holds.
    bpmn.write_text(bpmn.read_text(encoding="utf-8").replace("approval_levels &lt; 2", "approval_levels &lt; 0"),
                    encoding="utf-8")
    with app.app_context():
        before = db.session.execute(db.select(db.func.count()).select_from(ProcessDefinition)).scalar_one()
        with pytest.raises(DeployRefused) as refused:
            deploy_folder("tests")
        after = db.session.execute(db.select(db.func.count()).select_from(ProcessDefinition)).scalar_one()
    assert after == before
    problems = refused.value.details["problems"]
    assert any(p.startswith("loan_approval.scenarios.json: approve at branch level: expected end 'end_approved'")
               for p in problems), problems



def test_a_form_check_reads_the_submitted_field_not_an_earlier_steps(app):
    """Found by the collection scenarios: a field visit after a broken promise was refused because the
    phone call's promise date, now past, stood in for the visit's empty one."""
    from datetime import date

    from app.inbox.form_checks import check_errors
    properties = {"formChecks": "promise_date | not promise_date or promise_date >= today | in the past"}
    with app.app_context():
        assert check_errors(properties, {"promise_date": "2026-03-10"}, {"outcome": "refused"},
                            date(2026, 3, 11)) == {}
        assert check_errors(properties, {}, {"promise_date": "2026-03-10"}, date(2026, 3, 11)) == \
            {"promise_date": ["in the past"]}


def test_an_upload_whose_scenarios_fail_is_refused_and_leaves_the_folder(api, deploy_folder_at):
    folder = deploy_folder_at
    text = (folder / "loan_approval.bpmn").read_text(encoding="utf-8")
    broken = text.replace('approval_decision = "rejected"', 'approval_decision = "declined"')
    response = api.post("/api/process-definitions", "process_designer", json={"files": {"loan_approval.bpmn": broken}})
    assert response.status_code == 422
    problems = response.get_json()["error"]["details"]["problems"]
    assert "loan_approval.scenarios.json: reject at branch level: expected data 'approval_decision' = 'rejected', " \
           "it is 'declined'" in problems
    assert (folder / "loan_approval.bpmn").read_text(encoding="utf-8") == text


def test_an_upload_sends_its_scenarios_along(api, deploy_folder_at):
    """The designer moves the one-level limit and, in the same upload, retires the scenarios that
    pinned the old one; the folder keeps what was deployed."""
    folder = deploy_folder_at
    dmn = (folder / "approval_levels.dmn").read_text(encoding="utf-8").replace("&lt;= 100000<", "&lt;= 10000<")
    files = {"approval_levels.dmn": dmn}
    for stem in ("loan_approval", "loan_application"):
        kept = [s for s in scenarios_of(folder, stem) if "branch level" not in s["name"]
                and s["name"] not in ("documents missing: supplemented, checked again, approved",
                                      "returned for information, resubmitted, approved")]
        files[f"{stem}.scenarios.json"] = json.dumps(kept, ensure_ascii=False)
    response = api.post("/api/process-definitions", "process_designer", json={"files": files})
    try:
        assert response.status_code == 201, response.get_json()
        assert {d["key"] for d in response.get_json()["deployed"]} == {"loan_approval", "loan_application"}
        assert (folder / "loan_approval.scenarios.json").read_text(encoding="utf-8") == \
            files["loan_approval.scenarios.json"]
    finally:  # what runs is the deployed version, not a folder: the repository's files go back
        with api.client.application.app_context():
            deploy_sources(folder_sources(PROCESSES), "tests")


def test_an_upload_name_outside_the_rule_is_named(api):
    response = api.post("/api/process-definitions", "process_designer",
                        json={"files": {"../approval.bpmn": "<x/>", "notes.txt": "x"}})
    assert response.status_code == 422
    text = json.dumps(response.get_json())
    assert "ends in .bpmn, .dmn or .scenarios.json" in text
