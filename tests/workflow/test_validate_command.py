"""`processes validate` names file, element and reason for each problem, and never crashes."""
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent.parent / "fixtures" / "generic"


@pytest.fixture()
def runner(app):
    return app.test_cli_runner()


def validate(runner, *paths):
    return runner.invoke(args=["processes", "validate", *[str(p) for p in paths]])


def test_the_shipped_processes_are_valid(runner):
    result = validate(runner)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok:")


@pytest.mark.parametrize("text, reason", [
    ("", "file is empty"),
    ("<bpmn:definitions", "not well-formed XML"),
    ('<?xml version="1.0"?><definitions xmlns="http://example.com/not-bpmn"/>', ""),
])
def test_broken_files_are_reported_not_raised(runner, tmp_path, text, reason):
    broken = tmp_path / "broken.bpmn"
    broken.write_text(text)
    result = validate(runner, broken)
    assert result.exit_code == 1
    assert result.output.startswith("broken.bpmn:")
    assert reason in result.output
    assert "Traceback" not in result.output


def edited_copy(tmp_path, old, new, source=FIXTURES / "archive_request.bpmn"):
    """A copy of a process file with one edit, checked to have taken place."""
    text = source.read_text()
    assert old in text
    target = tmp_path / source.name
    target.write_text(text.replace(old, new))
    return target


def test_unknown_lane_role_is_reported(runner, tmp_path):
    path = edited_copy(tmp_path, 'name="archive_keeper"', 'name="no_such_role"')
    result = validate(runner, path)
    assert result.exit_code == 1
    assert "archive_request.bpmn: approve_loan_of_file: lane 'no_such_role' is not a known role" in result.output


def test_missing_form_unsafe_condition_and_unknown_service(runner, tmp_path):
    path = edited_copy(tmp_path, "granted == True and copies &gt;= 1", "__import__('os').system('id')")
    text = path.read_text().replace('value="archive_decision.json"', 'value="missing_form.json"')
    path.write_text(text)
    result = validate(runner, path)
    assert result.exit_code == 1
    assert "approve_loan_of_file: form missing_form.json cannot be read" in result.output
    assert "decide: condition is not allowed" in result.output


def test_timer_expression_that_does_not_compile_is_reported(runner, tmp_path):
    path = edited_copy(tmp_path, '"P1D"', '"P1D" +', FIXTURES / "escalating_review.bpmn")
    result = validate(runner, path)
    assert result.exit_code == 1
    assert "escalating_review.bpmn: too_slow: timer expression does not compile" in result.output


def disbursement_copy(tmp_path, old, new):
    return edited_copy(tmp_path, old, new, Path(__file__).resolve().parents[2] / "processes" / "disbursement.bpmn")


def test_unknown_service_handler_is_reported(runner, tmp_path):
    path = disbursement_copy(tmp_path, 'serviceTaskOperator id="disburse_loan"', 'serviceTaskOperator id="pay_twice"')
    result = validate(runner, path)
    assert result.exit_code == 1
    assert "disbursement.bpmn: post_payout: service task names no registered handler 'pay_twice'" in result.output


def test_gateway_flow_without_condition_or_default_is_reported(runner, tmp_path):
    path = disbursement_copy(tmp_path, ' default="f_payout_returned"', "")
    result = validate(runner, path)
    assert result.exit_code == 1
    assert "disbursement.bpmn: f_payout_returned: Non-default exclusive outgoing sequence flow without condition" \
        in result.output


def test_dmn_expression_that_does_not_compile_is_reported(runner, tmp_path):
    source = (Path(__file__).resolve().parents[2] / "processes" / "approval_levels.dmn").read_text()
    target = tmp_path / "approval_levels.dmn"
    target.write_text(source.replace("<text>2</text>", "<text>2 +</text>"))
    result = validate(runner, target)
    assert result.exit_code == 1
    assert "approval_levels.dmn: approval_levels: decision cannot be read: Malformed Output Expression '2 +'" \
        in result.output


def test_an_id_used_twice_is_named(runner, tmp_path):
    path = disbursement_copy(tmp_path, 'serviceTaskOperator id="disburse_loan"', 'serviceTaskOperator id="post_payout"')
    result = validate(runner, path)
    assert result.exit_code == 1
    assert "disbursement.bpmn: post_payout: a service operator has the same id as a diagram element" in result.output


def test_a_missing_form_is_named_before_the_database_exists(tmp_path):
    """A designer validates a fresh clone: no schema yet, and a form in neither folder nor database."""
    from app import create_app
    from app.extensions import db
    from config import TestConfig

    class Fresh(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    fresh = create_app(Fresh())
    path = edited_copy(tmp_path, 'value="archive_decision.json"', 'value="missing_form.json"')
    result = validate(fresh.test_cli_runner(), path)
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert "approve_loan_of_file: form missing_form.json cannot be read" in result.output
    assert "run `flask --app wsgi db upgrade` first" in result.output
    with fresh.app_context():
        db.engine.dispose()
