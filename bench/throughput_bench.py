"""Cases a second through a real server: concurrent clients each start a one-task case, claim its
task and complete it, over HTTP against gunicorn (2 workers by default) on loopback.

    .venv/bin/python -m bench.throughput_bench [--clients 6] [--seconds 20] [--workers 2] [--database URL]

The clients run in this process beside the server on the same cores, so the figure is what the
machine does with both; each step's p50/p95 is printed too.
"""
import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench.figures import p50_p95
from bench.setup import add_database_option, bench_app

ROOT = Path(__file__).resolve().parents[1]
PROCESS = Path(__file__).parent / "processes" / "one_task.bpmn"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Client:
    """One person's connection, kept open as a browser keeps it."""

    def __init__(self, port, token):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def call(self, method, path, body=None):
        self.connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=self.headers)
        response = self.connection.getresponse()
        answer = json.loads(response.read() or b"null")
        if response.status >= 300:
            raise RuntimeError(f"{method} {path}: {response.status} {answer}")
        return answer


def one_case(client, took):
    started = time.perf_counter()
    instance = client.call("POST", "/api/process-instances", {"process_key": "bench_one_task", "data": {}})
    claimed = time.perf_counter()
    task_id = instance["active_tasks"][0]["id"]
    client.call("POST", f"/api/tasks/{task_id}/claim")
    completing = time.perf_counter()
    client.call("POST", f"/api/tasks/{task_id}/complete", {"data": {}})
    done = time.perf_counter()
    took["start"].append((claimed - started) * 1000)
    took["claim"].append((completing - claimed) * 1000)
    took["complete"].append((done - completing) * 1000)


def serve(database, workers):
    port = free_port()
    env = dict(os.environ, DATABASE_URL=database, SCHEDULER_ENABLED="false", DEPLOY_ON_START="false",
               SECRET_KEY="bench")
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
                               "wsgi:app"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server, port
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the server did not start: " + server.stderr.read().decode()[-2000:])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=2)
    add_database_option(parser)
    args = parser.parse_args()
    app = bench_app(args.database, "throughput-bench-", PROCESS)
    with app.app_context():
        from app.extensions import db
        database, dialect = app.config["SQLALCHEMY_DATABASE_URI"], db.engine.dialect.name
        db.engine.dispose()
    server, port = serve(database, args.workers)
    try:
        login = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        login.request("POST", "/api/auth/token", body=json.dumps({"username": "loan_officer", "password": "demo"}),
                      headers={"Content-Type": "application/json"})
        token = json.loads(login.getresponse().read())["token"]
        took = {"start": [], "claim": [], "complete": []}
        errors, stop = [], time.perf_counter() + args.seconds

        def work():
            client = Client(port, token)
            while time.perf_counter() < stop:
                try:
                    one_case(client, took)
                except Exception as err:  # noqa: BLE001 - counted and shown, the run goes on
                    errors.append(str(err)[:200])
                    client = Client(port, token)

        began = time.perf_counter()
        threads = [threading.Thread(target=work) for _ in range(args.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began
    finally:
        server.terminate()
        server.wait(timeout=10)
    cases = len(took["complete"])
    print(f"{cases} one-task cases in {elapsed:.1f} s by {args.clients} clients against {args.workers} "
          f"gunicorn workers on {dialect}: {cases / elapsed:.1f} cases/s, {len(errors)} errors")
    print(f"{'step':34} {'p50 ms':>8} {'p95 ms':>8}")
    for step, times in took.items():
        if times:
            p50, p95 = p50_p95(times)
            print(f"{step:34} {p50:8.1f} {p95:8.1f}")
    for error in sorted(set(errors))[:5]:
        print("error:", error)


if __name__ == "__main__":
    main()
