"""Close of business over a large book: prints how long each business date takes and peak memory.

    .venv/bin/python -m bench.cob_bench --loans 100000 --overdue 0.02 [--days 3] [--database URL]

Without --database it builds a throwaway SQLite file; with one (an empty PostgreSQL database,
say) it migrates it first. The first date opens a classification review and a collection case
per overdue loan; the dates after it show the steady nightly cost.
"""
import argparse
import resource
import time
from datetime import timedelta

from bench.setup import add_database_option, bench_app


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loans", type=int, default=100_000)
    parser.add_argument("--overdue", type=float, default=0.02, help="share of loans overdue")
    parser.add_argument("--days", type=int, default=3, help="business dates to close")
    add_database_option(parser)
    args = parser.parse_args()
    app = bench_app(args.database, "cob-bench-")

    from app import clock
    from app.close_of_business import run_cob
    from app.extensions import db
    from app.workflow.models import ProcessInstance
    from bench.portfolio import build_portfolio

    with app.app_context():
        started = time.perf_counter()
        build_portfolio(args.loans, clock.business_date(), args.overdue)
        print(f"book: {args.loans} loans ({args.overdue:.1%} overdue) built in {time.perf_counter() - started:.1f} s"
              f" on {db.engine.dialect.name}")
        for _ in range(args.days):
            before = db.session.execute(db.select(db.func.count(ProcessInstance.id))).scalar()
            started = time.perf_counter()
            run, _ = run_cob(clock.business_date() + timedelta(days=1))
            took = time.perf_counter() - started
            opened = db.session.execute(db.select(db.func.count(ProcessInstance.id))).scalar() - before
            print(f"{run.business_date}: closed {run.loans_closed} loans in {took:.2f} s "
                  f"({run.loans_closed / took:,.0f} loans/s), {opened} cases opened")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak:.0f} MB")


if __name__ == "__main__":
    main()
