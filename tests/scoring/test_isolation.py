"""The scoring library stands alone: standard library and numpy only."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Run in a fresh interpreter; count only what importing and using scoring adds (site hooks excluded).
PROBE = f"""
import sys, json
sys.path.insert(0, {str(ROOT)!r})
before = set(sys.modules)
import scoring
scoring.score('phq9', [0] * 9)
scoring.score_many('eq5d5l', [[1, 2, 3, 4, 5]], value_set='crosswalk_uk')
print(json.dumps(sorted({{name.split('.')[0] for name in set(sys.modules) - before}})))
"""


class TestIsolation:
    def test_importing_scoring_loads_nothing_beyond_stdlib_and_numpy(self):
        out = subprocess.run([sys.executable, "-I", "-c", PROBE], capture_output=True, text=True, check=True).stdout
        added = set(json.loads(out))
        assert "scoring" in added and "numpy" in added
        assert added - set(sys.stdlib_module_names) - {"scoring", "numpy"} == set()

    def test_no_module_imports_the_service(self):
        sources = (ROOT / "scoring").glob("*.py")
        assert not [path.name for path in sources if "prom_service" in path.read_text()]
