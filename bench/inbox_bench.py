"""The task list at scale: open tasks over every role and many people, with the columns processes
declare (customer, amount, product); prints p50/p95 of each inbox query and of the /inbox page.

    .venv/bin/python -m bench.inbox_bench --tasks 100000 --people 1000 [--runs 50] [--database URL]

Without --database it builds a throwaway SQLite file; with one (an empty PostgreSQL database,
say) it migrates it first. Rows are inserted directly, as many as a busy company keeps open.
"""
import argparse
import gc
import random
import time
from datetime import timedelta
from decimal import Decimal

from bench.figures import p50_p95, resident_mb
from bench.setup import add_database_option, bearer, bench_app

SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
PRODUCTS = ("个人经营贷（等额本息）", "小微企业流动资金贷（等额本金）", "过桥周转贷（先息后本）")
BATCH = 5000


def build_tasks(count, people, seed=7):
    """Insert `count` open tasks spread over the roles, a third of them claimed by someone."""
    from app import clock
    from app.auth.models import Role
    from app.extensions import db
    from app.inbox.models import HumanTask, HumanTaskColumn, HumanTaskRole
    from app.inbox.sync import search_text
    from app.workflow.definitions import latest_definitions
    from app.workflow.models import ProcessInstance

    rng = random.Random(seed)
    roles = [r.code for r in db.session.execute(db.select(Role)).scalars()]
    definitions = latest_definitions()
    now = clock.now()
    instances = []
    for n in range(max(1, count // 50)):  # fifty tasks share an instance: the rows the list reads are the tasks'
        definition = definitions[n % len(definitions)]
        instances.append({"definition_id": definition.id, "process_key": definition.key, "business_key": f"BN{n:08d}",
                          "status": "waiting", "state": "{}", "serializer_version": "1", "started_by": "bench",
                          "started_at": now, "lock_version": 1})
    db.session.execute(db.insert(ProcessInstance), instances)
    first = db.session.execute(db.select(db.func.min(ProcessInstance.id)).where(
        ProcessInstance.business_key.like("BN%"))).scalar()
    next_id = (db.session.execute(db.select(db.func.max(HumanTask.id))).scalar() or 0) + 1
    for start in range(0, count, BATCH):
        tasks, task_roles, columns = [], [], []
        for n in range(start, min(count, start + BATCH)):
            task_id, instance = next_id + n, n // 50
            claimed = rng.random() < 0.33
            business_key = instances[instance]["business_key"]
            tasks.append({"id": task_id, "instance_id": first + instance, "task_guid": f"bench-{n}",
                          "task_spec_id": "review", "name": "审批 Review",
                          "process_key": instances[instance]["process_key"],
                          "business_key": business_key, "status": "open",
                          "assignee": f"user{rng.randrange(people)}" if claimed else None,
                          "exclude_initiator": False, "created_at": now - timedelta(minutes=n % 5000),
                          "due_at": now + timedelta(hours=rng.randrange(-48, 96))})
            task_roles.append({"task_id": task_id, "role": roles[n % len(roles)], "claimable": not claimed,
                               "created_at": tasks[-1]["created_at"], "due_at": tasks[-1]["due_at"]})
            name = SURNAMES[rng.randrange(len(SURNAMES))] + SURNAMES[rng.randrange(len(SURNAMES))] + str(n % 97)
            amount = Decimal(rng.randrange(10_000, 3_000_000))
            tasks[-1]["search_text"] = search_text(business_key, [str(amount), name, PRODUCTS[n % 3]])  # by column name
            columns += [{"task_id": task_id, "name": "customer", "text_value": name, "number_value": None},
                        {"task_id": task_id, "name": "amount", "text_value": str(amount), "number_value": amount},
                        {"task_id": task_id, "name": "product", "text_value": PRODUCTS[n % 3], "number_value": None}]
        db.session.execute(db.insert(HumanTask), tasks)
        db.session.execute(db.insert(HumanTaskRole), task_roles)
        db.session.execute(db.insert(HumanTaskColumn), columns)
        db.session.commit()
    # A bulk load: both databases plan from fresh statistics, as they would after autovacuum or COB.
    db.session.execute(db.text("ANALYZE"))
    db.session.commit()


def timed(call, runs):
    took = []
    for _ in range(runs):
        started = time.perf_counter()
        response = call()
        took.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return p50_p95(took)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=50)
    add_database_option(parser)
    args = parser.parse_args()
    app = bench_app(args.database, "inbox-bench-")
    from app.extensions import db
    with app.app_context():
        started = time.perf_counter()
        build_tasks(args.tasks, args.people)
        print(f"{args.tasks} open tasks over every role, {args.people} people, built in "
              f"{time.perf_counter() - started:.1f} s on {db.engine.dialect.name}")
    client = app.test_client()
    headers = bearer(client, "risk_officer")
    page = app.test_client()
    page.post("/login", data={"username": "risk_officer", "password": "demo"})
    queries = {
        "api scope=todo": "/api/tasks?scope=todo",
        "api scope=role": "/api/tasks?scope=role",
        "api scope=mine": "/api/tasks?scope=mine",
        "api customer contains": "/api/tasks?scope=todo&search=%E5%BC%A0",
        "api amount range": "/api/tasks?scope=todo&range_min=500000&range_max=800000",
        "api process + due before": "/api/tasks?scope=todo&process_key=loan_approval&due_before=2030-01-01T00:00:00Z",
        "api sorted by amount": "/api/tasks?scope=todo&sort=amount&order=desc",
        "api business_key": "/api/tasks?scope=todo&business_key=BN00000042",
    }
    supervisor = {
        "api scope=all (supervisor)": "/api/tasks?scope=all",
        "api scope=all + search": "/api/tasks?scope=all&search=%E5%BC%A0",
        "api supervisor queues": "/api/supervisor/queues",
    }
    overseer = bearer(client, "supervisor")
    print(f"{'query':32} {'p50 ms':>8} {'p95 ms':>8}")
    for (label, path), who in [(q, headers) for q in queries.items()] + [(q, overseer) for q in supervisor.items()]:
        p50, p95 = timed(lambda: client.get(path, headers=who), args.runs)
        print(f"{label:32} {p50:8.1f} {p95:8.1f}")
    for label, path in (("/inbox page", "/inbox"),
                        ("/inbox page, filters", "/inbox?search=%E5%BC%A0&range_min=100000")):
        p50, p95 = timed(lambda: page.get(path), args.runs)
        print(f"{label:32} {p50:8.1f} {p95:8.1f}")
    gc.collect()  # what the build left behind is garbage; the app's caches and pools stay
    print(f"memory after serving: {resident_mb():.0f} MB resident")


if __name__ == "__main__":
    main()
