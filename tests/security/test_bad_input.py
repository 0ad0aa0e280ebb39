"""Bad input gets a 4xx in the documented error shape, never a 5xx, and changes nothing.

test_api_basics.py and loans/test_refusals.py cover malformed JSON on applications, GETs of unknown
ids and bad application fields; this covers the rest of the API.
"""
import pytest

from app.loans.identity import resident_id_check_char, uscc_check_char

from ..loans.helpers import new_loan

TOO_BIG = 2**31  # one past the largest id the integer columns hold
NOW = "2026-11-23"  # where the date does not matter
DISBURSEMENT_DAY = object()  # a valid date for a repayment on the test loan


def assert_error(response, status, field=None):
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:500])
    error = response.get_json()["error"]
    assert set(error) == {"code", "message", "details"} and error["message"]
    if field:
        assert field in error["details"], error
    return error


@pytest.fixture(scope="module")
def loan(api):
    return new_loan(api)


def repay(api, loan, amount="100.00", paid_on=DISBURSEMENT_DAY, **headers):
    paid_on = loan["disbursed_on"] if paid_on is DISBURSEMENT_DAY else paid_on
    return api.post(f"/api/loans/{loan['id']}/repayments", "cashier", headers=headers,
                    json={"amount": amount, "paid_on": paid_on})


def open_repayment_checks(api, loan):
    return api.get(f"/api/tasks?scope=all&process_key=repayment_check&business_key={loan['business_key']}",
                   "supervisor").get_json()["total"]


@pytest.mark.parametrize("user, path", [
    (None, "/api/auth/token"),
    ("loan_officer", "/api/customers"),
    ("cashier", "/api/loans/{loan}/repayments"),
    ("loan_officer", "/api/process-instances"),
    ("supervisor", "/api/tasks/bulk-assign"),
    ("cashier", "/api/substitutions"),
    ("admin", "/api/process-definitions"),
    ("admin", "/api/node-configs"),
])
def test_malformed_json_is_a_400(api, loan, user, path):
    response = api.post(path.format(loan=loan["id"]), user, data='{"amount": 1,', content_type="application/json")
    assert assert_error(response, 400)["code"] == "malformed_json"


@pytest.mark.parametrize("body", ["[]", '"text"', "null", "42"])
def test_a_body_that_is_not_an_object_is_a_422(api, body):
    assert_error(api.post("/api/customers", "loan_officer", data=body, content_type="application/json"), 422)


# A valid body per path; each case below changes one thing in it.
VALID = {
    "/api/customers": {"type": "individual", "name": "赵敏", "id_number": "1" * 18, "phone": "13812345678"},
    "/api/loan-applications": {"customer_id": 1, "product_code": "PERSONAL_EI", "amount": "50000",
                               "term_months": 12, "purpose": "经营周转"},
    "/api/process-instances": {"process_key": "loan_application", "data": {}},
    "/api/tasks/bulk-assign": {"task_ids": [1], "username": "cashier", "reason": "x"},
    "/api/substitutions": {"substitute": "cashier2", "starts_at": "2026-03-01T09:00:00+08:00",
                           "ends_at": "2026-03-02T09:00:00+08:00", "reason": "休假"},
    "/api/node-configs": {"process_key": "loan_application", "node_id": "check_completeness", "reason": "x"},
}


@pytest.mark.parametrize("user, path, change", [
    ("loan_officer", "/api/customers", {"type": "robot"}),
    ("loan_officer", "/api/customers", {"name": 123}),
    ("loan_officer", "/api/customers", {"phone": []}),
    ("loan_officer", "/api/loan-applications", {"customer_id": "1"}),
    ("loan_officer", "/api/loan-applications", {"customer_id": 2**40}),
    ("loan_officer", "/api/loan-applications", {"term_months": 12.5}),
    ("loan_officer", "/api/loan-applications", {"amount": {"value": 1}}),
    ("loan_officer", "/api/loan-applications", {"collateral": "the house"}),
    ("loan_officer", "/api/process-instances", {"process_key": 42}),
    ("loan_officer", "/api/process-instances", {"data": "x"}),
    ("supervisor", "/api/tasks/bulk-assign", {"task_ids": "1"}),
    ("supervisor", "/api/tasks/bulk-assign", {"task_ids": [TOO_BIG]}),
    ("cashier", "/api/substitutions", {"starts_at": "2026-02-30T09:00:00+08:00"}),
    ("admin", "/api/node-configs", {"due_in": "P9000Y"}),  # parses, but overflowed when the task was created
    ("admin", "/api/node-configs", {"four_eyes_group": "g" * 65}),  # longer than the column
])
def test_wrong_types_and_values_name_the_field(api, user, path, change):
    assert_error(api.post(path, user, json={**VALID[path], **change}), 422, next(iter(change)))


