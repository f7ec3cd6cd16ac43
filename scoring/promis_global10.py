"""PROMIS Global Health (Global-10): Global Physical and Global Mental Health T-scores.

Hays RD, Bjorner JB, Revicki DA, Spritzer KL, Cella D. Qual Life Res 2009;18(7):873-880;
HealthMeasures PROMIS Global Health scoring manual.
* Items are taken as asked, in v1.2 coding (every 5-point item 5 = best).  With
  ``version="1.1"`` global08 (fatigue) and global10 (emotional problems) run 1 = best and
  are reversed as ``6 - x`` first.
* global07 (pain, 0-10) is recoded 0->5, 1-3->4, 4-6->3, 7-9->2, 10->1.
* GPH raw = global03 + global06 + recoded global07 + global08; GMH raw = global02 +
  global04 + global05 + global10 (each 4-20), converted to T (and its SE) with the
  summed-score table ``promis_global10_t_scores.csv``.
Missing items: the tables assume every item of a summary is answered (HealthMeasures sends
incomplete responses to response-pattern scoring), so a summary with any item missing gets
no raw score or T-score.  Never prorated.
"""
from __future__ import annotations

import functools

from scoring.answers import Answers, read_answers
from scoring.errors import InvalidOption
from scoring.instrument import Instrument, Item, loinc, options
from scoring.result import Result, build_result
from scoring.tables import load

ITEMS = tuple(
    Item("global07", None, 0, 10) if n == 7 else Item(f"global{n:02d}", None, 1, 5, options(1, 5))
    for n in range(1, 11)
)
SUMMARIES = {
    "gph": ("global03", "global06", "global07", "global08"),
    "gmh": ("global02", "global04", "global05", "global10"),
}
REVERSED_BEFORE_V12 = ("global08", "global10")
VERSIONS = ("1.2", "1.1")
HAYS_2009 = "Hays 2009 Qual Life Res 18:873; HealthMeasures PROMIS Global Health scoring manual"
SCALES = ("gph_t", "gph_raw", "gph_se", "gmh_t", "gmh_raw", "gmh_se")

INSTRUMENT = Instrument(
    id="promis_global10", name="PROMIS Global Health (Global-10)", version="1.2",
    licence="PROMIS measures are distributed by HealthMeasures / the PROMIS Health Organization; "
            "free for most research and clinical use. Check HealthMeasures terms before embedding "
            "in commercial software; item wording is not shipped.",
    wording_redistributable=False, items=ITEMS, scale_ids=SCALES, primary_scale="gph_t",
    higher_is_better={"gph_t": True, "gph_raw": True, "gmh_t": True, "gmh_raw": True,
                      "gph_se": False, "gmh_se": False},
    range={"gph_t": (16.2, 67.7), "gph_raw": (4, 20), "gph_se": (4.1, 5.9),
           "gmh_t": (21.2, 67.6), "gmh_raw": (4, 20), "gmh_se": (3.6, 5.3)},
    scoring_source=HAYS_2009,
    missing_rule="A summary with any of its four items missing gets no score (never prorated).",
    codes={"panel": loinc("85524-7", "PROMIS Global Health (Global-10)"),
           "gph_t": loinc("71971-6", "PROMIS-10 Global Physical Health (GPH) score T-score"),
           "gmh_t": loinc("71969-0", "PROMIS-10 Global Mental Health (GMH) score T-score")},
)


@functools.cache
def t_table() -> dict[str, dict[int, tuple[float, float]]]:
    """``{summary: {raw: (T, SE)}}`` from the HealthMeasures table, built once."""
    table = load("promis_global10_t_scores")
    raws = table.column("raw", int)
    return {summary: dict(zip(raws, zip(table.column(f"{summary}_t"), table.column(f"{summary}_se"))))
            for summary in SUMMARIES}


def recode_pain(pain: int) -> int:
    """Global07 pain 0-10 onto 1-5 (5 = no pain), as HealthMeasures and CHOIR do."""
    return 5 if pain == 0 else 4 if pain <= 3 else 3 if pain <= 6 else 2 if pain <= 9 else 1


def recode(values: tuple[int | None, ...], version: str) -> dict[str, int | None]:
    """Put every item on the v1.2 scoring direction (5 = best), pain recoded."""
    coded = dict(zip((item.id for item in ITEMS), values))
    if coded["global07"] is not None:
        coded["global07"] = recode_pain(coded["global07"])
    if version == "1.1":
        for item_id in REVERSED_BEFORE_V12:
            coded[item_id] = None if coded[item_id] is None else 6 - coded[item_id]
    return coded


def validate(answers: Answers) -> tuple[int | None, ...]:
    """Return the ten answers in item order (``None`` where missing), or raise."""
    return read_answers(INSTRUMENT, answers)


def score(answers: Answers, version: str = "1.2") -> Result:
    """Score one Global-10 response; ``version="1.1"`` for forms with 08 and 10 running 1 = best."""
    if version not in VERSIONS:
        raise InvalidOption(INSTRUMENT.id, "version", version, ", ".join(VERSIONS))
    coded = recode(validate(answers), version)
    scales, withheld = {}, []
    for summary, item_ids in SUMMARIES.items():
        missing = [item_id for item_id in item_ids if coded[item_id] is None]
        if missing:
            withheld.append(f"{summary}: {', '.join(missing)} unanswered and the summed-score "
                            "table needs all four items (never prorated)")
            continue
        raw = sum(coded[item_id] for item_id in item_ids)
        t_score, standard_error = t_table()[summary][raw]
        scales.update({f"{summary}_raw": raw, f"{summary}_t": t_score, f"{summary}_se": standard_error})
    return build_result(INSTRUMENT, scales, reason="; ".join(withheld) or None, version=version)


def interpret(value: float | None, scale: str = "gph_t") -> str | None:
    """No bands are shipped: the only cut-points found (CHOIR) are for a parent-proxy form."""
    return None
