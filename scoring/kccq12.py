"""KCCQ-12, the 12-item Kansas City Cardiomyopathy Questionnaire.

Spertus JA, Jones PG. Development and validation of a short version of the KCCQ.
Circ Cardiovasc Qual Outcomes 2015;8:469-476, doi:10.1161/CIRCOUTCOMES.115.001958;
"Scoring the KCCQ-12" (CVOutcomes).  Every domain runs 0-100, higher = better:
each answered item is rescaled as ``100 * (x - 1) / (k - 1)`` (k = its number of levels:
7 for q3 and q4, 5 for the rest) and the domain is their mean, provided enough items are
answered: physical limitation (q1a-c) 2 of 3, symptom frequency (q2-q5) 2 of 4, quality
of life (q6, q7) 1 of 2, social limitation (q8a-c) 2 of 3.  On q1a-c and q8a-c the answer
6 ("limited for other reasons / did not do / not applicable") counts as missing.
Summary = mean of the domains that could be scored (at least one).  Values are not rounded
(rounding domains before averaging, as awell does, shifts the summary).
"""
from __future__ import annotations

from dataclasses import dataclass
from statistics import fmean

from scoring.answers import Answers, read_answers
from scoring.instrument import Band, Instrument, Item, Threshold, band_for, options
from scoring.result import Result, build_result

NOT_APPLICABLE = 6
ITEMS = tuple(
    Item(item_id, None, 1, high, options(1, high))
    for item_id, high in (("q1a", 6), ("q1b", 6), ("q1c", 6), ("q2", 5), ("q3", 7), ("q4", 7),
                          ("q5", 5), ("q6", 5), ("q7", 5), ("q8a", 6), ("q8b", 6), ("q8c", 6))
)
LEVELS = {"q3": 7, "q4": 7}  # every other item is scored on 5 levels


@dataclass(frozen=True)
class Domain:
    """A KCCQ-12 domain: its items and how many must be answered for a score."""

    items: tuple[str, ...]
    min_answered: int
    not_applicable: bool = False


DOMAINS = {
    "physical_limitation": Domain(("q1a", "q1b", "q1c"), 2, not_applicable=True),
    "symptom_frequency": Domain(("q2", "q3", "q4", "q5"), 2),
    "quality_of_life": Domain(("q6", "q7"), 1),
    "social_limitation": Domain(("q8a", "q8b", "q8c"), 2, not_applicable=True),
}
SCALES = (*DOMAINS, "summary")
SPERTUS = "Spertus & Jones 2015 Circ Cardiovasc Qual Outcomes 8:469; Scoring the KCCQ-12 (CVOutcomes)"
BAND_SOURCE = "KCCQ interpretation ranges (secondary source)"
BANDS = (
    Band("very_poor_to_poor", 0, 24, "Very poor to poor", BAND_SOURCE),
    Band("poor_to_fair", 25, 49, "Poor to fair", BAND_SOURCE),
    Band("fair_to_good", 50, 74, "Fair to good", BAND_SOURCE),
    Band("good_to_excellent", 75, 100, "Good to excellent", BAND_SOURCE),
)
CHANGE = Threshold(5, "CVOutcomes KCCQ interpretability; Spertus 2020 JACC review",
                   "5 small, 10 moderate, 20 large; Spertus 2025 JACC HF gives 3.9 for the summary")

INSTRUMENT = Instrument(
    id="kccq12", name="Kansas City Cardiomyopathy Questionnaire-12 (KCCQ-12)", version="KCCQ-12 (2015)",
    licence="(c) John Spertus / CV Outcomes. A licence is required (fees for commercial use); "
            "item wording is not shipped.",
    wording_redistributable=False, items=ITEMS, scale_ids=SCALES, primary_scale="summary",
    higher_is_better={scale: True for scale in SCALES}, range={scale: (0, 100) for scale in SCALES},
    scoring_source=SPERTUS,
    missing_rule="Domain minimums: PL 2/3, SF 2/4, QL 1/2, SL 2/3 (6 on q1a-c, q8a-c = missing); "
                 "summary = mean of the scored domains (at least one).",
    mid={scale: CHANGE for scale in SCALES},
    bands={scale: BANDS for scale in SCALES},
)


def rescale(item_id: str, answer: int) -> float:
    """Put one answer on 0-100: ``100 * (x - 1) / (levels - 1)``."""
    return 100 * (answer - 1) / (LEVELS.get(item_id, 5) - 1)


def domain_score(domain: Domain, coded: dict[str, int | None]) -> float | None:
    """Mean of the rescaled answered items, or ``None`` below the domain's minimum."""
    answered = [(item_id, coded[item_id]) for item_id in domain.items
                if coded[item_id] is not None and not (domain.not_applicable and coded[item_id] == NOT_APPLICABLE)]
    if len(answered) < domain.min_answered:
        return None
    return fmean(rescale(item_id, answer) for item_id, answer in answered)


def validate(answers: Answers) -> tuple[int | None, ...]:
    """Return the twelve answers in item order (``None`` where missing), or raise."""
    return read_answers(INSTRUMENT, answers)


def score(answers: Answers) -> Result:
    """Score the four domains and the summary of one KCCQ-12 response."""
    coded = dict(zip(INSTRUMENT.item_ids, validate(answers)))
    domains = {name: domain_score(domain, coded) for name, domain in DOMAINS.items()}
    scales = {name: value for name, value in domains.items() if value is not None}
    withheld = [name for name in DOMAINS if name not in scales]
    if scales:
        scales["summary"] = fmean(scales.values())
    return build_result(INSTRUMENT, scales, reason=withheld_reason(withheld, bool(scales)))


def withheld_reason(withheld: list[str], any_scored: bool) -> str | None:
    """Name the domains below their minimum (and say when no summary is possible)."""
    if not withheld:
        return None
    reason = f"too few items answered for: {', '.join(withheld)}"
    return reason if any_scored else reason + "; no domain could be scored, so no summary"


def interpret(value: float | None, scale: str = "summary") -> str | None:
    """Return the interpretation range of a domain or summary score."""
    return band_for(INSTRUMENT.bands[scale], value)