def test_wrong_query_values_name_the_parameter(api):
    error = assert_error(api.get("/api/tasks?page=abc&per_page=100000&scope=everything", "cashier"), 422)
    assert {"page", "per_page", "scope"} <= set(error["details"])


def test_a_huge_body_is_a_413_and_saves_nothing(api):
    padding = "x" * (3 * 1024 * 1024)  # MAX_CONTENT_LENGTH is 2 MB
    response = api.post("/api/customers", "loan_officer", json={"type": "individual", "name": padding})
    assert assert_error(response, 413)["code"] == "request_entity_too_large"
    deploy = api.post("/api/process-definitions", "admin", json={"files": {"big.bpmn": padding}})
    assert_error(deploy, 413)
    page = api.client.post("/login", data={"username": "cashier", "password": padding})
    assert page.status_code == 413 and "Traceback" not in page.get_data(as_text=True)


@pytest.mark.parametrize("method, path, user, body", [
    ("GET", "/api/tasks?scope=all&business_key=HK%00", "supervisor", None),
    ("GET", "/api/process-definitions/loan%00/versions", "supervisor", None),
    ("POST", "/api/auth/token", None, {"username": "cashier\u0000", "password": "demo"}),
    ("POST", "/api/process-instances", "loan_officer", {"process_key": "loan_application\u0000", "data": {}}),
    ("POST", "/api/tasks/bulk-assign", "supervisor", {"task_ids": [1], "username": "cashier", "reason": "x\u0000"}),
    ("POST", "/api/customers", "loan_officer", {"type": "individual", "name": "赵敏", "phone": "13812345678",
                                                "id_number": "110105198001011238", "note\u0000": 1}),
])
def test_nul_characters_are_refused_before_they_reach_the_database(api, method, path, user, body):
    # PostgreSQL cannot store NUL in text: without the check these were 500s there.
    assert_error(api.call(method, path, user, json=body), 400)


@pytest.mark.parametrize("user, path, body", [
    (None, "/api/auth/token", "[" * 100000 + "]" * 100000),  # a RecursionError in the JSON parser: was a 500
    ("loan_officer", "/api/customers", "[" * 100000 + "]" * 100000),
    ("cashier", "/api/tasks/1/complete", '{"data": ' + '{"a": ' * 200 + "1" + "}" * 200 + "}"),
])
def test_absurdly_nested_json_is_a_400(api, user, path, body):
    assert_error(api.post(path, user, data=body, content_type="application/json"), 400)


def test_a_nul_character_in_the_login_form_is_a_400_page(app):
    page = app.test_client().post("/login", data={"username": "cashier\x00", "password": "demo"})
    assert page.status_code == 400 and "Traceback" not in page.get_data(as_text=True)


@pytest.mark.parametrize("amount", [
    -1, "-1", 0, "0.00", "1e30", 1e30, "abc", "NaN", "Infinity", "0.001", "1e-30", "", None, True])
def test_absurd_repayment_amounts_are_refused(api, loan, amount):
    assert_error(repay(api, loan, amount=amount), 422, "amount")
    assert open_repayment_checks(api, loan) == 0


@pytest.mark.parametrize("amount", ["１００", " 100 ", "100\n", "1_000", "100.100", "50000.000", "1,000"])
def test_an_amount_is_read_the_same_way_on_every_path(api, loan, amount):
    """One money parser: what a repayment refuses, an application refuses too."""
    assert_error(repay(api, loan, amount=amount), 422, "amount")
    application = api.post("/api/loan-applications", "loan_officer", json={
        "customer_id": 1, "product_code": "PERSONAL_EI", "amount": amount, "term_months": 12, "purpose": "x"})
    assert_error(application, 422, "amount")
    assert open_repayment_checks(api, loan) == 0


def test_an_overlong_idempotency_key_is_refused(api, loan):
    assert_error(repay(api, loan, **{"Idempotency-Key": "k" * 129}), 422, "Idempotency-Key")
    assert open_repayment_checks(api, loan) == 0


@pytest.mark.parametrize("paid_on", ["2026-02-30", "2026-13-01", "2026-00-10", "yesterday", "", 20261123, None])
def test_impossible_dates_are_refused(api, loan, paid_on):
    assert_error(repay(api, loan, paid_on=paid_on), 422, "paid_on")
    assert open_repayment_checks(api, loan) == 0


def _resident_id(first17):
    return first17 + resident_id_check_char(first17)


def _wrong_check(value, check_char):
    return value[:17] + ("1" if check_char(value[:17]) != "1" else "2")


