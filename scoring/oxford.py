"""The Oxford Knee and Hip Scores share one scoring method.

Murray DW et al. The use of the Oxford hip and knee scores. J Bone Joint Surg Br
2007;89(8):1010-1014; OUI OKS/OHS scoring guides (2018).  Twelve items, each 0-4
(4 = best), total 0-48.  Missing items (OUI guide): one or two are each replaced by the
mean of the person's other answers; more than two, no score (rounding: see ``summed``).
The legacy 1-5 scoring (12-60, 12 best; new = 60 - old) is not accepted: answers must be 0-4.
"""
from __future__ import annotations

from scoring.instrument import Item, options
from scoring.summed import MissingRule

ITEMS = tuple(Item(f"q{n}", None, 0, 4, options(0, 4)) for n in range(1, 13))
MISSING_RULE = MissingRule(2, "OUI Oxford score scoring guide 2018", higher_is_better=True)
LICENCE = ("(c) Oxford University Innovation. A licence is required (commercial fees apply); "
           "item wording is not shipped.")
MURRAY_2007 = "Murray 2007 J Bone Joint Surg Br 89:1010; OUI scoring guide 2018"
BEARD_2015 = "Beard 2015 J Clin Epidemiol 68:73"
MISSING_TEXT = ("1-2 missing items each filled with the mean of the other answers, rounded to the "
                "nearest integer (a tie rounds towards worse health); >2 missing: no score. "
                "OUI scoring guide 2018.")
