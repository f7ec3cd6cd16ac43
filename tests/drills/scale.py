"""How big a drill runs: small by default (CI), full size by hand with `PROM_DRILL_SCALE`.

`PROM_DRILL_SCALE` unset or `small`: the CI size. `full`: the size each drill names as its full run.
A number N: the small size times N (`PROM_DRILL_SCALE=5`), for anything in between.
"""

from __future__ import annotations

import os


class DrillScaleError(ValueError):
    """PROM_DRILL_SCALE holds something that is neither small, full nor a positive number."""


def drill_size(small: int, full: int) -> int:
    """The size of one drill's workload at the scale asked for in the environment."""
    asked = os.environ.get("PROM_DRILL_SCALE", "small").strip().lower() or "small"
    if asked == "small":
        return small
    if asked == "full":
        return full
    try:
        factor = float(asked)
    except ValueError:
        raise DrillScaleError(f"PROM_DRILL_SCALE must be small, full or a positive number, not {asked!r}") from None
    if factor <= 0:
        raise DrillScaleError(f"PROM_DRILL_SCALE must be positive, not {asked!r}")
    return max(1, round(small * factor))
