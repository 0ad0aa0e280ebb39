"""The figures every bench prints: p50/p95 of a list of timings, the memory a process holds."""
import math
import statistics


def p50_p95(took):
    """Median and 95th percentile (nearest rank) of the timings; with few runs the p95 is the slowest."""
    ordered = sorted(took)
    return statistics.median(ordered), ordered[math.ceil(len(ordered) * 0.95) - 1]


def resident_mb():
    """This process's resident memory now (Linux), in MB."""
    with open("/proc/self/status", encoding="ascii") as status:
        kb = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
    return kb / 1024
