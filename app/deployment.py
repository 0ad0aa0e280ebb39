"""Validating and deploying the process designer's folder, with what the rest of the app knows.

The workflow package checks what it can alone; this module adds the known roles (auth), the
forms (inbox) and the registered service handlers, then stores changed definitions.
"""
from pathlib import Path

from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from .auth.models import Role
from .errors import ValidationFailed
from .extensions import db
from .inbox.forms import form_problems
from .process_tests import scenario_problems
from .transaction import transactional
from .workflow.definitions import Problem, read_sources, store_versions
from .workflow.scenario_files import SUFFIX
from .workflow.services import registered_services
from .workflow.validation import validate_sources


class DeployRefused(ValidationFailed):
    code = "invalid_process_files"


def known_roles():
    """Role codes lanes may name, or None when the database has no schema yet."""
    try:
        return set(db.session.execute(db.select(Role.code)).scalars())
    except SQLAlchemyError:
        db.session.rollback()
        return None


def check_sources(sources):
    roles = known_roles()
    problems, processes = validate_sources(sources, roles, registered_services(), form_problems)
    if roles is None:
        problems.append(Problem("", "", "lanes not checked against roles: run `flask --app wsgi db upgrade` first"))
    return problems, processes


def check_folder(names=None):
    """(problems, processes) for the whole PROCESSES_DIR, or just the named files."""
    try:
        sources = read_sources(current_app.config["PROCESSES_DIR"], names)
    except OSError as err:
        return [Problem(getattr(err, "filename", "") or "", "", f"cannot be read: {err.strerror or err}")], []
    if not sources:
        where = ", ".join(names or [current_app.config["PROCESSES_DIR"]])
        return [Problem(where, "", "no BPMN or DMN file found (*.bpmn, *.dmn); no executable process to check")], []
    return check_sources(sources)


@transactional
def deploy_sources(sources, deployed_by=None):
    """Store a new version of every changed process; refuse all if any file has a problem.

    Scenario files among the sources are the process tests to run instead of the folder's."""
    scenarios = {name: text for name, text in sources.items() if name.endswith(SUFFIX)}
    problems, processes = check_sources({n: t for n, t in sources.items() if n not in scenarios})
    problems = problems or scenario_problems(processes, scenarios)  # process tests run on valid files only
    if problems:
        raise DeployRefused("the process files have problems; nothing was deployed",
                            {"problems": [str(p) for p in problems]})
    return store_versions(processes, deployed_by)


def deploy_folder(deployed_by=None):
    return deploy_sources(read_sources(current_app.config["PROCESSES_DIR"]), deployed_by)


def deploy_upload(files, deployed_by):
    """Deploy edited files (BPMN, DMN, scenarios) with the rest of the folder, then keep them in the folder.

    The files are written only after the new versions are committed, so a refused upload leaves
    both the deployed versions and the designer's folder as they were.
    """
    folder = Path(current_app.config["PROCESSES_DIR"])
    sources = read_sources(folder)
    sources.update(files)
    created = deploy_sources(sources, deployed_by)
    for name, text in files.items():
        (folder / Path(name).name).write_text(text, encoding="utf-8")
    return created
