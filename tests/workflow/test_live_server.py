"""A running server picks up a newly deployed version without a restart."""
import json
import urllib.request
from pathlib import Path

from app.deployment import deploy_sources, folder_sources
from app.workflow.definitions import read_sources

PROCESSES = Path(__file__).resolve().parents[2] / "processes"


def call(base, path, body=None, token=None):
    request = urllib.request.Request(base + path, data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Content-Type": "application/json",
                                              **({"Authorization": f"Bearer {token}"} if token else {})})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def test_running_server_starts_new_cases_on_the_new_version(app, live_server):
    token = call(live_server, "/api/auth/token", {"username": "loan_officer", "password": "demo"})["token"]
    before = call(live_server, "/api/process-instances", {"process_key": "disbursement", "data": {}}, token)
    sources = read_sources(PROCESSES)
    sources["disbursement.bpmn"] = sources["disbursement.bpmn"].replace("签订合同 Sign the contract", "签约 Sign")
    with app.app_context():
        deploy_sources(sources, "designer")
    try:
        after = call(live_server, "/api/process-instances", {"process_key": "disbursement", "data": {}}, token)
        assert after["version"] == before["version"] + 1
        assert after["active_tasks"][0]["name"] == "签约 Sign"
        again = call(live_server, f"/api/process-instances/{before['id']}", token=token)
        assert again["version"] == before["version"]
    finally:
        with app.app_context():
            deploy_sources(folder_sources(PROCESSES), "designer")
