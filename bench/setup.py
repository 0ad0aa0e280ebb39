"""The app every bench measures: a fresh database (temporary SQLite unless a URL is given),
migrated, with the demo users and the shipped processes, no scheduler and no start-up deploy."""
import os
import tempfile


def bench_app(database, prefix, process=None):
    """The app on a fresh database; `process` (a BPMN file of bench/processes) deployed too."""
    os.environ["DATABASE_URL"] = database or f"sqlite:///{tempfile.mkdtemp(prefix=prefix)}/bench.sqlite3"
    os.environ.setdefault("SCHEDULER_ENABLED", "false")
    os.environ.setdefault("DEPLOY_ON_START", "false")

    from flask_migrate import upgrade

    from app import create_app
    from app.deployment import deploy_folder
    from app.seed import seed_demo
    from config import Config

    class BenchConfig(Config):
        WTF_CSRF_ENABLED = False

    app = create_app(BenchConfig())
    with app.app_context():
        upgrade()
        seed_demo()
        deploy_folder("bench")
        if process is not None:
            from app.deployment import deploy_sources
            deploy_sources({process.name: process.read_text(encoding="utf-8")}, "bench")
    return app


def bearer(client, username, password="demo"):
    """The headers of an API call as `username`."""
    token = client.post("/api/auth/token", json={"username": username, "password": password}).get_json()["token"]
    return {"Authorization": f"Bearer {token}"}


def add_database_option(parser):
    parser.add_argument("--database", help="SQLAlchemy URL of an empty database (default: temporary SQLite)")
