"""Authentication, customers, products and the OpenAPI document."""
from app.loans.identity import resident_id_check_char, uscc_check_char


def test_login_and_token_errors(api):
    client = api.client
    assert client.post("/api/auth/token", json={"username": "loan_officer", "password": "nope"}).status_code == 401
    assert client.get("/api/tasks").status_code == 401
    bad = client.get("/api/tasks", headers={"Authorization": "Bearer forged"})
    assert bad.status_code == 401 and bad.get_json()["error"]["code"] == "unauthorized"


def test_malformed_json_is_a_400_in_the_documented_shape(api):
    response = api.call("POST", "/api/loan-applications", "loan_officer", data="{not json",
                        content_type="application/json")
    assert response.status_code in (400, 422)
    assert set(response.get_json()["error"]) == {"code", "message", "details"}


def test_customers_need_checked_identity_numbers(api):
    first17 = "33010619880808123"
    good = api.post("/api/customers", "loan_officer", json={
        "type": "individual", "name": "赵敏", "id_number": first17 + resident_id_check_char(first17),
        "phone": "13812345678"})
    assert good.status_code == 201, good.get_json()
    assert api.get(f"/api/customers/{good.get_json()['id']}", "cashier").get_json()["name"] == "赵敏"
    wrong = "0" if resident_id_check_char(first17) != "0" else "1"
    bad = api.post("/api/customers", "loan_officer", json={
        "type": "individual", "name": "赵敏", "id_number": first17 + wrong, "phone": "13812345678"})
    assert bad.status_code == 422 and "id_number" in bad.get_json()["error"]["details"]
    code17 = "91330106MA27XK3P0"
    enterprise = api.post("/api/customers", "loan_officer", json={
        "type": "enterprise", "name": "杭州测试科技有限公司", "id_number": code17 + uscc_check_char(code17),
        "phone": "0571-87654321"})
    assert enterprise.status_code == 201, enterprise.get_json()
    assert api.post("/api/customers", "cashier", json={}).status_code == 403


def test_products_show_rate_method_and_limits(api):
    products = {p["code"]: p for p in api.get("/api/products", "loan_officer").get_json()}
    assert {p["repayment_method"] for p in products.values()} == {
        "equal_installment", "equal_principal", "interest_only"}
    assert products["PERSONAL_EI"]["max_amount"] == "3000000.00"


def test_openapi_document_lists_the_contract(api):
    spec = api.client.get("/api/openapi.json").get_json()
    for path in ["/api/tasks", "/api/tasks/{task_id}/complete", "/api/process-instances",
                 "/api/loan-applications", "/api/loans/{loan_id}", "/api/business-date"]:
        assert path in spec["paths"], path


def test_business_date(api):
    body = api.get("/api/business-date", "loan_officer").get_json()
    assert len(body["business_date"]) == 10


def test_unknown_ids_are_404_in_the_documented_shape(api):
    for path in ["/api/tasks/999999", "/api/process-instances/999999", "/api/loans/999999",
                 "/api/loan-applications/999999", "/api/customers/999999", "/api/no-such-endpoint"]:
        response = api.get(path, "supervisor")
        assert response.status_code == 404, path
        assert set(response.get_json()["error"]) == {"code", "message", "details"}
    unknown = api.post("/api/process-instances", "loan_officer", json={"process_key": "nope", "data": {}})
    assert unknown.status_code == 404
