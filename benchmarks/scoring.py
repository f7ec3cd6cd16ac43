"""Scoring throughput: ``score`` in a loop versus ``score_many`` on one core.

For PHQ-9 and EQ-5D-5L it builds a random int8 answer matrix of ``--size`` rows and prints
* ``<id>_score_loop``: responses/s of ``scoring.score`` called row by row, timed on a
  subsample of ``--loop-sample`` rows and extrapolated (a million Python calls take minutes);
* ``<id>_score_many``: responses/s of one ``scoring.score_many`` call over the whole matrix
  (columnar result: values, bands, flags, reasons), best of ``--repeat`` runs;
* ``<id>_materialise``: rows/s of reading ``Result`` objects back out of the batch (subsample);
* ``<id>_ceiling``: rows/s of ``matrix.sum(axis=1)``, the physical ceiling of any row-wise work;
* ratios last: ``score_many`` over the loop, and ``score_many`` as a share of the ceiling.
The target is ``score_many`` >= 1,000,000 responses/s for each instrument; missing it exits 1.
"""
from __future__ import annotations

import argparse
import os
import time
from typing import Callable

import numpy as np

import scoring

TARGET = 1_000_000
CASES = {"phq9": (0, 3), "eq5d5l": (1, 5)}  # instrument -> answer range of every item


def best_seconds(work: Callable[[], object], repeat: int) -> float:
    """Fastest of ``repeat`` timed runs (the least disturbed by other processes)."""
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        timings.append(time.perf_counter() - start)
    return min(timings)


def measure(instrument: str, matrix: np.ndarray, loop_sample: int, repeat: int) -> dict[str, float]:
    """Responses per second of each way of scoring ``matrix``."""
    sample = [row.tolist() for row in matrix[:loop_sample]]
    loop = best_seconds(lambda: [scoring.score(instrument, row) for row in sample], 1)
    many = best_seconds(lambda: scoring.score_many(instrument, matrix), repeat)
    batch = scoring.score_many(instrument, matrix)
    materialise = best_seconds(lambda: batch[:loop_sample], 1)
    ceiling = best_seconds(lambda: matrix.sum(axis=1), repeat)
    rows = len(matrix)
    return {"score_loop": len(sample) / loop, "score_many": rows / many,
            "materialise": len(sample) / materialise, "ceiling": rows / ceiling}


def main(argv: list[str]) -> int:
    """Print the figures; return 1 when ``score_many`` misses the target for any instrument."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks scoring")
    parser.add_argument("--size", type=int, default=1_000_000, help="rows in the answer matrix")
    parser.add_argument("--loop-sample", type=int, default=20_000, help="rows timed for the scalar loop")
    parser.add_argument("--repeat", type=int, default=5, help="runs of score_many; the best is kept")
    args = parser.parse_args(argv)
    _single_core()
    rng = np.random.default_rng(20261122)
    figures, missed = {}, []
    for instrument, (low, high) in CASES.items():
        items = len(scoring.instruments(instrument).items)
        matrix = rng.integers(low, high + 1, size=(args.size, items), dtype=np.int8)
        figures[instrument] = measure(instrument, matrix, min(args.loop_sample, args.size), args.repeat)
        if figures[instrument]["score_many"] < TARGET:
            missed.append(instrument)
    _report(figures, args)
    return 1 if missed else 0


def _single_core() -> None:
    """Pin to one CPU where the platform allows, so figures are per core."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def _report(figures: dict[str, dict[str, float]], args: argparse.Namespace) -> None:
    print(f"rows: {args.size} responses (score loop extrapolated from {args.loop_sample})")
    for instrument, figure in figures.items():
        for name in ("score_loop", "score_many", "materialise", "ceiling"):
            print(f"{instrument}_{name}: {figure[name]:,.0f} responses/s")
        print(f"{instrument}_score_loop_extrapolated: {args.size / figure['score_loop']:,.1f} s for {args.size:,} rows")
    for instrument, figure in figures.items():
        print(f"{instrument}_score_many_over_loop: {figure['score_many'] / figure['score_loop']:,.1f} x")
        print(f"{instrument}_score_many_share_of_ceiling: {figure['score_many'] / figure['ceiling']:.2f} ratio")
        print(f"{instrument}_target_met: {figure['score_many'] >= TARGET} (target {TARGET:,} responses/s)")
