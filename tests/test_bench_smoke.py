"""Every bench script still runs: a tiny run of each, on its own temporary SQLite database, printing
its figures. The figures the README quotes come from full runs of the same scripts."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIGURE_ROW = re.compile(r"^(?P<name>.+?)\s+(?P<p50>\d+\.\d+)\s+(?P<p95>\d+\.\d+)$")


def run_bench(*args):
    done = subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def figure_rows(output):
    return [m for m in map(FIGURE_ROW.match, output.splitlines()) if m]


@pytest.mark.parametrize("args, rows", [
    (("bench.inbox_bench", "--tasks", "200", "--people", "10", "--runs", "3"), 13),
    (("bench.script_bench", "--runs", "20"), 2),
    (("bench.step_bench", "--cases", "5"), 4),
])
def test_a_timing_bench_prints_a_median_and_a_p95_per_row(args, rows):
    found = figure_rows(run_bench(*args))
    assert len(found) == rows
    assert all(float(m["p95"]) >= float(m["p50"]) for m in found), [m.group(0) for m in found]


def test_the_close_of_business_bench_closes_its_book():
    output = run_bench("bench.cob_bench", "--loans", "50", "--days", "1")
    assert re.search(r"closed 50 loans in [\d.]+ s", output), output
    assert "peak memory" in output


def test_the_throughput_bench_runs_cases_through_a_server_without_errors():
    output = run_bench("bench.throughput_bench", "--clients", "2", "--seconds", "2")
    found = re.search(r"(\d+) one-task cases in [\d.]+ s .*: [\d.]+ cases/s, (\d+) errors", output)
    assert found and int(found[1]) > 0 and found[2] == "0", output
    assert len(figure_rows(output)) == 3


def test_the_long_case_bench_follows_one_case_day_by_day():
    output = run_bench("bench.long_case_bench", "--days", "4")
    assert re.search(r"stored state: day 1 [\d.]+ KB, day 4 [\d.]+ KB", output), output
    assert len(figure_rows(output)) == 2
