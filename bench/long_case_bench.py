"""A case that lives long: one contact recorded each business day for a year. Prints the stored
state's size as the case ages and what completing its task costs on day one and at the end.

    .venv/bin/python -m bench.long_case_bench [--days 360] [--database URL]

The business clock moves a day at a time and the timers fire as close of business fires them;
requests go through Flask's test client in this process.
"""
import argparse
import time
from datetime import timedelta
from pathlib import Path

from bench.figures import p50_p95
from bench.setup import add_database_option, bearer, bench_app

PROCESS = Path(__file__).parent / "processes" / "daily_contact.bpmn"
SIZES_AT = (1, 30, 90, 180, 270, 360)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=360)
    add_database_option(parser)
    args = parser.parse_args()
    app = bench_app(args.database, "long-case-bench-", PROCESS)
    from app import clock
    from app.extensions import db
    from app.inbox.timers import fire_due_timers
    from app.workflow.models import ProcessInstance
    client = app.test_client()
    officer = bearer(client, "loan_officer")
    started = client.post("/api/process-instances", headers=officer, json={
        "process_key": "bench_daily_contact", "data": {"contacts": 0, "days": args.days}}).get_json()
    took, sizes = [], {}
    for day in range(1, args.days + 1):
        case = client.get(f"/api/process-instances/{started['id']}", headers=officer).get_json()
        if not case["active_tasks"]:
            raise SystemExit(f"day {day}: the case waits for nothing a person does: {case['status']} {case['error']}")
        task = case["active_tasks"][0]
        assert client.post(f"/api/tasks/{task['id']}/claim", headers=officer).status_code == 200
        began = time.perf_counter()
        done = client.post(f"/api/tasks/{task['id']}/complete", headers=officer, json={"data": {}})
        took.append((time.perf_counter() - began) * 1000)
        assert done.status_code == 200, done.get_json()
        with app.app_context():
            if day in SIZES_AT or day == args.days:
                sizes[day] = len(db.session.get(ProcessInstance, started["id"]).state.encode())
            clock.set_business_date(clock.business_date() + timedelta(days=1))
            db.session.commit()
            fire_due_timers()
    with app.app_context():
        print(f"one case, {args.days} business days of daily contact, on {db.engine.dialect.name}")
    print("stored state: " + ", ".join(f"day {day} {size / 1024:.1f} KB" for day, size in sizes.items()))
    window = max(1, min(10, args.days // 3))
    first, last = p50_p95(took[:window]), p50_p95(took[-window:])
    print(f"{'complete':34} {'p50 ms':>8} {'p95 ms':>8}")
    print(f"{'first ' + str(window) + ' days':34} {first[0]:8.1f} {first[1]:8.1f}")
    print(f"{'last ' + str(window) + ' days':34} {last[0]:8.1f} {last[1]:8.1f}")


if __name__ == "__main__":
    main()
