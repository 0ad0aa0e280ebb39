"""Schemathesis against /api/openapi.json: no 5xx, and every answer matches its documented schema.

CI runs a few examples per operation (SCHEMATHESIS_MAX_EXAMPLES, default 5). The full run,
about 2,000 cases, is:
    SCHEMATHESIS_MAX_EXAMPLES=30 .venv/bin/python -m pytest -q tests/security/test_schemathesis.py
SCHEMATHESIS_SEED picks the seed (default fixed, so CI is repeatable; "random" for a new one).
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ..loans.helpers import COMPLETE_DOCUMENTS, act, apply, new_loan, open_task
from ..own_server import HttpApi, drop_database, fresh_database, prepare, start_gunicorn

CHECKS = ",".join(["not_a_server_error", "status_code_conformance", "response_schema_conformance",
                   "content_type_conformance", "unsupported_method"])
DEFAULT_SEED = "20261123"


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("schemathesis")
    database_url = fresh_database(folder)
    prepare(database_url)
    process, base = start_gunicorn(database_url, folder / "server.log")
    try:
        yield base, folder, known_ids(HttpApi(base))
    finally:
        process.terminate()
        process.wait(timeout=30)
        drop_database(database_url)


def known_ids(api):
    """Real ids, so that part of the generated requests reach a loan, a case and an open task."""
    loan = new_loan(api)
    pending = apply(api, "80000", term_months=12)
    task = open_task(api, pending["business_key"], "check_completeness")
    act(api, pending["business_key"], "check_completeness", "loan_officer", COMPLETE_DOCUMENTS)
    return {
        "loan_id": [loan["id"]], "application_id": [loan["application_id"], pending["id"]],
        "instance_id": [pending["process_instance_id"]], "customer_id": [1, 2, 3],
        "task_id": [task["id"], open_task(api, pending["business_key"])[0]["id"]],
        "product_code": [p["code"] for p in api.get("/api/products", "fuzzer").get_json()],
        "process_key": ["loan_application", "repayment_check", "write_off"],
        "username": ["cashier", "finance_manager", "risk_officer2", "fuzzer"],
        "paid_on": [api.get("/api/business-date", "fuzzer").get_json()["business_date"]],
    }


def config_file(folder, ids):
    """Half of the values of these parameters come from the real ids; the rest stay random."""
    lines = []
    for name, values in ids.items():
        lines += [f"[dictionaries.{name}]", f"values = {json.dumps(values)}", ""]  # a JSON list is TOML too
    lines.append("[parameters]")
    for name in ("loan_id", "application_id", "instance_id", "customer_id", "task_id"):
        lines.append(f'"path.{name}" = {{ dictionary = "{name}", probability = 0.5 }}')
    for field, name in [("customer_id", "customer_id"), ("product_code", "product_code"),
                        ("process_key", "process_key"), ("username", "username"), ("substitute", "username"),
                        ("task_ids[*]", "task_id"), ("paid_on", "paid_on")]:
        lines.append(f'"body.{field}" = {{ dictionary = "{name}", probability = 0.5 }}')
    path = Path(folder) / "schemathesis.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_every_operation_documents_its_errors_in_the_error_shape(api):
    spec = api.client.get("/api/openapi.json").get_json()
    error = spec["components"]["schemas"]["Error"]
    assert error["required"] == ["error"]
    assert set(spec["components"]["schemas"]["ErrorBody"]["required"]) == {"code", "message", "details"}
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            documented = operation["responses"]
            expected = {"400", "401", "429"} if path == "/api/auth/token" else {"400", "401", "403"}
            if "requestBody" in operation:
                expected |= {"413", "422"}
            assert expected <= set(documented), (method, path, sorted(documented))
            for status in (s for s in documented if s.startswith("4")):
                name = documented[status]["$ref"].rsplit("/", 1)[1]
                schema = spec["components"]["responses"][name]["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/Error"}, (method, path, status)


@pytest.mark.slow
def test_the_api_survives_schemathesis(fuzz_server):
    base, folder, ids = fuzz_server
    token = HttpApi(base).token("fuzzer")
    seed = os.environ.get("SCHEMATHESIS_SEED", DEFAULT_SEED)
    command = [
        sys.executable, "-m", "schemathesis.cli", "--config-file", str(config_file(folder, ids)),
        "run", f"{base}/api/openapi.json", "--checks", CHECKS,
        "--header", f"Authorization: Bearer {token}",
        "--max-examples", os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "5"),
        "--workers", "1", "--request-timeout", "60", "--generation-database", "none", "--no-color",
        *([] if seed == "random" else ["--seed", seed]),
    ]
    result = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=3600)
    print(result.stdout[-5000:])  # shown with -s, and on failure
    if result.returncode != 0:
        server_log = (Path(folder) / "server.log").read_text()
        pytest.fail(f"schemathesis found problems (exit {result.returncode}):\n{result.stdout[-30000:]}\n"
                    f"{result.stderr[-3000:]}\n--- server log ---\n{server_log[-10000:]}", pytrace=False)
