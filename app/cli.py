"""Command line: `flask --app wsgi seed-demo | processes validate|test|deploy|export | audit verify`."""
import sys

import click
from flask.cli import AppGroup, with_appcontext

from .audit.service import verify_chain
from .deployment import DeployRefused, check_folder, deploy_folder, export_files

processes_cli = AppGroup("processes", help="Validate and deploy the BPMN/DMN files.")
audit_cli = AppGroup("audit", help="Check the audit trail.")
tasks_cli = AppGroup("tasks", help="Task housekeeping.")


@tasks_cli.command("escalate")
def escalate_command():
    """Tell supervisors about open tasks past their due time (once per task)."""
    from .inbox.supervision import escalate_overdue_tasks
    click.echo(f"escalated {escalate_overdue_tasks()} task(s)")


@processes_cli.command("validate")
@click.argument("files", nargs=-1)
def validate_command(files):
    """Check BPMN/DMN files (all of PROCESSES_DIR by default); one line per problem."""
    problems, processes = check_folder(list(files) or None)
    for problem in problems:
        click.echo(str(problem))
    if problems:
        sys.exit(1)
    click.echo(f"ok: {len(processes)} process(es) valid")


@processes_cli.command("test")
@click.argument("files", nargs=-1)
def test_command(files):
    """Run the process tests: FILE.scenarios.json, or those beside FILE.bpmn (all of PROCESSES_DIR by default)."""
    from .process_tests import run_scenario_files
    outcomes, problems = run_scenario_files(list(files) or None)
    for outcome in outcomes:
        click.echo(outcome.line())
    for problem in problems:
        click.echo(f"FAIL {problem}")
    failed = len(problems) + sum(not outcome.passed for outcome in outcomes)
    click.echo(f"{len(outcomes)} scenario(s): {sum(o.passed for o in outcomes)} passed, {failed} failed")
    if failed:
        sys.exit(1)


@processes_cli.command("fire-timers")
def fire_timers_command():
    """Fire the BPMN timers that are due on the business clock."""
    from .errors import Conflict
    from .inbox.timers import fire_due_timers
    try:
        click.echo(f"stepped {fire_due_timers()} instance(s)")
    except Conflict as err:  # another node is firing them
        click.echo(err.message)
        sys.exit(1)


@processes_cli.command("deploy")
def deploy_command():
    """Validate, then store a new version of every changed definition."""
    try:
        created = deploy_folder("cli")
    except DeployRefused as err:
        for line in err.details["problems"]:
            click.echo(line)
        sys.exit(1)
    for row in created:
        click.echo(f"deployed {row.key} version {row.version}")
    if not created:
        click.echo("nothing changed")


@processes_cli.command("export")
@click.argument("directory", required=False, type=click.Path(file_okay=False))
def export_command(directory):
    """Write the newest deployed files: BPMN, DMN, scenarios to DIRECTORY (default PROCESSES_DIR),
    forms to DIRECTORY/forms (default FORMS_DIR) — the designers' source, as deployed."""
    written = export_files(directory)
    for path in written:
        click.echo(f"exported {path}")
    click.echo(f"{len(written)} file(s) exported" if written else "nothing is deployed")


@audit_cli.command("verify")
def verify_command():
    """Recompute the hash chain; name the first altered event."""
    broken = verify_chain()
    if broken is not None:
        click.echo(str(broken))
        sys.exit(1)
    click.echo("audit trail intact")


books_cli = AppGroup("books", help="Check the loan books.")


@books_cli.command("verify")
def books_verify_command():
    """Recompute every loan's balances, overdue figures and class floor; name each that differs."""
    from .loan_rules import floor_for
    from .loans.books import verify_books
    differences = verify_books(floor_for)
    for difference in differences:
        click.echo(str(difference))
    if differences:
        click.echo(f"{len({d.loan_id for d in differences})} loan(s) differ from their installments and ledger")
        sys.exit(1)
    click.echo("books agree: every loan's figures match its installments and ledger")


cob_cli = AppGroup("cob", help="Close of business.")


@cob_cli.command("run")
@click.option("--date", "on", type=click.DateTime(["%Y-%m-%d"]), help="business date to close (default: the next)")
@click.option("--through", type=click.DateTime(["%Y-%m-%d"]), help="close every date up to this one")
def cob_run_command(on, through):
    """Bring the books to a business date: days past due, penalty interest, timers, escalations."""
    from .close_of_business import close_dates_to, run_cob_through
    from .errors import AppError
    try:
        runs = run_cob_through(through.date(), on.date() if on else None) if through else \
            close_dates_to(on.date() if on else None)
    except AppError as err:  # a date already past, or another node running the close
        click.echo(f"{err.message}: {err.details}" if err.details else err.message)
        sys.exit(1)
    for run, ran in runs:
        click.echo(f"{run.business_date}: {'closed ' + str(run.loans_closed) + ' loan(s)' if ran else 'already closed'}")


@click.command("seed-demo")
@with_appcontext
@click.option("--cases", is_flag=True, help="also loans at each stage of their life (once, on an empty book)")
def seed_demo_command(cases):
    """Products, customers and one user per role (password `demo` or $DEMO_PASSWORD)."""
    from .seed import (
        seed_demo,  # imported here: the loan demo data is not needed by other commands
    )
    counts = seed_demo()
    if cases:
        from .demo_cases import seed_demo_cases
        counts["cases"] = seed_demo_cases()
    click.echo(", ".join(f"{k}: {v}" for k, v in counts.items()))


def register_cli(app):
    app.cli.add_command(processes_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(tasks_cli)
    app.cli.add_command(cob_cli)
    app.cli.add_command(books_cli)
    app.cli.add_command(seed_demo_command)
