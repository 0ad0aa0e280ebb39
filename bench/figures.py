"""The two figures every bench prints for a list of timings."""
import math
import statistics


def p50_p95(took):
    """Median and 95th percentile (nearest rank) of the timings; with few runs the p95 is the slowest."""
    ordered = sorted(took)
    return statistics.median(ordered), ordered[math.ceil(len(ordered) * 0.95) - 1]
