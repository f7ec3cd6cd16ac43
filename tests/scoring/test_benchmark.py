"""The scoring benchmark runs through the single benchmarks entry point and prints figures."""
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class TestScoringBenchmark:
    def test_a_small_run_prints_name_value_unit_lines_and_an_exit_code(self):
        run = subprocess.run([sys.executable, "-m", "benchmarks", "scoring", "--size", "5000",
                              "--loop-sample", "200", "--repeat", "1"], cwd=ROOT, capture_output=True, text=True)
        assert run.returncode in (0, 1), run.stderr
        lines = run.stdout.splitlines()
        assert all(re.fullmatch(r"[\w]+: \S+ .+", line) for line in lines), lines
        assert {"phq9_score_many", "eq5d5l_score_many", "phq9_ceiling"} <= {line.split(":")[0] for line in lines}

    def test_an_unknown_benchmark_exits_2_with_usage(self):
        run = subprocess.run([sys.executable, "-m", "benchmarks", "nope"], cwd=ROOT, capture_output=True, text=True)
        assert run.returncode == 2 and "scoring" in run.stderr
