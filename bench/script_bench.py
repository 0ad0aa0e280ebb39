"""What running a script task in a worker process costs: p50/p95 of one small script, run in this
process (the checks only) and in the worker pool (the checks plus the operating system's limits).

    .venv/bin/python -m bench.script_bench [--runs 2000]
"""
import argparse
import time
from decimal import Decimal

from bench.figures import p50_p95

SCRIPT = "approved = amount <= Decimal('500000') and risk_level != 'high'\nlevels = 2 if approved else 3"


def timed(run, runs):
    took = []
    for _ in range(runs):
        data = {"amount": Decimal("300000.00"), "risk_level": "low", "customer": {"name": "张伟", "score": 760}}
        started = time.perf_counter()
        run(data)
        took.append((time.perf_counter() - started) * 1000)
    return p50_p95(took)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000)
    args = parser.parse_args()
    from app.workflow.sandbox import LocalSandbox, SandboxEnvironment
    local, pooled = LocalSandbox(), SandboxEnvironment()
    pooled.execute(SCRIPT, {"amount": Decimal("1"), "risk_level": "low"})  # the worker starts once
    print(f"{'script task':28} {'p50 ms':>8} {'p95 ms':>8}")
    for label, environment in (("in this process", local), ("in a worker process", pooled)):
        p50, p95 = timed(lambda data: environment.execute(SCRIPT, data), args.runs)
        print(f"{label:28} {p50:8.3f} {p95:8.3f}")


if __name__ == "__main__":
    main()
