"""One step of a case, as staff take it over the API: p50/p95 of a bare authenticated request,
reading a task, claiming it and completing it (the document check of a loan application, which
runs the credit scoring and routes to approval).

    .venv/bin/python -m bench.step_bench [--cases 200] [--database URL] [--profile claim|complete|detail]

Requests go through Flask's test client in this process, so the figures are the app's own cost
without a network or a server. --profile prints where one kind of step spends its time.
"""
import argparse
import cProfile
import pstats
import time

from bench.figures import p50_p95
from bench.setup import add_database_option, bearer, bench_app

APPLICATION = {"customer_id": 1, "product_code": "PERSONAL_EI", "amount": "50000", "term_months": 12,
               "purpose": "经营周转 working capital"}
DOCUMENTS_CHECKED = {"documents_complete": True, "site_visit_done": True, "notes": "资料齐全"}


def open_cases(client, headers, cases):
    """The check-completeness task of `cases` new applications."""
    keys = []
    for _ in range(cases):
        created = client.post("/api/loan-applications", json=APPLICATION, headers=headers)
        assert created.status_code == 201, created.get_json()
        keys.append(created.get_json()["business_key"])
    return [client.get(f"/api/tasks?scope=role&business_key={key}", headers=headers).get_json()["items"][0]["id"]
            for key in keys]


def each(call, ids, profile=None):
    """Timings of call(id) for every id, checking each answered 200."""
    took = []
    for task_id in ids:
        started = time.perf_counter()
        if profile:
            profile.enable()
        response = call(task_id)
        if profile:
            profile.disable()
        took.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return took


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--profile", choices=("claim", "complete", "detail"))
    add_database_option(parser)
    args = parser.parse_args()
    app = bench_app(args.database, "step-bench-")
    client = app.test_client()
    officer = bearer(client, "loan_officer")
    ids = open_cases(client, officer, args.cases)
    profile = cProfile.Profile() if args.profile else None
    steps = {
        "detail": ("GET /api/tasks/{id}", lambda i: client.get(f"/api/tasks/{i}", headers=officer)),
        "claim": ("POST /api/tasks/{id}/claim", lambda i: client.post(f"/api/tasks/{i}/claim", headers=officer)),
        "complete": ("POST /api/tasks/{id}/complete", lambda i: client.post(
            f"/api/tasks/{i}/complete", json={"data": DOCUMENTS_CHECKED}, headers=officer)),
    }
    rows = [("GET /api/business-date (bare)", each(lambda i: client.get("/api/business-date", headers=officer), ids))]
    rows += [(label, each(call, ids, profile if args.profile == step else None)) for step, (label, call) in steps.items()]
    with app.app_context():
        from app.extensions import db
        print(f"{args.cases} loan applications on {db.engine.dialect.name}")
    print(f"{'step':34} {'p50 ms':>8} {'p95 ms':>8}")
    for label, took in rows:
        p50, p95 = p50_p95(took)
        print(f"{label:34} {p50:8.1f} {p95:8.1f}")
    if profile:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(r"/app/", 40)


if __name__ == "__main__":
    main()
