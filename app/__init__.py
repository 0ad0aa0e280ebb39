"""LoanFlow: loan operations run as BPMN processes through a role-routed task inbox."""
import logging

from flask import Flask
from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine

from config import BASE_DIR, config_for

from .extensions import csrf, db, login_manager, migrate
from .input_guard import refuse_hostile_input
from .strict_json import StrictJSONProvider

log = logging.getLogger(__name__)


def _import_models():
    from . import (
        clock,  # noqa: F401
        locks,  # noqa: F401
    )
    from .audit import models as _a  # noqa: F401
    from .auth import models as _u  # noqa: F401
    from .auth import throttle as _t  # noqa: F401
    from .documents import models as _d  # noqa: F401
    from .inbox import models as _i  # noqa: F401
    from .loans import models as _l  # noqa: F401
    from .workflow import models as _w  # noqa: F401


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    # WAL lets readers work during a write; the busy timeout turns short lock waits into waits, not errors.
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def _start_serving_once(app):
    """Import the folders' never-deployed files and start the scheduler before a server's first request.

    Done on the first request rather than in create_app so that CLI commands (db upgrade,
    processes validate, seed-demo) never deploy or start background jobs as a side effect.
    """
    state = {"done": False}

    @app.before_request
    def start_serving():
        if state["done"]:
            return
        state["done"] = True
        if app.config.get("DEPLOY_ON_START"):
            deploy_at_start_up()
        if app.config.get("SCHEDULER_ENABLED"):
            from .jobs import start_scheduler
            start_scheduler(app)


def deploy_at_start_up():
    """A node's start-up: import the folders' files the database never held; a node restarting with
    an older folder than the one a designer deployed from changes nothing."""
    from .deployment import DeployRefused, import_new_files
    from .errors import Conflict
    if inspect(db.engine).has_table("process_definition"):
        try:
            created = import_new_files("system")  # an old folder changes nothing: designers deploy
            for row in created:
                log.info("deployed %s version %s", row.key, row.version)
        except DeployRefused as err:
            log.error("process files not deployed: %s", err.details.get("problems"))
        except Conflict as err:  # another node stored the same new versions at the same moment
            log.warning("deploy at start-up left to another node: %s", err.message)
        except Exception:  # noqa: BLE001 - a fault: logged whole; the versions deployed before still serve
            log.exception("deploy at start-up failed")


def create_app(config=None):
    app = Flask(__name__, instance_path=str(BASE_DIR / "instance"))
    app.json = StrictJSONProvider(app)
    app.config.from_object(config or config_for())
    (BASE_DIR / "instance").mkdir(exist_ok=True)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    _import_models()
    from .auth.throttle import check_settings
    check_settings(app.config)

    from . import handlers  # noqa: F401 - registers the service-task handlers
    from .clock import now as business_now
    from .workflow.spiff_adapter import install_business_clock
    install_business_clock(business_now)
    from .auth.service import actor_by_username, overseer_usernames
    from .inbox.actors import use_directory
    use_directory(actor_by_username, overseer_usernames)

    from .api import init_api
    init_api(app)
    from .web import init_web
    init_web(app)
    refuse_hostile_input(app)
    from .cli import register_cli
    register_cli(app)

    if not app.config.get("TESTING"):
        _start_serving_once(app)
    return app
