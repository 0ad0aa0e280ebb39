"""Validating and deploying the process designer's folder, with what the rest of the app knows.

The workflow package checks what it can alone; this module adds the known roles (auth), the
forms (inbox) and the registered service handlers, then stores changed files and definitions.
What is deployed lives in the database (workflow/artifacts.py); the folders are the designers'
source, read when a designer deploys or a node meets a file the database has never held.
"""
from pathlib import Path

from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from .audit import record_event
from .auth.models import Role
from .errors import ValidationFailed
from .extensions import db
from .inbox.forms import schema_text_problems
from .process_tests import folder_forms, scenario_problems
from .transaction import transactional
from .workflow.artifacts import file_text, kind_of, never_held, newest_texts, store_files
from .workflow.definitions import Problem, read_sources, store_versions
from .workflow.scenario_files import SUFFIX
from .workflow.services import registered_services
from .workflow.validation import validate_sources


PROCESS_KINDS = ("bpmn", "dmn", "scenarios")
SOURCE_SUFFIXES = (".bpmn", ".dmn", SUFFIX)


class DeployRefused(ValidationFailed):
    code = "invalid_process_files"


def known_roles():
    """Role codes lanes may name, or None when the database has no schema yet."""
    try:
        return set(db.session.execute(db.select(Role.code)).scalars())
    except SQLAlchemyError:
        db.session.rollback()
        return None


def _deployed_text(name):
    """The newest deployed text of a file, or None (also when the database has no schema yet)."""
    try:
        return file_text(name)
    except SQLAlchemyError:
        db.session.rollback()
        return None


def _form_checker(forms):
    """form_problems for validation: the forms sent along ({name: text}) first, then the deployed."""
    def problems_of(name):
        text = forms.get(name) if name in forms else _deployed_text(name)
        if text is None:
            return [f"form {name} cannot be read: it is neither sent along nor deployed"]
        return schema_text_problems(text, name)
    return problems_of


def check_sources(sources, forms=None):
    roles = known_roles()
    problems, processes = validate_sources(sources, roles, registered_services(), _form_checker(forms or {}))
    if roles is None:
        problems.append(Problem("", "", "lanes not checked against roles: run `flask --app wsgi db upgrade` first"))
    return problems, processes


def folder_sources(directory, names=None):
    """{name: text} of the BPMN, DMN and process-test files of a designer's folder."""
    return read_sources(directory, names, SOURCE_SUFFIXES)


def check_folder(names=None):
    """(problems, processes) for the whole PROCESSES_DIR, or just the named files, with FORMS_DIR's forms."""
    try:
        sources = read_sources(current_app.config["PROCESSES_DIR"], names)
        forms = folder_forms()
    except OSError as err:
        return [Problem(getattr(err, "filename", "") or "", "", f"cannot be read: {err.strerror or err}")], []
    if not sources:
        where = ", ".join(names or [current_app.config["PROCESSES_DIR"]])
        return [Problem(where, "", "no BPMN or DMN file found (*.bpmn, *.dmn); no executable process to check")], []
    return check_sources(sources, forms)


@transactional
def deploy_sources(sources, deployed_by=None, forms=None):
    """Store a new version of every changed file and process; refuse all if any file has a problem.

    `sources` are BPMN, DMN and process-test files ({name: text}); `forms` the form files sent
    along. A process is built from the sources alone; a form it shows comes from `forms` or is the
    newest deployed. Scenario files among the sources are the process tests run (else the deployed)."""
    forms = forms or {}
    scenarios = {name: text for name, text in sources.items() if name.endswith(SUFFIX)}
    problems, processes = check_sources({n: t for n, t in sources.items() if n not in scenarios}, forms)
    stored_forms = []
    if not problems:
        stored_forms = store_files(forms, deployed_by)  # the forms the process tests and the new versions show
        problems = scenario_problems(processes, scenarios)  # process tests run on valid files only
    if problems:
        raise DeployRefused("the process files have problems; nothing was deployed",
                            {"problems": [str(p) for p in problems]})
    files = stored_forms + store_files(sources, deployed_by)
    created = store_versions(processes, deployed_by)
    if files or created:
        names = sorted({f.name for f in files})  # the subject names one file; `after` lists them all
        subject = names[0][:128] if len(names) == 1 else f"{len(names)} files"
        record_event("processes_deployed", deployed_by, subject=subject, after={
            "files": {f.name: f.version for f in files}, "processes": {d.key: d.version for d in created}})
    return created


def deploy_folder(deployed_by=None):
    """A designer's deploy of the folders: every changed file of PROCESSES_DIR and FORMS_DIR."""
    return deploy_sources(folder_sources(current_app.config["PROCESSES_DIR"]), deployed_by, folder_forms())


def import_new_files(deployed_by="system"):
    """A node's start-up: deploy only the folders' files whose content the database never held.

    A node restarting with an older folder holds nothing new and changes nothing; a first start (or
    a file a designer added to the folder) deploys it with the newest deployed versions of the rest."""
    sources = never_held(folder_sources(current_app.config["PROCESSES_DIR"]))
    forms = never_held(folder_forms())
    if not sources and not forms:
        return []
    return deploy_sources({**newest_texts(PROCESS_KINDS), **sources}, deployed_by, forms)


def deploy_upload(files, deployed_by):
    """Deploy edited files (BPMN, DMN, scenarios) with the newest deployed others, then keep them in the folder.

    The files are written only after the new versions are committed, so a refused upload leaves
    both the deployed versions and the designer's folder as they were.
    """
    folder = Path(current_app.config["PROCESSES_DIR"])
    created = deploy_sources({**newest_texts(PROCESS_KINDS), **files}, deployed_by)
    for name, text in files.items():
        (folder / Path(name).name).write_text(text, encoding="utf-8")
    return created


def deploy_form(name, text, deployed_by):
    """A designer's form edit: a new version of the form, and a new version of each process that
    shows it (running instances keep the form of the version they started on); then the folder.

    Refused, with the deploy's messages, when the form or the process tests of a process showing
    it fail; returns the new process versions."""
    problems = schema_text_problems(text, name)
    if problems:
        raise DeployRefused("the form has problems; nothing was deployed", {"problems": problems})
    created = deploy_sources(newest_texts(PROCESS_KINDS), deployed_by, {name: text})
    folder = Path(current_app.config["FORMS_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / Path(name).name).write_text(text, encoding="utf-8")
    return created


def export_files(directory=None):
    """Write the newest deployed files out as the designers' source: BPMN, DMN and scenarios into
    `directory` (PROCESSES_DIR by default), forms into its `forms/` (FORMS_DIR by default).
    Returns the paths written."""
    processes = Path(directory or current_app.config["PROCESSES_DIR"])
    forms = processes / "forms" if directory else Path(current_app.config["FORMS_DIR"])
    written = []
    for name, text in newest_texts().items():
        folder = forms if kind_of(name) == "form" else processes
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / Path(name).name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
