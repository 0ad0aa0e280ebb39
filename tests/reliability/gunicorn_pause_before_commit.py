"""gunicorn settings for the crash test: every task completion writes everything, then pauses
just before its commit, so that a kill -9 lands inside open transactions rather than between them.

LOANFLOW_PAUSE_MARKER names a file that gets one line (the task id) per paused completion.
"""
import os
import time

PAUSE_SECONDS = 0.3


def post_fork(server, worker):
    from app.extensions import db
    from app.inbox import service

    real_record_event = service.record_event
    marker = os.environ["LOANFLOW_PAUSE_MARKER"]

    def record_then_pause(action, *args, **kwargs):
        event = real_record_event(action, *args, **kwargs)
        if action == "task_completed":  # the step's last write: nothing but the commit comes after it
            db.session.flush()
            with open(marker, "a", encoding="utf-8") as handle:
                handle.write(f"{kwargs['task_id']}\n")
            time.sleep(PAUSE_SECONDS)
        return event

    service.record_event = record_then_pause
