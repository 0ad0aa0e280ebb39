"""One store of truth for what is deployed: two nodes share a database, each with its own folder.
A designer's deploy through one node stays the newest version when the other restarts with its
older folder; what runs is read from the database, never from a node's folder."""
import shutil
import tempfile
from pathlib import Path

import pytest

from app import create_app, deploy_at_start_up
from app.extensions import db
from app.workflow.artifacts import newest_files
from app.workflow.definitions import latest_definition
from config import TestConfig
from tests.web.test_pages import login

ROOT = Path(__file__).resolve().parents[2]
OLD_NAME, NEW_NAME = "签订合同 Sign the contract", "签订借款合同 Sign the loan contract"


def node(url, processes, forms):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = url
        PROCESSES_DIR, FORMS_DIR = str(processes), str(forms)
        DOCUMENTS_DIR = tempfile.mkdtemp(prefix="loanflow-documents-")
    return create_app(Config())


def folders(base, name):
    processes, forms = base / name / "processes", base / name / "forms"
    shutil.copytree(ROOT / "processes", processes)
    shutil.copytree(ROOT / "forms", forms)
    return processes, forms


@pytest.fixture()
def two_nodes(tmp_path):
    """Node A and node B on one fresh SQLite file, each started (its start-up deploy run) once."""
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    a, b = node(url, *folders(tmp_path, "a")), node(url, *folders(tmp_path, "b"))
    with a.app_context():
        from flask_migrate import upgrade

        from app.seed import seed_demo
        upgrade()
        seed_demo()
        deploy_at_start_up()
    with b.app_context():
        deploy_at_start_up()
    yield a, b
    for each in (a, b):
        with each.app_context():
            db.session.remove()
            db.engine.dispose()


def disbursement_versions(app):
    with app.app_context():
        newest = latest_definition("disbursement")
        return newest.version, newest.deployed_by, dict(newest.files)


def test_a_node_restarting_with_its_old_folder_keeps_the_designers_version(two_nodes):
    a, b = two_nodes
    first_version, _by, _files = disbursement_versions(a)
    old = (Path(a.config["PROCESSES_DIR"]) / "disbursement.bpmn").read_text(encoding="utf-8")
    response = login(a, "process_designer").post("/processes/deploy", json={
        "files": {"disbursement.bpmn": old.replace(OLD_NAME, NEW_NAME)}})
    assert response.status_code == 200, response.get_json()
    assert {"key": "disbursement", "version": first_version + 1} in response.get_json()["deployed"]

    with b.app_context():
        deploy_at_start_up()  # node B restarts; its folder still holds the old diagram

    version, deployed_by, files = disbursement_versions(b)
    assert (version, deployed_by) == (first_version + 1, "process_designer")
    assert NEW_NAME in files["disbursement.bpmn"]
    assert OLD_NAME in (Path(b.config["PROCESSES_DIR"]) / "disbursement.bpmn").read_text(encoding="utf-8")
    with b.app_context():
        stored = newest_files(["bpmn"])["disbursement.bpmn"]
        assert (stored.version, stored.deployed_by) == (2, "process_designer")


def test_a_start_up_deploys_a_file_the_database_never_held(two_nodes):
    a, b = two_nodes
    folder = Path(b.config["PROCESSES_DIR"])
    bpmn = folder / "disbursement.bpmn"
    bpmn.write_text(bpmn.read_text(encoding="utf-8").replace(OLD_NAME, NEW_NAME), encoding="utf-8")
    before, _by, _files = disbursement_versions(a)
    with b.app_context():
        deploy_at_start_up()
    version, deployed_by, files = disbursement_versions(a)
    assert (version, deployed_by) == (before + 1, "system") and NEW_NAME in files["disbursement.bpmn"]
    with a.app_context():
        deploy_at_start_up()  # node A's folder holds the older diagram: nothing changes
    assert disbursement_versions(a)[0] == before + 1


def test_export_writes_the_newest_deployed_files_as_the_designers_source(two_nodes, tmp_path):
    a, b = two_nodes
    old = (Path(a.config["PROCESSES_DIR"]) / "disbursement.bpmn").read_text(encoding="utf-8")
    login(a, "process_designer").post("/processes/deploy", json={
        "files": {"disbursement.bpmn": old.replace(OLD_NAME, NEW_NAME)}})
    result = b.test_cli_runner().invoke(args=["processes", "export", str(tmp_path / "source")])
    assert result.exit_code == 0, result.output
    assert NEW_NAME in (tmp_path / "source" / "disbursement.bpmn").read_text(encoding="utf-8")
    assert (tmp_path / "source" / "loan_approval.scenarios.json").is_file()
    assert (tmp_path / "source" / "forms" / "sign_contract.json").read_text(encoding="utf-8") == \
        (ROOT / "forms" / "sign_contract.json").read_text(encoding="utf-8")
    result = b.test_cli_runner().invoke(args=["processes", "export"])  # into node B's own folders
    assert NEW_NAME in (Path(b.config["PROCESSES_DIR"]) / "disbursement.bpmn").read_text(encoding="utf-8")
