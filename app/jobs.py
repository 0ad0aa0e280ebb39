"""APScheduler jobs run inside the server process when SCHEDULER_ENABLED is true.

Several nodes may run them: close of business and timer firing take a database lock (app/locks),
so each date closes once and each due timer fires once; a node that finds the lock held skips.
"""
import logging

from apscheduler.schedulers.background import BackgroundScheduler

from .errors import Conflict

log = logging.getLogger(__name__)


def _in_app(app, job):
    with app.app_context():
        try:
            return job()
        except Conflict as err:  # another node holds the job's lock: it does the work
            log.info("skipped: %s", err.message)


def _escalate():
    from .inbox.supervision import escalate_overdue_tasks
    count = escalate_overdue_tasks()
    if count:
        log.info("escalated %s overdue task(s) to supervisors", count)


def _fire_timers():
    from .inbox.timers import fire_due_timers
    fire_due_timers()


def _close_business():
    from .close_of_business import catch_up_with_calendar
    for run, _ in catch_up_with_calendar():
        log.info("closed business date %s: %s loan(s)", run.business_date, run.loans_closed)


def start_scheduler(app):
    scheduler = BackgroundScheduler(timezone="UTC")
    every = {"escalation": app.config["SCHEDULER_ESCALATION_SECONDS"], "timers": app.config["SCHEDULER_TIMERS_SECONDS"],
             "cob": app.config["SCHEDULER_COB_SECONDS"]}
    # Escalation marks each task once (escalated_at), so a second server running it does no harm.
    scheduler.add_job(_in_app, "interval", seconds=every["escalation"], args=[app, _escalate],
                      id="escalate_overdue_tasks", max_instances=1, coalesce=True)
    scheduler.add_job(_in_app, "interval", seconds=every["timers"], args=[app, _fire_timers], id="fire_due_timers",
                      max_instances=1, coalesce=True)
    # The business date follows the calendar: once the local date turns, the new date is closed.
    scheduler.add_job(_in_app, "interval", seconds=every["cob"], args=[app, _close_business], id="close_of_business",
                      max_instances=1, coalesce=True)
    scheduler.start()
    return scheduler