@pytest.mark.parametrize("customer_type, id_number", [
    ("enterprise", _wrong_check("91330106MA27XK3P0X", uscc_check_char)),
    ("enterprise", "91330106MA27XK3P0" + "I"),  # I is not used in credit codes
    ("individual", _resident_id("33010619880230123")),  # right check digit, born on 30 February
    ("individual", _resident_id("33010629880808123")),  # born in the future
    ("individual", "3301061988080812AB"),
    ("individual", "33010619880808123"),  # 17 characters
])
def test_identity_numbers_with_bad_checksums_or_dates_are_refused(api, customer_type, id_number):
    response = api.post("/api/customers", "loan_officer", json={
        "type": customer_type, "name": "测试客户", "id_number": id_number, "phone": "13812345678"})
    assert_error(response, 422, "id_number")


@pytest.mark.parametrize("user, path, body", [
    ("cashier", "/api/tasks/999999/claim", None),
    ("cashier", "/api/tasks/999999/release", {}),
    ("cashier", "/api/tasks/999999/complete", {"data": {}}),
    ("supervisor", "/api/tasks/999999/assign", {"username": "cashier"}),
    ("cashier", "/api/tasks/999999/delegate", {"username": "cashier2", "reason": "出差"}),
    ("cashier", "/api/loans/999999/repayments", {"amount": "100.00", "paid_on": NOW}),
    ("risk_officer", "/api/loans/999999/write-off", {"reason": "r", "evidence": "e"}),
    ("cashier", "/api/substitutions/999999/end", None),
    ("cashier", "/api/notifications/999999/read", None),
    ("cashier", f"/api/tasks/{TOO_BIG}/claim", None),
    ("cashier", "/api/tasks/99999999999999999999/complete", {"data": {}}),
])
def test_actions_on_unknown_ids_are_404(api, user, path, body):
    assert_error(api.post(path, user, json=body), 404)


@pytest.mark.parametrize("path", [
    "/api/process-instances/999999/diagram", "/api/process-definitions/no_such_process/versions",
    f"/api/customers/{TOO_BIG}", "/api/loans/99999999999999999999", f"/api/process-instances/{TOO_BIG}",
    "/api/loan-applications/99999999999999999999", "/api/tasks/-1",
])
def test_lookups_of_unknown_or_impossible_ids_are_404(api, path):
    assert_error(api.get(path, "supervisor"), 404)


def test_pages_with_impossible_ids_are_404_pages(app):
    client = app.test_client()
    client.post("/login", data={"username": "supervisor", "password": "demo"})
    for path in ["/tasks/99999999999999999999", f"/loans/{TOO_BIG}", "/processes/instances/99999999999999999999"]:
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Traceback" not in response.get_data(as_text=True)


def test_a_wrong_method_is_a_405_that_names_the_allowed_ones(api):
    response = api.call("DELETE", "/api/tasks", "cashier")
    assert_error(response, 405)
    assert "GET" in response.headers["Allow"]


def test_input_no_handler_should_meet_is_refused_before_it_does(api, loan):
    customer = {"type": "individual", "phone": "13800001111", "id_number": _resident_id("11010519491231002")}
    too_long = '{"customer_id": 1, "product_code": "PERSONAL_EI", "amount": ' + "9" * 5000 + \
        ', "term_months": 12, "purpose": "x"}'
    assert_error(api.post("/api/loan-applications", "loan_officer", data=too_long, content_type="application/json"),
                 400)
    surrogate = '{"type": "individual", "name": "\\ud800", "phone": "13800001111", "id_number": "x"}'
    assert_error(api.post("/api/customers", "loan_officer", data=surrogate, content_type="application/json"), 400)
    invisible = api.post("/api/customers", "loan_officer", json=dict(customer, name="\u200b\u200d \u2060"))
    assert_error(invisible, 422, "name")
    assert_error(repay(api, loan, paid_on="2026-W48-1"), 422, "paid_on")  # a week date is not a date here


def test_a_moment_with_an_offset_no_clock_shows_is_refused(api):
    body = {"substitute": "loan_officer2", "reason": "年假", "starts_at": "2030-01-01T00:00:00+23:59",
            "ends_at": "2030-01-05T00:00:00+08:00"}
    assert_error(api.post("/api/substitutions", "loan_officer", json=body), 422, "starts_at")
    assert api.get("/api/substitutions", "loan_officer").status_code == 200


def test_a_database_that_cannot_be_reached_is_a_503_to_retry(app):
    from app import create_app
    from config import TestConfig

    class Unreachable(TestConfig):
        SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=1"

    down = create_app(Unreachable()).test_client()
    answer = down.post("/api/auth/token", json={"username": "cashier", "password": "demo"})
    assert answer.status_code == 503 and int(answer.headers["Retry-After"]) > 0
    assert answer.get_json()["error"]["code"] == "database_unavailable"
    page = down.post("/login", data={"username": "cashier", "password": "demo"})
    assert page.status_code == 503 and "暂时无法连接数据库" in page.get_data(as_text=True)
