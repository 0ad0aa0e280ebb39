"""APScheduler jobs run inside the server process when SCHEDULER_ENABLED is true."""
import logging

from apscheduler.schedulers.background import BackgroundScheduler

log = logging.getLogger(__name__)


def _escalate(app):
    from .inbox.supervision import escalate_overdue_tasks
    with app.app_context():
        count = escalate_overdue_tasks()
        if count:
            log.info("escalated %s overdue task(s) to supervisors", count)


def _fire_timers(app):
    from .inbox.timers import fire_due_timers
    with app.app_context():
        fire_due_timers()


def start_scheduler(app):
    scheduler = BackgroundScheduler(timezone="UTC")
    # Escalation marks each task once (escalated_at), so a second server running it does no harm.
    scheduler.add_job(_escalate, "interval", minutes=5, args=[app], id="escalate_overdue_tasks",
                      max_instances=1, coalesce=True)
    # Each instance steps in its own transaction under its optimistic lock: a race is a 409, not a double step.
    scheduler.add_job(_fire_timers, "interval", minutes=1, args=[app], id="fire_due_timers",
                      max_instances=1, coalesce=True)
    scheduler.start()
    return scheduler
