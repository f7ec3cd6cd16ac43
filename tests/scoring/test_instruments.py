"""The metadata contract the rest of the product codes against."""
import pytest

from scoring import Instrument, instruments, score
from scoring.registry import MODULES

EXPECTED_IDS = ["phq9", "phq2", "gad7", "gad2", "eq5d5l", "eq5d3l", "eq_vas", "promis_global10",
                "swemwbs", "wemwbs", "ons4", "oxford_knee", "oxford_hip", "kccq12", "mymop2", "gas"]
PRIMARY = {"phq9": "total", "phq2": "total", "gad7": "total", "gad2": "total", "wemwbs": "total",
           "oxford_knee": "total", "oxford_hip": "total", "eq5d5l": "index", "eq5d3l": "index",
           "eq_vas": "vas", "promis_global10": "gph_t", "swemwbs": "metric", "kccq12": "summary",
           "mymop2": "profile", "gas": "t_score", "ons4": "life_satisfaction"}
REDISTRIBUTABLE = {"phq9", "phq2", "gad7", "gad2", "ons4", "gas"}


class TestCatalogue:
    def test_the_sixteen_instruments_are_listed_in_a_stable_order(self):
        assert instruments() == EXPECTED_IDS

    @pytest.mark.parametrize("instrument_id", EXPECTED_IDS)
    def test_each_module_exposes_the_same_names(self, instrument_id):
        module = MODULES[instrument_id]
        assert all(hasattr(module, name) for name in ("INSTRUMENT", "ITEMS", "validate", "score", "interpret"))
        assert module.ITEMS == module.INSTRUMENT.items


@pytest.mark.parametrize("instrument_id", EXPECTED_IDS)
class TestInstrumentMetadata:
    def test_it_is_an_immutable_instrument(self, instrument_id):
        instrument = instruments(instrument_id)
        assert isinstance(instrument, Instrument) and instrument.id == instrument_id
        with pytest.raises(AttributeError):
            instrument.name = "changed"
        with pytest.raises(TypeError):
            instrument.range["x"] = (0, 1)

    def test_the_primary_scale_is_the_agreed_one(self, instrument_id):
        instrument = instruments(instrument_id)
        assert instrument.primary_scale == PRIMARY[instrument_id] and instrument.primary_scale in instrument.scale_ids

    def test_every_numeric_scale_has_a_range_and_a_direction(self, instrument_id):
        instrument = instruments(instrument_id)
        numeric = [s for s in instrument.scale_ids if s != "profile" or instrument_id == "mymop2"]
        assert set(instrument.range) == set(numeric) and set(instrument.higher_is_better) == set(numeric)

    def test_wording_ships_only_where_redistributable(self, instrument_id):
        instrument = instruments(instrument_id)
        assert instrument.wording_redistributable is (instrument_id in REDISTRIBUTABLE)
        if not instrument.wording_redistributable:
            assert all(item.text is None for item in instrument.items)
            assert all(option.label is None for item in instrument.items for option in item.options)

    def test_bands_and_thresholds_name_their_sources(self, instrument_id):
        instrument = instruments(instrument_id)
        assert all(band.source for bands in instrument.bands.values() for band in bands)
        assert all(t.source for t in (*instrument.mid.values(), *instrument.reliable_change.values()))
        assert instrument.licence and instrument.scoring_source and instrument.missing_rule

    def test_the_default_value_set_is_one_of_the_accepted(self, instrument_id):
        instrument = instruments(instrument_id)
        assert (instrument.default_value_set in instrument.value_sets) or not instrument.value_sets


class TestCodes:
    @pytest.mark.parametrize(("instrument_id", "scale", "system", "code"), [  # TECH-NOTES section 5
        ("phq9", "total", "http://loinc.org", "44261-6"), ("gad7", "total", "http://loinc.org", "70274-6"),
        ("promis_global10", "gph_t", "http://loinc.org", "71971-6"),
        ("promis_global10", "gmh_t", "http://loinc.org", "71969-0"),
        ("eq5d5l", "index", "http://snomed.info/sct", "736534008"),
    ])
    def test_fhir_codes_are_the_published_ones(self, instrument_id, scale, system, code):
        coding = instruments(instrument_id).codes[scale]
        assert (coding["system"], coding["code"]) == (system, code) and coding["display"]


class TestProvenance:
    def test_every_result_says_which_instrument_version_and_algorithm_made_it(self):
        result = score("phq9", [0] * 9)
        assert result.instrument == "phq9" and result.instrument_version and result.algorithm_version == "1"
        assert result.value_set is None

    def test_results_serialise_to_plain_json_types(self):
        import json
        assert json.loads(json.dumps(score("eq5d5l", [1, 2, 3, 4, 5]).to_dict()))["scales"]["profile"] == "12345"
