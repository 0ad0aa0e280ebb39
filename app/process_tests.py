"""Process tests: the scenarios kept beside the BPMN files, with forms checked as the inbox checks them.

`flask --app wsgi processes test` runs them; a deploy runs those of every process it changes and
is refused when one fails.
"""
import json
from pathlib import Path

from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from . import clock
from .errors import NotFound, ValidationFailed
from .extensions import db
from .inbox.form_checks import check_errors, documents_lacking
from .inbox.forms import load_form, validated_form_data
from .inbox.trail import as_json
from .workflow import declarations
from .workflow.artifacts import file_text
from .workflow.definitions import (
    Problem,
    build_processes,
    is_deployed,
    latest_definition,
    parse_sources,
    read_sources,
)
from .workflow.scenario_files import SUFFIX, ScenarioFileError, bpmn_file_for, read_scenarios, scenario_file_for
from .workflow.scenarios import run_scenario


def form_checker(forms=None):
    """check_form(properties, task_data, data, today, documents): what the inbox accepts from a
    person whose form opened with the task's formValues. The forms named in `forms` ({name: text},
    a designer's folder) are read from there, the others are the deployed ones."""
    def schema_of(form):
        if forms and form in forms:
            try:
                return json.loads(forms[form])
            except ValueError as err:
                raise NotFound(f"form {form} cannot be read: {err}") from err
        return load_form(form)

    def check_form(properties, task_data, data, today, documents):
        form = properties.get("formJsonSchemaFilename")
        opened_with = as_json(declarations.evaluate(declarations.parse(properties.get("formValues")), task_data))
        values = validated_form_data(schema_of(form), {**opened_with, **data}) if form else {}
        errors = check_errors(properties, task_data, values, today) | documents_lacking(properties, documents)
        if errors:
            raise ValidationFailed("the form does not pass the process's checks", errors)
        return values
    return check_form


def folder_forms(directory=None):
    """{name: text} of the forms of a designer's folder (FORMS_DIR by default)."""
    folder = Path(directory or current_app.config["FORMS_DIR"])
    return read_sources(folder, None, (".json",)) if folder.is_dir() else {}


def _business_date():
    try:
        return clock.business_date()
    except SQLAlchemyError:  # no schema yet: the calendar date
        db.session.rollback()
        return clock.local_today()


def _process_of(processes, bpmn_name):
    """The process a BPMN file defines (the one named like the file when it holds several)."""
    defined = [p for p in processes if p.spec.file == bpmn_name]
    return next((p for p in defined if p.key == Path(bpmn_name).stem), defined[0] if defined else None)


def run_file(process, path, text=None, forms=None):
    """(outcomes, problems) of one scenario file (its text, or read from path) run against a ParsedProcess,
    with the forms sent along ({name: text}) read before the deployed ones."""
    try:
        scenarios = read_scenarios(path.read_text(encoding="utf-8") if text is None else text)
    except (OSError, ScenarioFileError) as err:
        return [], [Problem(path.name, "", str(err))]
    start = _business_date()
    check_form = form_checker(forms)
    return [run_scenario(process, scenario, check_form, start) for scenario in scenarios], []


def _targets(names):
    """Scenario files named (or beside the BPMN files named), or all of PROCESSES_DIR; and the names that are neither."""
    if not names:
        return sorted(Path(current_app.config["PROCESSES_DIR"]).glob(f"*{SUFFIX}")), []
    targets, problems = [], []
    for name in map(Path, names):
        if name.name.endswith(SUFFIX):
            targets.append(name)
        elif name.suffix == ".bpmn":
            targets.append(name.with_name(scenario_file_for(name.name)))
        else:
            problems.append(Problem(name.name, "", f"not a scenario file (*{SUFFIX}) or a BPMN file"))
    return targets, problems


def run_scenario_files(names=None):
    """(outcomes, problems) of the scenario files named, each run against the process of the BPMN
    file beside it, built with the rest of its folder, its forms read from FORMS_DIR."""
    targets, problems = _targets(names)
    outcomes, built, forms = [], {}, folder_forms()
    for path in targets:
        folder = path.parent
        if folder not in built:
            sources = read_sources(folder)
            built[folder] = build_processes(sources, parse_sources(sources)[0])[0]
        process = _process_of(built[folder], bpmn_file_for(path.name))
        if process is None:
            problems.append(Problem(path.name, "", f"no process is built from {bpmn_file_for(path.name)} beside it; "
                                                   "`processes validate` says why"))
            continue
        found, file_problems = run_file(process, path, forms=forms)
        outcomes += found
        problems += file_problems
    return outcomes, problems


def scenario_problems(processes, scenarios=None):
    """A deploy's check: the scenarios of each process whose files or forms changed, as Problems.

    A scenario file deployed with the processes ({name: text}) is the one run; otherwise the newest
    deployed one, so a designer who moves a threshold sends the scenarios that pin it along.
    """
    scenarios = scenarios or {}
    problems = []
    for process in processes:
        if is_deployed(process, latest_definition(process.key)):
            continue
        name = scenario_file_for(process.spec.file)
        text = scenarios.get(name)
        if text is None:
            text = file_text(name)
        if text is None:
            continue
        outcomes, file_problems = run_file(process, Path(name), text)
        problems += file_problems + [Problem(name, o.name, "; ".join(o.problems)) for o in outcomes if not o.passed]
    return problems
